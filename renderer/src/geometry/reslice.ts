/**
 * CPU reslicing of one MPR slice (pure; no WebGL): samples the volume on the
 * 2D grid of a {@link SliceGrid} at one position along its normal.
 *
 * Why on the CPU: the voxels stay in the one typed array the renderer
 * received (no 3D texture copy, no WebGL 3D-texture size limit), and one
 * 512 × 512 slice costs a few milliseconds. Output pixel (a, b) lies at
 * right·(right.start + a·right.step) + up·(up.start + b·up.step) + normal·n,
 * stored a-fastest (row b = 0 at the BOTTOM of the screen, as vtk.js images).
 */
import { lpsToIjk } from '../../../common/geometry/affine';
import type { Vec3, VolumeGeometry } from '../../../common/volume';
import type { SliceGrid } from './mprGeometry';

export type Interpolation = 'nearest' | 'linear';

/** Continuous IJK of pixel (0, 0) and its increments per pixel along a and b. */
export function sliceIjkFrame(g: VolumeGeometry, grid: SliceGrid, normalMm: number): { base: Vec3; da: Vec3; db: Vec3 } {
  const { right: r, up: u, normal: n } = grid.axes;
  const p0 = [0, 1, 2].map((c) => r[c]! * grid.right.start + u[c]! * grid.up.start + n[c]! * normalMm) as Vec3;
  const base = lpsToIjk(g, p0);
  const pa = lpsToIjk(g, [p0[0] + r[0] * grid.right.step, p0[1] + r[1] * grid.right.step, p0[2] + r[2] * grid.right.step]);
  const pb = lpsToIjk(g, [p0[0] + u[0] * grid.up.step, p0[1] + u[1] * grid.up.step, p0[2] + u[2] * grid.up.step]);
  return { base, da: [pa[0] - base[0], pa[1] - base[1], pa[2] - base[2]], db: [pb[0] - base[0], pb[1] - base[1], pb[2] - base[2]] };
}

/**
 * Fills `out` (length right.count × up.count) with the slice at `normalMm`
 * (mm along the grid's normal). Points outside the volume get `outside`.
 */
export function resliceInto(
  g: VolumeGeometry,
  voxels: ArrayLike<number>,
  grid: SliceGrid,
  normalMm: number,
  interpolation: Interpolation,
  outside: number,
  out: { [n: number]: number; length: number },
): void {
  const na = grid.right.count;
  const nb = grid.up.count;
  if (out.length < na * nb) throw new RangeError('output buffer too small');
  const [ni, nj, nk] = g.dimensions;
  const sj = ni;
  const sk = ni * nj;
  const { base, da, db } = sliceIjkFrame(g, grid, normalMm);
  const eps = 1e-6;
  for (let b = 0; b < nb; b++) {
    let fi = base[0] + b * db[0];
    let fj = base[1] + b * db[1];
    let fk = base[2] + b * db[2];
    let o = b * na;
    if (interpolation === 'nearest') {
      for (let a = 0; a < na; a++, o++, fi += da[0], fj += da[1], fk += da[2]) {
        const i = Math.round(fi);
        const j = Math.round(fj);
        const k = Math.round(fk);
        out[o] = i < 0 || j < 0 || k < 0 || i >= ni || j >= nj || k >= nk ? outside : (voxels[i + j * sj + k * sk] as number);
      }
    } else {
      for (let a = 0; a < na; a++, o++, fi += da[0], fj += da[1], fk += da[2]) {
        if (fi < -0.5 - eps || fj < -0.5 - eps || fk < -0.5 - eps || fi > ni - 0.5 + eps || fj > nj - 0.5 + eps || fk > nk - 0.5 + eps) {
          out[o] = outside;
          continue;
        }
        // Clamp to the voxel-centre box (edge voxels extend half a voxel).
        const ci = Math.min(ni - 1, Math.max(0, fi));
        const cj = Math.min(nj - 1, Math.max(0, fj));
        const ck = Math.min(nk - 1, Math.max(0, fk));
        const i0 = Math.min(ni - 2 < 0 ? 0 : ni - 2, Math.floor(ci));
        const j0 = Math.min(nj - 2 < 0 ? 0 : nj - 2, Math.floor(cj));
        const k0 = Math.min(nk - 2 < 0 ? 0 : nk - 2, Math.floor(ck));
        const ti = ni > 1 ? ci - i0 : 0;
        const tj = nj > 1 ? cj - j0 : 0;
        const tk = nk > 1 ? ck - k0 : 0;
        const i1 = ni > 1 ? 1 : 0;
        const j1 = nj > 1 ? sj : 0;
        const k1 = nk > 1 ? sk : 0;
        const p = i0 + j0 * sj + k0 * sk;
        const v000 = voxels[p] as number;
        const v100 = voxels[p + i1] as number;
        const v010 = voxels[p + j1] as number;
        const v110 = voxels[p + i1 + j1] as number;
        const v001 = voxels[p + k1] as number;
        const v101 = voxels[p + i1 + k1] as number;
        const v011 = voxels[p + j1 + k1] as number;
        const v111 = voxels[p + i1 + j1 + k1] as number;
        const x00 = v000 + (v100 - v000) * ti;
        const x10 = v010 + (v110 - v010) * ti;
        const x01 = v001 + (v101 - v001) * ti;
        const x11 = v011 + (v111 - v011) * ti;
        const y0 = x00 + (x10 - x00) * tj;
        const y1 = x01 + (x11 - x01) * tj;
        out[o] = y0 + (y1 - y0) * tk;
      }
    }
  }
}
