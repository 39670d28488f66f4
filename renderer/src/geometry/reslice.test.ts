import { describe, expect, it } from 'vitest';
import { ijkToLps } from '../../../common/geometry/affine';
import type { Mat3, Vec3, VolumeGeometry } from '../../../common/volume';
import { sliceGrid } from './mprGeometry';
import { resliceInto } from './reslice';

/** Fills a volume with a linear function of LPS position: trilinear interpolation reproduces it exactly inside. */
function linearVolume(g: VolumeGeometry, f: (p: Vec3) => number): Float32Array {
  const [ni, nj, nk] = g.dimensions;
  const v = new Float32Array(ni * nj * nk);
  for (let k = 0; k < nk; k++) for (let j = 0; j < nj; j++) for (let i = 0; i < ni; i++) v[i + ni * (j + nj * k)] = f(ijkToLps(g, [i, j, k]));
  return v;
}

const f = (p: Vec3) => 2 * p[0] + 3 * p[1] + 5 * p[2];

describe('CPU reslice', () => {
  it('axis-aligned LAS storage, nearest: the axial slice is the k plane, with patient left on the right and anterior at the top', () => {
    // i runs to patient left (x = −90 + 2i), j runs anterior (y = 100 − 2.5j), k superior.
    const g: VolumeGeometry = { dimensions: [6, 5, 4], spacingMm: [2, 2.5, 3], originLps: [-90, 100, -80], direction: [1, 0, 0, 0, -1, 0, 0, 0, 1] };
    const vox = new Int16Array(6 * 5 * 4).map((_, n) => n);
    const grid = sliceGrid(g, 'axial');
    expect([grid.right.count, grid.up.count]).toEqual([6, 5]);
    const out = new Float32Array(30);
    resliceInto(g, vox, grid, -80 + 2 * 3, 'nearest', -1, out);
    // Pixel (a, b): a along +x → i = a; b along screen up (−y, anterior) → y = 90 + 2.5b... grid starts at the most posterior row.
    for (let b = 0; b < 5; b++)
      for (let a = 0; a < 6; a++) {
        const y = grid.up.start + b * 2.5; // mm along −y
        const j = Math.round((100 - -y) / 2.5);
        expect(out[a + 6 * b]).toBe(a + 6 * (j + 5 * 2));
      }
  });

  it('oblique volume, linear: every resliced sample inside equals the analytic value at its LPS point', () => {
    const th = 0.35;
    const dir: Mat3 = [Math.cos(th), Math.sin(th), 0, -Math.sin(th), Math.cos(th), 0, 0, 0, 1];
    const g: VolumeGeometry = { dimensions: [30, 28, 12], spacingMm: [1.5, 1.5, 4], originLps: [-20, -25, -22], direction: dir };
    const vox = linearVolume(g, f);
    for (const view of ['axial', 'coronal', 'sagittal'] as const) {
      const grid = sliceGrid(g, view);
      const out = new Float32Array(grid.right.count * grid.up.count);
      const n = grid.normal.start + Math.floor(grid.normal.count / 2) * grid.normal.step;
      resliceInto(g, vox, grid, n, 'linear', NaN, out);
      let inside = 0;
      for (let b = 0; b < grid.up.count; b++)
        for (let a = 0; a < grid.right.count; a++) {
          const v = out[a + grid.right.count * b]!;
          if (Number.isNaN(v)) continue;
          const r = grid.right.start + a * grid.right.step;
          const u = grid.up.start + b * grid.up.step;
          const p = [0, 1, 2].map((c) => grid.axes.right[c]! * r + grid.axes.up[c]! * u + grid.axes.normal[c]! * n) as Vec3;
          // Inside the voxel-centre box the value is exact; within the outer half voxel it is clamped to the edge.
          const ijk = [0, 1, 2].map((c) => ((p[0] - g.originLps[0]) * dir[c * 3]! + (p[1] - g.originLps[1]) * dir[c * 3 + 1]! + (p[2] - g.originLps[2]) * dir[c * 3 + 2]!) / g.spacingMm[c]!);
          if (ijk.some((x, c) => x < 0 || x > g.dimensions[c]! - 1)) continue;
          expect(v).toBeCloseTo(f(p), 2);
          inside++;
        }
      expect(inside).toBeGreaterThan(50);
    }
  });

  it('marks points outside the volume with the outside value', () => {
    const g: VolumeGeometry = { dimensions: [4, 4, 4], spacingMm: [1, 1, 1], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
    const grid = sliceGrid(g, 'axial');
    const out = new Float32Array(16);
    resliceInto(g, new Float32Array(64).fill(7), grid, 100, 'nearest', -1000, out);
    expect([...out].every((v) => v === -1000)).toBe(true);
    expect(() => resliceInto(g, new Float32Array(64), grid, 0, 'nearest', 0, new Float32Array(3))).toThrow(RangeError);
  });
});
