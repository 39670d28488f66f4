import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random';
import type { Vec3 } from '../volume';
import { applyEdit, buildEditDelta, editSide, invertEdit, lockTable, revertEdit } from './editDelta';
import { decodeEditDelta, encodeEditDelta } from './editDeltaCodec';
import { deltaFromMask, maskFromDelta } from './labelmapDelta';
import { encodeRuns, readBoxRuns, RunBuilder, runsVoxels, validateBoxRuns, writeBoxRuns } from './runLength';
import { boxVoxels, type VoxelBox } from './voxelBox';

const runs = (...v: number[]) => Uint32Array.from(v);

describe('run-length format', () => {
  it('codes values as (length, value) pairs, merging equal neighbours', () => {
    expect(Array.from(encodeRuns([0, 0, 3, 3, 3, 1]))).toEqual([2, 0, 3, 3, 1, 1]);
    expect(Array.from(encodeRuns([]))).toEqual([]);
    const b = new RunBuilder();
    b.push(4, 2);
    b.push(4);
    b.push(0, 0); // a zero-length run is nothing
    b.push(1, 70_000);
    expect(Array.from(b.finish())).toEqual([3, 4, 70_000, 1]);
    expect(runsVoxels(runs(3, 4, 70_000, 1))).toBe(70_003);
  });

  it('writes a box, and the box read before writing restores the labelmap exactly', () => {
    const dims: Vec3 = [5, 4, 3];
    const labels = new Uint8Array(60).map((_, n) => n % 3);
    const before = labels.slice();
    const box: VoxelBox = { min: [1, 1, 1], max: [3, 2, 2] }; // 3 × 2 × 2
    const d = encodeRuns(new Uint8Array(12).fill(7));
    expect(validateBoxRuns(box, d, dims, 255)).toBeNull();
    const old = readBoxRuns(labels, dims, box);
    expect(runsVoxels(old)).toBe(12);
    writeBoxRuns(labels, dims, box, d);
    // Independent check by index arithmetic: exactly the 12 box voxels changed.
    let changed = 0;
    for (let k = 0; k < 3; k++)
      for (let j = 0; j < 4; j++)
        for (let i = 0; i < 5; i++) {
          const inBox = i >= 1 && i <= 3 && j >= 1 && j <= 2 && k >= 1 && k <= 2;
          const n = i + 5 * (j + 4 * k);
          expect(labels[n]).toBe(inBox ? 7 : before[n]);
          if (inBox) changed++;
        }
    expect(changed).toBe(12);
    writeBoxRuns(labels, dims, box, old);
    expect(labels).toEqual(before);
  });

  it('a run may span rows and slices of the box (one voxel boxes and whole grids too)', () => {
    const dims: Vec3 = [3, 2, 2];
    const labels = new Uint16Array(12);
    writeBoxRuns(labels, dims, { min: [0, 0, 0], max: [2, 1, 1] }, runs(5, 9, 7, 300));
    expect(Array.from(labels)).toEqual([9, 9, 9, 9, 9, 300, 300, 300, 300, 300, 300, 300]);
    writeBoxRuns(labels, dims, { min: [1, 1, 1], max: [1, 1, 1] }, runs(1, 2));
    expect(labels[1 + 3 * (1 + 2 * 1)]).toBe(2);
    expect(Array.from(readBoxRuns(labels, dims, { min: [0, 0, 0], max: [2, 1, 1] }))).toEqual([5, 9, 5, 300, 1, 2, 1, 300]);
  });

  it('rejects boxes outside the grid, bad runs and values too large', () => {
    const dims: Vec3 = [2, 2, 2];
    const row = (hi: number): VoxelBox => ({ min: [0, 0, 0], max: [hi, 0, 0] });
    expect(validateBoxRuns(row(2), runs(3, 1), dims, 255)).toMatch(/outside/);
    expect(validateBoxRuns({ min: [0.5, 0, 0], max: [1, 0, 0] }, runs(2, 1), dims, 255)).toMatch(/integers/);
    expect(validateBoxRuns(row(1), runs(3, 1), dims, 255)).toMatch(/cover/);
    expect(validateBoxRuns(row(1), runs(2, 300), dims, 255)).toMatch(/0\.\.255/);
    expect(validateBoxRuns(row(1), runs(2), dims, 255)).toMatch(/pairs/);
    expect(validateBoxRuns(row(1), runs(0, 1, 2, 1), dims, 255)).toMatch(/positive/);
    expect(() => writeBoxRuns(new Uint8Array(8), dims, row(1), runs(1, 1))).toThrow(RangeError);
  });
});

describe('one format across mask deltas, edit deltas and labelmap copies', () => {
  const dims: Vec3 = [9, 7, 5];
  const n = dims[0] * dims[1] * dims[2];

  it("a mask delta's runs are runs over its box: written into zeros they are the mask", () => {
    const r = mulberry32(11);
    const mask = Uint8Array.from({ length: n }, () => (r() < 0.3 ? 1 : 0));
    const d = deltaFromMask(mask, dims, 4);
    expect(validateBoxRuns(d.box, d.runs, dims, 1)).toBeNull();
    const out = new Uint8Array(n);
    writeBoxRuns(out, dims, d.box, d.runs);
    expect(out).toEqual(maskFromDelta(d));
    expect(out).toEqual(mask);
  });

  it("an edit delta's sides, written over its box, follow applyEdit and revertEdit; main's bytes give the renderer's copy the same labelmap", () => {
    const r = mulberry32(5);
    for (let trial = 0; trial < 40; trial++) {
      const labels = Uint8Array.from({ length: n }, () => (r() < 0.6 ? 0 : 1 + Math.floor(r() * 3)));
      const lo: Vec3 = [Math.floor(r() * 9), Math.floor(r() * 7), Math.floor(r() * 5)];
      const hi: Vec3 = [lo[0] + Math.floor(r() * (9 - lo[0])), lo[1] + Math.floor(r() * (7 - lo[1])), lo[2] + Math.floor(r() * (5 - lo[2]))];
      const box: VoxelBox = { min: lo, max: hi };
      const proposed = Array.from({ length: boxVoxels(box) }, () => Math.floor(r() * 5));
      const d = buildEditDelta(labels, dims, box, proposed, lockTable(r() < 0.5 ? [3] : []));
      // Main applies the delta; the renderer's copy applies what came over the wire.
      const main = labels.slice();
      applyEdit(main, d);
      const copy = labels.slice();
      const wire = decodeEditDelta(encodeEditDelta(d));
      if (wire.changed > 0) {
        expect(validateBoxRuns(wire.box, editSide(wire), dims, 255)).toBeNull();
        writeBoxRuns(copy, dims, wire.box, editSide(wire));
        expect(Array.from(readBoxRuns(main, dims, d.box))).toEqual(Array.from(editSide(d, 'after')));
      }
      expect(copy).toEqual(main);
      // The before side, or the inverse delta's after side, is the undo.
      if (d.changed > 0) writeBoxRuns(copy, dims, d.box, editSide(invertEdit(d)));
      revertEdit(main, d);
      expect(copy).toEqual(labels);
      expect(main).toEqual(labels);
    }
  });
});
