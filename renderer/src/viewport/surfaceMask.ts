/**
 * Pure helpers for segment surfaces: the binary mask of one label, cropped to
 * its bounding box and padded with one voxel of background so the extracted
 * surface is closed; and the IJK → LPS affine the worker applies to points.
 */
import { ijkToLpsMatrix } from '../../../common/geometry/affine';
import type { Vec3, VolumeGeometry } from '../../../common/volume';

export interface CroppedMask {
  /** IJK of the mask's voxel (0, 0, 0) in the labelmap (may be −1: padding). */
  offset: Vec3;
  dims: Vec3;
  mask: Uint8Array;
}

/** Per-label bounding boxes in one pass: label → [imin, imax, jmin, jmax, kmin, kmax]. */
export function labelBoxes(labels: Uint8Array, dims: Vec3): Map<number, number[]> {
  const boxes = new Map<number, number[]>();
  const [ni, nj, nk] = dims;
  let p = 0;
  for (let k = 0; k < nk; k++)
    for (let j = 0; j < nj; j++)
      for (let i = 0; i < ni; i++, p++) {
        const l = labels[p]!;
        if (l === 0) continue;
        const b = boxes.get(l);
        if (!b) boxes.set(l, [i, i, j, j, k, k]);
        else {
          if (i < b[0]!) b[0] = i;
          if (i > b[1]!) b[1] = i;
          if (j < b[2]!) b[2] = j;
          if (j > b[3]!) b[3] = j;
          if (k < b[4]!) b[4] = k;
          if (k > b[5]!) b[5] = k;
        }
      }
  return boxes;
}

export function cropLabelMask(labels: Uint8Array, dims: Vec3, label: number, box: number[]): CroppedMask {
  const [i0, i1, j0, j1, k0, k1] = box as [number, number, number, number, number, number];
  const md: Vec3 = [i1 - i0 + 3, j1 - j0 + 3, k1 - k0 + 3];
  const mask = new Uint8Array(md[0] * md[1] * md[2]);
  for (let k = k0; k <= k1; k++)
    for (let j = j0; j <= j1; j++) {
      let p = i0 + dims[0] * (j + dims[1] * k);
      let q = 1 + md[0] * (j - j0 + 1 + md[1] * (k - k0 + 1));
      for (let i = i0; i <= i1; i++, p++, q++) if (labels[p] === label) mask[q] = 1;
    }
  return { offset: [i0 - 1, j0 - 1, k0 - 1], dims: md, mask };
}

/** Row-major 3×4 IJK → LPS affine (the top three rows of the 4×4). */
export function affine12(g: VolumeGeometry): number[] {
  return ijkToLpsMatrix(g).slice(0, 12);
}
