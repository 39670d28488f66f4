/**
 * A model result (a binary mask delta from the inference engine,
 * common/labelmap/labelmapDelta.ts) turned into an undoable edit of one
 * segment: `replace` makes the segment exactly the mask (a click that refines
 * the selected lesion), `add` paints the mask into it (a new lesion, a mask
 * prompt accepted as is). Voxels of other segments are overwritten only with
 * `overwrite: true`; locked segments never change.
 */
import { VoxaError } from '../contract/errors';
import { forEachDeltaVoxel, type LabelmapDelta } from '../labelmap/labelmapDelta';
import { buildEditDelta, emptyEditDelta, type EditDelta } from '../labelmap/editDelta';
import { boxSize, emptyBox, isEmptyBox, labelBox, readBox, unionBox, type VoxelBox } from '../labelmap/voxelBox';
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
  const boxes: VoxelBox[] = [mask.voxelCount > 0 ? mask.box : emptyBox()];
  if (o.mode === 'replace') boxes.push(labelBox(labels, dims, o.label));
  const box = unionBox(boxes);
  if (isEmptyBox(box)) return emptyEditDelta(dims);
  const { min } = box;
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
