import { describe, expect, it } from 'vitest';
import type { Vec3, VolumeGeometry } from '../../../common/volume';
import { axisErrorPct, recistAxesMm, recistAxisError } from './recistError';

const grid = (dimensions: Vec3, spacingMm: Vec3): VolumeGeometry => ({ dimensions, spacingMm, originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] });

/**
 * Axis-aligned ellipses (semi-axes `a` along i, `b` along j, in mm) centred on a
 * voxel centre, one per listed slice. With integer semi-axes in voxels the longest
 * chord between voxel centres is exactly 2a and the perpendicular one exactly 2b
 * (the ends (±a, 0) and (0, ±b) are voxel centres on the boundary).
 */
function ellipses(g: VolumeGeometry, slices: { k: number; a: number; b: number }[]): Uint8Array {
  const [ni, nj] = g.dimensions;
  const [si, sj] = g.spacingMm;
  const ci = Math.floor(ni / 2);
  const cj = Math.floor(nj / 2);
  const mask = new Uint8Array(ni * nj * g.dimensions[2]);
  for (const { k, a, b } of slices)
    for (let j = 0; j < nj; j++)
      for (let i = 0; i < ni; i++) if ((((i - ci) * si) / a) ** 2 + (((j - cj) * sj) / b) ** 2 <= 1) mask[i + ni * (j + nj * k)] = 1;
  return mask;
}

describe('RECIST axis error', () => {
  const g = grid([100, 40, 5], [0.5, 1, 3]);

  it('measures an ellipse at its analytic axes (anisotropic pixels)', () => {
    const axes = recistAxesMm(g, ellipses(g, [{ k: 2, a: 20, b: 10 }]));
    expect(axes?.longMm).toBeCloseTo(40, 9);
    expect(axes?.shortMm).toBeCloseTo(20, 9);
    expect(axes?.sliceIndex).toBe(2);
  });

  it('is |measured − reference| / reference in %, each mask on its own largest slice', () => {
    const reference = { longMm: 40, shortMm: 20, sliceIndex: 2 };
    // The result's largest ellipse (44 × 16 mm) is on slice 4, a smaller one on the reference's slice 2.
    const result = ellipses(g, [
      { k: 2, a: 15, b: 5 },
      { k: 4, a: 22, b: 8 },
    ]);
    const e = recistAxisError(g, result, reference);
    expect(e.longMm).toBeCloseTo(44, 9);
    expect(e.shortMm).toBeCloseTo(16, 9);
    expect(e.longPct).toBeCloseTo(10, 9);
    expect(e.shortPct).toBeCloseTo(20, 9);
  });

  it('gives 0 % for the reference itself and 100 % for an empty mask', () => {
    const ref = ellipses(g, [{ k: 1, a: 12, b: 6 }]);
    const axes = recistAxesMm(g, ref);
    if (!axes) throw new Error('empty reference');
    expect(recistAxisError(g, ref, axes)).toMatchObject({ longPct: 0, shortPct: 0 });
    expect(recistAxisError(g, new Uint8Array(ref.length), axes)).toEqual({ longMm: 0, shortMm: 0, longPct: 100, shortPct: 100 });
  });

  it('has no error for a zero-length reference axis', () => {
    expect(axisErrorPct(3, 0)).toBeNull();
    expect(axisErrorPct(9, 12)).toBeCloseTo(25, 12);
  });
});
