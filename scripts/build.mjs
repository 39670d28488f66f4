// Builds every bundle with esbuild:
//   dist/main/app.cjs     Electron main process (electron stays external)
//   dist/main/host.cjs    host mode (plain Node, loopback WebSocket)
//   dist/main/cli.cjs     the `voxa` CLI
//   dist/preload/preload.cjs  sandboxed preload: one self-contained file
//   dist/renderer/        index.html + app.js + app.css
// Usage: node scripts/build.mjs [--only cli|host|app|preload|renderer] [--quiet]
import { build } from 'esbuild';
import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const quiet = args.includes('--quiet');

const nodeExternals = ['electron', 'onnxruntime-node', 'better-sqlite3', 'ws', 'bufferutil', 'utf-8-validate'];
const pkg = JSON.parse((await import('node:fs')).readFileSync(path.join(root, 'package.json'), 'utf8'));
const node = { define: { __VOXA_VERSION__: JSON.stringify(pkg.version) }, bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, external: nodeExternals, logLevel: quiet ? 'error' : 'info' };

// Worker thread that decodes compressed DICOM frames; main/services/io/codecs/decodePool.ts looks for it beside the bundle.
// Each worker is built once per run even when several targets need it (same output file).
const once = (f) => {
  let p = null;
  return () => (p ??= f());
};
const decodeWorker = once(() => build({ ...node, entryPoints: [path.join(root, 'main/services/io/codecs/decodeWorker.ts')], outfile: path.join(root, 'dist/main/decodeWorker.cjs') }));

// Inference worker thread (onnxruntime sessions); main/services/inference/worker/inferenceClient.ts looks for it beside the bundle.
const inferenceWorker = once(() => build({ ...node, entryPoints: [path.join(root, 'main/services/inference/worker/inferenceWorker.ts')], outfile: path.join(root, 'dist/main/inferenceWorker.cjs') }));

const targets = {
  app: () => Promise.all([build({ ...node, entryPoints: [path.join(root, 'main/app/electronMain.ts')], outfile: path.join(root, 'dist/main/app.cjs') }), decodeWorker(), inferenceWorker()]),
  host: () => Promise.all([build({ ...node, entryPoints: [path.join(root, 'main/host/hostMain.ts')], outfile: path.join(root, 'dist/main/host.cjs') }), decodeWorker(), inferenceWorker()]),
  cli: () => Promise.all([build({ ...node, entryPoints: [path.join(root, 'main/cli/bin.ts')], outfile: path.join(root, 'dist/main/cli.cjs') }), decodeWorker(), inferenceWorker()]),
  preload: () =>
    build({ ...node, entryPoints: [path.join(root, 'preload/preload.ts')], outfile: path.join(root, 'dist/preload/preload.cjs'), external: ['electron'] }),
  renderer: async () => {
    mkdirSync(path.join(root, 'dist/renderer'), { recursive: true });
    await build({
      bundle: true,
      platform: 'browser',
      target: 'chrome120',
      format: 'esm',
      jsx: 'automatic',
      sourcemap: true,
      minify: process.env.NODE_ENV === 'production',
      entryPoints: { app: path.join(root, 'renderer/src/main.tsx'), surfaceWorker: path.join(root, 'renderer/src/viewport/surfaceWorker.ts') },
      outdir: path.join(root, 'dist/renderer'),
      loader: { '.glsl': 'text', '.svg': 'dataurl', '.png': 'dataurl' },
      define: { 'process.env.NODE_ENV': JSON.stringify(process.env.NODE_ENV ?? 'development') },
      logLevel: quiet ? 'error' : 'info',
    });
    cpSync(path.join(root, 'renderer/index.html'), path.join(root, 'dist/renderer/index.html'));
  },
};

const selected = only ? [only] : Object.keys(targets);
for (const name of selected) {
  if (!targets[name]) throw new Error(`unknown build target ${name}`);
}
await Promise.all(selected.map((name) => targets[name]()));
