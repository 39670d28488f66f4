import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../volume';
import { boxOutsideGrid, boxSize, boxVoxels, clipBox, emptyBox, isEmptyBox, labelBox, maskBounds, readBox, unionBox } from './voxelBox';

describe('voxel box', () => {
  it('sizes, emptiness and clipping', () => {
    const b = { min: [1, 2, 3] as Vec3, max: [4, 2, 5] as Vec3 };
    expect(boxSize(b)).toEqual([4, 1, 3]);
    expect(boxVoxels(b)).toBe(12);
    expect(isEmptyBox(b)).toBe(false);
    expect(isEmptyBox(emptyBox())).toBe(true);
    expect(boxVoxels(emptyBox())).toBe(0);
    expect(clipBox({ min: [-2, 0, 1], max: [9, 9, 1] }, [4, 3, 2])).toEqual({ min: [0, 0, 1], max: [3, 2, 1] });
  });

  it('says why a box does not lie on a grid', () => {
    expect(boxOutsideGrid({ min: [0, 0, 0], max: [3, 2, 1] }, [4, 3, 2])).toBeNull();
    expect(boxOutsideGrid({ min: [0, 0, 0], max: [4, 2, 1] }, [4, 3, 2])).toMatch(/outside/);
    expect(boxOutsideGrid(emptyBox(), [4, 3, 2])).toMatch(/outside/);
    expect(boxOutsideGrid({ min: [0, 0, 0], max: [1.5, 0, 0] }, [4, 3, 2])).toMatch(/integers/);
  });

  it('the union of boxes skips empty ones', () => {
    expect(unionBox([])).toEqual(emptyBox());
    expect(unionBox([emptyBox(), { min: [1, 1, 1], max: [2, 2, 2] }, { min: [0, 3, 1], max: [0, 4, 1] }])).toEqual({ min: [0, 1, 1], max: [2, 4, 2] });
  });

  it("a label's box and a box's values (typed and plain arrays)", () => {
    const dims: Vec3 = [4, 3, 2];
    const labels = new Uint8Array(24);
    labels[1 + 4 * (2 + 3 * 0)] = 5; // (1, 2, 0)
    labels[3 + 4 * (0 + 3 * 1)] = 5; // (3, 0, 1)
    labels[0] = 2;
    expect(labelBox(labels, dims, 5)).toEqual({ min: [1, 0, 0], max: [3, 2, 1] });
    expect(labelBox(Array.from(labels), dims, 5)).toEqual({ min: [1, 0, 0], max: [3, 2, 1] });
    expect(isEmptyBox(labelBox(labels, dims, 7))).toBe(true);
    expect(Array.from(readBox(labels, dims, { min: [0, 0, 0], max: [1, 0, 1] }))).toEqual([2, 0, 0, 0]);
  });
});

describe('maskBounds', () => {
  it('inclusive box and count of the set voxels, and an empty mask', () => {
    const dims: [number, number, number] = [4, 3, 2];
    const mask = new Uint8Array(24);
    mask[1 + 4 * (2 + 3 * 0)] = 1; // (1, 2, 0)
    mask[3 + 4 * (0 + 3 * 1)] = 5; // (3, 0, 1)
    expect(maskBounds(mask, dims)).toEqual({ min: [1, 0, 0], max: [3, 2, 1], count: 2 });
    expect(maskBounds(new Uint8Array(24), dims)).toEqual({ min: [4, 3, 2], max: [-1, -1, -1], count: 0 });
  });

  it('grows a given box (union over several masks)', () => {
    const dims: [number, number, number] = [4, 3, 2];
    const a = new Uint8Array(24);
    a[0] = 1;
    const box = { min: [4, 3, 2] as [number, number, number], max: [-1, -1, -1] as [number, number, number] };
    maskBounds(a, dims, box);
    const b = new Uint8Array(24);
    b[23] = 1;
    maskBounds(b, dims, box);
    expect(box).toEqual({ min: [0, 0, 0], max: [3, 2, 1] });
  });
});
