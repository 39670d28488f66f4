/**
 * A segment as a mask prompt: its voxels on one slice of a plane (a rough
 * stroke the model refines), and the seed point such a mask stands for.
 */
import { VoxaError } from '../../../common/contract';
import { labelBox } from '../../../common/labelmap/voxelBox';
import { planeSize, planeToIjk, slicePlaneFor, type PlaneName, type SliceMask } from '../../../common/segmentation/slicePlane';
import type { Vec3, VolumeGeometry } from '../../../common/volume';

/** The segment's voxels on one slice of a plane: through `at`, else its largest slice. */
export function segmentSliceMask(labels: ArrayLike<number>, dims: Vec3, g: VolumeGeometry, label: number, planeName: PlaneName, at?: Vec3): { slice: number; mask: SliceMask } {
  const plane = slicePlaneFor(g, planeName);
  const { width, height, slices } = planeSize(g, plane);
  const [ni, nj] = dims;
  const read = (u: number, v: number, s: number) => {
    const ijk = planeToIjk(plane, u, v, s);
    return labels[ijk[0] + ni * (ijk[1] + nj * ijk[2])] === label;
  };
  let slice = at ? Math.round(at[plane.normalAxis]) : -1;
  if (slice < 0 || slice >= slices) {
    // The slice holding most of the segment.
    const box = labelBox(labels, dims, label);
    if (box.max[0] < box.min[0]) throw new VoxaError('BAD_REQUEST', 'the segment is empty: paint a rough stroke first');
    let best = -1;
    for (let s = box.min[plane.normalAxis] as number; s <= (box.max[plane.normalAxis] as number); s++) {
      let n = 0;
      for (let v = 0; v < height; v++) for (let u = 0; u < width; u++) if (read(u, v, s)) n++;
      if (n > best) {
        best = n;
        slice = s;
      }
    }
  }
  const bits = new Uint8Array(width * height);
  let any = false;
  for (let v = 0; v < height; v++)
    for (let u = 0; u < width; u++)
      if (read(u, v, slice)) {
        bits[u + width * v] = 1;
        any = true;
      }
  if (!any) throw new VoxaError('BAD_REQUEST', 'the segment has no voxels on that slice');
  return { slice, mask: { width, height, bits } };
}

/** The mask voxel nearest the mask's centroid (in voxel indices): where a stroke says the lesion is. */
export function maskSeed(g: VolumeGeometry, m: { slice: number; mask: SliceMask }, planeName: PlaneName): Vec3 {
  const plane = slicePlaneFor(g, planeName);
  const { width, height, bits } = m.mask;
  let su = 0;
  let sv = 0;
  let n = 0;
  for (let v = 0; v < height; v++)
    for (let u = 0; u < width; u++)
      if (bits[u + width * v]) {
        su += u;
        sv += v;
        n++;
      }
  const cu = su / n;
  const cv = sv / n;
  let best: [number, number] = [0, 0];
  let bestD = Infinity;
  for (let v = 0; v < height; v++)
    for (let u = 0; u < width; u++) {
      if (!bits[u + width * v]) continue;
      const d = (u - cu) ** 2 + (v - cv) ** 2;
      if (d < bestD) {
        bestD = d;
        best = [u, v];
      }
    }
  return planeToIjk(plane, best[0], best[1], m.slice);
}
