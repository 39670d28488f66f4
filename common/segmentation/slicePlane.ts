/**
 * Slice planes and square crops on them: the geometry shared by the prompt2d
 * engine, its preprocessing and the exact inverse mapping of model outputs
 * back to the image grid.
 *
 * A slice plane is a choice of grid axes: `normalAxis` indexes slices,
 * `colAxis` / `rowAxis` run along the crop's columns (x) and rows (y). Axes
 * are chosen so the crop is shown the way radiologists read the plane:
 *
 * | plane    | crop columns (x) | crop rows (y)    | slices along |
 * |----------|------------------|------------------|--------------|
 * | axial    | patient left (+L)| posterior (+P)   | S/I          |
 * | coronal  | patient left (+L)| inferior (−S)    | A/P          |
 * | sagittal | posterior (+P)   | inferior (−S)    | L/R          |
 *
 * For each wanted LPS direction the grid axis most parallel to it is used,
 * with a sign (`colSign`, `rowSign`) when the grid runs the other way, so no
 * voxel is resampled to reorient. On oblique grids the crop stays in the
 * grid's own slice plane.
 *
 * Crop coordinates are continuous pixel units with pixel (c, r) covering
 * [c, c + 1) × [r, r + 1): its centre is (c + 0.5, r + 0.5), and the crop's
 * centre is (S/2, S/2). One crop pixel is `fovMm / S` millimetres.
 */
import type { Vec3, VolumeGeometry } from '../volume';

export type PlaneName = 'axial' | 'coronal' | 'sagittal';
export type Axis = 0 | 1 | 2;

export interface SlicePlane {
  name: PlaneName;
  normalAxis: Axis;
  colAxis: Axis;
  rowAxis: Axis;
  colSign: 1 | -1;
  rowSign: 1 | -1;
}

const WANTED: Record<PlaneName, { col: Vec3; row: Vec3; normal: Vec3 }> = {
  axial: { col: [1, 0, 0], row: [0, 1, 0], normal: [0, 0, 1] },
  coronal: { col: [1, 0, 0], row: [0, 0, -1], normal: [0, 1, 0] },
  sagittal: { col: [0, 1, 0], row: [0, 0, -1], normal: [1, 0, 0] },
};

function axisDir(g: VolumeGeometry, a: Axis): Vec3 {
  const d = g.direction;
  return [d[a * 3] as number, d[a * 3 + 1] as number, d[a * 3 + 2] as number];
}

const dot3 = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

/** The grid axes (and their signs) that show `name` in radiological orientation. */
export function slicePlaneFor(g: VolumeGeometry, name: PlaneName): SlicePlane {
  const want = WANTED[name];
  const axes: Axis[] = [0, 1, 2];
  const pick = (target: Vec3, taken: Axis[]): { axis: Axis; sign: 1 | -1 } => {
    let best: Axis = axes.find((a) => !taken.includes(a)) as Axis;
    for (const a of axes) {
      if (taken.includes(a)) continue;
      if (Math.abs(dot3(axisDir(g, a), target)) > Math.abs(dot3(axisDir(g, best), target))) best = a;
    }
    return { axis: best, sign: dot3(axisDir(g, best), target) < 0 ? -1 : 1 };
  };
  // The normal first: it decides which grid axis indexes slices.
  const normal = pick(want.normal, []);
  const col = pick(want.col, [normal.axis]);
  const row = pick(want.row, [normal.axis, col.axis]);
  return { name, normalAxis: normal.axis, colAxis: col.axis, rowAxis: row.axis, colSign: col.sign, rowSign: row.sign };
}

/** A square crop on one slice. `centreU`/`centreV` are continuous grid indices along colAxis/rowAxis. */
export interface Crop {
  plane: SlicePlane;
  /** Slice index along the plane's normal axis. */
  slice: number;
  centreU: number;
  centreV: number;
  fovMm: number;
  sizePx: number;
}

/** Crop pixel size in grid voxels along colAxis and rowAxis (signed by the plane's orientation). */
function steps(g: VolumeGeometry, c: Crop): [number, number] {
  const px = c.fovMm / c.sizePx;
  return [(c.plane.colSign * px) / (g.spacingMm[c.plane.colAxis] as number), (c.plane.rowSign * px) / (g.spacingMm[c.plane.rowAxis] as number)];
}

/** Crop coordinates (x, y) → continuous grid indices (u along colAxis, v along rowAxis) on the crop's slice. */
export function cropToGrid(g: VolumeGeometry, c: Crop, x: number, y: number): [number, number] {
  const [su, sv] = steps(g, c);
  return [c.centreU + (x - c.sizePx / 2) * su, c.centreV + (y - c.sizePx / 2) * sv];
}

/** The exact inverse of {@link cropToGrid}. */
export function gridToCrop(g: VolumeGeometry, c: Crop, u: number, v: number): [number, number] {
  const [su, sv] = steps(g, c);
  return [c.sizePx / 2 + (u - c.centreU) / su, c.sizePx / 2 + (v - c.centreV) / sv];
}

/** Continuous (u, v, slice) of a plane → (i, j, k). */
export function planeToIjk(p: SlicePlane, u: number, v: number, slice: number): Vec3 {
  const out: Vec3 = [0, 0, 0];
  out[p.colAxis] = u;
  out[p.rowAxis] = v;
  out[p.normalAxis] = slice;
  return out;
}

/** (i, j, k) → (u, v, slice) of a plane. */
export function ijkToPlane(p: SlicePlane, ijk: Vec3): [number, number, number] {
  return [ijk[p.colAxis], ijk[p.rowAxis], ijk[p.normalAxis]];
}

/** Width (along colAxis), height (along rowAxis) and slice count of a plane on a grid. */
export function planeSize(g: VolumeGeometry, p: SlicePlane): { width: number; height: number; slices: number } {
  return { width: g.dimensions[p.colAxis], height: g.dimensions[p.rowAxis], slices: g.dimensions[p.normalAxis] };
}

/** Grid strides of a plane's u, v and slice axes into the i-fastest voxel array. */
export function planeStrides(g: VolumeGeometry, p: SlicePlane): { su: number; sv: number; sk: number } {
  const stride = [1, g.dimensions[0], g.dimensions[0] * g.dimensions[1]] as const;
  return { su: stride[p.colAxis], sv: stride[p.rowAxis], sk: stride[p.normalAxis] };
}

/**
 * Samples the crop from `voxels` bilinearly at every crop pixel centre.
 * Positions outside the grid take the nearest edge value.
 */
export function sampleCrop(voxels: ArrayLike<number>, g: VolumeGeometry, c: Crop): Float32Array {
  const { width, height } = planeSize(g, c.plane);
  const { su: strideU, sv: strideV, sk } = planeStrides(g, c.plane);
  const base = c.slice * sk;
  const S = c.sizePx;
  const out = new Float32Array(S * S);
  const [du, dv] = steps(g, c);
  for (let y = 0; y < S; y++) {
    let v = c.centreV + (y + 0.5 - S / 2) * dv;
    if (v < 0) v = 0;
    else if (v > height - 1) v = height - 1;
    const v0 = Math.min(Math.floor(v), height - 2 < 0 ? 0 : height - 2);
    const fv = height > 1 ? v - v0 : 0;
    const v1 = height > 1 ? v0 + 1 : v0;
    for (let x = 0; x < S; x++) {
      let u = c.centreU + (x + 0.5 - S / 2) * du;
      if (u < 0) u = 0;
      else if (u > width - 1) u = width - 1;
      const u0 = Math.min(Math.floor(u), width - 2 < 0 ? 0 : width - 2);
      const fu = width > 1 ? u - u0 : 0;
      const u1 = width > 1 ? u0 + 1 : u0;
      const a = voxels[base + u0 * strideU + v0 * strideV] as number;
      const b = voxels[base + u1 * strideU + v0 * strideV] as number;
      const cc = voxels[base + u0 * strideU + v1 * strideV] as number;
      const d = voxels[base + u1 * strideU + v1 * strideV] as number;
      out[y * S + x] = (a * (1 - fu) + b * fu) * (1 - fv) + (cc * (1 - fu) + d * fu) * fv;
    }
  }
  return out;
}

/** Bilinear sample of an n×n (row-major) image at continuous pixel coords (x, y) with centres at +0.5; edges clamp. */
export function bilinear2d(img: ArrayLike<number>, w: number, h: number, x: number, y: number): number {
  let fx = x - 0.5;
  let fy = y - 0.5;
  if (fx < 0) fx = 0;
  else if (fx > w - 1) fx = w - 1;
  if (fy < 0) fy = 0;
  else if (fy > h - 1) fy = h - 1;
  const x0 = Math.min(Math.floor(fx), Math.max(w - 2, 0));
  const y0 = Math.min(Math.floor(fy), Math.max(h - 2, 0));
  const x1 = w > 1 ? x0 + 1 : x0;
  const y1 = h > 1 ? y0 + 1 : y0;
  const tx = w > 1 ? fx - x0 : 0;
  const ty = h > 1 ? fy - y0 : 0;
  const a = img[y0 * w + x0] as number;
  const b = img[y0 * w + x1] as number;
  const c = img[y1 * w + x0] as number;
  const d = img[y1 * w + x1] as number;
  return (a * (1 - tx) + b * tx) * (1 - ty) + (c * (1 - tx) + d * tx) * ty;
}

/** A binary mask on one slice of a plane: `bits[u + v·width]`. */
export interface SliceMask {
  width: number;
  height: number;
  bits: Uint8Array;
}

/**
 * Maps crop logits back onto the slice's grid by the exact inverse transform:
 * every grid voxel whose centre falls inside the crop takes the bilinear
 * interpolation of the logits at its crop position, thresholded (> threshold).
 * Voxels outside the crop stay unset.
 */
export function cropLogitsToSlice(logits: ArrayLike<number>, g: VolumeGeometry, c: Crop, threshold: number): SliceMask {
  const { width, height } = planeSize(g, c.plane);
  const bits = new Uint8Array(width * height);
  const S = c.sizePx;
  // Grid range covered by the crop (the map is axis-aligned and monotone per axis).
  const [ua, va] = cropToGrid(g, c, 0, 0);
  const [ub, vb] = cropToGrid(g, c, S, S);
  const u0 = Math.max(0, Math.ceil(Math.min(ua, ub)));
  const u1 = Math.min(width - 1, Math.floor(Math.max(ua, ub)));
  const v0 = Math.max(0, Math.ceil(Math.min(va, vb)));
  const v1 = Math.min(height - 1, Math.floor(Math.max(va, vb)));
  for (let v = v0; v <= v1; v++) {
    for (let u = u0; u <= u1; u++) {
      const [x, y] = gridToCrop(g, c, u, v);
      if (x < 0 || y < 0 || x >= S || y >= S) continue;
      if (bilinear2d(logits, S, S, x, y) > threshold) bits[u + v * width] = 1;
    }
  }
  return { width, height, bits };
}

/**
 * Resamples a slice mask into the crop at `outSize` × `outSize` (e.g. S/4 for
 * SAM's mask prompt): each output pixel takes the bilinear value of the 0/1
 * mask at its centre, so the fraction ≥ 0.5 marks it inside.
 */
export function sliceMaskToCrop(mask: SliceMask, g: VolumeGeometry, c: Crop, outSize: number): Uint8Array {
  const out = new Uint8Array(outSize * outSize);
  const scale = c.sizePx / outSize;
  for (let y = 0; y < outSize; y++) {
    for (let x = 0; x < outSize; x++) {
      const [u, v] = cropToGrid(g, c, (x + 0.5) * scale, (y + 0.5) * scale);
      if (u < -0.5 || v < -0.5 || u > mask.width - 0.5 || v > mask.height - 0.5) continue;
      if (bilinear2d(mask.bits, mask.width, mask.height, u + 0.5, v + 0.5) >= 0.5) out[y * outSize + x] = 1;
    }
  }
  return out;
}

/** Bounding box of a slice mask, its centre and largest extent in mm; null when empty. */
export function sliceMaskExtent(
  mask: SliceMask,
  g: VolumeGeometry,
  p: SlicePlane,
): { uMin: number; uMax: number; vMin: number; vMax: number; centreU: number; centreV: number; extentMm: number; area: number } | null {
  let uMin = Infinity;
  let uMax = -Infinity;
  let vMin = Infinity;
  let vMax = -Infinity;
  let area = 0;
  for (let v = 0; v < mask.height; v++) {
    for (let u = 0; u < mask.width; u++) {
      if (!mask.bits[u + v * mask.width]) continue;
      area++;
      if (u < uMin) uMin = u;
      if (u > uMax) uMax = u;
      if (v < vMin) vMin = v;
      if (v > vMax) vMax = v;
    }
  }
  if (area === 0) return null;
  const extentMm = Math.max((uMax - uMin + 1) * (g.spacingMm[p.colAxis] as number), (vMax - vMin + 1) * (g.spacingMm[p.rowAxis] as number));
  return { uMin, uMax, vMin, vMax, centreU: (uMin + uMax) / 2, centreV: (vMin + vMax) / 2, extentMm, area };
}

export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
