// Starts Voxa: the Electron workstation when its binary is available (or can
// be fetched), otherwise host mode (the same services and UI in a browser).
//   node scripts/start.mjs [--demo] [--host] [host options...]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const forceHost = args.includes('--host');
const passThrough = args.filter((a) => a !== '--host');

const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--quiet'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

/**
 * Electron's binary, fetched once when it is missing. Not through `require('electron')`: that
 * downloads on its own with its output (a raw "fetch failed" stack offline) on this terminal.
 * The download's output goes to .voxa-data/logs/electron-download.log.
 */
function electronBinary() {
  if (forceHost) return null;
  const dir = path.join(root, 'node_modules', 'electron');
  const find = () => {
    try {
      const full = path.join(dir, 'dist', readFileSync(path.join(dir, 'path.txt'), 'utf8').trim());
      return existsSync(full) ? full : null;
    } catch {
      return null;
    }
  };
  const found = find();
  if (found || !existsSync(path.join(dir, 'install.js'))) return found;
  const r = spawnSync(process.execPath, [path.join(dir, 'install.js')], { cwd: root, encoding: 'utf8', timeout: 180_000 });
  const logs = path.join(root, '.voxa-data', 'logs');
  mkdirSync(logs, { recursive: true });
  writeFileSync(path.join(logs, 'electron-download.log'), `${r.stdout ?? ''}${r.stderr ?? ''}`);
  return r.status === 0 ? find() : null;
}

const bin = electronBinary();
const child = bin
  ? spawn(bin, [root, ...passThrough], { stdio: 'inherit' })
  : (console.log(forceHost ? 'Starting host mode.' : "Electron's binary is not installed and could not be downloaded (offline?): starting host mode; open the URL below in a browser."),
    spawn(process.execPath, [path.join(root, 'dist/main/host.cjs'), ...passThrough], { stdio: 'inherit' }));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
