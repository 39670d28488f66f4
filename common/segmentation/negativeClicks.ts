/**
 * Negative clicks enforced in 3D. A 2D model sees a negative point only on
 * the prompted slice, and region growing only treats it as a small barrier,
 * so a leak into a neighbouring structure can survive them. After the model
 * runs, each negative click claims the part of the mask that is physically
 * closer to it (mm, through spacing and direction) than to every positive
 * click — the Voronoi split between the two kinds of clicks — and only the
 * components connected (6-neighbours) to a positive click are kept.
 */
import type { Vec3, VolumeGeometry } from '../volume';
import { distance2, gramMatrix, neighbourOffsets } from '../editing/editTarget';
import { connectedComponents } from '../editing/floodFill';
import { deltaFromBoxMask, forEachDeltaVoxel, type LabelmapDelta } from '../labelmap/labelmapDelta';

export function applyNegativeClicks(mask: LabelmapDelta, geometry: Pick<VolumeGeometry, 'spacingMm' | 'direction'>, positives: Vec3[], negatives: Vec3[]): LabelmapDelta {
  if (negatives.length === 0 || mask.voxelCount === 0) return mask;
  const gram = gramMatrix(geometry);
  const near2 = (points: Vec3[], i: number, j: number, k: number) => {
    let best = Infinity;
    for (const p of points) best = Math.min(best, distance2(gram, i - p[0], j - p[1], k - p[2]));
    return best;
  };
  const [ni, nj] = mask.dimensions;
  const { min, max } = mask.box;
  const size: Vec3 = [max[0] - min[0] + 1, max[1] - min[1] + 1, max[2] - min[2] + 1];
  const inside = new Uint8Array(size[0] * size[1] * size[2]);
  forEachDeltaVoxel(mask, (n) => {
    const i = n % ni;
    const j = Math.floor(n / ni) % nj;
    const k = Math.floor(n / (ni * nj));
    if (positives.length > 0 && near2(negatives, i, j, k) < near2(positives, i, j, k)) return;
    if (positives.length === 0 && near2(negatives, i, j, k) === 0) return;
    inside[i - min[0] + size[0] * (j - min[1] + size[1] * (k - min[2]))] = 1;
  });
  if (positives.length > 0) {
    const { ids } = connectedComponents(inside, size, neighbourOffsets(6));
    const keep = new Set<number>();
    for (const p of positives) {
      const q = p.map((v, a) => Math.round(v) - (min[a] as number)) as Vec3;
      if (q.some((v, a) => v < 0 || v >= (size[a] as number))) continue;
      const id = ids[q[0] + size[0] * (q[1] + size[1] * q[2])] as number;
      if (id > 0) keep.add(id);
    }
    // No positive click lies in the mask (a box prompt): keep every remaining part.
    if (keep.size > 0) for (let q = 0; q < inside.length; q++) if (inside[q] && !keep.has(ids[q] as number)) inside[q] = 0;
  }
  return deltaFromBoxMask(inside, [...min], [...max], mask.dimensions, mask.label);
}
