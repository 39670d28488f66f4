/**
 * A model result (a binary mask delta from the inference engine,
 * common/segmentation/labelmapDelta.ts) turned into an undoable edit of one
 * segment: `replace` makes the segment exactly the mask (a click that refines
 * the selected lesion), `add` paints the mask into it (a new lesion, a mask
 * prompt accepted as is). Voxels of other segments are overwritten only with
 * `overwrite: true`; locked segments never change.
 */
import { VoxaError } from '../contract/errors';
import { forEachDeltaVoxel, type LabelmapDelta } from '../segmentation/labelmapDelta';
import type { Vec3 } from '../volume';
import { buildEditDelta, emptyEditDelta, boxSize, type EditDelta, type VoxelBox } from './editDelta';
import { labelBox, readBox } from './floodFill';
import { checkLabel, prepareTarget, type EditTarget } from './editTarget';

export interface MaskEditOptions {
  label: number;
  mode: 'replace' | 'add';
  overwrite?: boolean;
}

export function editFromMask(target: EditTarget, mask: LabelmapDelta, o: MaskEditOptions): EditDelta {
  const t = prepareTarget(target);
  const { dims, labels } = t;
  checkLabel(labels, o.label);
  if (o.label === 0) throw new VoxaError('BAD_REQUEST', 'a mask result needs a segment label, not 0');
  if (mask.dimensions.some((v, a) => v !== dims[a])) throw new VoxaError('BAD_REQUEST', `mask grid ${mask.dimensions.join('×')} is not the labelmap grid ${dims.join('×')}`);
  const boxes: VoxelBox[] = [];
  if (mask.voxelCount > 0) boxes.push({ min: [...mask.bboxMin], max: [...mask.bboxMax] });
  if (o.mode === 'replace') {
    const lb = labelBox(labels, dims, o.label);
    if (lb.max[0] >= 0) boxes.push(lb);
  }
  if (boxes.length === 0) return emptyEditDelta(dims);
  const min: Vec3 = [Math.min(...boxes.map((b) => b.min[0])), Math.min(...boxes.map((b) => b.min[1])), Math.min(...boxes.map((b) => b.min[2]))];
  const max: Vec3 = [Math.max(...boxes.map((b) => b.max[0])), Math.max(...boxes.map((b) => b.max[1])), Math.max(...boxes.map((b) => b.max[2]))];
  const box: VoxelBox = { min, max };
  const [bi, bj] = boxSize(box);
  const values = readBox(labels, dims, box);
  const proposed = Uint16Array.from(values);
  if (o.mode === 'replace') for (let q = 0; q < proposed.length; q++) if (proposed[q] === o.label) proposed[q] = 0;
  const [ni, nj] = dims;
  forEachDeltaVoxel(mask, (n) => {
    const i = n % ni;
    const j = Math.floor(n / ni) % nj;
    const k = Math.floor(n / (ni * nj));
    const q = i - min[0] + bi * (j - min[1] + bj * (k - min[2]));
    const cur = proposed[q] as number;
    if (cur === 0 || cur === o.label || o.overwrite) proposed[q] = o.label;
  });
  return buildEditDelta(labels, dims, box, proposed, t.locked);
}
