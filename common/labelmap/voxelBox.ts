/**
 * The one voxel box of the labelmap code: inclusive voxel-index corners on
 * the image grid, empty when any max < min. Edit deltas, mask deltas, the
 * renderer's "last change" and every editing tool's working region use it.
 */
import type { Vec3 } from '../volume';

/** Inclusive voxel-index box; empty when any max < min. */
export interface VoxelBox {
  min: Vec3;
  max: Vec3;
}

export function emptyBox(): VoxelBox {
  return { min: [0, 0, 0], max: [-1, -1, -1] };
}

export function isEmptyBox(b: VoxelBox): boolean {
  return b.max[0] < b.min[0] || b.max[1] < b.min[1] || b.max[2] < b.min[2];
}

/** Voxels along each axis (0 on an axis where the box is empty). */
export function boxSize(b: VoxelBox): Vec3 {
  return [Math.max(0, b.max[0] - b.min[0] + 1), Math.max(0, b.max[1] - b.min[1] + 1), Math.max(0, b.max[2] - b.min[2] + 1)];
}

export function boxVoxels(b: VoxelBox): number {
  const s = boxSize(b);
  return s[0] * s[1] * s[2];
}

/** The box clipped to a grid of `dims`. */
export function clipBox(b: VoxelBox, dims: Vec3): VoxelBox {
  return {
    min: [Math.max(0, b.min[0]), Math.max(0, b.min[1]), Math.max(0, b.min[2])],
    max: [Math.min(dims[0] - 1, b.max[0]), Math.min(dims[1] - 1, b.max[1]), Math.min(dims[2] - 1, b.max[2])],
  };
}

/** Why `b` is not a non-empty box of integer corners inside a grid of `dims` (null when it is). */
export function boxOutsideGrid(b: VoxelBox, dims: Vec3): string | null {
  for (let a = 0; a < 3; a++) {
    const lo = b.min[a] as number;
    const hi = b.max[a] as number;
    if (!Number.isInteger(lo) || !Number.isInteger(hi)) return 'box corners must be integers';
    if (lo < 0 || hi >= (dims[a] as number) || lo > hi) return 'box lies outside the grid';
  }
  return null;
}

/** The smallest box holding every non-empty box given (empty when there is none). */
export function unionBox(boxes: readonly VoxelBox[]): VoxelBox {
  const used = boxes.filter((b) => !isEmptyBox(b));
  if (used.length === 0) return emptyBox();
  const min = [0, 1, 2].map((a) => Math.min(...used.map((b) => b.min[a] as number))) as Vec3;
  const max = [0, 1, 2].map((a) => Math.max(...used.map((b) => b.max[a] as number))) as Vec3;
  return { min, max };
}

/**
 * Voxel bounding box (inclusive) and count of a mask's set voxels (non-zero);
 * with no voxel set, count is 0 and max is [-1, -1, -1]. `into` grows a box
 * given (the union over several masks).
 */
export function maskBounds(mask: ArrayLike<number>, dimensions: Vec3, into?: VoxelBox): VoxelBox & { count: number } {
  const [ni, nj, nk] = dimensions;
  const min: Vec3 = into?.min ?? [ni, nj, nk];
  const max: Vec3 = into?.max ?? [-1, -1, -1];
  let count = 0;
  for (let k = 0; k < nk; k++) {
    for (let j = 0; j < nj; j++) {
      const row = ni * (j + nj * k);
      for (let i = 0; i < ni; i++) {
        if (mask[row + i]) {
          count++;
          if (i < min[0]) min[0] = i;
          if (i > max[0]) max[0] = i;
          if (j < min[1]) min[1] = j;
          if (j > max[1]) max[1] = j;
          if (k < min[2]) min[2] = k;
          if (k > max[2]) max[2] = k;
        }
      }
    }
  }
  return { min, max, count };
}

/** Bounding box of the voxels holding `label`; empty when none do. */
export function labelBox(labels: ArrayLike<number>, dims: Vec3, label: number): VoxelBox {
  const min: Vec3 = [dims[0], dims[1], dims[2]];
  const max: Vec3 = [-1, -1, -1];
  const [ni, nj, nk] = dims;
  const typed = labels instanceof Uint8Array || labels instanceof Uint16Array ? labels : null;
  for (let k = 0; k < nk; k++) {
    const s0 = ni * nj * k;
    // Skip empty slices with the native search (most slices of a lesion labelmap are empty).
    if (typed && typed.subarray(s0, s0 + ni * nj).indexOf(label) < 0) continue;
    for (let j = 0; j < nj; j++) {
      const r0 = s0 + ni * j;
      let first = -1;
      let last = -1;
      if (typed) {
        const row = typed.subarray(r0, r0 + ni);
        first = row.indexOf(label);
        if (first >= 0) last = row.lastIndexOf(label);
      } else
        for (let i = 0; i < ni; i++)
          if (labels[r0 + i] === label) {
            if (first < 0) first = i;
            last = i;
          }
      if (first < 0) continue;
      if (first < min[0]) min[0] = first;
      if (last > max[0]) max[0] = last;
      if (j < min[1]) min[1] = j;
      if (j > max[1]) max[1] = j;
      if (k < min[2]) min[2] = k;
      if (k > max[2]) max[2] = k;
    }
  }
  return max[0] < 0 ? emptyBox() : { min, max };
}

/** The values inside `box` (i fastest over the box). */
export function readBox(labels: ArrayLike<number>, dims: Vec3, box: VoxelBox): Uint16Array {
  const [bi, bj, bk] = boxSize(box);
  const out = new Uint16Array(bi * bj * bk);
  let q = 0;
  for (let k = box.min[2]; k <= box.max[2]; k++)
    for (let j = box.min[1]; j <= box.max[1]; j++) {
      let p = box.min[0] + dims[0] * (j + dims[1] * k);
      for (let i = box.min[0]; i <= box.max[0]; i++, p++, q++) out[q] = labels[p] as number;
    }
  return out;
}
