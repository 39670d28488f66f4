/**
 * One measured load in a fresh process (bundled by io.bench.ts into dist/bench/
 * beside decodeWorker.cjs). Prints one JSON line: wall time of the load, peak
 * RSS of the process (getrusage maxRSS), voxel bytes, CPU time.
 * Usage: node dist/bench/ioLoadChild.cjs <voxa|readfile|phases> <path>
 * (phases: a DICOM folder, scan and decode timed apart; VOXA_BENCH_SUM=1 adds
 * the voxel sum, computed after the timing).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Volume } from '../../common/volume';
import { seriesToVolume } from '../../main/services/io/dicom/seriesReader';
import { scanDicomFolder } from '../../main/services/io/dicom/seriesScan';
import { loadVolume } from '../../main/services/io/volumeLoader';

/** The floor: every file's bytes read into memory, one after the other. */
async function readAllFiles(p: string): Promise<number> {
  const info = await stat(p);
  if (!info.isDirectory()) return (await readFile(p)).length;
  let total = 0;
  for (const e of await readdir(p, { withFileTypes: true })) if (e.isFile()) total += (await readFile(path.join(p, e.name))).length;
  return total;
}

void (async () => {
  const [mode, target] = process.argv.slice(2);
  if (!target) throw new Error('usage: ioLoadChild <voxa|readfile|phases> <path>');
  const rssBefore = process.resourceUsage().maxRSS;
  const t0 = performance.now();
  const extra: Record<string, number> = {};
  let bytes = 0;
  let volume: Volume | null = null;
  if (mode === 'readfile') bytes = await readAllFiles(target);
  else if (mode === 'phases') {
    const scan = await scanDicomFolder(target);
    extra.scanMs = performance.now() - t0;
    volume = await seriesToVolume(scan.series[0]!);
    extra.decodeMs = performance.now() - t0 - extra.scanMs;
  } else volume = await loadVolume(target);
  const ms = performance.now() - t0;
  const ru = process.resourceUsage();
  if (volume) {
    bytes = volume.voxels.byteLength;
    if (process.env.VOXA_BENCH_SUM) {
      let sum = 0;
      for (let n = 0; n < volume.voxels.length; n++) sum += volume.voxels[n] as number;
      extra.sum = sum;
    }
  }
  console.log(JSON.stringify({ ...extra, ms, peakRssMb: ru.maxRSS / 1024, startRssMb: rssBefore / 1024, bytes, cpuMs: (ru.userCPUTime + ru.systemCPUTime) / 1000 }));
})().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
