import { describe, expect, it } from 'vitest';
import type { Mat3, Vec3 } from '../volume';
import { deltaFromMask, maskFromDelta } from '../labelmap/labelmapDelta';
import { applyNegativeClicks } from './negativeClicks';

const I: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

describe('applyNegativeClicks', () => {
  it('removes the part of the mask nearer (in mm) to a negative click than to every positive one', () => {
    // A 10-voxel row along i; spacing 1 mm: positive at i=1, negative at i=8 → bisector at 4.5.
    const dims: Vec3 = [10, 1, 1];
    const mask = deltaFromMask(new Uint8Array(10).fill(1), dims, 3);
    const out = maskFromDelta(applyNegativeClicks(mask, { spacingMm: [1, 1, 1], direction: I }, [[1, 0, 0]], [[8, 0, 0]]));
    expect(Array.from(out)).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
  });

  it('measures in millimetres on an anisotropic grid', () => {
    // 3 × 1 × 5 grid, spacing i 1 mm, k 3 mm. Positive at (0,0,0), negative at (2,0,1):
    // voxel (2,0,0) is 2 mm from the positive, 3 mm from the negative → kept;
    // voxel (0,0,1) is 3 mm from the positive, 2 mm from the negative → removed.
    const dims: Vec3 = [3, 1, 5];
    const all = new Uint8Array(15).fill(1);
    const out = maskFromDelta(applyNegativeClicks(deltaFromMask(all, dims), { spacingMm: [1, 1, 3], direction: I }, [[0, 0, 0]], [[2, 0, 1]]));
    const at = (i: number, k: number) => out[i + 3 * k];
    expect(at(2, 0)).toBe(1);
    expect(at(0, 1)).toBe(0);
    expect(at(1, 0)).toBe(1);
    // Nothing beyond k = 1 is reachable from the positive part any more (all nearer the negative).
    for (let k = 2; k < 5; k++) for (let i = 0; i < 3; i++) expect(at(i, k)).toBe(0);
  });

  it('keeps only the parts connected to a positive click, and leaves a mask without negatives untouched', () => {
    // Row: [1 1 0 1 1 1 1 1]; positive at 0, negative far away at 7 → bisector 3.5 keeps i ≤ 3, but i = 3 is cut off by the gap.
    const dims: Vec3 = [8, 1, 1];
    const m = deltaFromMask(Uint8Array.from([1, 1, 0, 1, 1, 1, 1, 1]), dims);
    const geo = { spacingMm: [1, 1, 1] as Vec3, direction: I };
    expect(Array.from(maskFromDelta(applyNegativeClicks(m, geo, [[0, 0, 0]], [[7, 0, 0]])))).toEqual([1, 1, 0, 0, 0, 0, 0, 0]);
    expect(applyNegativeClicks(m, geo, [[0, 0, 0]], [])).toBe(m);
  });
});
