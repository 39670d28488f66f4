import { describe, expect, it } from 'vitest';
import type { Mat3, Vec3, VolumeGeometry } from '../volume';
import { decomposeAffine, ijkToLps, ijkToLpsMatrix, lpsToIjk, orientationCode } from './affine';

/** A rotation about an arbitrary axis (Rodrigues), axis-major columns. */
function rotation(axis: Vec3, angleRad: number): Mat3 {
  const n = Math.hypot(...axis);
  const [x, y, z] = axis.map((v) => v / n) as Vec3;
  const c = Math.cos(angleRad);
  const s = Math.sin(angleRad);
  const t = 1 - c;
  // Row-major R; direction stores columns (axis-major): column c = R[:, c].
  const R = [
    [t * x * x + c, t * x * y - s * z, t * x * z + s * y],
    [t * x * y + s * z, t * y * y + c, t * y * z - s * x],
    [t * x * z - s * y, t * y * z + s * x, t * z * z + c],
  ];
  return [R[0]![0]!, R[1]![0]!, R[2]![0]!, R[0]![1]!, R[1]![1]!, R[2]![1]!, R[0]![2]!, R[1]![2]!, R[2]![2]!];
}

const oblique: VolumeGeometry = {
  dimensions: [10, 20, 30],
  spacingMm: [0.7, 0.9, 3],
  originLps: [-12.5, 40, 7],
  direction: rotation([1, 2, 0.5], 0.4),
};

describe('affine', () => {
  it('maps voxel (0,0,0) to the origin and steps along each axis by its spacing', () => {
    expect(ijkToLps(oblique, [0, 0, 0])).toEqual(oblique.originLps);
    const p = ijkToLps(oblique, [0, 0, 1]);
    const step = Math.hypot(p[0] - oblique.originLps[0], p[1] - oblique.originLps[1], p[2] - oblique.originLps[2]);
    expect(step).toBeCloseTo(3, 10);
  });

  it('lpsToIjk inverts ijkToLps for oblique, anisotropic geometry', () => {
    for (const ijk of [[0, 0, 0], [9, 19, 29], [3.5, -2, 12.25]] as Vec3[]) {
      const back = lpsToIjk(oblique, ijkToLps(oblique, ijk));
      back.forEach((v, n) => expect(v).toBeCloseTo(ijk[n]!, 9));
    }
  });

  it('decomposeAffine recovers spacing, direction and origin', () => {
    const { geometry, shear } = decomposeAffine(ijkToLpsMatrix(oblique));
    expect(shear).toBeLessThan(1e-12);
    geometry.spacingMm.forEach((v, n) => expect(v).toBeCloseTo(oblique.spacingMm[n]!, 12));
    geometry.direction.forEach((v, n) => expect(v).toBeCloseTo(oblique.direction[n]!, 12));
    expect(geometry.originLps).toEqual(oblique.originLps);
  });

  it('decomposeAffine reports shear and refuses degenerate axes', () => {
    const sheared = [1, 0.5, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
    expect(decomposeAffine(sheared).shear).toBeGreaterThan(0.4);
    expect(() => decomposeAffine([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])).toThrow(RangeError);
  });

  it('names orientations by the dominant LPS component of each axis', () => {
    expect(orientationCode([1, 0, 0, 0, 1, 0, 0, 0, 1])).toBe('LPS');
    expect(orientationCode([-1, 0, 0, 0, -1, 0, 0, 0, 1])).toBe('RAS');
    // Sagittal acquisition: i along −y (anterior), j along −z (inferior), k along +x.
    expect(orientationCode([0, -1, 0, 0, 0, -1, 1, 0, 0])).toBe('AIL');
  });
});
