/**
 * The union of binary mask deltas on one grid (e.g. one classical region per
 * positive click), as one delta with `label`. Works in the union of their
 * boxes, never on the whole grid.
 */
import type { Vec3 } from '../volume';
import { unionBox } from '../labelmap/voxelBox';
import { deltaFromBoxMask, emptyDelta, forEachDeltaVoxel, type LabelmapDelta } from '../labelmap/labelmapDelta';

export function unionDeltas(deltas: LabelmapDelta[], dimensions: Vec3, label: number): LabelmapDelta {
  const used = deltas.filter((d) => d.voxelCount > 0);
  for (const d of used) if (d.dimensions.some((v, a) => v !== dimensions[a])) throw new RangeError('deltas of different grids');
  if (used.length === 0) return emptyDelta(dimensions, label);
  if (used.length === 1) return { ...(used[0] as LabelmapDelta), label };
  const { min, max } = unionBox(used.map((d) => d.box));
  const size = [0, 1, 2].map((a) => (max[a] as number) - (min[a] as number) + 1) as Vec3;
  const box = new Uint8Array(size[0] * size[1] * size[2]);
  const [ni, nj] = dimensions;
  for (const d of used)
    forEachDeltaVoxel(d, (n) => {
      const i = n % ni;
      const j = Math.floor(n / ni) % nj;
      const k = Math.floor(n / (ni * nj));
      box[i - min[0] + size[0] * (j - min[1] + size[1] * (k - min[2]))] = 1;
    });
  return deltaFromBoxMask(box, min, max, dimensions, label);
}
