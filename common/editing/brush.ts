/**
 * Brush, eraser and threshold-limited brush, returning an edit delta.
 *
 * A stroke is a list of brush centres in continuous voxel coordinates (ijk;
 * the centre of voxel (i, j, k) is (i, j, k)). A voxel is under the brush when
 * the physical distance (mm, through the grid's spacing and direction) from
 * its centre to the stroke — each centre, and the straight segment between
 * consecutive centres — is at most `radiusMm`; the voxel nearest each centre
 * is always included, so a brush smaller than a voxel still paints one.
 * `disc` paints in one grid slice (normal to `planeAxis`, at the first
 * centre's rounded slice; later centres are projected onto it); `sphere` paints
 * in 3D.
 */
import { VoxaError } from '../contract/errors';
import type { Vec3 } from '../volume';
import { buildEditDelta, emptyEditDelta, type EditDelta } from '../labelmap/editDelta';
import { clipBox, isEmptyBox, boxSize, type VoxelBox } from '../labelmap/voxelBox';
import { checkAxis, checkImage, checkLabel, checkRange, distance2, extentVoxels, planeExtentVoxels, prepareTarget, type Axis, type EditTarget } from './editTarget';

export interface BrushOptions {
  /** `paint` sets voxels to `label`; `erase` sets voxels holding `label` to 0 (label 0: any label). */
  mode: 'paint' | 'erase';
  label: number;
  /** Brush centres along the stroke, continuous ijk. */
  points: Vec3[];
  radiusMm: number;
  shape: 'disc' | 'sphere';
  /** Slice plane of a disc brush: the grid axis normal to it. */
  planeAxis?: Axis;
  /** Painting over another (unlocked) segment replaces it; false paints background only. Default true. */
  overwrite?: boolean;
  /** Threshold-limited brush: only voxels whose image value lies in `range` (inclusive) change. */
  intensity?: { image: ArrayLike<number>; range: readonly [number, number] };
}

const MAX_POINTS = 100_000;

/** Squared distance (mm²) from voxel offset p to the segment a→b (offsets in voxels). */
function segmentDistance2(gram: number[], p: Vec3, a: Vec3, b: Vec3): number {
  const ab: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const ap: Vec3 = [p[0] - a[0], p[1] - a[1], p[2] - a[2]];
  const len2 = distance2(gram, ab[0], ab[1], ab[2]);
  let t = 0;
  if (len2 > 0) {
    // <ap, ab>_G / <ab, ab>_G
    const g = gram;
    let dot = 0;
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) dot += (ap[r] as number) * (g[r * 3 + c] as number) * (ab[c] as number);
    t = Math.min(1, Math.max(0, dot / len2));
  }
  return distance2(gram, ap[0] - t * ab[0], ap[1] - t * ab[1], ap[2] - t * ab[2]);
}

export function brushStroke(target: EditTarget, o: BrushOptions): EditDelta {
  const t = prepareTarget(target);
  const { dims, gram, labels } = t;
  checkLabel(labels, o.label);
  if (o.mode === 'paint' && o.label === 0) throw new VoxaError('BAD_REQUEST', 'painting label 0 is erasing: use the eraser');
  if (!(o.radiusMm >= 0) || !Number.isFinite(o.radiusMm)) throw new VoxaError('BAD_REQUEST', `brush radius must be a finite, non-negative number of mm, got ${o.radiusMm}`);
  if (o.points.length === 0) return emptyEditDelta(dims);
  if (o.points.length > MAX_POINTS) throw new VoxaError('TOO_LARGE', `a stroke of ${o.points.length} points is too long`);
  for (const p of o.points) if (!p.every((v) => Number.isFinite(v))) throw new VoxaError('BAD_REQUEST', 'brush centres must be finite');
  if (o.intensity) {
    checkImage(o.intensity.image, dims);
    checkRange(o.intensity.range);
  }
  let pts = o.points.map((p) => [...p] as Vec3);
  let ext: Vec3;
  let sliceAxis: Axis | undefined;
  let slice = 0;
  if (o.shape === 'disc') {
    const axis = o.planeAxis ?? 2;
    checkAxis(axis);
    sliceAxis = axis;
    slice = Math.round((pts[0] as Vec3)[axis]);
    if (slice < 0 || slice >= dims[axis]) return emptyEditDelta(dims);
    pts = pts.map((p) => {
      const q: Vec3 = [...p];
      q[axis] = slice;
      return q;
    });
    ext = planeExtentVoxels(gram, o.radiusMm, axis);
  } else if (o.shape === 'sphere') ext = extentVoxels(gram, o.radiusMm);
  else throw new VoxaError('BAD_REQUEST', `unknown brush shape ${String(o.shape)}`);

  const lo: Vec3 = [Infinity, Infinity, Infinity];
  const hi: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (const p of pts)
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a] as number, Math.floor((p[a] as number) - (ext[a] as number)) - 1, Math.round(p[a] as number));
      hi[a] = Math.max(hi[a] as number, Math.ceil((p[a] as number) + (ext[a] as number)) + 1, Math.round(p[a] as number));
    }
  if (sliceAxis !== undefined) {
    lo[sliceAxis] = slice;
    hi[sliceAxis] = slice;
  }
  const box: VoxelBox = clipBox({ min: lo, max: hi }, dims);
  if (isEmptyBox(box)) return emptyEditDelta(dims);
  const [bi, bj, bk] = boxSize(box);
  if (bi * bj * bk > 64 * 1024 * 1024) throw new VoxaError('TOO_LARGE', 'brush stroke covers too large a region');

  const under = new Uint8Array(bi * bj * bk);
  const r2 = o.radiusMm * o.radiusMm;
  const at = (i: number, j: number, k: number) => i - box.min[0] + bi * (j - box.min[1] + bj * (k - box.min[2]));
  for (let n = 0; n < pts.length; n++) {
    const a = pts[n] as Vec3;
    const b = pts[n + 1] ?? a;
    if (n > 0 && pts.length > 1 && n === pts.length - 1) {
      // The last centre was covered by the previous segment; only its nearest voxel remains.
    } else {
      const sl: Vec3 = [0, 0, 0];
      const sh: Vec3 = [0, 0, 0];
      for (let ax = 0; ax < 3; ax++) {
        sl[ax] = Math.max(box.min[ax] as number, Math.floor(Math.min(a[ax] as number, b[ax] as number) - (ext[ax] as number)));
        sh[ax] = Math.min(box.max[ax] as number, Math.ceil(Math.max(a[ax] as number, b[ax] as number) + (ext[ax] as number)));
      }
      for (let k = sl[2]; k <= sh[2]; k++)
        for (let j = sl[1]; j <= sh[1]; j++)
          for (let i = sl[0]; i <= sh[0]; i++) {
            const q = at(i, j, k);
            if (under[q]) continue;
            if (segmentDistance2(gram, [i, j, k], a, b) <= r2) under[q] = 1;
          }
    }
    const c: Vec3 = [Math.round(a[0]), Math.round(a[1]), Math.round(a[2])];
    if (c[0] >= box.min[0] && c[0] <= box.max[0] && c[1] >= box.min[1] && c[1] <= box.max[1] && c[2] >= box.min[2] && c[2] <= box.max[2]) under[at(c[0], c[1], c[2])] = 1;
  }

  const proposed = new Uint16Array(bi * bj * bk);
  const [ni, nj] = dims;
  const overwrite = o.overwrite ?? true;
  let q = 0;
  for (let k = box.min[2]; k <= box.max[2]; k++)
    for (let j = box.min[1]; j <= box.max[1]; j++) {
      let p = box.min[0] + ni * (j + nj * k);
      for (let i = box.min[0]; i <= box.max[0]; i++, p++, q++) {
        const cur = labels[p] as number;
        let v = cur;
        if (under[q]) {
          const img = o.intensity ? (o.intensity.image[p] as number) : 0;
          const inRange = !o.intensity || (img >= o.intensity.range[0] && img <= o.intensity.range[1]);
          if (inRange) {
            if (o.mode === 'paint') {
              if (overwrite || cur === 0) v = o.label;
            } else if (o.label === 0 ? cur !== 0 : cur === o.label) v = 0;
          }
        }
        proposed[q] = v;
      }
    }
  return buildEditDelta(labels, dims, box, proposed, t.locked);
}

/**
 * The threshold brush's range picked from the clicked voxel: its value ±
 * `toleranceHu` (the usual "pick from the clicked value" behaviour).
 */
export function rangeFromClick(image: ArrayLike<number>, dims: Vec3, ijk: Vec3, toleranceHu: number): [number, number] {
  checkImage(image, dims);
  const c: Vec3 = [Math.round(ijk[0]), Math.round(ijk[1]), Math.round(ijk[2])];
  for (let a = 0; a < 3; a++) if (!((c[a] as number) >= 0 && (c[a] as number) < (dims[a] as number))) throw new VoxaError('BAD_REQUEST', 'clicked point lies outside the image');
  if (!(toleranceHu >= 0)) throw new VoxaError('BAD_REQUEST', 'tolerance must be non-negative');
  const v = image[c[0] + dims[0] * (c[1] + dims[1] * c[2])] as number;
  if (!Number.isFinite(v)) throw new VoxaError('BAD_REQUEST', 'clicked voxel has no finite value');
  return [v - toleranceHu, v + toleranceHu];
}
