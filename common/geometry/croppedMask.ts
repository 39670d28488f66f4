/**
 * A binary lesion mask cropped to its bounding box: the input every RECIST
 * measurement works on. Units: voxel indices (no millimetres here).
 */
import type { Vec3 } from '../volume';

export interface CroppedMask {
  /** Voxel index (i, j, k) in the full volume of the crop's first voxel. */
  min: Vec3;
  /** Crop size along i, j, k (voxels). */
  size: Vec3;
  /** 1 inside the lesion, 0 outside; i-fastest like {@link Volume} voxels. */
  inside: Uint8Array;
  /** Number of lesion voxels. */
  count: number;
}

/**
 * Crops the voxels equal to `label` (or, without a label, every finite
 * non-zero voxel) to their bounding box.
 * @returns null when no voxel matches.
 */
export function cropMask(dimensions: Vec3, voxels: ArrayLike<number>, label?: number): CroppedMask | null {
  const [ni, nj, nk] = dimensions;
  if (voxels.length !== ni * nj * nk) throw new RangeError(`mask has ${voxels.length} voxels, dimensions say ${ni * nj * nk}`);
  // Without a label: finite non-zero (NaN fails both comparisons below, ±Infinity is excluded).
  const anyLabel = label === undefined;
  const target = label ?? 0;
  const match = (v: number) => (anyLabel ? v !== 0 && v > -Infinity && v < Infinity : v === target);
  const lo: Vec3 = [ni, nj, nk];
  const hi: Vec3 = [-1, -1, -1];
  let count = 0;
  for (let k = 0; k < nk; k++) {
    for (let j = 0; j < nj; j++) {
      const row = (k * nj + j) * ni;
      let first = -1;
      let last = -1;
      for (let i = 0; i < ni; i++) {
        const v = voxels[row + i] as number;
        if (anyLabel ? v !== 0 && v > -Infinity && v < Infinity : v === target) {
          if (first < 0) first = i;
          last = i;
          count++;
        }
      }
      if (first < 0) continue;
      if (first < lo[0]) lo[0] = first;
      if (last > hi[0]) hi[0] = last;
      if (j < lo[1]) lo[1] = j;
      if (j > hi[1]) hi[1] = j;
      if (k < lo[2]) lo[2] = k;
      if (k > hi[2]) hi[2] = k;
    }
  }
  if (count === 0) return null;
  const size: Vec3 = [hi[0] - lo[0] + 1, hi[1] - lo[1] + 1, hi[2] - lo[2] + 1];
  const inside = new Uint8Array(size[0] * size[1] * size[2]);
  let m = 0;
  for (let k = lo[2]; k <= hi[2]; k++) {
    for (let j = lo[1]; j <= hi[1]; j++) {
      const row = (k * nj + j) * ni;
      for (let i = lo[0]; i <= hi[0]; i++, m++) if (match(voxels[row + i] as number)) inside[m] = 1;
    }
  }
  return { min: lo, size, inside, count };
}

/** Local (crop) flat index → full-volume voxel index (i, j, k). */
export function cropIndexToIjk(mask: CroppedMask, local: number): Vec3 {
  const [si, sj] = mask.size;
  const i = local % si;
  const j = Math.floor(local / si) % sj;
  const k = Math.floor(local / (si * sj));
  return [mask.min[0] + i, mask.min[1] + j, mask.min[2] + k];
}
