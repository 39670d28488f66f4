/**
 * Interpolation between edited slices (shape-based, after Raya & Udupa 1990
 * and Herman et al. 1992): each key slice's mask becomes a signed distance
 * map in millimetres (negative inside), the maps of the two key slices around
 * a gap are blended linearly by slice position, and a voxel in between is
 * inside where the blend is ≤ 0:
 *
 *   sd(k) = ((k1 − k)·sd0 + (k − k0)·sd1) / (k1 − k0),   k0 < k < k1.
 *
 * Two ways to call it:
 * - `keySlices: [k0, k1]`: both must hold the segment; the slices strictly
 *   between them become exactly the interpolated shape (the segment is added
 *   inside it, over background, and removed outside it).
 * - no key slices: every slice holding the segment is a key, and each run of
 *   empty slices between two keys is filled (over background only), the
 *   behaviour of "fill between slices" tools.
 * Other segments are never overwritten; locked segments never change.
 */
import { VoxaError } from '../contract/errors';
import type { Vec3 } from '../volume';
import { buildEditDelta, emptyEditDelta, type EditDelta } from '../labelmap/editDelta';
import { boxSize, type VoxelBox, labelBox, readBox } from '../labelmap/voxelBox';
import { signedDistance2d } from './distanceTransform';
import { checkAxis, checkLabel, prepareTarget, type Axis, type EditTarget } from './editTarget';

export interface InterpolateOptions {
  label: number;
  /** Grid axis the slices are stacked along (the plane's normal). */
  axis: Axis;
  keySlices?: [number, number];
}

export function interpolateSlices(target: EditTarget, o: InterpolateOptions): EditDelta {
  const t = prepareTarget(target);
  const { dims, labels } = t;
  checkLabel(labels, o.label);
  checkAxis(o.axis);
  if (o.label === 0) throw new VoxaError('BAD_REQUEST', 'cannot interpolate the background');
  const a = o.axis;
  const u: Axis = a === 0 ? 1 : 0;
  const v: Axis = a === 2 ? 1 : 2;
  const [ni, nj] = dims;
  const strideOf = (ax: Axis) => (ax === 0 ? 1 : ax === 1 ? ni : ni * nj);
  const su = strideOf(u);
  const sv = strideOf(v);
  const sa = strideOf(a);
  const nu = dims[u];
  const nv = dims[v];
  const ns = dims[a];

  // Per slice: does it hold the label, and its in-plane bounding box (scanned inside the segment's box only).
  const lb = labelBox(labels, dims, o.label);
  const present: { u0: number; u1: number; v0: number; v1: number }[] = [];
  const has = new Uint8Array(ns);
  for (let s = 0; s < ns; s++) {
    let u0 = nu;
    let u1 = -1;
    let v0 = nv;
    let v1 = -1;
    if (lb.max[0] >= 0 && s >= lb.min[a] && s <= lb.max[a])
      for (let y = lb.min[v]; y <= lb.max[v]; y++)
        for (let x = lb.min[u]; x <= lb.max[u]; x++)
          if (labels[s * sa + y * sv + x * su] === o.label) {
            if (x < u0) u0 = x;
            if (x > u1) u1 = x;
            if (y < v0) v0 = y;
            if (y > v1) v1 = y;
          }
    present.push({ u0, u1, v0, v1 });
    if (u1 >= 0) has[s] = 1;
  }

  let pairs: [number, number][];
  const replace = o.keySlices !== undefined;
  if (o.keySlices) {
    const [k0, k1] = o.keySlices;
    for (const k of [k0, k1])
      if (!Number.isInteger(k) || k < 0 || k >= ns) throw new VoxaError('BAD_REQUEST', `key slice ${k} lies outside the grid (0..${ns - 1})`);
    if (!(k1 > k0)) throw new VoxaError('BAD_REQUEST', 'the second key slice must come after the first');
    if (!has[k0] || !has[k1]) throw new VoxaError('BAD_REQUEST', `both key slices must hold segment ${o.label}`);
    pairs = k1 - k0 > 1 ? [[k0, k1]] : [];
  } else {
    pairs = [];
    let prev = -1;
    for (let s = 0; s < ns; s++)
      if (has[s]) {
        if (prev >= 0 && s - prev > 1) pairs.push([prev, s]);
        prev = s;
      }
  }
  if (pairs.length === 0) return emptyEditDelta(dims);

  // One box over every gap; the region of each gap is its keys' union box grown by one pixel.
  const boxMin: Vec3 = [dims[0], dims[1], dims[2]];
  const boxMax: Vec3 = [-1, -1, -1];
  const regions = pairs.map(([k0, k1]) => {
    const p0 = present[k0] as (typeof present)[number];
    const p1 = present[k1] as (typeof present)[number];
    const r = {
      k0,
      k1,
      u0: Math.max(0, Math.min(p0.u0, p1.u0) - 1),
      u1: Math.min(nu - 1, Math.max(p0.u1, p1.u1) + 1),
      v0: Math.max(0, Math.min(p0.v0, p1.v0) - 1),
      v1: Math.min(nv - 1, Math.max(p0.v1, p1.v1) + 1),
    };
    const lo: Vec3 = [0, 0, 0];
    const hi: Vec3 = [0, 0, 0];
    lo[a] = k0 + 1;
    hi[a] = k1 - 1;
    // Replacing clears the segment from the whole in-between slices.
    lo[u] = replace ? 0 : r.u0;
    hi[u] = replace ? nu - 1 : r.u1;
    lo[v] = replace ? 0 : r.v0;
    hi[v] = replace ? nv - 1 : r.v1;
    for (let ax = 0; ax < 3; ax++) {
      boxMin[ax] = Math.min(boxMin[ax] as number, lo[ax] as number);
      boxMax[ax] = Math.max(boxMax[ax] as number, hi[ax] as number);
    }
    return r;
  });
  const box: VoxelBox = { min: boxMin, max: boxMax };
  const [bi, bj] = boxSize(box);
  const proposed = readBox(labels, dims, box);
  if (replace) for (let q = 0; q < proposed.length; q++) if (proposed[q] === o.label) proposed[q] = 0;
  const sp = target.geometry.spacingMm;
  for (const r of regions) {
    const w = r.u1 - r.u0 + 1;
    const h = r.v1 - r.v0 + 1;
    const maskOf = (s: number) => {
      const m = new Uint8Array(w * h);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) m[x + w * y] = labels[s * sa + (r.v0 + y) * sv + (r.u0 + x) * su] === o.label ? 1 : 0;
      return m;
    };
    const sd0 = signedDistance2d(maskOf(r.k0), w, h, sp[u], sp[v]);
    const sd1 = signedDistance2d(maskOf(r.k1), w, h, sp[u], sp[v]);
    for (let s = r.k0 + 1; s < r.k1; s++) {
      const w0 = r.k1 - s;
      const w1 = s - r.k0;
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const g: Vec3 = [0, 0, 0];
          g[a] = s;
          g[u] = r.u0 + x;
          g[v] = r.v0 + y;
          const q = g[0] - box.min[0] + bi * (g[1] - box.min[1] + bj * (g[2] - box.min[2]));
          const cur = proposed[q] as number;
          const inside = w0 * (sd0[x + w * y] as number) + w1 * (sd1[x + w * y] as number) <= 0;
          if (inside && cur === 0) proposed[q] = o.label;
        }
    }
  }
  return buildEditDelta(labels, dims, box, proposed, t.locked);
}
