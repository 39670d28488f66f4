/**
 * A labelmap delta: what one segmentation step changed, as a bounding box on
 * the image grid plus run lengths of the voxels inside it. Masks cross process
 * boundaries in this form, never as whole volumes (DESIGN §3, "Big buffers"):
 * a 30-slice lesion in a 512×512×300 CT is a few kilobytes instead of 78 MB.
 *
 * Runs cover the box in grid order (i fastest, then j, then k) and alternate
 * outside/inside, starting with an outside run (possibly of length 0).
 */
import type { Vec3 } from '../volume';

export interface LabelmapDelta {
  /** Dimensions of the full image grid the box lies in. */
  dimensions: Vec3;
  /** Inclusive voxel-index bounds of the changed region; an empty delta has max < min. */
  bboxMin: Vec3;
  bboxMax: Vec3;
  /** The label value painted where the mask is set. */
  label: number;
  /** Alternating run lengths (outside, inside, outside, ...) over the box. */
  runs: Uint32Array;
  /** Number of voxels set. */
  voxelCount: number;
}

export function emptyDelta(dimensions: Vec3, label = 1): LabelmapDelta {
  return { dimensions: [...dimensions], bboxMin: [0, 0, 0], bboxMax: [-1, -1, -1], label, runs: new Uint32Array(0), voxelCount: 0 };
}

/**
 * Voxel bounding box (inclusive) and count of a mask's set voxels; with no
 * voxel set, count is 0 and max is [-1, -1, -1].
 */
export function maskBounds(mask: ArrayLike<number>, dimensions: Vec3, into?: { min: Vec3; max: Vec3 }): { min: Vec3; max: Vec3; count: number } {
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

/** Encodes a binary mask (non-zero = set) on a grid of `dimensions` as a delta. */
export function deltaFromMask(mask: ArrayLike<number>, dimensions: Vec3, label = 1): LabelmapDelta {
  const [ni, nj, nk] = dimensions;
  if (mask.length !== ni * nj * nk) throw new RangeError(`mask has ${mask.length} voxels, grid ${ni}×${nj}×${nk} needs ${ni * nj * nk}`);
  const { min, max, count } = maskBounds(mask, dimensions);
  if (count === 0) return emptyDelta(dimensions, label);
  const runs: number[] = [];
  let inside = false;
  let run = 0;
  for (let k = min[2]; k <= max[2]; k++) {
    for (let j = min[1]; j <= max[1]; j++) {
      const row = ni * (j + nj * k);
      for (let i = min[0]; i <= max[0]; i++) {
        const v = mask[row + i] ? true : false;
        if (v !== inside) {
          runs.push(run);
          run = 0;
          inside = v;
        }
        run++;
      }
    }
  }
  runs.push(run);
  return { dimensions: [...dimensions], bboxMin: min, bboxMax: max, label, runs: Uint32Array.from(runs), voxelCount: count };
}

/** Calls `visit(index)` for every set voxel of the delta (index into the full grid). */
export function forEachDeltaVoxel(d: LabelmapDelta, visit: (index: number) => void): void {
  if (d.voxelCount === 0) return;
  const [ni, nj] = d.dimensions;
  const bi = d.bboxMax[0] - d.bboxMin[0] + 1;
  const bj = d.bboxMax[1] - d.bboxMin[1] + 1;
  let pos = 0;
  for (let r = 0; r < d.runs.length; r++) {
    const len = d.runs[r] as number;
    if (r % 2 === 1) {
      for (let p = pos; p < pos + len; p++) {
        const i = d.bboxMin[0] + (p % bi);
        const j = d.bboxMin[1] + (Math.floor(p / bi) % bj);
        const k = d.bboxMin[2] + Math.floor(p / (bi * bj));
        visit(i + ni * (j + nj * k));
      }
    }
    pos += len;
  }
}

/**
 * Applies a delta to a labelmap in place. `paint` sets the delta's voxels to its
 * label; `replace` also clears that label elsewhere inside the box (the
 * semantics of "this is now the whole segment" within the box).
 */
export function applyDelta(labelmap: Uint8Array | Uint16Array, d: LabelmapDelta, mode: 'paint' | 'replace' = 'paint'): void {
  const [ni, nj, nk] = d.dimensions;
  if (labelmap.length !== ni * nj * nk) throw new RangeError('labelmap does not match the delta grid');
  if (mode === 'replace' && d.voxelCount > 0) {
    for (let k = d.bboxMin[2]; k <= d.bboxMax[2]; k++) {
      for (let j = d.bboxMin[1]; j <= d.bboxMax[1]; j++) {
        const row = ni * (j + nj * k);
        for (let i = d.bboxMin[0]; i <= d.bboxMax[0]; i++) if (labelmap[row + i] === d.label) labelmap[row + i] = 0;
      }
    }
  }
  forEachDeltaVoxel(d, (n) => {
    labelmap[n] = d.label;
  });
}

/** The dense binary mask (1 = set) of a delta on its full grid. */
export function maskFromDelta(d: LabelmapDelta): Uint8Array {
  const out = new Uint8Array(d.dimensions[0] * d.dimensions[1] * d.dimensions[2]);
  forEachDeltaVoxel(d, (n) => {
    out[n] = 1;
  });
  return out;
}

/** Number of slices along grid axis `axis` spanned by the delta's box (0 when empty). */
export function deltaSliceSpan(d: LabelmapDelta, axis: 0 | 1 | 2): number {
  return d.voxelCount === 0 ? 0 : d.bboxMax[axis] - d.bboxMin[axis] + 1;
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
  return {
    ...local,
    dimensions: [...dimensions],
    bboxMin: [bboxMin[0] + local.bboxMin[0], bboxMin[1] + local.bboxMin[1], bboxMin[2] + local.bboxMin[2]],
    bboxMax: [bboxMin[0] + local.bboxMax[0], bboxMin[1] + local.bboxMax[1], bboxMin[2] + local.bboxMax[2]],
  };
}
