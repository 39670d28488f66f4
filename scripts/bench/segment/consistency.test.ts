import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../common/random';
import type { Vec3 } from '../../../common/volume';
import { consistencyClicks, distanceToBorderMm, pairwiseDice, seedOf } from './consistency';

const index = (dims: Vec3, i: number, j: number, k: number) => i + dims[0] * (j + dims[1] * k);

function box(dims: Vec3, lo: Vec3, hi: Vec3): Uint8Array {
  const m = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (let k = lo[2]; k <= hi[2]; k++) for (let j = lo[1]; j <= hi[1]; j++) for (let i = lo[0]; i <= hi[0]; i++) m[index(dims, i, j, k)] = 1;
  return m;
}

/** Distance to the nearest outside voxel centre by checking every one (the grid's one-voxel surround counts as outside). */
function bruteForce(mask: Uint8Array, dims: Vec3, s: Vec3, q: number): number {
  const [ni, nj, nk] = dims;
  const [i, j, k] = [q % ni, Math.floor(q / ni) % nj, Math.floor(q / (ni * nj))];
  let best = Infinity;
  for (let c = -1; c <= nk; c++)
    for (let b = -1; b <= nj; b++)
      for (let a = -1; a <= ni; a++) {
        const inGrid = a >= 0 && b >= 0 && c >= 0 && a < ni && b < nj && c < nk;
        if (inGrid && mask[index(dims, a, b, c)]) continue;
        best = Math.min(best, Math.hypot((a - i) * s[0], (b - j) * s[1], (c - k) * s[2]));
      }
  return best;
}

describe('distanceToBorderMm', () => {
  it('is the distance to the nearest outside voxel centre, in mm on each axis', () => {
    const dims: Vec3 = [9, 9, 9];
    const cube = box(dims, [2, 2, 2], [6, 6, 6]);
    const centre = index(dims, 4, 4, 4);
    const iso = distanceToBorderMm(cube, dims, [1, 1, 1]);
    expect(iso.distanceMm[iso.indices.indexOf(centre)]).toBeCloseTo(3, 12);
    expect(iso.maxMm).toBeCloseTo(3, 12);
    expect(iso.distanceMm[iso.indices.indexOf(index(dims, 2, 4, 4))]).toBeCloseTo(1, 12);
    // Thick slices: the nearest outside voxel is now in-plane (3 × 0.5 mm), not 3 slices away (3 × 4 mm).
    const thick = distanceToBorderMm(cube, dims, [0.5, 0.7, 4]);
    expect(thick.distanceMm[thick.indices.indexOf(centre)]).toBeCloseTo(1.5, 12);
  });

  it('equals brute force on a random mask with anisotropic spacing, touching the grid edge', () => {
    const dims: Vec3 = [11, 8, 7];
    const s: Vec3 = [0.8, 1.3, 2.5];
    const rng = mulberry32(7);
    const mask = Uint8Array.from({ length: 11 * 8 * 7 }, () => (rng() < 0.8 ? 1 : 0));
    const got = distanceToBorderMm(mask, dims, s);
    expect(got.indices.length).toBe(mask.reduce((a, b) => a + b, 0));
    for (let n = 0; n < got.indices.length; n++) expect(got.distanceMm[n]).toBeCloseTo(bruteForce(mask, dims, s, got.indices[n]!), 9);
  });

  it('is empty for an empty mask', () => {
    expect(distanceToBorderMm(new Uint8Array(27), [3, 3, 3], [1, 1, 1])).toMatchObject({ maxMm: 0, indices: new Int32Array(0) });
  });
});

describe('consistencyClicks', () => {
  const dims: Vec3 = [24, 24, 12];
  const s: Vec3 = [1, 1, 2];
  const lesion = box(dims, [3, 4, 2], [20, 18, 9]);
  const first: Vec3 = [11, 11, 5];

  it('adds distinct deep voxels of the lesion, the same ones for the same seed', () => {
    const clicks = consistencyClicks(lesion, dims, s, first, 1234);
    expect(clicks).toHaveLength(3);
    expect(clicks[0]).toEqual(first);
    const d = distanceToBorderMm(lesion, dims, s);
    const depth = (c: Vec3) => d.distanceMm[d.indices.indexOf(index(dims, ...c))]!;
    for (const c of clicks.slice(1)) {
      expect(lesion[index(dims, ...c)]).toBe(1);
      expect(depth(c)).toBeGreaterThanOrEqual(d.maxMm / 2);
      expect(c).not.toEqual(first);
    }
    expect(clicks[1]).not.toEqual(clicks[2]);
    expect(consistencyClicks(lesion, dims, s, first, 1234)).toEqual(clicks);
    expect(consistencyClicks(lesion, dims, s, first, 99)).not.toEqual(clicks);
  });

  it('gives only the first click for a one-voxel lesion', () => {
    const dot = box(dims, [5, 5, 5], [5, 5, 5]);
    expect(consistencyClicks(dot, dims, s, [5, 5, 5], 1)).toEqual([[5, 5, 5]]);
  });

  it('seeds from the case name', () => {
    expect(seedOf('a')).toBe(0xe40c292c); // FNV-1a test vector
    expect(seedOf('phantom s1 liver')).not.toBe(seedOf('phantom s2 liver'));
  });
});

describe('pairwiseDice', () => {
  const a = Uint8Array.from([1, 1, 1, 1, 0, 0, 0, 0]);
  const b = Uint8Array.from([0, 0, 0, 0, 1, 1, 1, 1]);
  const c = Uint8Array.from([0, 0, 1, 1, 1, 1, 0, 0]);

  it('is 1 for identical masks and 0 for disjoint ones', () => {
    expect(pairwiseDice([a, a, a])).toEqual({ pairs: [1, 1, 1], mean: 1 });
    expect(pairwiseDice([a, b])).toEqual({ pairs: [0], mean: 0 });
  });

  it('averages every pair', () => {
    // a–b 0, a–c 2·2/8, b–c 2·2/8.
    expect(pairwiseDice([a, b, c])).toEqual({ pairs: [0, 0.5, 0.5], mean: 1 / 3 });
    expect(pairwiseDice([a]).mean).toBeNull();
  });
});
