/**
 * Smoothing of one segment, returning an edit delta.
 *
 * The structuring element is the set of voxel offsets within `radiusMm`
 * (physical distance, so it is an ellipsoid in voxels on anisotropic grids; a
 * disc in the slice normal to `planeAxis` in 2D). Methods:
 * - `open`: erosion then dilation (removes spurs and bridges thinner than the kernel);
 * - `close`: dilation then erosion (fills notches and gaps narrower than the kernel);
 * - `median`: a voxel holds the segment when more than half of its kernel
 *   neighbourhood (itself included) does — the binary median filter.
 * Neighbours beyond the grid's edge are ignored (erosion does not eat a
 * segment that touches the edge). The segment only grows into background and
 * only shrinks into background: other segments and locked ones never change.
 */
import { VoxaError } from '../contract/errors';
import type { Vec3 } from '../volume';
import { buildEditDelta, clipBox, emptyEditDelta, boxSize, type EditDelta, type VoxelBox } from './editDelta';
import { labelBox, readBox } from './floodFill';
import { checkAxis, checkLabel, distance2, extentVoxels, planeExtentVoxels, prepareTarget, type Axis, type EditTarget } from './editTarget';

export interface SmoothOptions {
  label: number;
  method: 'open' | 'close' | 'median';
  radiusMm: number;
  dimensionality: '2d' | '3d';
  planeAxis?: Axis;
}

const MAX_WORK = 2e9;

/** Kernel offsets within radiusMm (always including the centre). */
export function kernelOffsets(gram: number[], radiusMm: number, planeAxis?: Axis): Vec3[] {
  const ext = planeAxis === undefined ? extentVoxels(gram, radiusMm) : planeExtentVoxels(gram, radiusMm, planeAxis);
  const e = ext.map((x) => Math.floor(x + 1e-9));
  const out: Vec3[] = [];
  const r2 = radiusMm * radiusMm;
  for (let dk = -(e[2] as number); dk <= (e[2] as number); dk++)
    for (let dj = -(e[1] as number); dj <= (e[1] as number); dj++)
      for (let di = -(e[0] as number); di <= (e[0] as number); di++) if (distance2(gram, di, dj, dk) <= r2 * (1 + 1e-12) || (di === 0 && dj === 0 && dk === 0)) out.push([di, dj, dk]);
  return out;
}

export function smoothSegment(target: EditTarget, o: SmoothOptions): EditDelta {
  const t = prepareTarget(target);
  const { dims, labels, gram } = t;
  checkLabel(labels, o.label);
  if (o.label === 0) throw new VoxaError('BAD_REQUEST', 'cannot smooth the background');
  if (!(o.radiusMm >= 0) || !Number.isFinite(o.radiusMm)) throw new VoxaError('BAD_REQUEST', `kernel radius must be a finite, non-negative number of mm`);
  let planeAxis: Axis | undefined;
  if (o.dimensionality === '2d') {
    const a = o.planeAxis ?? 2;
    checkAxis(a);
    planeAxis = a;
  } else if (o.dimensionality !== '3d') throw new VoxaError('BAD_REQUEST', 'dimensionality must be 2d or 3d');
  if (o.method !== 'open' && o.method !== 'close' && o.method !== 'median') throw new VoxaError('BAD_REQUEST', `unknown smoothing method ${String(o.method)}`);
  const kernel = kernelOffsets(gram, o.radiusMm, planeAxis);
  const lb = labelBox(labels, dims, o.label);
  if (lb.max[0] < 0) return emptyEditDelta(dims);
  const ext: Vec3 = [0, 0, 0];
  for (const d of kernel) for (let a = 0; a < 3; a++) ext[a] = Math.max(ext[a] as number, Math.abs(d[a] as number));
  const box: VoxelBox = clipBox({ min: [lb.min[0] - ext[0], lb.min[1] - ext[1], lb.min[2] - ext[2]], max: [lb.max[0] + ext[0], lb.max[1] + ext[1], lb.max[2] + ext[2]] }, dims);
  const [bi, bj, bk] = boxSize(box);
  if (bi * bj * bk * kernel.length > MAX_WORK) throw new VoxaError('TOO_LARGE', 'smoothing kernel too large for this segment');
  const values = readBox(labels, dims, box);
  const m = new Uint8Array(values.length);
  for (let q = 0; q < values.length; q++) m[q] = values[q] === o.label ? 1 : 0;

  /** Value of mask `src` at box-relative (i, j, k): −1 beyond the grid, 0 inside the grid but outside the box. */
  const at = (src: Uint8Array, i: number, j: number, k: number) => {
    const gi = i + box.min[0];
    const gj = j + box.min[1];
    const gk = k + box.min[2];
    if (gi < 0 || gj < 0 || gk < 0 || gi >= dims[0] || gj >= dims[1] || gk >= dims[2]) return -1;
    if (i < 0 || j < 0 || k < 0 || i >= bi || j >= bj || k >= bk) return 0;
    return src[i + bi * (j + bj * k)] as number;
  };
  const morph = (src: Uint8Array, op: 'erode' | 'dilate' | 'median') => {
    const out = new Uint8Array(src.length);
    let q = 0;
    for (let k = 0; k < bk; k++)
      for (let j = 0; j < bj; j++)
        for (let i = 0; i < bi; i++, q++) {
          if (op === 'erode') {
            if (!src[q]) continue;
            let keep = 1;
            for (const d of kernel) if (at(src, i + d[0], j + d[1], k + d[2]) === 0) {
              keep = 0;
              break;
            }
            out[q] = keep;
          } else if (op === 'dilate') {
            if (src[q]) {
              out[q] = 1;
              continue;
            }
            for (const d of kernel) if (at(src, i + d[0], j + d[1], k + d[2]) === 1) {
              out[q] = 1;
              break;
            }
          } else {
            let on = 0;
            let n = 0;
            for (const d of kernel) {
              const v = at(src, i + d[0], j + d[1], k + d[2]);
              if (v < 0) continue;
              n++;
              on += v;
            }
            out[q] = 2 * on > n ? 1 : 0;
          }
        }
    return out;
  };
  const result = o.method === 'open' ? morph(morph(m, 'erode'), 'dilate') : o.method === 'close' ? morph(morph(m, 'dilate'), 'erode') : morph(m, 'median');
  const proposed = Uint16Array.from(values);
  for (let q = 0; q < values.length; q++) {
    const cur = values[q] as number;
    if (result[q] && cur === 0) proposed[q] = o.label;
    else if (!result[q] && cur === o.label) proposed[q] = 0;
  }
  return buildEditDelta(labels, dims, box, proposed, t.locked);
}
