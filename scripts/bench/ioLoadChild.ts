/**
 * One measured load in a fresh process (bundled by io.bench.ts into dist/bench/
 * beside decodeWorker.cjs). Prints one JSON line: wall time of the load, peak
 * RSS of the process (getrusage maxRSS), voxel bytes.
 * Usage: node dist/bench/ioLoadChild.cjs <voxa|readfile> <path>
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { scanDicomFolder, seriesToVolume } from '../../main/services/io/dicomSeriesReader';
import { loadVolume } from '../../main/services/io/volumeLoader';

async function readAllFiles(p: string): Promise<number> {
  const info = await stat(p);
  if (!info.isDirectory()) return (await readFile(p)).length;
  let total = 0;
  for (const e of await readdir(p, { withFileTypes: true })) if (e.isFile()) total += (await readFile(path.join(p, e.name))).length;
  return total;
}

void (async () => {
  const [mode, target] = process.argv.slice(2);
  if (!target) throw new Error('usage: ioLoadChild <voxa|readfile> <path>');
  const rssBefore = process.resourceUsage().maxRSS;
  const t0 = performance.now();
  let voxelBytes = 0;
  const phases: Record<string, number> = {};
  if (mode === 'readfile') voxelBytes = await readAllFiles(target);
  else if (mode === 'phases') {
    // DICOM folder, scan and decode timed apart.
    const scan = await scanDicomFolder(target);
    phases.scanMs = performance.now() - t0;
    voxelBytes = (await seriesToVolume(scan.series[0]!)).voxels.byteLength;
    phases.decodeMs = performance.now() - t0 - phases.scanMs;
  } else voxelBytes = (await loadVolume(target)).voxels.byteLength;
  const ms = performance.now() - t0;
  const ru = process.resourceUsage();
  console.log(JSON.stringify({ ...phases, ms, peakRssMb: ru.maxRSS / 1024, startRssMb: rssBefore / 1024, voxelBytes, cpuMs: (ru.userCPUTime + ru.systemCPUTime) / 1000 }));
})().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
