/**
 * Benchmarks that load the NIfTI reader cannot run under tsx (its package does
 * not load there): they bundle themselves with esbuild next to the CLI bundle
 * and run that.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export async function selfBundle(entry: string, outName: string): Promise<number> {
  const root = path.resolve(__dirname, '..', '..');
  const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--only', 'cli', '--quiet'], { stdio: 'inherit' });
  if (build.status !== 0) return 1;
  const esbuild = await import('esbuild');
  const out = path.join(root, 'dist/main', outName);
  await esbuild.build({ entryPoints: [entry], outfile: out, bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['onnxruntime-node', 'esbuild', 'better-sqlite3'], logLevel: 'error', define: { __VOXA_VERSION__: '"bench"' } });
  return spawnSync(process.execPath, [out, ...process.argv.slice(2)], { stdio: 'inherit' }).status ?? 1;
}
