/**
 * Longest chord of a 2D point set perpendicular to a given direction, on a
 * discrete set (voxel centres) where exact perpendicularity is rarely met.
 *
 * Units: millimetres (coordinates and tolerance in the same units, Euclidean).
 *
 * Definition used for the RECIST short axis: a pair (p, q) counts as
 * perpendicular to the unit direction u when
 *   |(q − p)·u| ≤ toleranceMm            (its ends lie within one tolerance of a
 *                                         common perpendicular line), and
 *   |(q − p)·u| < |(q − p)·u⊥|           (it is closer to perpendicular than to
 *                                         parallel: excludes neighbours along u).
 * The reported length is the true distance |q − p|, which exceeds the exactly
 * perpendicular chord by at most toleranceMm² / (2·length).
 */
import type { FarthestPair } from './rotatingCalipers';

/**
 * @param xs, ys point coordinates (mm).
 * @param ux, uy the direction the chord must be perpendicular to (normalised here).
 * @param toleranceMm the largest allowed offset of the two ends along u (mm), ≥ 0.
 * @returns the longest qualifying pair, or null when no pair qualifies
 *   (a single point, or a one-voxel-wide line along u).
 */
export function longestPerpendicularChord(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  ux: number,
  uy: number,
  toleranceMm: number,
): FarthestPair | null {
  const n = xs.length;
  const norm = Math.hypot(ux, uy);
  if (!(norm > 0)) throw new RangeError('longestPerpendicularChord: zero direction');
  if (!(toleranceMm >= 0)) throw new RangeError('longestPerpendicularChord: negative tolerance');
  const cx = ux / norm;
  const cy = uy / norm;
  // Position of each point along u and across it.
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const x = xs[k] as number;
    const y = ys[k] as number;
    t[k] = x * cx + y * cy;
    v[k] = -x * cy + y * cx;
  }
  const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => (t[a] as number) - (t[b] as number));
  let best: FarthestPair | null = null;
  let bestD2 = -1;
  // Sliding window over t: every qualifying pair has |Δt| ≤ tolerance.
  for (let p = 0; p < n; p++) {
    const a = order[p] as number;
    const ta = t[a] as number;
    const va = v[a] as number;
    for (let q = p + 1; q < n; q++) {
      const b = order[q] as number;
      const dt = (t[b] as number) - ta;
      if (dt > toleranceMm) break;
      const dv = Math.abs((v[b] as number) - va);
      if (!(dt < dv)) continue;
      const d2 = dt * dt + dv * dv;
      if (d2 > bestD2) {
        bestD2 = d2;
        best = { length: Math.sqrt(d2), a, b };
      }
    }
  }
  return best;
}
