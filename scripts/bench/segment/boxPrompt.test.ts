import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../../common/volume';
import { largestSliceBox } from './boxPrompt';

describe('largestSliceBox', () => {
  const dims: Vec3 = [10, 8, 4];
  const set = (m: Uint8Array, i: number, j: number, k: number) => (m[i + 10 * (j + 8 * k)] = 1);

  it('boxes the slice with the most voxels', () => {
    const m = new Uint8Array(10 * 8 * 4);
    set(m, 1, 1, 0); // slice 0: one voxel
    for (const [i, j] of [[2, 3], [7, 3], [4, 6], [5, 1]] as const) set(m, i, j, 2); // slice 2: four voxels
    for (const [i, j] of [[0, 0], [9, 7]] as const) set(m, i, j, 3); // slice 3: two, far apart
    expect(largestSliceBox(m, dims)).toEqual({ a: [2, 1, 2], b: [7, 6, 2], slice: 2 });
  });

  it('is null for an empty mask', () => {
    expect(largestSliceBox(new Uint8Array(320), dims)).toBeNull();
  });
});
