/**
 * Pure: the order in which a streamed volume's k slices are requested. The
 * slices the first image needs come alone first; the rest follow in chunks of
 * whole slices alternating below and above them, outward, so the region
 * around the first image fills in first (as Cornerstone3D's streaming
 * volume loader does from the middle out).
 */
import type { VolumeGeometry } from '../../../common/volume';
import type { SliceGrid } from '../geometry/mprGeometry';
import { sliceIjkFrame } from '../geometry/reslice';

/**
 * Ranges [first, count] covering every slice of `sliceCount` once: `first`
 * alone, then chunks of at most `perChunk` slices, alternately just below and
 * just above what was already requested.
 */
export function streamRanges(sliceCount: number, perChunk: number, first: [number, number]): [number, number][] {
  const lo0 = Math.max(0, Math.min(sliceCount, first[0]));
  const hi0 = Math.max(lo0, Math.min(sliceCount, first[0] + first[1]));
  const out: [number, number][] = hi0 > lo0 ? [[lo0, hi0 - lo0]] : [];
  const step = Math.max(1, Math.floor(perChunk));
  let lo = lo0;
  let hi = hi0;
  while (lo > 0 || hi < sliceCount) {
    if (lo > 0) {
      const a = Math.max(0, lo - step);
      out.push([a, lo - a]);
      lo = a;
    }
    if (hi < sliceCount) {
      const b = Math.min(sliceCount, hi + step);
      out.push([hi, b - hi]);
      hi = b;
    }
  }
  return out;
}

/**
 * The k slices [first, count] a slice image at `normalMm` on `grid` reads
 * (both neighbours for linear interpolation), at most `maxCount` of them
 * around their middle; at least one slice, clamped to the volume.
 */
export function slicesUnderPlane(g: VolumeGeometry, grid: SliceGrid, normalMm: number, maxCount: number): [number, number] {
  const nk = g.dimensions[2];
  const { base, da, db } = sliceIjkFrame(g, grid, normalMm);
  const a = grid.right.count - 1;
  const b = grid.up.count - 1;
  const ks = [base[2], base[2] + a * da[2], base[2] + b * db[2], base[2] + a * da[2] + b * db[2]];
  let k0 = Math.max(0, Math.min(nk - 1, Math.floor(Math.min(...ks) + 1e-6)));
  let k1 = Math.max(0, Math.min(nk - 1, Math.ceil(Math.max(...ks) - 1e-6)));
  if (k1 < k0) [k0, k1] = [k1, k0];
  const cap = Math.max(1, Math.floor(maxCount));
  if (k1 - k0 + 1 > cap) {
    k0 = Math.max(0, Math.min(nk - cap, Math.round((k0 + k1 + 1 - cap) / 2)));
    k1 = k0 + cap - 1;
  }
  return [k0, k1 - k0 + 1];
}
