/**
 * Reorientation and resampling of volumes, pure, with their inverses:
 *
 * - {@link reorientToLps}: permutes and flips grid axes (no interpolation) so
 *   i, j, k run as close as possible to +L, +P, +S; {@link undoReorient} puts
 *   an array on the reoriented grid back on the original one, exactly.
 * - {@link resampleToGrid}: trilinear sampling of a volume onto any other grid
 *   through patient space; {@link targetGridForSpacing} builds the grid of a
 *   target spacing that covers the same extent. Resampling back onto the
 *   source grid is the inverse (up to interpolation error).
 */
import { ijkToLps, lpsToIjk } from '../geometry/affine';
import type { Mat3, Vec3, VolumeGeometry } from '../volume';

export interface Reorientation {
  /** perm[a] = the source axis that becomes axis a. */
  perm: [0 | 1 | 2, 0 | 1 | 2, 0 | 1 | 2];
  /** flip[a]: the new axis a runs opposite to its source axis. */
  flip: [boolean, boolean, boolean];
  source: VolumeGeometry;
  target: VolumeGeometry;
}

/** The axis permutation and flips that bring a grid nearest to LPS, and the resulting geometry. */
export function lpsReorientation(g: VolumeGeometry): Reorientation {
  const d = g.direction;
  const perm: [0 | 1 | 2, 0 | 1 | 2, 0 | 1 | 2] = [0, 1, 2];
  const flip: [boolean, boolean, boolean] = [false, false, false];
  const taken = new Set<number>();
  // Assign each LPS axis the grid axis with the largest component along it, the most certain first.
  const pairs: { lps: number; axis: number; w: number }[] = [];
  for (let lps = 0; lps < 3; lps++) for (let axis = 0; axis < 3; axis++) pairs.push({ lps, axis, w: Math.abs(d[axis * 3 + lps] as number) });
  pairs.sort((a, b) => b.w - a.w);
  const done = new Set<number>();
  for (const p of pairs) {
    if (done.has(p.lps) || taken.has(p.axis)) continue;
    perm[p.lps] = p.axis as 0 | 1 | 2;
    flip[p.lps] = (d[p.axis * 3 + p.lps] as number) < 0;
    done.add(p.lps);
    taken.add(p.axis);
  }
  const dims: Vec3 = [g.dimensions[perm[0]], g.dimensions[perm[1]], g.dimensions[perm[2]]];
  const spacing: Vec3 = [g.spacingMm[perm[0]], g.spacingMm[perm[1]], g.spacingMm[perm[2]]];
  const dir: number[] = [];
  for (let a = 0; a < 3; a++) {
    const s = perm[a] as number;
    const sign = flip[a] ? -1 : 1;
    dir.push(sign * (d[s * 3] as number), sign * (d[s * 3 + 1] as number), sign * (d[s * 3 + 2] as number));
  }
  // The new voxel (0,0,0) is the source voxel at the far end of every flipped axis.
  const srcIjk: Vec3 = [0, 0, 0];
  for (let a = 0; a < 3; a++) if (flip[a]) srcIjk[perm[a] as number] = (g.dimensions[perm[a] as number] as number) - 1;
  const origin = ijkToLps(g, srcIjk);
  return { perm, flip, source: g, target: { dimensions: dims, spacingMm: spacing, originLps: origin, direction: dir as Mat3 } };
}

function sourceIndexOf(r: Reorientation): (n: number) => number {
  const { perm, flip, source, target } = r;
  const [ti, tj] = target.dimensions;
  const sStride = [1, source.dimensions[0], source.dimensions[0] * source.dimensions[1]];
  return (n: number) => {
    const t = [n % ti, Math.floor(n / ti) % tj, Math.floor(n / (ti * tj))];
    let s = 0;
    for (let a = 0; a < 3; a++) {
      const idx = flip[a] ? target.dimensions[a]! - 1 - t[a]! : t[a]!;
      s += idx * sStride[perm[a] as number]!;
    }
    return s;
  };
}

/** Voxels of `voxels` (on r.source) rearranged onto r.target. Same array type. */
export function reorientArray<T extends { length: number; [n: number]: number }>(voxels: T, r: Reorientation, make: (n: number) => T): T {
  const out = make(voxels.length);
  const src = sourceIndexOf(r);
  for (let n = 0; n < voxels.length; n++) out[n] = voxels[src(n)] as number;
  return out;
}

/** The exact inverse of {@link reorientArray}: an array on r.target back onto r.source. */
export function undoReorient<T extends { length: number; [n: number]: number }>(voxels: T, r: Reorientation, make: (n: number) => T): T {
  const out = make(voxels.length);
  const src = sourceIndexOf(r);
  for (let n = 0; n < voxels.length; n++) out[src(n)] = voxels[n] as number;
  return out;
}

/** A grid with the same direction and origin covering the same extent at `spacingMm`. */
export function targetGridForSpacing(g: VolumeGeometry, spacingMm: Vec3): VolumeGeometry {
  const dims = [0, 1, 2].map((a) => Math.max(1, Math.floor(((g.dimensions[a]! - 1) * g.spacingMm[a]!) / spacingMm[a]! + 1e-6) + 1)) as Vec3;
  return { dimensions: dims, spacingMm: [...spacingMm], originLps: [...g.originLps], direction: [...g.direction] as Mat3 };
}

/**
 * Trilinear resampling of `voxels` (on `from`) onto the grid `to`, through
 * patient LPS. Points outside `from` take `outside` (default: nearest edge value).
 */
export function resampleToGrid(voxels: ArrayLike<number>, from: VolumeGeometry, to: VolumeGeometry, outside?: number): Float32Array {
  const [ni, nj, nk] = from.dimensions;
  const [ti, tj, tk] = to.dimensions;
  const out = new Float32Array(ti * tj * tk);
  // Affine map target ijk → source ijk: evaluate at the origin and unit steps.
  const o = lpsToIjk(from, ijkToLps(to, [0, 0, 0]));
  const ax = [[1, 0, 0], [0, 1, 0], [0, 0, 1]].map((e) => {
    const p = lpsToIjk(from, ijkToLps(to, e as Vec3));
    return [p[0] - o[0], p[1] - o[1], p[2] - o[2]];
  }) as [number[], number[], number[]];
  const at = (i: number, j: number, k: number) => voxels[i + ni * (j + nj * k)] as number;
  const lim = (x: number, n: number) => (x < 0 ? 0 : x > n - 1 ? n - 1 : x);
  for (let k = 0; k < tk; k++) {
    for (let j = 0; j < tj; j++) {
      for (let i = 0; i < ti; i++) {
        let x = o[0] + i * ax[0][0]! + j * ax[1][0]! + k * ax[2][0]!;
        let y = o[1] + i * ax[0][1]! + j * ax[1][1]! + k * ax[2][1]!;
        let z = o[2] + i * ax[0][2]! + j * ax[1][2]! + k * ax[2][2]!;
        const n = i + ti * (j + tj * k);
        const eps = 1e-6;
        if (outside !== undefined && (x < -eps || y < -eps || z < -eps || x > ni - 1 + eps || y > nj - 1 + eps || z > nk - 1 + eps)) {
          out[n] = outside;
          continue;
        }
        x = lim(x, ni);
        y = lim(y, nj);
        z = lim(z, nk);
        const x0 = Math.min(Math.floor(x), Math.max(ni - 2, 0));
        const y0 = Math.min(Math.floor(y), Math.max(nj - 2, 0));
        const z0 = Math.min(Math.floor(z), Math.max(nk - 2, 0));
        const x1 = Math.min(x0 + 1, ni - 1);
        const y1 = Math.min(y0 + 1, nj - 1);
        const z1 = Math.min(z0 + 1, nk - 1);
        const fx = x - x0;
        const fy = y - y0;
        const fz = z - z0;
        const c00 = at(x0, y0, z0) * (1 - fx) + at(x1, y0, z0) * fx;
        const c10 = at(x0, y1, z0) * (1 - fx) + at(x1, y1, z0) * fx;
        const c01 = at(x0, y0, z1) * (1 - fx) + at(x1, y0, z1) * fx;
        const c11 = at(x0, y1, z1) * (1 - fx) + at(x1, y1, z1) * fx;
        out[n] = (c00 * (1 - fy) + c10 * fy) * (1 - fz) + (c01 * (1 - fy) + c11 * fy) * fz;
      }
    }
  }
  return out;
}
