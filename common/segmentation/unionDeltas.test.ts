import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../volume';
import { deltaFromMask, maskFromDelta } from '../labelmap/labelmapDelta';
import { unionDeltas } from './unionDeltas';

describe('unionDeltas', () => {
  it('is the voxelwise OR of the masks, with the given label', () => {
    const dims: Vec3 = [4, 3, 2];
    const a = new Uint8Array(24);
    const b = new Uint8Array(24);
    a[0] = a[5] = 1;
    b[5] = b[23] = b[13] = 1;
    const u = unionDeltas([deltaFromMask(a, dims), deltaFromMask(b, dims), deltaFromMask(new Uint8Array(24), dims)], dims, 7);
    expect(u.label).toBe(7);
    expect(u.voxelCount).toBe(4);
    expect([...maskFromDelta(u)].flatMap((v, n) => (v ? [n] : []))).toEqual([0, 5, 13, 23]);
    expect(unionDeltas([], dims, 2).voxelCount).toBe(0);
    expect(() => unionDeltas([deltaFromMask(a, dims), deltaFromMask(new Uint8Array(8).fill(1), [2, 2, 2])], dims, 1)).toThrow(RangeError);
  });
});
