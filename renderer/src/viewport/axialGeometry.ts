/**
 * Pure geometry of the axial viewport (no WebGL), in LPS millimetres.
 *
 * Radiological convention: the viewer looks from the patient's feet, so
 * patient left (+x) is on the screen's right and anterior (−y) is up.
 *
 * Fit rule (zoom 1): the view is centred on the volume's centre (midpoint of
 * the first and last voxel centres) and shows the volume's full extent
 * (first to last voxel centre plus one voxel) along both screen axes:
 * parallelScale = max(heightMm, widthMm / aspect) / 2.
 */
import { ijkToLps, lpsToIjk, dot } from '../../../common/geometry/affine';
import type { Vec3, VolumeGeometry } from '../../../common/volume';

export const SCREEN_RIGHT: Vec3 = [1, 0, 0];
export const SCREEN_UP: Vec3 = [0, -1, 0];
export const VIEW_DIRECTION: Vec3 = [0, 0, 1];

/** The volume axis (0 = i, 1 = j, 2 = k) most aligned with the axial normal (LPS z). */
export function axialSliceAxis(g: VolumeGeometry): 0 | 1 | 2 {
  const d = g.direction;
  const z = [Math.abs(d[2]), Math.abs(d[5]), Math.abs(d[8])];
  return z[0]! >= z[1]! && z[0]! >= z[2]! ? 0 : z[1]! >= z[2]! ? 1 : 2;
}

export function volumeCentre(g: VolumeGeometry): Vec3 {
  return ijkToLps(g, [(g.dimensions[0] - 1) / 2, (g.dimensions[1] - 1) / 2, (g.dimensions[2] - 1) / 2]);
}

/** Extent (mm) of the volume along a unit screen axis: voxel-centre span plus one voxel. */
export function extentAlong(g: VolumeGeometry, axis: Vec3): number {
  let span = 0;
  for (let n = 0; n < 3; n++) {
    const dir: Vec3 = [g.direction[n * 3]!, g.direction[n * 3 + 1]!, g.direction[n * 3 + 2]!];
    span += Math.abs(dot(dir, axis)) * g.spacingMm[n as 0 | 1 | 2] * g.dimensions[n as 0 | 1 | 2];
  }
  return span;
}

export function fitParallelScale(g: VolumeGeometry, aspect: number): number {
  const width = extentAlong(g, SCREEN_RIGHT);
  const height = extentAlong(g, SCREEN_UP);
  return Math.max(height, width / aspect) / 2;
}

export interface ViewState {
  /** Screen centre in LPS (x, y used; z follows the slice). */
  centreLps: Vec3;
  /** Half the visible height in mm. */
  parallelScale: number;
}

/** LPS point under a display pixel (CSS px from the viewport's top-left), on the slice plane through `slicePointLps` with normal `sliceNormal`. */
export function displayToLps(
  view: ViewState,
  size: { width: number; height: number },
  px: number,
  py: number,
  slicePointLps: Vec3,
  sliceNormal: Vec3,
): Vec3 {
  const mmPerPx = (2 * view.parallelScale) / size.height;
  const dx = (px - size.width / 2) * mmPerPx;
  const dy = (size.height / 2 - py) * mmPerPx;
  const p: Vec3 = [
    view.centreLps[0] + dx * SCREEN_RIGHT[0] + dy * SCREEN_UP[0],
    view.centreLps[1] + dx * SCREEN_RIGHT[1] + dy * SCREEN_UP[1],
    view.centreLps[2],
  ];
  // Move along the view direction onto the slice plane.
  const denom = dot(sliceNormal, VIEW_DIRECTION);
  const t = Math.abs(denom) < 1e-9 ? 0 : dot(sliceNormal, [slicePointLps[0] - p[0], slicePointLps[1] - p[1], slicePointLps[2] - p[2]]) / denom;
  return [p[0] + t * VIEW_DIRECTION[0], p[1] + t * VIEW_DIRECTION[1], p[2] + t * VIEW_DIRECTION[2]];
}

/** Display pixel of an LPS point (inverse of {@link displayToLps}, ignoring depth). */
export function lpsToDisplay(view: ViewState, size: { width: number; height: number }, lps: Vec3): [number, number] {
  const mmPerPx = (2 * view.parallelScale) / size.height;
  const d: Vec3 = [lps[0] - view.centreLps[0], lps[1] - view.centreLps[1], lps[2] - view.centreLps[2]];
  return [size.width / 2 + dot(d, SCREEN_RIGHT) / mmPerPx, size.height / 2 - dot(d, SCREEN_UP) / mmPerPx];
}

/** LPS point of the centre of slice `index` along `axis`, at the volume's in-plane centre. */
export function sliceCentreLps(g: VolumeGeometry, axis: 0 | 1 | 2, index: number): Vec3 {
  const ijk: Vec3 = [(g.dimensions[0] - 1) / 2, (g.dimensions[1] - 1) / 2, (g.dimensions[2] - 1) / 2];
  ijk[axis] = index;
  return ijkToLps(g, ijk);
}

export function axisDirection(g: VolumeGeometry, axis: 0 | 1 | 2): Vec3 {
  return [g.direction[axis * 3]!, g.direction[axis * 3 + 1]!, g.direction[axis * 3 + 2]!];
}

/** Voxel index and value under an LPS point, or null outside the volume. */
export function sampleAt(g: VolumeGeometry, voxels: ArrayLike<number>, lps: Vec3): { ijk: Vec3; value: number } | null {
  const c = lpsToIjk(g, lps);
  const ijk = c.map((v) => Math.round(v)) as Vec3;
  const [ni, nj, nk] = g.dimensions;
  if (ijk[0] < 0 || ijk[1] < 0 || ijk[2] < 0 || ijk[0] >= ni || ijk[1] >= nj || ijk[2] >= nk) return null;
  const value = voxels[ijk[0] + ni * (ijk[1] + nj * ijk[2])];
  return value === undefined ? null : { ijk, value };
}
