/** The box protocol's prompt: the tight box of the reference on its largest axial (k) slice. */
import type { Vec3 } from '../../../common/volume';

/** Corners (voxel indices) of the tight box of `mask` on the k slice with the most voxels (the lower k on a tie); null when empty. */
export function largestSliceBox(mask: ArrayLike<number>, dims: Vec3): { a: Vec3; b: Vec3; slice: number } | null {
  const [ni, nj, nk] = dims;
  const plane = ni * nj;
  let slice = -1;
  let most = 0;
  for (let k = 0; k < nk; k++) {
    let c = 0;
    for (let q = k * plane; q < (k + 1) * plane; q++) if (mask[q]) c++;
    if (c > most) [slice, most] = [k, c];
  }
  if (slice < 0) return null;
  let i0 = ni, i1 = -1, j0 = nj, j1 = -1;
  for (let j = 0; j < nj; j++)
    for (let i = 0; i < ni; i++)
      if (mask[slice * plane + j * ni + i]) {
        i0 = Math.min(i0, i);
        i1 = Math.max(i1, i);
        j0 = Math.min(j0, j);
        j1 = Math.max(j1, j);
      }
  return { a: [i0, j0, slice], b: [i1, j1, slice], slice };
}
