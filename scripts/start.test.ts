/**
 * `npm run demo` / `npm start` on a machine where Electron's binary is missing and cannot be
 * downloaded (this one, offline): a few calm lines, no raw "fetch failed" stack (issue 17; it came
 * from `require('electron')`, which downloads on its own onto the terminal), one line saying host
 * mode starts, then the URL.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const electronInstalled = (() => {
  try {
    const dir = path.join(root, 'node_modules', 'electron');
    return existsSync(path.join(dir, 'dist', readFileSync(path.join(dir, 'path.txt'), 'utf8').trim()));
  } catch {
    return false;
  }
})();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-start-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(electronInstalled)('start without Electron', () => {
  it('says in one line that host mode starts, prints the URL, and nothing alarming', async () => {
    const child = spawn(process.execPath, [path.join(root, 'scripts', 'start.mjs'), '--demo', '--port', '0', '--data-dir', tmp], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const done = new Promise<void>((resolve) => {
      const onData = (d: Buffer) => {
        out += d.toString();
        if (/open http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(out) && /file browser roots/.test(out)) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', () => resolve());
    });
    await done;
    child.kill('SIGTERM');
    expect(out).toMatch(/open http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    expect(out.match(/host mode/g)?.length).toBe(2); // the reason, then the URL line
    expect(out).not.toMatch(/fetch failed|TypeError|Error:|\n\s+at /);
    expect(out).not.toMatch(/Downloading Electron/);
    expect(out.trim().split('\n').length).toBeLessThanOrEqual(6);
  }, 120_000);
});
