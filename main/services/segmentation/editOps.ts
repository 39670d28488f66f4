/**
 * Labelmap changes as edit deltas: an editing tool's operation (segment:edit)
 * with the name of its history step, and imported masks painted onto the
 * background.
 */
import type { EditOp } from '../../../common/contract/channels/segment';
import { brushStroke, rangeFromClick } from '../../../common/editing/brush';
import type { EditTarget } from '../../../common/editing/editTarget';
import { fillHoles, floodFill } from '../../../common/editing/floodFill';
import { STEP_NAMES } from '../../../common/editing/history';
import { interpolateSlices } from '../../../common/editing/interpolate';
import { removeIslands } from '../../../common/editing/islands';
import { smoothSegment } from '../../../common/editing/smooth';
import { buildEditDelta, emptyEditDelta, lockTable, type EditDelta } from '../../../common/labelmap/editDelta';
import { boxSize, maskBounds, readBox } from '../../../common/labelmap/voxelBox';
import type { Vec3, Volume } from '../../../common/volume';

export function editOpDelta(target: EditTarget, image: Volume['voxels'], dims: Vec3, op: EditOp): { delta: EditDelta; name: string } {
  const rangeOf = (t: { rangeHu: [number, number] } | { toleranceHu: number }, at: Vec3): [number, number] => ('rangeHu' in t ? t.rangeHu : rangeFromClick(image, dims, at, t.toleranceHu));
  switch (op.tool) {
    case 'brush': {
      const intensity = op.threshold ? { image, range: rangeOf(op.threshold, op.points[0] as Vec3) } : undefined;
      const delta = brushStroke(target, {
        mode: op.mode,
        label: op.label,
        points: op.points,
        radiusMm: op.radiusMm,
        shape: op.shape,
        ...(op.planeAxis !== undefined ? { planeAxis: op.planeAxis } : {}),
        ...(op.overwrite !== undefined ? { overwrite: op.overwrite } : {}),
        ...(intensity ? { intensity } : {}),
      });
      return { delta, name: op.mode === 'erase' ? STEP_NAMES.erase : op.threshold ? STEP_NAMES.thresholdBrush : STEP_NAMES.brush };
    }
    case 'fill':
      return {
        delta: floodFill(target, {
          seed: op.seed,
          label: op.label,
          dimensionality: op.dimensionality,
          ...(op.planeAxis !== undefined ? { planeAxis: op.planeAxis } : {}),
          ...(op.connectivity !== undefined ? { connectivity: op.connectivity } : {}),
          ...(op.threshold ? { intensity: { image, range: rangeOf(op.threshold, op.seed) } } : {}),
        }),
        name: STEP_NAMES.fill,
      };
    case 'fillHoles':
      return {
        delta: fillHoles(target, {
          label: op.label,
          dimensionality: op.dimensionality,
          ...(op.planeAxis !== undefined ? { planeAxis: op.planeAxis } : {}),
          ...(op.connectivity !== undefined ? { connectivity: op.connectivity } : {}),
        }),
        name: STEP_NAMES.fillHoles,
      };
    case 'islands':
      return { delta: removeIslands(target, { label: op.label, keep: op.keep, ...(op.connectivity !== undefined ? { connectivity: op.connectivity } : {}) }), name: STEP_NAMES.removeIslands };
    case 'interpolate':
      return { delta: interpolateSlices(target, { label: op.label, axis: op.axis, ...(op.keySlices ? { keySlices: op.keySlices } : {}) }), name: STEP_NAMES.interpolate };
    case 'smooth':
      return {
        delta: smoothSegment(target, { label: op.label, method: op.method, radiusMm: op.radiusMm, dimensionality: op.dimensionality, ...(op.planeAxis !== undefined ? { planeAxis: op.planeAxis } : {}) }),
        name: STEP_NAMES.smooth,
      };
  }
}

/**
 * Masks on the grid (0/1, one per new label `labelOf[n]`) painted where the
 * labelmap is background, never on `locked` labels; within the union of the
 * masks' bounding boxes.
 */
export function masksDelta(labels: Uint8Array | Uint16Array, dims: Vec3, masks: Uint8Array[], labelOf: number[], locked: number[]): EditDelta {
  const min: Vec3 = [dims[0], dims[1], dims[2]];
  const max: Vec3 = [-1, -1, -1];
  const [ni, nj] = dims;
  for (const m of masks) maskBounds(m, dims, { min, max });
  if (max[0] < 0) return emptyEditDelta(dims);
  const box = { min, max };
  const proposed = readBox(labels, dims, box);
  const [bi, bj] = boxSize(box);
  masks.forEach((m, s) => {
    for (let k = min[2]; k <= max[2]; k++)
      for (let j = min[1]; j <= max[1]; j++)
        for (let i = min[0]; i <= max[0]; i++) {
          if (!m[i + ni * (j + nj * k)]) continue;
          const q = i - min[0] + bi * (j - min[1] + bj * (k - min[2]));
          if (proposed[q] === 0) proposed[q] = labelOf[s] as number;
        }
  });
  return buildEditDelta(labels, dims, box, proposed, lockTable(locked));
}
