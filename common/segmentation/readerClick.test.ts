import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../volume';
import { deepestVoxel, readerCorrection, toIjk } from './readerClick';

const dims: Vec3 = [12, 12, 12];
const box = (lo: Vec3, hi: Vec3) => {
  const m = new Uint8Array(12 * 12 * 12);
  for (let k = lo[2]; k <= hi[2]; k++) for (let j = lo[1]; j <= hi[1]; j++) for (let i = lo[0]; i <= hi[0]; i++) m[i + 12 * (j + 12 * k)] = 1;
  return m;
};

describe('simulated reader', () => {
  it('the deepest voxel of a 5×5×5 cube is its centre; an empty mask has none', () => {
    expect(toIjk(deepestVoxel(box([2, 2, 2], [6, 6, 6]), dims), dims)).toEqual([4, 4, 4]);
    expect(deepestVoxel(new Uint8Array(12 ** 3), dims)).toBe(-1);
  });

  it('clicks negative in the largest spill, positive in the largest miss, nothing when mask = truth', () => {
    const truth = box([2, 2, 2], [6, 6, 6]);
    // Spill: a 3×5×5 slab beside the lesion (75 voxels) and a 1-voxel miss.
    const spill = box([2, 2, 2], [9, 6, 6]);
    spill[4 + 12 * (4 + 12 * 4)] = 0;
    const c = readerCorrection(spill, truth, dims);
    expect(c?.positive).toBe(false);
    expect(c?.errorVoxels).toBe(75);
    expect(c?.ijk[0]).toBeGreaterThanOrEqual(7);
    // Miss: the mask holds only the lower half.
    const miss = box([2, 2, 2], [6, 6, 3]);
    const m = readerCorrection(miss, truth, dims);
    expect(m?.positive).toBe(true);
    expect(m?.errorVoxels).toBe(75);
    expect(m?.ijk[2]).toBeGreaterThanOrEqual(4);
    expect(readerCorrection(truth, truth, dims)).toBeNull();
  });
});
