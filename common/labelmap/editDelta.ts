/**
 * Edit deltas: what one editing step did to a labelmap, exactly enough to undo
 * and redo it. A delta is an inclusive voxel box on the image grid plus
 * run-length triples `(length, before, after)` covering the box in grid order
 * (i fastest, then j, then k). A run with `before === after` is untouched: it
 * still records the value there, so the delta's `after` runs alone are the
 * box's full new content (`editSide`, in the one `(length, value)` format of
 * runLength.ts, which the renderer's store writes) and its `before` runs the
 * full old content. The same delta is the wire form of every labelmap change
 * and the journal's step (bytes: editDeltaCodec.ts).
 *
 * Editing operations never mutate the labelmap: they propose new values for a
 * box, `buildEditDelta` keeps only what is allowed (locked segments never
 * change, in either direction) and tightens the box, and `applyEdit` /
 * `revertEdit` write it. Both check that the labelmap holds what the delta
 * expects before writing anything, so a delta applied to the wrong state is
 * refused instead of silently corrupting the mask.
 */
import { VoxaError } from '../contract/errors';
import type { Vec3 } from '../volume';
import { checkLabelmap, MAX_LABEL, maxLabelOf, type Labelmap } from './labelmap';
import { RunBuilder, type LabelRuns } from './runLength';
import { boxOutsideGrid, boxSize, boxVoxels, clipBox, emptyBox, isEmptyBox, type VoxelBox } from './voxelBox';

export interface EditDelta {
  /** The full grid the box lies in. */
  dimensions: Vec3;
  box: VoxelBox;
  /** Triples (runLength, before, after) covering the box, i fastest. */
  runs: Uint32Array;
  /** Number of voxels whose value changes. */
  changed: number;
}

/** A set of locked labels, as a lookup table over every label value. */
export type LockTable = Uint8Array;

export function lockTable(locked: Iterable<number> = []): LockTable {
  const t = new Uint8Array(MAX_LABEL + 1);
  for (const l of locked) if (Number.isInteger(l) && l >= 0 && l <= MAX_LABEL) t[l] = 1;
  return t;
}

export function emptyEditDelta(dimensions: Vec3): EditDelta {
  return { dimensions: [...dimensions], box: emptyBox(), runs: new Uint32Array(0), changed: 0 };
}

/**
 * The delta that turns the labelmap's content of `box` into `proposed`
 * (i fastest over the box), except where the old or the new value is a
 * locked label: those voxels keep their value. The box is tightened to the
 * voxels that change.
 */
export function buildEditDelta(labels: Labelmap, dims: Vec3, box: VoxelBox, proposed: ArrayLike<number>, locked: LockTable): EditDelta {
  checkLabelmap(labels, dims);
  if (isEmptyBox(box)) return emptyEditDelta(dims);
  const c = clipBox(box, dims);
  if (c.min.some((v, a) => v !== box.min[a]) || c.max.some((v, a) => v !== box.max[a])) throw new VoxaError('BAD_REQUEST', 'edit box lies outside the grid');
  const [bi, bj, bk] = boxSize(box);
  if (proposed.length !== bi * bj * bk) throw new VoxaError('BAD_REQUEST', 'proposed values do not cover the edit box');
  const maxLabel = maxLabelOf(labels);
  const [ni, nj] = dims;
  const min: Vec3 = [dims[0], dims[1], dims[2]];
  const max: Vec3 = [-1, -1, -1];
  const after = new Uint32Array(bi * bj * bk);
  let changed = 0;
  let o = 0;
  for (let k = 0; k < bk; k++) {
    for (let j = 0; j < bj; j++) {
      let p = box.min[0] + ni * (box.min[1] + j + nj * (box.min[2] + k));
      for (let i = 0; i < bi; i++, p++, o++) {
        const b = labels[p] as number;
        let a = proposed[o] as number;
        if (!Number.isInteger(a) || a < 0 || a > maxLabel) throw new VoxaError('BAD_REQUEST', `label ${a} does not fit a labelmap of labels 0..${maxLabel}`);
        if (a !== b && (locked[a] || locked[b])) a = b;
        after[o] = a;
        if (a !== b) {
          changed++;
          const gi = box.min[0] + i;
          const gj = box.min[1] + j;
          const gk = box.min[2] + k;
          if (gi < min[0]) min[0] = gi;
          if (gi > max[0]) max[0] = gi;
          if (gj < min[1]) min[1] = gj;
          if (gj > max[1]) max[1] = gj;
          if (gk < min[2]) min[2] = gk;
          if (gk > max[2]) max[2] = gk;
        }
      }
    }
  }
  if (changed === 0) return emptyEditDelta(dims);
  const runs: number[] = [];
  let runLen = 0;
  let runB = -1;
  let runA = -1;
  for (let k = min[2]; k <= max[2]; k++) {
    for (let j = min[1]; j <= max[1]; j++) {
      let p = min[0] + ni * (j + nj * k);
      let q = min[0] - box.min[0] + bi * (j - box.min[1] + bj * (k - box.min[2]));
      for (let i = min[0]; i <= max[0]; i++, p++, q++) {
        const b = labels[p] as number;
        const a = after[q] as number;
        if (b === runB && a === runA) runLen++;
        else {
          if (runLen > 0) runs.push(runLen, runB, runA);
          runLen = 1;
          runB = b;
          runA = a;
        }
      }
    }
  }
  runs.push(runLen, runB, runA);
  return { dimensions: [...dims], box: { min, max }, runs: Uint32Array.from(runs), changed };
}

/** Why a delta cannot be a delta on a grid of `dims` (null when it is well formed). */
export function validateEditDelta(d: EditDelta, dims: Vec3): string | null {
  if (d.dimensions.some((v, a) => v !== dims[a])) return `delta grid ${d.dimensions.join('×')} is not the labelmap grid ${dims.join('×')}`;
  if (d.changed === 0) return d.runs.length === 0 ? null : 'an empty delta has runs';
  if (boxOutsideGrid(d.box, dims)) return 'delta box lies outside the grid';
  if (d.runs.length % 3 !== 0) return 'runs must be (length, before, after) triples';
  let total = 0;
  let changed = 0;
  for (let r = 0; r < d.runs.length; r += 3) {
    const len = d.runs[r] as number;
    if (len <= 0) return 'run lengths must be positive';
    if (d.runs[r + 1] !== d.runs[r + 2]) changed += len;
    total += len;
  }
  if (total !== boxVoxels(d.box)) return 'runs do not cover the delta box';
  if (changed !== d.changed) return 'changed count does not match the runs';
  return null;
}

function write(labels: Labelmap, d: EditDelta, from: 1 | 2): void {
  checkLabelmap(labels, d.dimensions);
  const problem = validateEditDelta(d, d.dimensions);
  if (problem) throw new VoxaError('BAD_REQUEST', `bad edit delta: ${problem}`);
  if (d.changed === 0) return;
  const maxLabel = maxLabelOf(labels);
  const to = from === 1 ? 2 : 1;
  const [ni, nj] = d.dimensions;
  // Two passes: check everything, then write, so a refused delta leaves no trace.
  for (let pass = 0; pass < 2; pass++) {
    let r = 0;
    let left = d.runs[0] as number;
    for (let k = d.box.min[2]; k <= d.box.max[2]; k++) {
      for (let j = d.box.min[1]; j <= d.box.max[1]; j++) {
        let p = d.box.min[0] + ni * (j + nj * k);
        for (let i = d.box.min[0]; i <= d.box.max[0]; i++, p++) {
          while (left === 0) {
            r += 3;
            left = d.runs[r] as number;
          }
          left--;
          const expect = d.runs[r + from] as number;
          const value = d.runs[r + to] as number;
          if (expect === value) continue;
          if (pass === 0) {
            if (value > maxLabel) throw new VoxaError('BAD_REQUEST', `label ${value} does not fit a labelmap of labels 0..${maxLabel}`);
            if (labels[p] !== expect) throw new VoxaError('BAD_REQUEST', `edit delta does not match the labelmap at voxel (${i}, ${j}, ${k})`);
          } else labels[p] = value;
        }
      }
    }
  }
}

/** Writes the delta's new values; throws BAD_REQUEST (and writes nothing) when the labelmap is not in the delta's "before" state. */
export function applyEdit(labels: Labelmap, d: EditDelta): void {
  write(labels, d, 1);
}

/** Restores the delta's old values; throws BAD_REQUEST (and writes nothing) when the labelmap is not in the delta's "after" state. */
export function revertEdit(labels: Labelmap, d: EditDelta): void {
  write(labels, d, 2);
}

/** The inverse delta (undo as a delta of its own). */
export function invertEdit(d: EditDelta): EditDelta {
  const runs = new Uint32Array(d.runs.length);
  for (let r = 0; r < d.runs.length; r += 3) {
    runs[r] = d.runs[r] as number;
    runs[r + 1] = d.runs[r + 2] as number;
    runs[r + 2] = d.runs[r + 1] as number;
  }
  return { dimensions: [...d.dimensions], box: { min: [...d.box.min], max: [...d.box.max] }, runs, changed: d.changed };
}

/**
 * The box's full content after (or, with `side = 'before'`, before) the edit,
 * in the one run-length format (runLength.ts): what a copy of the labelmap
 * writes over the box to follow the edit (the renderer's store). Empty for an
 * empty delta.
 */
export function editSide(d: EditDelta, side: 'after' | 'before' = 'after'): LabelRuns {
  const off = side === 'after' ? 2 : 1;
  const b = new RunBuilder();
  for (let r = 0; r < d.runs.length; r += 3) b.push(d.runs[r + off] as number, d.runs[r] as number);
  return b.finish();
}

/** Number of voxels per label the delta adds (positive) or removes (negative). */
export function labelCountChanges(d: EditDelta): Map<number, number> {
  const m = new Map<number, number>();
  for (let r = 0; r < d.runs.length; r += 3) {
    const len = d.runs[r] as number;
    const b = d.runs[r + 1] as number;
    const a = d.runs[r + 2] as number;
    if (a === b) continue;
    m.set(b, (m.get(b) ?? 0) - len);
    m.set(a, (m.get(a) ?? 0) + len);
  }
  return m;
}

/** Approximate bytes held in memory by a delta (for history caps). */
export function editDeltaBytes(d: EditDelta): number {
  return d.runs.byteLength + 64;
}
