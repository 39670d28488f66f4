/**
 * CLI start-up (issue 17): `voxa --help` and `voxa info` on a tiny NIfTI,
 * against a bare `node -e 0` measured in the same run (median of N runs each).
 * Target: --help ≤ 1.5× bare node.
 *
 * Run: npm run bench -- cli
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const N = Number(process.env.VOXA_BENCH_REPEATS ?? 15);

function medianMs(args: string[]): number {
  const t: number[] = [];
  for (let n = 0; n < N; n++) {
    const s = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
    if (r.status !== 0 && !args.includes('-e')) throw new Error(`${args.join(' ')} exited ${r.status}`);
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor((t.length - 1) / 2)] as number;
}

async function main() {
  const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--only', 'cli', '--quiet'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(1);
  const cli = path.join(root, 'dist/main/cli.cjs');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-clibench-'));
  try {
    const { writeNifti } = await import('../../main/services/io/niftiWriter');
    const nii = path.join(tmp, 'tiny.nii');
    await writeNifti({ geometry: { dimensions: [4, 4, 4], spacingMm: [1, 1, 1], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] }, dtype: 'int16', voxels: new Int16Array(64), meta: { modality: 'CT', sourceFormat: 'nifti', description: '', patientName: '', patientId: '', studyDate: '', seriesInstanceUid: '', warnings: [] } }, nii);
    const floor = medianMs(['-e', '0']);
    const help = medianMs([cli, '--help']);
    const info = medianMs([cli, 'info', nii, '--json']);
    console.log(`median of ${N} runs each (ms)`);
    console.log(`  node -e 0 (floor)   ${floor.toFixed(0).padStart(5)}`);
    console.log(`  voxa --help         ${help.toFixed(0).padStart(5)}   ${(help / floor).toFixed(2)}× floor   (target ≤ 1.5×)`);
    console.log(`  voxa info tiny.nii  ${info.toFixed(0).padStart(5)}   ${(info / floor).toFixed(2)}× floor`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

void main();
