/**
 * Farthest pair of a small 3D point set by exhaustive search, O(n²).
 *
 * Units: the coordinates' units (LPS millimetres in Voxa). Meant for
 * candidate sets that are already reduced to possible convex-hull vertices
 * (see {@link hullVertexCandidates3d}); the diameter of a finite set is always
 * attained between two vertices of its convex hull.
 */
import type { FarthestPair } from './rotatingCalipers';

/** @param xyz flat coordinates x0, y0, z0, x1, ... */
export function farthestPair3d(xyz: ArrayLike<number>): FarthestPair {
  const n = Math.floor(xyz.length / 3);
  if (n === 0) throw new RangeError('farthestPair3d: no point');
  let best = 0;
  let a = 0;
  let b = 0;
  for (let p = 0; p < n; p++) {
    const px = xyz[3 * p] as number;
    const py = xyz[3 * p + 1] as number;
    const pz = xyz[3 * p + 2] as number;
    for (let q = p + 1; q < n; q++) {
      const dx = (xyz[3 * q] as number) - px;
      const dy = (xyz[3 * q + 1] as number) - py;
      const dz = (xyz[3 * q + 2] as number) - pz;
      const d2 = dx * dx + dy * dy + dz * dz;
      if (d2 > best) {
        best = d2;
        a = p;
        b = q;
      }
    }
  }
  return { length: Math.sqrt(best), a, b };
}
