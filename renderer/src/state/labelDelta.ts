/**
 * Labelmap deltas (pure): a change to a labelmap is a voxel box plus the new
 * label values inside it, run-length coded in i-fastest order. Applying a
 * delta returns its inverse (the old values), which is what undo keeps.
 * Deltas are what travel to the journal and across processes, never whole
 * labelmaps (see DESIGN.md §3, big buffers).
 */
import type { Vec3 } from '../../../common/volume';

/** Inclusive voxel box. */
export interface VoxelBox {
  min: Vec3;
  max: Vec3;
}

export interface LabelDelta {
  box: VoxelBox;
  /** Pairs (runLength, label) covering the box's voxels in i-fastest order. */
  runs: number[];
}

export function boxVoxelCount(box: VoxelBox): number {
  return (box.max[0] - box.min[0] + 1) * (box.max[1] - box.min[1] + 1) * (box.max[2] - box.min[2] + 1);
}

export function encodeRuns(values: ArrayLike<number>): number[] {
  const runs: number[] = [];
  let n = 0;
  while (n < values.length) {
    const v = values[n]!;
    let m = n + 1;
    while (m < values.length && values[m] === v) m++;
    runs.push(m - n, v);
    n = m;
  }
  return runs;
}

/** A delta that sets every voxel of `box` to the values in `values` (i-fastest over the box). */
export function deltaFromValues(box: VoxelBox, values: ArrayLike<number>): LabelDelta {
  if (values.length !== boxVoxelCount(box)) throw new RangeError('values do not cover the box');
  return { box, runs: encodeRuns(values) };
}

export function validateDelta(delta: LabelDelta, dims: Vec3): string | null {
  const { min, max } = delta.box;
  for (let a = 0; a < 3; a++) {
    if (!Number.isInteger(min[a]) || !Number.isInteger(max[a])) return 'box corners must be integers';
    if (min[a]! < 0 || max[a]! >= dims[a]! || min[a]! > max[a]!) return 'box outside the labelmap';
  }
  if (delta.runs.length % 2 !== 0) return 'runs must come in (length, label) pairs';
  let total = 0;
  for (let n = 0; n < delta.runs.length; n += 2) {
    const len = delta.runs[n]!;
    const label = delta.runs[n + 1]!;
    if (!Number.isInteger(len) || len <= 0) return 'run lengths must be positive integers';
    if (!Number.isInteger(label) || label < 0 || label > 255) return 'labels must be integers 0..255';
    total += len;
  }
  if (total !== boxVoxelCount(delta.box)) return 'runs do not cover the box';
  return null;
}

/** Writes `delta` into `labels` (dims i-fastest) and returns the inverse delta. Call validateDelta first. */
export function applyDelta(labels: Uint8Array, dims: Vec3, delta: LabelDelta): LabelDelta {
  const { min, max } = delta.box;
  const old = new Uint8Array(boxVoxelCount(delta.box));
  let run = 0;
  let left = delta.runs[0] ?? 0;
  let o = 0;
  for (let k = min[2]; k <= max[2]; k++)
    for (let j = min[1]; j <= max[1]; j++) {
      let p = min[0] + dims[0] * (j + dims[1] * k);
      for (let i = min[0]; i <= max[0]; i++, p++, o++) {
        while (left === 0) {
          run += 2;
          left = delta.runs[run] ?? 0;
        }
        old[o] = labels[p]!;
        labels[p] = delta.runs[run + 1]!;
        left--;
      }
    }
  return { box: delta.box, runs: encodeRuns(old) };
}
