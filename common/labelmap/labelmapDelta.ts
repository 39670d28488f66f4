/**
 * A mask delta: one segment's voxels as a model or a tool found them, as a
 * box on the image grid plus runs over it. Masks cross process boundaries in
 * this form, never as whole volumes (DESIGN §3, "Big buffers"): a 30-slice
 * lesion in a 512×512×300 CT is a few kilobytes instead of 78 MB. It is a
 * mask, not a change: turning it into an undoable change of the labelmap
 * gives an edit delta (common/editing/maskEdit.ts, editDelta.ts).
 *
 * Runs are the one run-length format (runLength.ts): `(length, value)` pairs
 * over the box in grid order (i fastest, then j, then k), value 1 inside the
 * mask and 0 outside.
 */
import type { Vec3 } from '../volume';
import { RunBuilder, type LabelRuns } from './runLength';
import { emptyBox, maskBounds, type VoxelBox } from './voxelBox';

export interface LabelmapDelta {
  /** Dimensions of the full image grid the box lies in. */
  dimensions: Vec3;
  /** Inclusive voxel-index bounds of the mask; empty (max < min) for an empty mask. */
  box: VoxelBox;
  /** The label value painted where the mask is set. */
  label: number;
  /** `(length, 0 | 1)` runs over the box. */
  runs: LabelRuns;
  /** Number of voxels set. */
  voxelCount: number;
}

export function emptyDelta(dimensions: Vec3, label = 1): LabelmapDelta {
  return { dimensions: [...dimensions], box: emptyBox(), label, runs: new Uint32Array(0), voxelCount: 0 };
}

/** Encodes a binary mask (non-zero = set) on a grid of `dimensions` as a delta. */
export function deltaFromMask(mask: ArrayLike<number>, dimensions: Vec3, label = 1): LabelmapDelta {
  const [ni, nj, nk] = dimensions;
  if (mask.length !== ni * nj * nk) throw new RangeError(`mask has ${mask.length} voxels, grid ${ni}×${nj}×${nk} needs ${ni * nj * nk}`);
  const { min, max, count } = maskBounds(mask, dimensions);
  if (count === 0) return emptyDelta(dimensions, label);
  const runs = new RunBuilder();
  for (let k = min[2]; k <= max[2]; k++) {
    for (let j = min[1]; j <= max[1]; j++) {
      const row = ni * (j + nj * k);
      for (let i = min[0]; i <= max[0]; i++) runs.push(mask[row + i] ? 1 : 0);
    }
  }
  return { dimensions: [...dimensions], box: { min, max }, label, runs: runs.finish(), voxelCount: count };
}

/** Calls `visit(index)` for every set voxel of the delta (index into the full grid). */
export function forEachDeltaVoxel(d: LabelmapDelta, visit: (index: number) => void): void {
  if (d.voxelCount === 0) return;
  const [ni, nj] = d.dimensions;
  const { min, max } = d.box;
  const bi = max[0] - min[0] + 1;
  const bj = max[1] - min[1] + 1;
  let pos = 0;
  for (let r = 0; r < d.runs.length; r += 2) {
    const len = d.runs[r] as number;
    if (d.runs[r + 1]) {
      for (let p = pos; p < pos + len; p++) {
        const i = min[0] + (p % bi);
        const j = min[1] + (Math.floor(p / bi) % bj);
        const k = min[2] + Math.floor(p / (bi * bj));
        visit(i + ni * (j + nj * k));
      }
    }
    pos += len;
  }
}

/** Voxels set in both deltas (same grid), in memory of b's box, not of the grid. */
export function deltaOverlap(a: LabelmapDelta, b: LabelmapDelta): number {
  if (a.voxelCount === 0 || b.voxelCount === 0) return 0;
  const [ni, nj] = b.dimensions;
  const { min, max } = b.box;
  const bi = max[0] - min[0] + 1, bj = max[1] - min[1] + 1;
  const inB = new Uint8Array(bi * bj * (max[2] - min[2] + 1));
  let pos = 0;
  for (let r = 0; r < b.runs.length; r += 2) {
    const len = b.runs[r] as number;
    if (b.runs[r + 1]) inB.fill(1, pos, pos + len);
    pos += len;
  }
  let n = 0;
  forEachDeltaVoxel(a, (q) => {
    const i = q % ni, j = Math.floor(q / ni) % nj, k = Math.floor(q / (ni * nj));
    if (i < min[0] || i > max[0] || j < min[1] || j > max[1] || k < min[2] || k > max[2]) return;
    n += inB[i - min[0] + bi * (j - min[1] + bj * (k - min[2]))] as number;
  });
  return n;
}

/** The dense binary mask (1 = set) of a delta on its full grid. */
export function maskFromDelta(d: LabelmapDelta): Uint8Array {
  const out = new Uint8Array(d.dimensions[0] * d.dimensions[1] * d.dimensions[2]);
  forEachDeltaVoxel(d, (n) => {
    out[n] = 1;
  });
  return out;
}

/**
 * A delta from a mask that covers only the box [bboxMin, bboxMax] (i fastest
 * within the box), e.g. assembled slice by slice; the box is tightened.
 */
export function deltaFromBoxMask(boxMask: Uint8Array, bboxMin: Vec3, bboxMax: Vec3, dimensions: Vec3, label = 1): LabelmapDelta {
  const bi = bboxMax[0] - bboxMin[0] + 1;
  const bj = bboxMax[1] - bboxMin[1] + 1;
  const bk = bboxMax[2] - bboxMin[2] + 1;
  if (bi <= 0 || bj <= 0 || bk <= 0) return emptyDelta(dimensions, label);
  if (boxMask.length !== bi * bj * bk) throw new RangeError('box mask does not match its box');
  const local = deltaFromMask(boxMask, [bi, bj, bk], label);
  if (local.voxelCount === 0) return emptyDelta(dimensions, label);
  const at = (v: Vec3): Vec3 => [bboxMin[0] + v[0], bboxMin[1] + v[1], bboxMin[2] + v[2]];
  return { ...local, dimensions: [...dimensions], box: { min: at(local.box.min), max: at(local.box.max) } };
}
