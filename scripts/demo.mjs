// `npm run demo`: set up (only when needed) and start the workstation on its demo study, saying
// in a few calm lines what it does. Dependencies are installed with `npm ci` when the lockfile
// changed since the last install (its output goes to .voxa-data/logs/npm-ci.log); then
// scripts/start.mjs builds and starts Electron, or host mode in one line where Electron's binary
// cannot be had (offline). `--no-start` stops after the setup.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const noStart = args.includes('--no-start');
const logs = path.join(root, '.voxa-data', 'logs');
mkdirSync(logs, { recursive: true });
const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' };

const lockHash = createHash('sha256').update(readFileSync(path.join(root, 'package-lock.json'))).digest('hex');
const stamp = path.join(root, 'node_modules', '.voxa-installed');
const installed = existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === lockHash;
if (installed) console.log('Dependencies are up to date.');
else {
  console.log('Installing dependencies (npm ci; a few minutes on the first start)…');
  const t0 = Date.now();
  const log = path.join(logs, 'npm-ci.log');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  writeFileSync(log, `${r.stdout ?? ''}${r.stderr ?? ''}`);
  if (r.status !== 0) {
    console.error(`npm ci failed (exit ${r.status}); the end of ${path.relative(root, log)}:`);
    console.error(`${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n'));
    process.exit(r.status ?? 1);
  }
  writeFileSync(stamp, lockHash);
  console.log(`Dependencies installed in ${Math.round((Date.now() - t0) / 1000)} s.`);
}

if (noStart) process.exit(0);
const child = spawn(process.execPath, [path.join(root, 'scripts', 'start.mjs'), '--demo'], { cwd: root, env, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
