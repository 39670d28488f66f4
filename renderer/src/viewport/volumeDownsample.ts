/**
 * Pure: the grid the 3D view renders. Volumes above a voxel budget are
 * subsampled by an integer stride per axis (nearest), so the 3D texture stays
 * small; smaller volumes are used as they are (no copy).
 */
import type { VolumeGeometry, VoxelArray } from '../../../common/volume';

/** Voxel budget of the 3D view's texture (16 Mi voxels). */
export const VR_MAX_VOXELS = 16 * 1024 * 1024;

export function downsampleStride(dims: [number, number, number], budget = VR_MAX_VOXELS): number {
  const n = dims[0] * dims[1] * dims[2];
  let f = 1;
  while (Math.ceil(dims[0] / f) * Math.ceil(dims[1] / f) * Math.ceil(dims[2] / f) > budget && f < 64) f++;
  return n > budget ? f : 1;
}

export function downsampleVolume(g: VolumeGeometry, voxels: VoxelArray, budget = VR_MAX_VOXELS): { geometry: VolumeGeometry; voxels: VoxelArray; stride: number } {
  const f = downsampleStride(g.dimensions, budget);
  if (f === 1) return { geometry: g, voxels, stride: 1 };
  const [ni, nj, nk] = g.dimensions;
  const d: [number, number, number] = [Math.ceil(ni / f), Math.ceil(nj / f), Math.ceil(nk / f)];
  const Ctor = voxels.constructor as new (n: number) => VoxelArray;
  const out = new Ctor(d[0] * d[1] * d[2]);
  let o = 0;
  for (let k = 0; k < nk; k += f)
    for (let j = 0; j < nj; j += f) {
      const row = ni * (j + nj * k);
      for (let i = 0; i < ni; i += f) out[o++] = voxels[row + i]!;
    }
  return { geometry: { ...g, dimensions: d, spacingMm: [g.spacingMm[0] * f, g.spacingMm[1] * f, g.spacingMm[2] * f] }, voxels: out, stride: f };
}
