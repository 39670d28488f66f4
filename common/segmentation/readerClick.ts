/**
 * The simulated reader of the interactive-segmentation protocol (ULS23 and the
 * interactive literature; DESIGN §5): the first click at a lesion's deepest
 * voxel, then each correction at the deepest voxel of the largest 3D error
 * component — positive where the mask misses lesion, negative where it spills.
 */
import type { Vec3 } from '../volume';
import { floodFill6 } from './floodFill6';

/**
 * The deepest voxel of a mask: erode it (6-neighbourhood) until it would vanish,
 * then the last layer's voxel nearest the mask's centroid. -1 for an empty mask.
 */
export function deepestVoxel(mask: ArrayLike<number>, dims: Vec3): number {
  const [ni, nj, nk] = dims;
  let cur = Uint8Array.from(mask, (v) => (v ? 1 : 0));
  let last = cur;
  for (;;) {
    const next = new Uint8Array(cur.length);
    let any = false;
    for (let k = 1; k < nk - 1; k++)
      for (let j = 1; j < nj - 1; j++)
        for (let i = 1; i < ni - 1; i++) {
          const q = i + ni * (j + nj * k);
          if (cur[q] && cur[q - 1] && cur[q + 1] && cur[q - ni] && cur[q + ni] && cur[q - ni * nj] && cur[q + ni * nj]) {
            next[q] = 1;
            any = true;
          }
        }
    if (!any) break;
    last = next;
    cur = next;
  }
  let sx = 0;
  let sy = 0;
  let sz = 0;
  let c = 0;
  for (let q = 0; q < mask.length; q++)
    if (mask[q]) {
      sx += q % ni;
      sy += Math.floor(q / ni) % nj;
      sz += Math.floor(q / (ni * nj));
      c++;
    }
  if (c === 0) return -1;
  let best = -1;
  let bd = Infinity;
  for (let q = 0; q < last.length; q++) {
    if (!last[q]) continue;
    const d = ((q % ni) - sx / c) ** 2 + ((Math.floor(q / ni) % nj) - sy / c) ** 2 + (Math.floor(q / (ni * nj)) - sz / c) ** 2;
    if (d < bd) {
      bd = d;
      best = q;
    }
  }
  return best;
}

export const toIjk = (q: number, dims: Vec3): Vec3 => [q % dims[0], Math.floor(q / dims[0]) % dims[1], Math.floor(q / (dims[0] * dims[1]))];

/** The next correction: at the deepest voxel of the largest 6-connected component of (mask ≠ truth); null when they agree. */
export function readerCorrection(mask: ArrayLike<number>, truth: ArrayLike<number>, dims: Vec3): { ijk: Vec3; positive: boolean; errorVoxels: number } | null {
  const err = new Uint8Array(mask.length);
  for (let q = 0; q < err.length; q++) if (!mask[q] !== !truth[q]) err[q] = 1;
  const seen = new Uint8Array(err.length);
  let best: number[] = [];
  for (let q0 = 0; q0 < err.length; q0++) {
    const comp = floodFill6(err, dims, q0, { seen });
    if (comp.length > best.length) best = comp;
  }
  if (best.length === 0) return null;
  const compMask = new Uint8Array(err.length);
  for (const q of best) compMask[q] = 1;
  const q = deepestVoxel(compMask, dims);
  return { ijk: toIjk(q, dims), positive: !!truth[q], errorVoxels: best.length };
}
