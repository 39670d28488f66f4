/**
 * The one run-length format of labelmap code: `(length, value)` pairs
 * covering a voxel box in grid order (i fastest, then j, then k), every
 * length positive. A mask delta's runs are this with values 0/1
 * (labelmapDelta.ts); an edit delta's runs are this with a (before, after)
 * pair as the value, hence triples (editDelta.ts), and either side of it is
 * this again (`editSide`); the journal's snapshot is this over the whole
 * grid (written value first, the order journals on disk have always had).
 */
import type { Vec3 } from '../volume';
import { boxOutsideGrid, boxVoxels, type VoxelBox } from './voxelBox';

/** `(length, value)` pairs. */
export type LabelRuns = Uint32Array;

/** Calls `visit(length, value)` for each run of equal values in `values[start..end)`, in order. */
export function forEachValueRun(values: ArrayLike<number>, visit: (length: number, value: number) => void, start = 0, end = values.length): void {
  let n = start;
  while (n < end) {
    const v = values[n] as number;
    let m = n + 1;
    while (m < end && values[m] === v) m++;
    visit(m - n, v);
    n = m;
  }
}

/** Builds runs from values pushed one at a time (in box order), merging equal neighbours. */
export class RunBuilder {
  private runs: number[] = [];
  private length = 0;
  private value = -1;

  push(value: number, length = 1): void {
    if (length <= 0) return;
    if (value === this.value) {
      this.length += length;
      return;
    }
    if (this.length > 0) this.runs.push(this.length, this.value);
    this.value = value;
    this.length = length;
  }

  finish(): LabelRuns {
    if (this.length > 0) this.runs.push(this.length, this.value);
    const out = Uint32Array.from(this.runs);
    this.runs = [];
    this.length = 0;
    this.value = -1;
    return out;
  }
}

/** The runs of `values` (i fastest over a box). */
export function encodeRuns(values: ArrayLike<number>): LabelRuns {
  const b = new RunBuilder();
  forEachValueRun(values, (len, v) => b.push(v, len));
  return b.finish();
}

/** Number of voxels the runs cover. */
export function runsVoxels(runs: LabelRuns): number {
  let total = 0;
  for (let r = 0; r < runs.length; r += 2) total += runs[r] as number;
  return total;
}

/** Why `runs` cannot cover `box` on a grid of `dims` with values up to `maxValue` (null when they can). */
export function validateBoxRuns(box: VoxelBox, runs: LabelRuns, dims: Vec3, maxValue: number): string | null {
  const outside = boxOutsideGrid(box, dims);
  if (outside) return outside;
  if (runs.length % 2 !== 0) return 'runs must come in (length, value) pairs';
  for (let r = 0; r < runs.length; r += 2) {
    if ((runs[r] as number) <= 0) return 'run lengths must be positive';
    if ((runs[r + 1] as number) > maxValue) return `values must be 0..${maxValue}`;
  }
  if (runsVoxels(runs) !== boxVoxels(box)) return 'runs do not cover the box';
  return null;
}

/** The box's content of `labels` (dims i fastest) as runs. */
export function readBoxRuns(labels: ArrayLike<number>, dims: Vec3, box: VoxelBox): LabelRuns {
  const b = new RunBuilder();
  for (let k = box.min[2]; k <= box.max[2]; k++)
    for (let j = box.min[1]; j <= box.max[1]; j++) {
      const row = dims[0] * (j + dims[1] * k);
      forEachValueRun(labels, (len, v) => b.push(v, len), row + box.min[0], row + box.max[0] + 1);
    }
  return b.finish();
}

/** Writes runs over `box` into `labels` (dims i fastest). Check them with `validateBoxRuns` first. */
export function writeBoxRuns(labels: Uint8Array | Uint16Array, dims: Vec3, box: VoxelBox, runs: LabelRuns): void {
  let r = 0;
  let left = runs[0] ?? 0;
  for (let k = box.min[2]; k <= box.max[2]; k++)
    for (let j = box.min[1]; j <= box.max[1]; j++) {
      let p = box.min[0] + dims[0] * (j + dims[1] * k);
      let i = box.min[0];
      while (i <= box.max[0]) {
        while (left === 0) {
          r += 2;
          if (r >= runs.length) throw new RangeError('runs do not cover the box');
          left = runs[r] as number;
        }
        const n = Math.min(left, box.max[0] - i + 1);
        labels.fill(runs[r + 1] as number, p, p + n);
        p += n;
        i += n;
        left -= n;
      }
    }
}
