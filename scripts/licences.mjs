// `node scripts/licences.mjs`: assets/licences.json, the licences of what the app ships
// (every production npm package, transitively: `npm ls --omit=dev --all --parseable` gives
// where each is installed), shown in the app's About beside the bundled models' and data's
// licences. Run after changing dependencies; main/services/about.test.ts fails when the file
// no longer matches the installed production packages.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** name@version → licence of every installed production package. */
export function productionPackages() {
  const out = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  const seen = new Map();
  for (const dir of out.split('\n').map((l) => l.trim()).filter(Boolean)) {
    if (path.resolve(dir) === root) continue;
    let pkg;
    try {
      pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    const licence = typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? (Array.isArray(pkg.licenses) ? pkg.licenses.map((l) => l.type).join(' OR ') : 'UNKNOWN'));
    seen.set(`${pkg.name}@${pkg.version}`, { name: pkg.name, version: pkg.version, licence });
  }
  return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const packages = productionPackages();
  writeFileSync(path.join(root, 'assets', 'licences.json'), `${JSON.stringify({ packages }, null, 1)}\n`);
  console.log(`assets/licences.json: ${packages.length} packages`);
}
