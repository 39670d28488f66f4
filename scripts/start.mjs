// Starts Voxa: the Electron workstation when its binary is available (or can
// be fetched), otherwise host mode (the same services and UI in a browser).
//   node scripts/start.mjs [--demo] [--host] [host options...]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const forceHost = args.includes('--host');
const passThrough = args.filter((a) => a !== '--host');

const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--quiet'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

function electronBinary() {
  if (forceHost) return null;
  try {
    const bin = createRequire(import.meta.url)('electron');
    return typeof bin === 'string' && existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

const bin = electronBinary();
const child = bin
  ? spawn(bin, [root, ...passThrough], { stdio: 'inherit' })
  : (console.log(forceHost ? 'Starting host mode.' : 'Electron is not available on this machine; starting host mode (open the URL below in a browser).'),
    spawn(process.execPath, [path.join(root, 'dist/main/host.cjs'), ...passThrough], { stdio: 'inherit' }));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
