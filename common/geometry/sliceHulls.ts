/**
 * Convex hull of every slice of a {@link CroppedMask} along one voxel axis,
 * on integer voxel indices (exact). Units: voxel indices.
 *
 * Only the two end voxels of each voxel line can be hull vertices (a voxel
 * strictly between two lesion voxels on a line is not extreme), so each slice
 * is reduced to its line ends before the hull is taken.
 */
import { convexHull2d } from './convexHull2d';
import type { CroppedMask } from './croppedMask';

export type Axis = 0 | 1 | 2;

/** The two in-plane voxel axes of slices along `axis`, in increasing order. */
export function inPlaneAxes(axis: Axis): [Axis, Axis] {
  return axis === 0 ? [1, 2] : axis === 1 ? [0, 2] : [0, 1];
}

/**
 * @returns for each slice (local index along `axis`, 0 … size[axis] − 1) the
 *   crop-local flat indices of its hull vertices, counter-clockwise in the
 *   (first in-plane axis, second in-plane axis) index frame; empty for an
 *   empty slice.
 */
export function sliceHullVertices(mask: CroppedMask, axis: Axis): number[][] {
  const [a, b] = inPlaneAxes(axis);
  const size = mask.size;
  const stride = [1, size[0], size[0] * size[1]] as const;
  const na = size[a];
  const nb = size[b];
  const sa = stride[a];
  const sb = stride[b];
  const sw = stride[axis];
  const result: number[][] = [];
  const xs: number[] = [];
  const ys: number[] = [];
  const ids: number[] = [];
  for (let w = 0; w < size[axis]; w++) {
    xs.length = 0;
    ys.length = 0;
    ids.length = 0;
    for (let v = 0; v < nb; v++) {
      const base = w * sw + v * sb;
      let first = -1;
      let last = -1;
      for (let u = 0; u < na; u++) {
        if (mask.inside[base + u * sa]) {
          if (first < 0) first = u;
          last = u;
        }
      }
      if (first < 0) continue;
      xs.push(first);
      ys.push(v);
      ids.push(base + first * sa);
      if (last !== first) {
        xs.push(last);
        ys.push(v);
        ids.push(base + last * sa);
      }
    }
    // Points arrive sorted by (v, u): hull in the swapped (v, u) frame without sorting, then
    // reverse, as a counter-clockwise turn there is clockwise in (u, v).
    result.push(convexHull2d(ys, xs, { presorted: true }).reverse().map((h) => ids[h] as number));
  }
  return result;
}
