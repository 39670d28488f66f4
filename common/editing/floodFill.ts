/**
 * Flood fill and hole filling, returning an edit delta.
 *
 * Flood fill: the region connected to the seed voxel (in its slice, or in 3D)
 * whose voxels hold the seed's current label — and, when an intensity range is
 * given, whose image values lie in it — becomes `label`.
 *
 * Hole filling: a hole of segment `label` is a connected region of voxels not
 * holding `label` that does not reach the edge of the grid (of the slice, in
 * 2D). Its background voxels (label 0) become `label`; voxels of other
 * segments inside a hole are left alone. The connectivity given is that of
 * the background (6 or 4 by default, the dual of the segment's full
 * connectivity, so a diagonal gap in a wall does not leak).
 */
import { VoxaError } from '../contract/errors';
import type { Vec3 } from '../volume';
import { buildEditDelta, emptyEditDelta, type EditDelta } from '../labelmap/editDelta';
import { boxSize, labelBox, readBox, type VoxelBox } from '../labelmap/voxelBox';
import { checkAxis, checkImage, checkLabel, checkRange, checkVoxel, neighbourOffsets, prepareTarget, type Axis, type EditTarget } from './editTarget';

export interface FloodFillOptions {
  seed: Vec3;
  label: number;
  /** '2d' fills within the seed's slice normal to `planeAxis`. */
  dimensionality: '2d' | '3d';
  planeAxis?: Axis;
  /** 4 or 8 in 2D; 6, 18 or 26 in 3D. Default 4 / 6. */
  connectivity?: number;
  intensity?: { image: ArrayLike<number>; range: readonly [number, number] };
}

/** Box of the whole grid, or of one slice of it. */
function regionBox(dims: Vec3, planeAxis: Axis | undefined, slice: number): VoxelBox {
  const min: Vec3 = [0, 0, 0];
  const max: Vec3 = [dims[0] - 1, dims[1] - 1, dims[2] - 1];
  if (planeAxis !== undefined) {
    min[planeAxis] = slice;
    max[planeAxis] = slice;
  }
  return { min, max };
}

/**
 * Labels the connected components of `inside` (a 0/1 mask over `box`'s
 * voxels, i fastest) with ids 1..n; returns the id per voxel and each
 * component's size and whether it touches the box's border (on every axis
 * but `planeAxis`, the normal of a 2D slice).
 */
export function connectedComponents(inside: Uint8Array, size: Vec3, offsets: Vec3[], planeAxis?: Axis): { ids: Int32Array; sizes: number[]; touchesBorder: boolean[] } {
  const [bi, bj, bk] = size;
  const ids = new Int32Array(inside.length);
  const sizes: number[] = [0];
  const touches: boolean[] = [false];
  const stack: number[] = [];
  const flat = offsets.map((d) => d[0] + bi * (d[1] + bj * d[2]));
  const onBorder = (i: number, j: number, k: number) =>
    (planeAxis !== 0 && (i === 0 || i === bi - 1)) || (planeAxis !== 1 && (j === 0 || j === bj - 1)) || (planeAxis !== 2 && (k === 0 || k === bk - 1));
  for (let start = 0; start < inside.length; start++) {
    if (!inside[start] || ids[start]) continue;
    const id = sizes.length;
    sizes.push(0);
    touches.push(false);
    ids[start] = id;
    stack.push(start);
    while (stack.length > 0) {
      const q = stack.pop() as number;
      sizes[id] = (sizes[id] as number) + 1;
      const i = q % bi;
      const j = Math.floor(q / bi) % bj;
      const k = Math.floor(q / (bi * bj));
      if (onBorder(i, j, k)) touches[id] = true;
      for (let n = 0; n < offsets.length; n++) {
        const d = offsets[n] as Vec3;
        const ii = i + d[0];
        const jj = j + d[1];
        const kk = k + d[2];
        if (ii < 0 || jj < 0 || kk < 0 || ii >= bi || jj >= bj || kk >= bk) continue;
        const r = q + (flat[n] as number);
        if (inside[r] && !ids[r]) {
          ids[r] = id;
          stack.push(r);
        }
      }
    }
  }
  return { ids, sizes, touchesBorder: touches };
}

export function floodFill(target: EditTarget, o: FloodFillOptions): EditDelta {
  const t = prepareTarget(target);
  const { dims, labels } = t;
  checkLabel(labels, o.label);
  checkVoxel(dims, o.seed, 'seed');
  let planeAxis: Axis | undefined;
  if (o.dimensionality === '2d') {
    const a = o.planeAxis ?? 2;
    checkAxis(a);
    planeAxis = a;
  } else if (o.dimensionality !== '3d') throw new VoxaError('BAD_REQUEST', `dimensionality must be 2d or 3d`);
  const offsets = neighbourOffsets(o.connectivity ?? (planeAxis === undefined ? 6 : 4), planeAxis);
  if (o.intensity) {
    checkImage(o.intensity.image, dims);
    checkRange(o.intensity.range);
  }
  const box = regionBox(dims, planeAxis, planeAxis === undefined ? 0 : (o.seed[planeAxis] as number));
  const size = boxSize(box);
  const values = readBox(labels, dims, box);
  const seedLabel = labels[o.seed[0] + dims[0] * (o.seed[1] + dims[1] * o.seed[2])] as number;
  if (seedLabel === o.label) return emptyEditDelta(dims);
  const inside = new Uint8Array(values.length);
  const lo = o.intensity?.range[0] ?? 0;
  const hi = o.intensity?.range[1] ?? 0;
  if (o.intensity) {
    // Float image values: read them directly (readBox would truncate to integers).
    let q = 0;
    for (let k = box.min[2]; k <= box.max[2]; k++)
      for (let j = box.min[1]; j <= box.max[1]; j++)
        for (let i = box.min[0]; i <= box.max[0]; i++, q++) {
          const v = o.intensity.image[i + dims[0] * (j + dims[1] * k)] as number;
          inside[q] = values[q] === seedLabel && v >= lo && v <= hi ? 1 : 0;
        }
  } else for (let q = 0; q < values.length; q++) inside[q] = values[q] === seedLabel ? 1 : 0;
  const seedQ = o.seed[0] - box.min[0] + size[0] * (o.seed[1] - box.min[1] + size[1] * (o.seed[2] - box.min[2]));
  if (!inside[seedQ]) return emptyEditDelta(dims);
  // Fill from the seed only (a single component search).
  const filled = new Uint8Array(values.length);
  const stack = [seedQ];
  filled[seedQ] = 1;
  const [bi, bj, bk] = size;
  while (stack.length > 0) {
    const q = stack.pop() as number;
    const i = q % bi;
    const j = Math.floor(q / bi) % bj;
    const k = Math.floor(q / (bi * bj));
    for (const d of offsets) {
      const ii = i + d[0];
      const jj = j + d[1];
      const kk = k + d[2];
      if (ii < 0 || jj < 0 || kk < 0 || ii >= bi || jj >= bj || kk >= bk) continue;
      const r = ii + bi * (jj + bj * kk);
      if (inside[r] && !filled[r]) {
        filled[r] = 1;
        stack.push(r);
      }
    }
  }
  const proposed = new Uint16Array(values.length);
  for (let q = 0; q < values.length; q++) proposed[q] = filled[q] ? o.label : (values[q] as number);
  return buildEditDelta(labels, dims, box, proposed, t.locked);
}

export interface FillHolesOptions {
  label: number;
  /** '2d' fills holes slice by slice (slices normal to `planeAxis`). */
  dimensionality: '2d' | '3d';
  planeAxis?: Axis;
  /** Background connectivity: 4/8 in 2D (default 4), 6/18/26 in 3D (default 6). */
  connectivity?: number;
}

export function fillHoles(target: EditTarget, o: FillHolesOptions): EditDelta {
  const t = prepareTarget(target);
  const { dims, labels } = t;
  checkLabel(labels, o.label);
  if (o.label === 0) throw new VoxaError('BAD_REQUEST', 'background has no holes to fill');
  let planeAxis: Axis | undefined;
  if (o.dimensionality === '2d') {
    const a = o.planeAxis ?? 2;
    checkAxis(a);
    planeAxis = a;
  } else if (o.dimensionality !== '3d') throw new VoxaError('BAD_REQUEST', `dimensionality must be 2d or 3d`);
  const offsets = neighbourOffsets(o.connectivity ?? (planeAxis === undefined ? 6 : 4), planeAxis);
  const box = labelBox(labels, dims, o.label);
  if (box.max[0] < 0) return emptyEditDelta(dims);
  // A region of non-label voxels that reaches the box's border is connected to
  // the outside (just beyond the box, nothing holds the label), so holes are
  // exactly the components inside the box that do not touch its border.
  const size = boxSize(box);
  const values = readBox(labels, dims, box);
  const proposed = Uint16Array.from(values);
  const [bi, bj] = size;
  const fillIn = (sub: VoxelBox) => {
    const s = boxSize(sub);
    const inside = new Uint8Array(s[0] * s[1] * s[2]);
    const idx = (i: number, j: number, k: number) => i - box.min[0] + bi * (j - box.min[1] + bj * (k - box.min[2]));
    let q = 0;
    for (let k = sub.min[2]; k <= sub.max[2]; k++)
      for (let j = sub.min[1]; j <= sub.max[1]; j++)
        for (let i = sub.min[0]; i <= sub.max[0]; i++, q++) inside[q] = values[idx(i, j, k)] !== o.label ? 1 : 0;
    const cc = connectedComponents(inside, s, offsets, planeAxis);
    q = 0;
    for (let k = sub.min[2]; k <= sub.max[2]; k++)
      for (let j = sub.min[1]; j <= sub.max[1]; j++)
        for (let i = sub.min[0]; i <= sub.max[0]; i++, q++) {
          const id = cc.ids[q] as number;
          if (id && !cc.touchesBorder[id] && values[idx(i, j, k)] === 0) proposed[idx(i, j, k)] = o.label;
        }
  };
  if (planeAxis === undefined) fillIn(box);
  else
    for (let s = box.min[planeAxis]; s <= box.max[planeAxis]; s++) {
      const sub: VoxelBox = { min: [...box.min], max: [...box.max] };
      sub.min[planeAxis] = s;
      sub.max[planeAxis] = s;
      fillIn(sub);
    }
  return buildEditDelta(labels, dims, box, proposed, t.locked);
}
