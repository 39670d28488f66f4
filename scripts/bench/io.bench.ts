/**
 * `npm run bench:io` (or `npm run bench -- io`): load time and peak RSS of the
 * image readers, each load in a fresh child process, against baselines
 * measured in the same run:
 *   floor   — fs.readFile of the same bytes (every file of the folder, or the file);
 *   python  — the usual script: pydicom + numpy (read, sort by position, stack) or
 *             nibabel, with Debian's /usr/bin/python3.
 * Cases: (a) ../shared/data/mr_series_chest_cardiac_seg3d (640²×44), (b) a
 * generated 512×512×400 uncompressed CT phantom series, (c) its first 200
 * slices as JPEG 2000 lossless (pool and one thread), (d) the phantom as
 * .nii.gz, (e) a 133-slice CT with the real GE headers of the dcmqi liver
 * slices (16-bit unsigned, intercept −1024). Generated inputs live in $TMPDIR/voxa-bench-io (kept between runs;
 * VOXA_BENCH_REGEN=1 rewrites them). VOXA_BENCH_REPEATS (default 3): runs per
 * measurement, the median is shown.
 * Goals (issue 3): uncompressed series ≤ 2× the floor and ≥ 3× faster than
 * pydicom + numpy; JPEG 2000 keeps both cores busy (CPU/wall) and beats one
 * thread; peak RSS ≤ 1.5 × voxel bytes + 300 MB.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const outDir = path.join(root, 'dist', 'bench');
const dataDir = path.resolve(process.env.VOXA_DATA_DIR ?? path.join(root, '..', 'shared', 'data'));
const work = path.join(os.tmpdir(), 'voxa-bench-io');
const REPEATS = Math.max(1, Number(process.env.VOXA_BENCH_REPEATS ?? 3));
const PYTHON = '/usr/bin/python3';

interface Run {
  ms: number;
  peakRssMb: number;
  cpuMs?: number;
  bytes?: number;
  sum?: number;
}

async function bundle(): Promise<void> {
  const common = { bundle: true, platform: 'node' as const, target: 'node20', format: 'cjs' as const, external: ['electron', 'onnxruntime-node', 'better-sqlite3'], logLevel: 'error' as const };
  await Promise.all([
    build({ ...common, entryPoints: [path.join(here, 'ioLoadChild.ts')], outfile: path.join(outDir, 'ioLoadChild.cjs') }),
    build({ ...common, entryPoints: [path.join(here, 'ioBenchData.ts')], outfile: path.join(outDir, 'ioBenchData.cjs') }),
    // decodePool.ts looks for the worker beside the running bundle.
    build({ ...common, entryPoints: [path.join(root, 'main/services/io/codecs/decodeWorker.ts')], outfile: path.join(outDir, 'decodeWorker.cjs') }),
  ]);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function runNode(mode: string, target: string, env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [path.join(outDir, 'ioLoadChild.cjs'), mode, target], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`ioLoadChild ${mode} ${target} failed: ${r.stderr.slice(0, 400)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Run;
}

const PYDICOM = `
import sys, os, time, json, resource
import numpy as np, pydicom
d = sys.argv[1]
t = time.perf_counter()
ds = [pydicom.dcmread(os.path.join(d, f)) for f in sorted(os.listdir(d))]
o = np.array(ds[0].ImageOrientationPatient, float); n = np.cross(o[:3], o[3:])
ds.sort(key=lambda x: float(np.dot(n, np.array(x.ImagePositionPatient, float))))
slope = float(getattr(ds[0], 'RescaleSlope', 1)); inter = float(getattr(ds[0], 'RescaleIntercept', 0))
first = ds[0].pixel_array
vol = np.empty((len(ds),) + first.shape, dtype=np.int16 if slope == 1 and float(inter).is_integer() else np.float32)
for k, x in enumerate(ds):
    vol[k] = x.pixel_array * slope + inter if (slope != 1 or inter != 0) else x.pixel_array
ms = (time.perf_counter() - t) * 1000
print(json.dumps({'ms': ms, 'peakRssMb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'bytes': int(vol.nbytes), 'sum': float(vol.astype(np.float64).sum())}))
`;
const NIBABEL = `
import sys, time, json, resource
import numpy as np, nibabel as nib
t = time.perf_counter()
a = np.asanyarray(nib.load(sys.argv[1]).dataobj)
ms = (time.perf_counter() - t) * 1000
print(json.dumps({'ms': ms, 'peakRssMb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'bytes': int(a.nbytes)}))
`;

function runPython(code: string, target: string): Run | string {
  const r = spawnSync(PYTHON, ['-c', code, target], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) return (r.stderr.trim().split('\n').pop() ?? 'failed').slice(0, 120);
  return JSON.parse(r.stdout.trim()) as Run;
}

function measure(f: () => Run, repeats = REPEATS): Run & { runs: number } {
  const runs = Array.from({ length: repeats }, f);
  return { ms: median(runs.map((r) => r.ms)), peakRssMb: median(runs.map((r) => r.peakRssMb)), cpuMs: median(runs.map((r) => r.cpuMs ?? 0)), bytes: runs[0]?.bytes ?? 0, ...(runs[0]?.sum !== undefined ? { sum: runs[0].sum } : {}), runs: repeats };
}

function measurePython(code: string, target: string): Run | string {
  const runs: Run[] = [];
  for (let n = 0; n < Math.min(REPEATS, 2); n++) {
    const r = runPython(code, target);
    if (typeof r === 'string') return r;
    runs.push(r);
  }
  return { ms: median(runs.map((r) => r.ms)), peakRssMb: median(runs.map((r) => r.peakRssMb)), bytes: runs[0]?.bytes ?? 0, ...(runs[0]?.sum !== undefined ? { sum: runs[0].sum } : {}) };
}

const fmtMs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);
const ok = (b: boolean) => (b ? 'met' : 'MISSED');

void (async () => {
  const t0 = performance.now();
  await bundle();
  const manifestFile = path.join(work, 'manifest.json');
  if (process.env.VOXA_BENCH_REGEN || !existsSync(manifestFile)) {
    console.log(`generating inputs in ${work} (phantom 512×512×400 as DICOM, J2K 200 slices, .nii.gz; about a minute)...`);
    const out = execFileSync(process.execPath, [path.join(outDir, 'ioBenchData.cjs'), work], { encoding: 'utf8', maxBuffer: 1 << 20 });
    writeFileSync(manifestFile, out.trim().split('\n').pop() as string);
  }
  const m = JSON.parse(readFileSync(manifestFile, 'utf8')) as { ctDir: string; nii: string; j2kDir: string; voxelBytes400: number; voxelBytes200: number; j2kSum: number };
  const cardiac = path.join(dataDir, 'mr_series_chest_cardiac_seg3d');
  const hasCardiac = existsSync(cardiac);
  // (e) real CT headers at chest-CT length: the dcmqi liver slices repeated to 133 (see ioBenchData.ts).
  const liver = path.join(dataDir, 'seg_dicom_liver_ct3slice_dcmqi', 'ct');
  const realCt = path.join(work, 'realct512x512x133');
  if (existsSync(liver) && (process.env.VOXA_BENCH_REGEN || !existsSync(realCt))) execFileSync(process.execPath, [path.join(outDir, 'ioBenchData.cjs'), work, '--real-ct', liver], { encoding: 'utf8' });
  const hasRealCt = existsSync(realCt);
  const hasPython = spawnSync(PYTHON, ['-c', 'import pydicom, nibabel, numpy'], { stdio: 'ignore' }).status === 0;

  // Warm the page cache once so every measurement reads from memory alike.
  for (const p of [cardiac, realCt, m.ctDir, m.j2kDir, m.nii]) if (existsSync(p)) runNode('readfile', p);

  interface Row {
    name: string;
    voxa: Run;
    floor: Run;
    python: Run | string | null;
    voxelBytes: number;
    uncompressed: boolean;
  }
  const rows: Row[] = [];
  const cases: { name: string; target: string; python: string | null; uncompressed: boolean; voxelBytes?: number }[] = [
    ...(hasCardiac ? [{ name: '(a) MR 640²×44 DICOM (Seg3D)', target: cardiac, python: PYDICOM, uncompressed: true }] : []),
    ...(hasRealCt ? [{ name: '(e) CT 512²×133, real GE headers (dcmqi)', target: realCt, python: PYDICOM, uncompressed: true }] : []),
    { name: '(b) CT 512²×400 DICOM uncompressed', target: m.ctDir, python: PYDICOM, uncompressed: true },
    { name: '(c) CT 512²×200 DICOM JPEG 2000', target: m.j2kDir, python: PYDICOM, uncompressed: false },
    { name: '(d) CT 512²×400 .nii.gz', target: m.nii, python: NIBABEL, uncompressed: false },
  ];
  for (const c of cases) {
    process.stdout.write(`measuring ${c.name}...\n`);
    const voxa = measure(() => runNode('voxa', c.target, { VOXA_BENCH_SUM: '1' }));
    const floor = measure(() => runNode('readfile', c.target));
    const python = hasPython && c.python ? measurePython(c.python, c.target) : null;
    rows.push({ name: c.name, voxa, floor, python, voxelBytes: voxa.bytes ?? 0, uncompressed: c.uncompressed });
  }
  const j2kOne = measure(() => runNode('voxa', m.j2kDir, { VOXA_DECODE_WORKERS: '0' }));
  const j2kPool = rows.find((r) => r.name.startsWith('(c)'))?.voxa as Run;

  console.log(`\nIO benchmark — ${os.availableParallelism()} cores, median of ${REPEATS} fresh processes (python: ${Math.min(REPEATS, 2)}); times are the load alone, RSS is the process peak\n`);
  const header = ['case', 'voxa', '× floor', 'floor (readFile)', 'python', 'python ÷ voxa', 'voxa peak RSS', 'RSS goal', 'python RSS'];
  const table = rows.map((r) => {
    const py = typeof r.python === 'object' && r.python ? r.python : null;
    const rssGoalMb = (1.5 * r.voxelBytes) / 2 ** 20 + 300;
    return [
      r.name,
      fmtMs(r.voxa.ms),
      (r.voxa.ms / r.floor.ms).toFixed(2),
      fmtMs(r.floor.ms),
      py ? fmtMs(py.ms) : typeof r.python === 'string' ? `n/a (${r.python})` : 'n/a',
      py ? (py.ms / r.voxa.ms).toFixed(2) : '-',
      `${r.voxa.peakRssMb.toFixed(0)} MB`,
      `≤ ${rssGoalMb.toFixed(0)} MB ${ok(r.voxa.peakRssMb <= rssGoalMb)}`,
      py ? `${py.peakRssMb.toFixed(0)} MB` : '-',
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((row) => (row[c] as string).length)));
  const line = (cells: string[]) => cells.map((x, c) => x.padEnd(widths[c] as number)).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of table) console.log(line(row));

  console.log('\nGoals');
  for (const r of rows.filter((x) => x.uncompressed)) {
    const py = typeof r.python === 'object' && r.python ? r.python : null;
    console.log(`  ${r.name}: ≤ 2× floor ${ok(r.voxa.ms <= 2 * r.floor.ms)} (${(r.voxa.ms / r.floor.ms).toFixed(2)}×); ≥ 3× faster than pydicom+numpy ${py ? `${ok(py.ms >= 3 * r.voxa.ms)} (${(py.ms / r.voxa.ms).toFixed(2)}×)` : 'n/a'}`);
    if (py?.sum !== undefined && r.voxa.sum !== undefined) console.log(`    same voxels as pydicom: ${py.sum === r.voxa.sum ? 'yes' : `NO (sum ${r.voxa.sum} vs ${py.sum})`}`);
  }
  const cores = os.availableParallelism();
  console.log(
    `  (c) JPEG 2000: pool ${fmtMs(j2kPool.ms)} (CPU/wall ${((j2kPool.cpuMs ?? 0) / j2kPool.ms).toFixed(2)} on ${cores} cores) vs one thread ${fmtMs(j2kOne.ms)} (CPU/wall ${((j2kOne.cpuMs ?? 0) / j2kOne.ms).toFixed(2)}): ${(j2kOne.ms / j2kPool.ms).toFixed(2)}× faster ${ok(j2kPool.ms < j2kOne.ms && (j2kPool.cpuMs ?? 0) / j2kPool.ms > 0.8 * Math.min(cores, 2))}; lossless: ${j2kPool.sum === m.j2kSum ? 'voxel sum equals the phantom' : `SUM DIFFERS (${j2kPool.sum} vs ${m.j2kSum})`}`,
  );
  console.log(`\n(total ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
})().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
