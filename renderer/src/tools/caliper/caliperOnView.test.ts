/**
 * RECIST calipers on the axial view for every acquisition orientation: the 48 axis-aligned
 * orientations (each permutation and flip of the grid axes, as in ../shared/data/nifti_orientation_48),
 * anisotropic voxels, and oblique acquisitions (the stroke MR's direction, 19° off axial). The lesion
 * is an ellipsoid; measureLesion measures it as the lesion table does; the crosshair goes where "Go"
 * puts it (the long axis's middle); the axial view must show both calipers there.
 */
import { describe, expect, it } from 'vitest';
import { ijkToLps } from '../../../../common/geometry/affine';
import { measureLesion } from '../../../../common/geometry/recistAxes';
import type { Mat3, Vec3, VolumeGeometry } from '../../../../common/volume';
import { PLANE_AXES, stepAlong } from '../../geometry/mprGeometry';
import { caliperOnView, tiltFromViewDeg } from './caliperOnView';

const PERMS: [number, number, number][] = [
  [0, 1, 2],
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
];

/** Grid axis n points along ±LPS axis perm[n]. */
function axisAligned(perm: [number, number, number], signs: [number, number, number]): Mat3 {
  const d = new Array<number>(9).fill(0);
  for (let n = 0; n < 3; n++) d[n * 3 + perm[n]!] = signs[n]!;
  return d as unknown as Mat3;
}

/** An ellipsoid lesion (semi-axes 9 × 6 × 5 mm along LPS x, y, z) centred at the grid's centre. */
function lesionIn(direction: Mat3, spacingMm: Vec3): { geometry: VolumeGeometry; voxels: Uint8Array } {
  const dims: Vec3 = [40, 36, 32];
  const geometry: VolumeGeometry = { dimensions: dims, spacingMm, originLps: [0, 0, 0], direction };
  const c = ijkToLps(geometry, [(dims[0] - 1) / 2, (dims[1] - 1) / 2, (dims[2] - 1) / 2]);
  const voxels = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++) {
        const p = ijkToLps(geometry, [i, j, k]);
        const [x, y, z] = [(p[0] - c[0]) / 9, (p[1] - c[1]) / 6, (p[2] - c[2]) / 5];
        if (x * x + y * y + z * z <= 1) voxels[k * dims[0] * dims[1] + j * dims[0] + i] = 1;
      }
  return { geometry, voxels };
}

function shownOnAxial(geometry: VolumeGeometry, voxels: Uint8Array) {
  const m = measureLesion({ geometry, voxels }, { label: 1 });
  if (!m) throw new Error('no lesion');
  const a = m.longAxis;
  const crosshair: Vec3 = [0, 1, 2].map((n) => (a.startLps[n]! + a.endLps[n]!) / 2) as Vec3;
  const normal = PLANE_AXES.axial.normal;
  const plane = crosshair[2];
  const half = stepAlong(geometry, normal) / 2;
  return {
    long: caliperOnView(a.startLps, a.endLps, normal, plane, half),
    short: caliperOnView(m.shortAxis.startLps, m.shortAxis.endLps, normal, plane, half),
    // Scrolling one slice on: neither shows.
    nextSlice: caliperOnView(a.startLps, a.endLps, normal, plane + 2 * half, half),
    tilt: tiltFromViewDeg(a.startLps, a.endLps, normal),
    lengthMm: a.lengthMm,
  };
}

describe('RECIST calipers on the axial view, whatever the acquisition', () => {
  it('all 48 axis-aligned orientations (sagittal and coronal acquisitions among them), anisotropic voxels: in the view plane, at the lesion', () => {
    let n = 0;
    for (const perm of PERMS)
      for (const sx of [1, -1])
        for (const sy of [1, -1])
          for (const sz of [1, -1]) {
            const s = shownOnAxial(...Object.values(lesionIn(axisAligned(perm, [sx, sy, sz]), [0.8, 1.1, 2.5])) as [VolumeGeometry, Uint8Array]);
            const what = `perm ${perm.join('')} signs ${sx}${sy}${sz}`;
            expect(s.long, what).toBe('in-plane');
            expect(s.short, what).not.toBeNull();
            expect(s.nextSlice, what).toBeNull();
            // The ellipsoid's longest axial diameter is 18 mm (x); voxel centres make it up to two voxels shorter.
            expect(s.lengthMm, what).toBeGreaterThan(15);
            expect(s.lengthMm, what).toBeLessThanOrEqual(18.01);
            n++;
          }
    expect(n).toBe(48);
  });

  it('an oblique acquisition (the stroke MR, 19° off axial): projected on the view slice through its middle, shown once', () => {
    // Grid axes of brain_mri_stroke_lesion_cstar/T1.nii.gz (its direction matrix, rows = grid axes).
    const stroke = [-0.993592, 0.049705, -0.10151, -0.016005, -0.950937, -0.308971, -0.111887, -0.305367, 0.945639] as unknown as Mat3;
    const s = shownOnAxial(...Object.values(lesionIn(stroke, [1, 1, 1])) as [VolumeGeometry, Uint8Array]);
    expect(s.long).toBe('projected');
    expect(s.short).not.toBeNull();
    expect(s.nextSlice).toBeNull();
    expect(s.tilt).toBeGreaterThan(0.5);
    expect(s.tilt).toBeLessThan(25);
  });

  it('in-plane, projected, elsewhere: the rule on its own', () => {
    const z: Vec3 = [0, 0, 1];
    expect(caliperOnView([0, 0, 10], [5, 5, 10], z, 10.9, 1)).toBe('in-plane');
    expect(caliperOnView([0, 0, 10], [5, 5, 14], z, 12, 1)).toBe('projected');
    expect(caliperOnView([0, 0, 10], [5, 5, 14], z, 14, 1)).toBeNull();
    expect(tiltFromViewDeg([0, 0, 0], [10, 0, 0], z)).toBe(0);
    expect(tiltFromViewDeg([0, 0, 0], [10, 0, 10], z)).toBeCloseTo(45, 6);
  });
});
