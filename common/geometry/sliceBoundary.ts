/**
 * Edge voxels of one slice of a {@link CroppedMask}: lesion voxels with at
 * least one in-plane 4-neighbour outside the lesion (or outside the crop).
 * Units: voxel indices. Both ends of any caliper across a lesion lie on such
 * voxels, which keeps chord searches proportional to the lesion outline.
 */
import type { CroppedMask } from './croppedMask';
import { inPlaneAxes, type Axis } from './sliceHulls';

/** @returns crop-local flat indices of the edge voxels of slice `w` (local index along `axis`). */
export function sliceBoundaryVoxels(mask: CroppedMask, axis: Axis, w: number): number[] {
  const [a, b] = inPlaneAxes(axis);
  const size = mask.size;
  const stride = [1, size[0], size[0] * size[1]] as const;
  const na = size[a];
  const nb = size[b];
  const sa = stride[a];
  const sb = stride[b];
  const inside = mask.inside;
  const out: number[] = [];
  for (let v = 0; v < nb; v++) {
    for (let u = 0; u < na; u++) {
      const id = w * stride[axis] + v * sb + u * sa;
      if (!inside[id]) continue;
      if (u === 0 || u === na - 1 || v === 0 || v === nb - 1 || !inside[id - sa] || !inside[id + sa] || !inside[id - sb] || !inside[id + sb]) out.push(id);
    }
  }
  return out;
}
