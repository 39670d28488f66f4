/**
 * Pure geometry of the MPR viewports (no WebGL), in LPS millimetres.
 *
 * Every MPR plane is aligned with the PATIENT axes, whatever the acquisition:
 * an oblique series is resliced so that it displays upright. Screen axes:
 *
 * | view     | screen right | screen up | slice normal (index grows) | edges (top, bottom, left, right) |
 * |----------|--------------|-----------|----------------------------|----------------------------------|
 * | axial    | +x (L)       | −y (A)    | +z (S)                     | A, P, R, L                       |
 * | coronal  | +x (L)       | +z (S)    | +y (P)                     | S, I, R, L                       |
 * | sagittal | +y (P)       | +z (S)    | +x (L)                     | S, I, A, P                       |
 *
 * Radiological convention: patient left on the viewer's right in axial and
 * coronal (the viewer looks from the feet / from the front).
 *
 * Fit rule (zoom 1): the view is centred on the volume's centre (midpoint of
 * the first and last voxel centres) and shows the volume's full extent along
 * both screen axes, where the extent along a unit axis a is
 * Σ_n |dir_n · a| · spacing_n · dims_n (voxel-centre span plus one voxel for an
 * axis-aligned volume): parallelScale = max(heightMm, widthMm / aspect) / 2.
 */
import { dot, ijkToLps, lpsToIjk } from '../../../common/geometry/affine';
import type { Vec3, VolumeGeometry } from '../../../common/volume';

export type MprView = 'axial' | 'coronal' | 'sagittal';
export const MPR_VIEWS: readonly MprView[] = ['axial', 'coronal', 'sagittal'];

export interface PlaneAxes {
  right: Vec3;
  up: Vec3;
  normal: Vec3;
}

export const PLANE_AXES: Record<MprView, PlaneAxes> = {
  axial: { right: [1, 0, 0], up: [0, -1, 0], normal: [0, 0, 1] },
  coronal: { right: [1, 0, 0], up: [0, 0, 1], normal: [0, 1, 0] },
  sagittal: { right: [0, 1, 0], up: [0, 0, 1], normal: [1, 0, 0] },
};

const LETTERS: [string, string][] = [
  ['L', 'R'],
  ['P', 'A'],
  ['S', 'I'],
];

/**
 * Orientation letters of an LPS direction: the patient axes it points along,
 * strongest first, each contributing more than cos(70°); e.g. [0.9, −0.4, 0] → "LA".
 */
export function orientationLabel(v: Vec3): string {
  const parts = [0, 1, 2]
    .map((n) => ({ n, c: v[n as 0 | 1 | 2] }))
    .filter((p) => Math.abs(p.c) > 0.342)
    .sort((a, b) => Math.abs(b.c) - Math.abs(a.c));
  return parts.map((p) => LETTERS[p.n]![p.c > 0 ? 0 : 1]).join('');
}

const neg = (v: Vec3): Vec3 => [-v[0], -v[1], -v[2]];

/** The labels on the four edges of a view. */
export function edgeLabels(axes: PlaneAxes): { top: string; bottom: string; left: string; right: string } {
  return { top: orientationLabel(axes.up), bottom: orientationLabel(neg(axes.up)), left: orientationLabel(neg(axes.right)), right: orientationLabel(axes.right) };
}

export function volumeCentre(g: VolumeGeometry): Vec3 {
  return ijkToLps(g, [(g.dimensions[0] - 1) / 2, (g.dimensions[1] - 1) / 2, (g.dimensions[2] - 1) / 2]);
}

function axisDir(g: VolumeGeometry, n: number): Vec3 {
  return [g.direction[n * 3]!, g.direction[n * 3 + 1]!, g.direction[n * 3 + 2]!];
}

/** Extent (mm) of the volume along a unit axis: Σ |dir_n · a| · spacing_n · dims_n. */
export function extentAlong(g: VolumeGeometry, axis: Vec3): number {
  let span = 0;
  for (let n = 0; n < 3; n++) span += Math.abs(dot(axisDir(g, n), axis)) * g.spacingMm[n as 0 | 1 | 2] * g.dimensions[n as 0 | 1 | 2];
  return span;
}

export function fitParallelScale(g: VolumeGeometry, axes: PlaneAxes, aspect: number): number {
  return Math.max(extentAlong(g, axes.up), extentAlong(g, axes.right) / aspect) / 2;
}

/** Spacing of the volume axis most aligned with `axis` (the natural sampling step along it). */
export function stepAlong(g: VolumeGeometry, axis: Vec3): number {
  let best = 0;
  let step = g.spacingMm[0];
  for (let n = 0; n < 3; n++) {
    const c = Math.abs(dot(axisDir(g, n), axis));
    if (c > best + 1e-9) {
      best = c;
      step = g.spacingMm[n as 0 | 1 | 2];
    }
  }
  return step;
}

/** Range of the projections of the voxel centres (the 8 corners) on a unit axis. */
export function projectedRange(g: VolumeGeometry, axis: Vec3): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  const [ni, nj, nk] = g.dimensions;
  for (const i of [0, ni - 1])
    for (const j of [0, nj - 1])
      for (const k of [0, nk - 1]) {
        const p = dot(ijkToLps(g, [i, j, k]), axis);
        lo = Math.min(lo, p);
        hi = Math.max(hi, p);
      }
  return [lo, hi];
}

/** Largest slice image side (pixels); beyond it the sampling step grows. */
export const MAX_SLICE_PX = 2048;

/** One axis of a sampling grid: coordinate of sample n = start + n · step (mm along the axis). */
export interface GridAxis {
  start: number;
  step: number;
  count: number;
}

/** The sampling grid of one MPR view: where its 2D slice images are sampled, and its slice positions. */
export interface SliceGrid {
  view: MprView;
  axes: PlaneAxes;
  right: GridAxis;
  up: GridAxis;
  /** Slice positions along the normal: slice n is at start + n · step. */
  normal: GridAxis;
}

function gridAxis(g: VolumeGeometry, axis: Vec3, maxCount: number): GridAxis {
  const [lo, hi] = projectedRange(g, axis);
  let step = stepAlong(g, axis);
  let count = Math.round((hi - lo) / step) + 1;
  if (count > maxCount) {
    step = (hi - lo) / (maxCount - 1);
    count = maxCount;
  }
  return { start: lo, step, count };
}

export function sliceGrid(g: VolumeGeometry, view: MprView): SliceGrid {
  const axes = PLANE_AXES[view];
  return {
    view,
    axes,
    right: gridAxis(g, axes.right, MAX_SLICE_PX),
    up: gridAxis(g, axes.up, MAX_SLICE_PX),
    normal: gridAxis(g, axes.normal, Number.MAX_SAFE_INTEGER),
  };
}

/** Slice index (clamped) of an LPS point in a grid. */
export function sliceIndexOf(grid: SliceGrid, lps: Vec3): number {
  const n = Math.round((dot(lps, grid.axes.normal) - grid.normal.start) / grid.normal.step);
  return Math.min(grid.normal.count - 1, Math.max(0, n));
}

/** Moves `lps` along the grid's normal onto slice `index` (clamped). */
export function withSliceIndex(grid: SliceGrid, lps: Vec3, index: number): Vec3 {
  const n = Math.min(grid.normal.count - 1, Math.max(0, Math.round(index)));
  const target = grid.normal.start + n * grid.normal.step;
  const d = target - dot(lps, grid.axes.normal);
  const v = grid.axes.normal;
  return [lps[0] + d * v[0], lps[1] + d * v[1], lps[2] + d * v[2]];
}

export interface ViewState {
  axes: PlaneAxes;
  /** LPS point at the screen centre (on the slice plane). */
  centreLps: Vec3;
  /** Half the visible height in mm. */
  parallelScale: number;
}

export type Size = { width: number; height: number };

/** LPS point under a display pixel (CSS px from the viewport's top-left), on the plane through `planeLps`. */
export function displayToLps(view: ViewState, size: Size, px: number, py: number, planeLps: Vec3): Vec3 {
  const mmPerPx = (2 * view.parallelScale) / size.height;
  const dx = (px - size.width / 2) * mmPerPx;
  const dy = (size.height / 2 - py) * mmPerPx;
  const { right: r, up: u, normal: n } = view.axes;
  const c = view.centreLps;
  const dn = dot([planeLps[0] - c[0], planeLps[1] - c[1], planeLps[2] - c[2]], n);
  return [0, 1, 2].map((a) => c[a]! + dx * r[a]! + dy * u[a]! + dn * n[a]!) as Vec3;
}

/** Display pixel of an LPS point (its projection on the view plane). */
export function lpsToDisplay(view: ViewState, size: Size, lps: Vec3): [number, number] {
  const mmPerPx = (2 * view.parallelScale) / size.height;
  const c = view.centreLps;
  const d: Vec3 = [lps[0] - c[0], lps[1] - c[1], lps[2] - c[2]];
  return [size.width / 2 + dot(d, view.axes.right) / mmPerPx, size.height / 2 - dot(d, view.axes.up) / mmPerPx];
}

/** The view of one MPR viewport for a zoom (1 = fit) and a pan (mm along screen right and up). */
export function computeView(g: VolumeGeometry, view: MprView, crosshairLps: Vec3, size: Size, zoom: number, panMm: [number, number]): ViewState {
  const axes = PLANE_AXES[view];
  const c = volumeCentre(g);
  const dn = dot([crosshairLps[0] - c[0], crosshairLps[1] - c[1], crosshairLps[2] - c[2]], axes.normal);
  const centreLps = [0, 1, 2].map((a) => c[a]! + panMm[0] * axes.right[a]! + panMm[1] * axes.up[a]! + dn * axes.normal[a]!) as Vec3;
  return { axes, centreLps, parallelScale: fitParallelScale(g, axes, size.height > 0 ? size.width / size.height : 1) / zoom };
}

/** Voxel index and value under an LPS point (nearest voxel), or null outside the volume. */
export function sampleAt(g: VolumeGeometry, voxels: ArrayLike<number>, lps: Vec3): { ijk: Vec3; value: number } | null {
  const ijk = lpsToIjk(g, lps).map((v) => Math.round(v)) as Vec3;
  const [ni, nj, nk] = g.dimensions;
  if (ijk[0] < 0 || ijk[1] < 0 || ijk[2] < 0 || ijk[0] >= ni || ijk[1] >= nj || ijk[2] >= nk) return null;
  const value = voxels[ijk[0] + ni * (ijk[1] + nj * ijk[2])];
  return value === undefined ? null : { ijk, value };
}

/** A "nice" scale-bar length (1, 2 or 5 × 10^n mm) no longer than `maxMm`. */
export function scaleBarMm(maxMm: number): number {
  if (!(maxMm > 0)) return 0;
  const p = 10 ** Math.floor(Math.log10(maxMm));
  for (const m of [5, 2, 1]) if (m * p <= maxMm) return m * p;
  return p;
}
