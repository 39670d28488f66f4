import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../../common/volume';
import { applyDelta, deltaFromValues, encodeRuns, validateDelta } from './labelDelta';

describe('labelmap deltas', () => {
  it('run-length codes values', () => {
    expect(encodeRuns([0, 0, 3, 3, 3, 1])).toEqual([2, 0, 3, 3, 1, 1]);
    expect(encodeRuns([])).toEqual([]);
  });

  it('writes a box and returns the inverse, which restores the labelmap exactly', () => {
    const dims: Vec3 = [5, 4, 3];
    const labels = new Uint8Array(60).map((_, n) => n % 3);
    const before = labels.slice();
    const box = { min: [1, 1, 1] as Vec3, max: [3, 2, 2] as Vec3 }; // 3 × 2 × 2
    const d = deltaFromValues(box, new Uint8Array(12).fill(7));
    expect(validateDelta(d, dims)).toBeNull();
    const inv = applyDelta(labels, dims, d);
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
    applyDelta(labels, dims, inv);
    expect(labels).toEqual(before);
  });

  it('rejects boxes outside the grid, bad runs and labels above 255', () => {
    const dims: Vec3 = [2, 2, 2];
    expect(validateDelta({ box: { min: [0, 0, 0], max: [2, 0, 0] }, runs: [3, 1] }, dims)).toMatch(/outside/);
    expect(validateDelta({ box: { min: [0, 0, 0], max: [1, 0, 0] }, runs: [3, 1] }, dims)).toMatch(/cover/);
    expect(validateDelta({ box: { min: [0, 0, 0], max: [1, 0, 0] }, runs: [2, 300] }, dims)).toMatch(/0\.\.255/);
    expect(validateDelta({ box: { min: [0, 0, 0], max: [1, 0, 0] }, runs: [2] }, dims)).toMatch(/pairs/);
    expect(() => deltaFromValues({ min: [0, 0, 0], max: [1, 1, 1] }, [1, 2])).toThrow(RangeError);
  });
});
