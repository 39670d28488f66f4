/**
 * Island removal, returning an edit delta: the 3D connected components of one
 * segment are found (6, 18 or 26 connectivity) and all but the kept ones
 * become background. Keep the largest (ties: the one reached first in grid
 * order), the one holding a clicked voxel, or every island of at least
 * `minVoxels` voxels.
 */
import { VoxaError } from '../contract/errors';
import type { Vec3 } from '../volume';
import { buildEditDelta, emptyEditDelta, type EditDelta } from '../labelmap/editDelta';
import { boxSize, labelBox, readBox } from '../labelmap/voxelBox';
import { connectedComponents } from './floodFill';
import { checkLabel, checkVoxel, neighbourOffsets, prepareTarget, type EditTarget } from './editTarget';

export type IslandKeep = { kind: 'largest' } | { kind: 'clicked'; seed: Vec3 } | { kind: 'minSize'; minVoxels: number };

export interface IslandOptions {
  label: number;
  keep: IslandKeep;
  /** 6, 18 or 26; default 26 (Slicer's "islands" use full connectivity). */
  connectivity?: number;
}

export function removeIslands(target: EditTarget, o: IslandOptions): EditDelta {
  const t = prepareTarget(target);
  const { dims, labels } = t;
  checkLabel(labels, o.label);
  if (o.label === 0) throw new VoxaError('BAD_REQUEST', 'background has no islands');
  const offsets = neighbourOffsets(o.connectivity ?? 26);
  const box = labelBox(labels, dims, o.label);
  if (box.max[0] < 0) return emptyEditDelta(dims);
  const size = boxSize(box);
  const values = readBox(labels, dims, box);
  const inside = new Uint8Array(values.length);
  for (let q = 0; q < values.length; q++) inside[q] = values[q] === o.label ? 1 : 0;
  const cc = connectedComponents(inside, size, offsets);
  const keep = new Uint8Array(cc.sizes.length);
  if (o.keep.kind === 'largest') {
    let best = 0;
    for (let id = 1; id < cc.sizes.length; id++) if ((cc.sizes[id] as number) > (cc.sizes[best] as number)) best = id;
    keep[best] = 1;
  } else if (o.keep.kind === 'clicked') {
    checkVoxel(dims, o.keep.seed, 'clicked voxel');
    const s = o.keep.seed;
    const inBox = s.every((v, a) => v >= (box.min[a] as number) && v <= (box.max[a] as number));
    const id = inBox ? (cc.ids[s[0] - box.min[0] + size[0] * (s[1] - box.min[1] + size[1] * (s[2] - box.min[2]))] as number) : 0;
    if (id === 0) throw new VoxaError('BAD_REQUEST', `the clicked voxel is not part of segment ${o.label}`);
    keep[id] = 1;
  } else if (o.keep.kind === 'minSize') {
    if (!(Number.isInteger(o.keep.minVoxels) && o.keep.minVoxels >= 0)) throw new VoxaError('BAD_REQUEST', 'minVoxels must be a non-negative integer');
    for (let id = 1; id < cc.sizes.length; id++) if ((cc.sizes[id] as number) >= o.keep.minVoxels) keep[id] = 1;
  } else throw new VoxaError('BAD_REQUEST', 'unknown island rule');
  const proposed = Uint16Array.from(values);
  for (let q = 0; q < values.length; q++) {
    const id = cc.ids[q] as number;
    if (id && !keep[id]) proposed[q] = 0;
  }
  return buildEditDelta(labels, dims, box, proposed, t.locked);
}
