/**
 * Click consistency (issue 14): segment one lesion from three different
 * interior clicks and compare the masks. A reader does not click the exact
 * centre, so a model whose mask depends on where in the lesion the click lands
 * is hard to trust.
 *
 * Clicks: the protocol's first click (the deepest voxel) and `extra` voxels
 * drawn with a seeded RNG (common/random.ts) among the lesion voxels whose
 * Euclidean distance to the lesion border is at least half the largest one.
 * Distances are in mm between voxel centres (an inside voxel next to the border
 * is one spacing deep; the grid's outside counts as border), on the grid's own
 * axes (taken as orthogonal).
 */
import { squaredDistanceTransform2d } from '../../../common/editing/distanceTransform';
import { mulberry32 } from '../../../common/random';
import { diceBy } from '../../../common/segmentation/dice';
import { toIjk } from '../../../common/segmentation/readerClick';
import type { Vec3 } from '../../../common/volume';

export interface BorderDistances {
  /** Voxel indices (i fastest) of the mask's voxels, increasing. */
  indices: Int32Array;
  /** Distance of each to the nearest voxel centre outside the mask (mm). */
  distanceMm: Float64Array;
  maxMm: number;
}

/**
 * Exact Euclidean distance from every mask voxel to the nearest non-mask voxel
 * centre: the 2D transform of common/editing/distanceTransform.ts per slice,
 * then the minimum over slices along k (searched outward from the voxel's own
 * slice until no nearer slice can win).
 */
export function distanceToBorderMm(mask: ArrayLike<number>, dims: Vec3, spacingMm: Vec3): BorderDistances {
  const [ni, nj, nk] = dims;
  let i0 = ni, j0 = nj, k0 = nk, i1 = -1, j1 = -1, k1 = -1;
  let count = 0;
  for (let k = 0, q = 0; k < nk; k++)
    for (let j = 0; j < nj; j++)
      for (let i = 0; i < ni; i++, q++)
        if (mask[q]) {
          count++;
          if (i < i0) i0 = i;
          if (i > i1) i1 = i;
          if (j < j0) j0 = j;
          if (j > j1) j1 = j;
          if (k < k0) k0 = k;
          if (k > k1) k1 = k;
        }
  const indices = new Int32Array(count);
  const distanceMm = new Float64Array(count);
  if (!count) return { indices, distanceMm, maxMm: 0 };
  // The bounding box with one outside voxel on every side.
  const w = i1 - i0 + 3;
  const h = j1 - j0 + 3;
  const d = k1 - k0 + 3;
  const plane = w * h;
  const d2 = new Float64Array(plane * d); // slices 0 and d − 1 are all outside: distance 0
  const outside = new Uint8Array(plane);
  for (let z = 1; z < d - 1; z++) {
    outside.fill(1);
    for (let y = 1; y < h - 1; y++)
      for (let x = 1; x < w - 1; x++) if (mask[x - 1 + i0 + ni * (y - 1 + j0 + nj * (z - 1 + k0))]) outside[x + w * y] = 0;
    d2.set(squaredDistanceTransform2d(outside, w, h, spacingMm[0], spacingMm[1]), z * plane);
  }
  const sk = spacingMm[2];
  let n = 0;
  let maxMm = 0;
  for (let z = 1; z < d - 1; z++)
    for (let y = 1; y < h - 1; y++)
      for (let x = 1; x < w - 1; x++) {
        const q = x - 1 + i0 + ni * (y - 1 + j0 + nj * (z - 1 + k0));
        if (!mask[q]) continue;
        const p = x + w * y;
        let best = d2[z * plane + p] as number;
        for (let dz = 1; dz < d && (dz * sk) ** 2 < best; dz++) {
          const lo = z - dz >= 0 ? (d2[(z - dz) * plane + p] as number) + (dz * sk) ** 2 : Infinity;
          const hi = z + dz < d ? (d2[(z + dz) * plane + p] as number) + (dz * sk) ** 2 : Infinity;
          best = Math.min(best, lo, hi);
        }
        indices[n] = q;
        distanceMm[n] = Math.sqrt(best);
        if (distanceMm[n]! > maxMm) maxMm = distanceMm[n]!;
        n++;
      }
  return { indices, distanceMm, maxMm };
}

/** 32-bit FNV-1a of a string: a case's RNG seed from its name, so adding cases does not move the others' clicks. */
export function seedOf(name: string): number {
  let h = 0x811c9dc5;
  for (let n = 0; n < name.length; n++) h = Math.imul(h ^ name.charCodeAt(n), 0x01000193) >>> 0;
  return h;
}

/**
 * `first` followed by `extra` distinct voxels of `mask` (not `first`'s voxel)
 * at ≥ `minFraction` of the largest distance to the border, drawn with
 * mulberry32(`seed`). Fewer when the lesion has fewer such voxels.
 */
export function consistencyClicks(mask: ArrayLike<number>, dims: Vec3, spacingMm: Vec3, first: Vec3, seed: number, extra = 2, minFraction = 0.5): Vec3[] {
  const { indices, distanceMm, maxMm } = distanceToBorderMm(mask, dims, spacingMm);
  const firstQ = Math.round(first[0]) + dims[0] * (Math.round(first[1]) + dims[1] * Math.round(first[2]));
  const candidates: number[] = [];
  for (let n = 0; n < indices.length; n++) if (distanceMm[n]! >= minFraction * maxMm && indices[n] !== firstQ) candidates.push(indices[n]!);
  const rng = mulberry32(seed);
  const picked: Vec3[] = [];
  for (let n = 0; n < Math.min(extra, candidates.length); n++) {
    const r = n + Math.floor(rng() * (candidates.length - n));
    [candidates[n], candidates[r]] = [candidates[r]!, candidates[n]!];
    picked.push(toIjk(candidates[n]!, dims));
  }
  return [first, ...picked];
}

/** Dice of every pair of masks (same grid, non-zero = inside) and their mean; mean null for fewer than two masks. */
export function pairwiseDice(masks: readonly ArrayLike<number>[]): { pairs: number[]; mean: number | null } {
  const pairs: number[] = [];
  for (let a = 0; a < masks.length; a++)
    for (let b = a + 1; b < masks.length; b++) {
      const x = masks[a]!;
      const y = masks[b]!;
      if (x.length !== y.length) throw new RangeError(`pairwiseDice: ${x.length} voxels against ${y.length}`);
      pairs.push(diceBy(x.length, (q) => x[q] !== 0, (q) => y[q] !== 0));
    }
  return { pairs, mean: pairs.length ? pairs.reduce((s, v) => s + v, 0) / pairs.length : null };
}
