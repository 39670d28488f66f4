import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../volume';
import { deltaFromMask, deltaOverlap, emptyDelta, maskFromDelta } from './labelmapDelta';
import { runsVoxels } from './runLength';

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('labelmap delta', () => {
  it('round-trips a random sparse mask exactly and keeps its box tight', () => {
    const dims: Vec3 = [17, 13, 9];
    const rnd = lcg(7);
    const mask = new Uint8Array(17 * 13 * 9);
    // A blob inside a sub-box [3..11] × [2..9] × [1..6], random holes.
    for (let k = 1; k <= 6; k++) for (let j = 2; j <= 9; j++) for (let i = 3; i <= 11; i++) if (rnd() < 0.6) mask[i + 17 * (j + 13 * k)] = 1;
    mask[3 + 17 * (2 + 13 * 1)] = 1;
    mask[11 + 17 * (9 + 13 * 6)] = 1;
    const d = deltaFromMask(mask, dims, 3);
    expect(d.box.min).toEqual([3, 2, 1]);
    expect(d.box.max).toEqual([11, 9, 6]);
    expect(d.voxelCount).toBe(mask.reduce((a, b) => a + b, 0));
    expect(runsVoxels(d.runs)).toBe(9 * 8 * 6);
    expect(Array.from(maskFromDelta(d))).toEqual(Array.from(mask));
    // The box spans slices 1..6.
    expect(d.box.max[2] - d.box.min[2] + 1).toBe(6);
  });

  it('is much smaller than the volume for a compact lesion', () => {
    const dims: Vec3 = [128, 128, 64];
    const mask = new Uint8Array(128 * 128 * 64);
    for (let k = 20; k < 30; k++) for (let j = 50; j < 60; j++) for (let i = 40; i < 52; i++) mask[i + 128 * (j + 128 * k)] = 1;
    const d = deltaFromMask(mask, dims);
    // The box is tight, so a solid lesion is a single (length, 1) run.
    expect(d.runs.length).toBe(2);
    expect(d.voxelCount).toBe(1200);
  });

  it('encodes an empty mask as an empty delta', () => {
    const d = deltaFromMask(new Uint8Array(8), [2, 2, 2]);
    expect(d.voxelCount).toBe(0);
    expect(maskFromDelta(d).every((v) => v === 0)).toBe(true);
  });
});

describe('deltaOverlap', () => {
  it('counts the voxels set in both, as the dense masks do, for overlapping, nested and disjoint boxes', () => {
    const dims: Vec3 = [13, 9, 7];
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    // Random blobs in sub-boxes of the grid, so the two deltas' boxes overlap partly, nest, or miss each other.
    const blob = (lo: Vec3, hi: Vec3, p: number) => {
      const m = new Uint8Array(dims[0] * dims[1] * dims[2]);
      for (let k = lo[2]; k <= hi[2]; k++) for (let j = lo[1]; j <= hi[1]; j++) for (let i = lo[0]; i <= hi[0]; i++) if (rand() < p) m[i + dims[0] * (j + dims[1] * k)] = 1;
      return m;
    };
    const pairs: [Uint8Array, Uint8Array][] = [
      [blob([0, 0, 0], [8, 6, 4], 0.6), blob([4, 3, 2], [12, 8, 6], 0.6)],
      [blob([1, 1, 1], [11, 7, 5], 0.5), blob([3, 2, 2], [6, 5, 4], 0.8)],
      [blob([0, 0, 0], [4, 3, 2], 0.7), blob([7, 5, 4], [12, 8, 6], 0.7)],
    ];
    const counts = pairs.map(([a, b]) => {
      const dense = a.reduce((n, v, q) => n + (v & (b[q] as number)), 0);
      const da = deltaFromMask(a, dims), db = deltaFromMask(b, dims);
      expect(deltaOverlap(da, db)).toBe(dense);
      expect(deltaOverlap(db, da)).toBe(dense);
      return dense;
    });
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[2]).toBe(0);
    expect(deltaOverlap(emptyDelta(dims), deltaFromMask(pairs[0]![0], dims))).toBe(0);
  });
});
