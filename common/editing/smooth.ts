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
 * Opening and closing are those of the mask on an unbounded grid with
 * background beyond the edge (so closing never grows a segment along the
 * edge); the median counts
 * only neighbours inside the grid (a segment touching the edge does not melt
 * away there). The segment only grows into background and
 * only shrinks into background: other segments and locked ones never change.
 */
import { VoxaError } from '../contract/errors';
import type { Vec3 } from '../volume';
import { buildEditDelta, emptyEditDelta, type EditDelta } from '../labelmap/editDelta';
import { clipBox, boxSize, type VoxelBox, labelBox, readBox } from '../labelmap/voxelBox';
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
  const neg = (x: number | undefined) => 0 - (x as number);
  for (let dk = neg(e[2]); dk <= (e[2] as number); dk++)
    for (let dj = neg(e[1]); dj <= (e[1] as number); dj++)
      for (let di = neg(e[0]); di <= (e[0] as number); di++) if (distance2(gram, di, dj, dk) <= r2 * (1 + 1e-12) || (di === 0 && dj === 0 && dk === 0)) out.push([di, dj, dk]);
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
  // Work box: the segment's box grown by twice the kernel (what a dilation then
  // an erosion can reach), NOT clipped: voxels beyond the grid are background.
  const pad = (a: number) => 2 * (ext[a] as number);
  const work: VoxelBox = { min: [lb.min[0] - pad(0), lb.min[1] - pad(1), lb.min[2] - pad(2)], max: [lb.max[0] + pad(0), lb.max[1] + pad(1), lb.max[2] + pad(2)] };
  const [bi, bj, bk] = boxSize(work);
  if (bi * bj * bk * kernel.length > MAX_WORK) throw new VoxaError('TOO_LARGE', 'smoothing kernel too large for this segment');
  const inGrid = (i: number, j: number, k: number) => {
    const gi = i + work.min[0];
    const gj = j + work.min[1];
    const gk = k + work.min[2];
    return gi >= 0 && gj >= 0 && gk >= 0 && gi < dims[0] && gj < dims[1] && gk < dims[2];
  };
  const m = new Uint8Array(bi * bj * bk);
  {
    let q = 0;
    for (let k = 0; k < bk; k++)
      for (let j = 0; j < bj; j++)
        for (let i = 0; i < bi; i++, q++)
          if (inGrid(i, j, k)) m[q] = labels[i + work.min[0] + dims[0] * (j + work.min[1] + dims[1] * (k + work.min[2]))] === o.label ? 1 : 0;
  }
  /** Value of mask `src` at work-box (i, j, k): −1 beyond the grid when `ignoreOutside`, else 0 beyond the box or grid. */
  const at = (src: Uint8Array, i: number, j: number, k: number, ignoreOutside: boolean) => {
    if (ignoreOutside && !inGrid(i, j, k)) return -1;
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
            for (const d of kernel)
              if (at(src, i + d[0], j + d[1], k + d[2], false) === 0) {
                keep = 0;
                break;
              }
            out[q] = keep;
          } else if (op === 'dilate') {
            if (src[q]) {
              out[q] = 1;
              continue;
            }
            for (const d of kernel)
              if (at(src, i + d[0], j + d[1], k + d[2], false) === 1) {
                out[q] = 1;
                break;
              }
          } else {
            if (!inGrid(i, j, k)) continue;
            let on = 0;
            let n = 0;
            for (const d of kernel) {
              const v = at(src, i + d[0], j + d[1], k + d[2], true);
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
  const box = clipBox(work, dims);
  const values = readBox(labels, dims, box);
  const proposed = Uint16Array.from(values);
  let q = 0;
  for (let k = box.min[2]; k <= box.max[2]; k++)
    for (let j = box.min[1]; j <= box.max[1]; j++)
      for (let i = box.min[0]; i <= box.max[0]; i++, q++) {
        const on = result[i - work.min[0] + bi * (j - work.min[1] + bj * (k - work.min[2]))];
        const cur = values[q] as number;
        if (on && cur === 0) proposed[q] = o.label;
        else if (!on && cur === o.label) proposed[q] = 0;
      }
  return buildEditDelta(labels, dims, box, proposed, t.locked);
}
