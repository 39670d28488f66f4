/**
 * Corrections with a native 3D model (segment.prompt3d), local and monotone
 * (DESIGN §5, issue 14): the model proposes a whole new mask from the
 * segment's current mask (the prior) and every click; only the part of the
 * proposal's change that the new click touches is taken.
 *
 * - A positive click only adds: the 6-connected part of (proposed − current)
 *   that holds the click, without the voxels nearer (in mm) to a negative
 *   click than to this one.
 * - A negative click only removes: the connected part of (current −
 *   proposed) that holds the click, without the voxels nearer to a positive
 *   click than to this one. When the model keeps the clicked voxel, what goes
 *   is the connected part of the segment nearer to the click than to every
 *   positive click (the reader said "not this").
 *
 * So a click never changes a part of the segment it does not touch, and a
 * negative click can never empty a lesion that holds a positive click.
 */
import { floodFill6 } from '../../../common/segmentation/floodFill6';
import type { Vec3 } from '../../../common/volume';

export interface Correction3dInput {
  current: Uint8Array;
  proposed: Uint8Array;
  dims: Vec3;
  spacingMm: Vec3;
  click: { ijk: Vec3; positive: boolean };
  /** The segment's other clicks (earlier ones). */
  others: { ijk: Vec3; positive: boolean }[];
}

export interface Correction3dResult {
  mask: Uint8Array;
  added: number;
  removed: number;
  /** The model's own proposal held the change (false: the negative-click fallback acted). */
  fromModel: boolean;
}

/** The voxel index of a click (rounded, clamped to the grid). */
export const clickIndex = (ijk: Vec3, dims: Vec3): number => {
  const [i, j, k] = ijk.map((v, a) => Math.min((dims[a] as number) - 1, Math.max(0, Math.round(v)))) as Vec3;
  return i + dims[0] * (j + dims[1] * k);
};

/** Voxel q is nearer (mm) to `p` than to every point of `rivals`. */
function nearerTo(q: number, dims: Vec3, sp: Vec3, p: Vec3, rivals: Vec3[]): boolean {
  if (rivals.length === 0) return true;
  const i = q % dims[0], j = Math.floor(q / dims[0]) % dims[1], k = Math.floor(q / (dims[0] * dims[1]));
  const d2 = (r: Vec3) => ((i - r[0]) * sp[0]) ** 2 + ((j - r[1]) * sp[1]) ** 2 + ((k - r[2]) * sp[2]) ** 2;
  const own = d2(p);
  return rivals.every((r) => own < d2(r));
}

/** The 6-connected part of `bits` holding voxel `seed`, restricted by `allowed`, as a list of voxel indices. */
function partHolding(bits: Uint8Array, dims: Vec3, seed: number, allowed: (q: number) => boolean): number[] {
  return floodFill6(bits, dims, seed, { allowed });
}

export function mergeCorrection3d(inp: Correction3dInput): Correction3dResult {
  const { current, proposed, dims, spacingMm: sp, click } = inp;
  const mask = current.slice();
  const seed = clickIndex(click.ijk, dims);
  const rivals = inp.others.filter((p) => p.positive !== click.positive).map((p) => p.ijk);
  const allowed = (q: number) => nearerTo(q, dims, sp, click.ijk, rivals);
  const diff = new Uint8Array(current.length);
  if (click.positive) {
    for (let q = 0; q < diff.length; q++) if (proposed[q] && !current[q]) diff[q] = 1;
    const part = partHolding(diff, dims, seed, allowed);
    for (const q of part) mask[q] = 1;
    return { mask, added: part.length, removed: 0, fromModel: true };
  }
  for (let q = 0; q < diff.length; q++) if (current[q] && !proposed[q]) diff[q] = 1;
  let part = partHolding(diff, dims, seed, allowed);
  let fromModel = true;
  if (part.length === 0 && current[seed]) {
    // The model keeps the clicked voxel: the reader's "not this" removes the segment's part around the
    // click that is nearer to it than to every positive click (with no positive click: within 10 mm).
    const [ci, cj, ck] = click.ijk;
    const near = rivals.length > 0 ? allowed : (q: number) => ((q % dims[0]) - ci) ** 2 * sp[0] ** 2 + ((Math.floor(q / dims[0]) % dims[1]) - cj) ** 2 * sp[1] ** 2 + (Math.floor(q / (dims[0] * dims[1])) - ck) ** 2 * sp[2] ** 2 <= 100;
    part = partHolding(current, dims, seed, near);
    fromModel = false;
  }
  for (const q of part) mask[q] = 0;
  return { mask, added: 0, removed: part.length, fromModel };
}

/** How far (mm) a correction may reach, per mm the click lies from the segment's boundary. */
export const REACH_PER_DEPTH = 3;

/**
 * Bounds a correction to the neighbourhood its click implies (every model
 * path: 2D local corrections, 3D packs, the classical tool): a click d mm from
 * the segment's boundary (outside it for a positive click, inside for a
 * negative one) changes voxels only within max(REACH_PER_DEPTH × d, two voxels)
 * of the click. A click just beside an almost right mask (a thin rim the
 * reader wants added or removed) then changes a thin rim, not the region a
 * leaking region-grower or model finds from there; a click deep in a missed
 * or spilled part still reaches all of it.
 */
export function limitReach(current: Uint8Array, next: Uint8Array, dims: Vec3, sp: Vec3, click: { ijk: Vec3; positive: boolean }): { mask: Uint8Array; reachMm: number; dropped: number } {
  const [ni, nj, nk] = dims;
  const [ci, cj, ck] = click.ijk;
  // Distance from the click to the nearest voxel on the other side of the boundary.
  const want = click.positive ? 1 : 0;
  let d2 = Infinity;
  for (let k = 0; k < nk; k++) {
    const dk = ((k - ck) * sp[2]) ** 2;
    if (dk >= d2) continue;
    for (let j = 0; j < nj; j++) {
      const djk = dk + ((j - cj) * sp[1]) ** 2;
      if (djk >= d2) continue;
      const row = ni * (j + nj * k);
      for (let i = 0; i < ni; i++) {
        if ((current[row + i] ? 1 : 0) !== want) continue;
        const d = djk + ((i - ci) * sp[0]) ** 2;
        if (d < d2) d2 = d;
      }
    }
  }
  const depth = Number.isFinite(d2) ? Math.sqrt(d2) : Infinity;
  const reach = Math.max(REACH_PER_DEPTH * depth, 2 * Math.max(sp[0], sp[1], sp[2]));
  const r2 = reach * reach;
  const mask = next.slice();
  let dropped = 0;
  for (let q = 0; q < mask.length; q++) {
    if ((mask[q] ? 1 : 0) === (current[q] ? 1 : 0)) continue;
    const i = q % ni, j = Math.floor(q / ni) % nj, k = Math.floor(q / (ni * nj));
    if (((i - ci) * sp[0]) ** 2 + ((j - cj) * sp[1]) ** 2 + ((k - ck) * sp[2]) ** 2 > r2) {
      mask[q] = current[q] as number;
      dropped++;
    }
  }
  return { mask, reachMm: reach, dropped };
}
