/**
 * The demo as `npm run demo` starts it in host mode (`--demo`: the real IBSI STS_008 patient where
 * ../shared/data has it), in a fresh data folder, and the tumour's position read from the patient's
 * own tumour mask through the API (the reference the walk clicks on and checks against).
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { ijkToLps } from '../../common/geometry/affine';
import type { Vec3, VolumeGeometry } from '../../common/volume';
import { connectHostApi } from './hostApi';
import { startHost, type HostProcess } from './hostProcess';

export interface DemoTumour {
  geometry: VolumeGeometry;
  /** The tumour mask (0/1, the CT's grid). */
  mask: Uint8Array;
  /** The axial slice (k) with the most tumour voxels, and the tumour's centroid on it (LPS mm). */
  sliceK: number;
  centreLps: Vec3;
  voxels: number;
}

export async function startDemoHost(dataDir: string): Promise<HostProcess> {
  rmSync(dataDir, { recursive: true, force: true });
  return startHost(['--demo', '--data-dir', dataDir]);
}

/** Reads a mask through the host's API and finds its largest axial section. */
export async function readTumour(hostUrl: string, maskPath: string): Promise<DemoTumour> {
  const api = await connectHostApi(hostUrl);
  try {
    const m = await api.invoke('volume:open', { path: maskPath });
    const v = await api.invoke('volume:voxels', { volumeId: m.volumeId });
    await api.invoke('volume:close', { volumeId: m.volumeId });
    const g = m.geometry;
    const [nx, ny, nz] = g.dimensions;
    const raw = v.dtype === 'uint8' ? new Uint8Array(v.data) : new Float32Array(v.data);
    const mask = new Uint8Array(nx * ny * nz);
    for (let n = 0; n < mask.length; n++) mask[n] = raw[n]! > 0.5 ? 1 : 0;
    let best = -1;
    let bestCount = 0;
    let total = 0;
    for (let k = 0; k < nz; k++) {
      let c = 0;
      for (let n = k * nx * ny; n < (k + 1) * nx * ny; n++) c += mask[n]!;
      total += c;
      if (c > bestCount) [best, bestCount] = [k, c];
    }
    let si = 0;
    let sj = 0;
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) if (mask[best * nx * ny + j * nx + i]) [si, sj] = [si + i, sj + j];
    return { geometry: g, mask, sliceK: best, centreLps: ijkToLps(g, [si / bestCount, sj / bestCount, best]), voxels: total };
  } finally {
    api.close();
  }
}

/** Dice of label `label` in `labels` against a 0/1 mask of the same grid. */
export function diceWith(labels: ArrayLike<number>, label: number, mask: Uint8Array): number {
  let a = 0;
  let b = 0;
  let both = 0;
  for (let n = 0; n < mask.length; n++) {
    const x = labels[n] === label;
    const y = mask[n] === 1;
    if (x) a++;
    if (y) b++;
    if (x && y) both++;
  }
  return a + b === 0 ? 1 : (2 * both) / (a + b);
}

export const demoFile = (dataDir: string, name: string) => path.join(dataDir, 'demo', `IBSI STS_008 ${name}`);
