/**
 * What every editing operation works on, and the grid geometry they share:
 * physical distances between voxel centres (millimetres, correct for
 * anisotropic spacing and oblique or sheared grids) and neighbourhoods.
 */
import { VoxaError } from '../contract/errors';
import type { Vec3, VolumeGeometry } from '../volume';
import { checkLabelmap, maxLabelOf, type Labelmap } from '../labelmap/labelmap';
import { lockTable, type LockTable } from '../labelmap/editDelta';

export type Axis = 0 | 1 | 2;

export interface EditTarget {
  /** The labelmap on the image grid (not modified by operations). */
  labels: Labelmap;
  geometry: VolumeGeometry;
  /** Labels whose voxels must not change (neither lose nor gain voxels). */
  locked?: Iterable<number>;
}

export interface PreparedTarget {
  labels: Labelmap;
  dims: Vec3;
  locked: LockTable;
  /** Gram matrix of the IJK → LPS linear part: distance² (mm²) of offset d is dᵀ·G·d. */
  gram: number[];
}

export function prepareTarget(t: EditTarget): PreparedTarget {
  const dims = t.geometry.dimensions;
  checkLabelmap(t.labels, dims);
  return { labels: t.labels, dims: [...dims], locked: lockTable(t.locked), gram: gramMatrix(t.geometry) };
}

/** Gram matrix (row-major 3×3) of the IJK → LPS linear part; BAD_REQUEST for non-positive spacing. */
export function gramMatrix(geometry: Pick<VolumeGeometry, 'spacingMm' | 'direction'>): number[] {
  const sp = geometry.spacingMm;
  for (const s of sp) if (!(s > 0) || !Number.isFinite(s)) throw new VoxaError('BAD_REQUEST', `voxel spacing must be positive, got ${sp.join(', ')} mm`);
  const dir = geometry.direction;
  const gram: number[] = [];
  for (let a = 0; a < 3; a++)
    for (let b = 0; b < 3; b++) {
      let dot = 0;
      for (let c = 0; c < 3; c++) dot += (dir[a * 3 + c] as number) * (dir[b * 3 + c] as number);
      gram.push(dot * (sp[a] as number) * (sp[b] as number));
    }
  return gram;
}

/** Squared physical distance (mm²) of a voxel offset. */
export function distance2(gram: number[], di: number, dj: number, dk: number): number {
  const g = gram;
  return (
    (g[0] as number) * di * di +
    (g[4] as number) * dj * dj +
    (g[8] as number) * dk * dk +
    2 * ((g[1] as number) * di * dj + (g[2] as number) * di * dk + (g[5] as number) * dj * dk)
  );
}

/**
 * Largest |offset| along each grid axis that a point within `radiusMm` can
 * have: r·sqrt((G⁻¹)_aa) (the ellipsoid's half-extent), in voxels.
 */
export function extentVoxels(gram: number[], radiusMm: number): Vec3 {
  const g = (r: number, c: number) => gram[r * 3 + c] as number;
  const c00 = g(1, 1) * g(2, 2) - g(1, 2) * g(2, 1);
  const c11 = g(0, 0) * g(2, 2) - g(0, 2) * g(2, 0);
  const c22 = g(0, 0) * g(1, 1) - g(0, 1) * g(1, 0);
  const det = g(0, 0) * c00 - g(0, 1) * (g(1, 0) * g(2, 2) - g(1, 2) * g(2, 0)) + g(0, 2) * (g(1, 0) * g(2, 1) - g(1, 1) * g(2, 0));
  if (!(det > 0)) throw new VoxaError('BAD_REQUEST', 'the grid geometry is degenerate');
  return [radiusMm * Math.sqrt(c00 / det), radiusMm * Math.sqrt(c11 / det), radiusMm * Math.sqrt(c22 / det)];
}

/** In-plane extent (voxels) for a disc of `radiusMm` in the plane normal to grid axis `axis`. */
export function planeExtentVoxels(gram: number[], radiusMm: number, axis: Axis): Vec3 {
  const [u, v] = axis === 0 ? [1, 2] : axis === 1 ? [0, 2] : [0, 1];
  const guu = gram[(u as number) * 4] as number;
  const gvv = gram[(v as number) * 4] as number;
  const guv = gram[(u as number) * 3 + (v as number)] as number;
  const det = guu * gvv - guv * guv;
  if (!(det > 0)) throw new VoxaError('BAD_REQUEST', 'the grid geometry is degenerate');
  const out: Vec3 = [0, 0, 0];
  out[u as number] = radiusMm * Math.sqrt(gvv / det);
  out[v as number] = radiusMm * Math.sqrt(guu / det);
  return out;
}

export function checkLabel(labels: Labelmap, label: number, what = 'label'): void {
  if (!Number.isInteger(label) || label < 0 || label > maxLabelOf(labels)) throw new VoxaError('BAD_REQUEST', `${what} ${label} does not fit a labelmap of labels 0..${maxLabelOf(labels)}`);
}

export function checkVoxel(dims: Vec3, ijk: Vec3, what = 'voxel'): void {
  for (let a = 0; a < 3; a++) {
    const v = ijk[a] as number;
    if (!Number.isInteger(v) || v < 0 || v >= (dims[a] as number)) throw new VoxaError('BAD_REQUEST', `${what} (${ijk.join(', ')}) lies outside the grid ${dims.join('×')}`);
  }
}

export function checkAxis(axis: number): asserts axis is Axis {
  if (axis !== 0 && axis !== 1 && axis !== 2) throw new VoxaError('BAD_REQUEST', `plane axis must be 0, 1 or 2, got ${axis}`);
}

/**
 * Neighbour offsets: in 3D, 6 (faces), 18 (faces + edges) or 26 (all); in 2D
 * (the plane normal to `planeAxis`), 4 (edges) or 8 (edges + corners).
 */
export function neighbourOffsets(connectivity: number, planeAxis?: Axis): Vec3[] {
  const out: Vec3[] = [];
  const is2d = planeAxis !== undefined;
  if (is2d ? connectivity !== 4 && connectivity !== 8 : connectivity !== 6 && connectivity !== 18 && connectivity !== 26)
    throw new VoxaError('BAD_REQUEST', `connectivity ${connectivity} is not valid in ${is2d ? '2D (4 or 8)' : '3D (6, 18 or 26)'}`);
  for (let dk = -1; dk <= 1; dk++)
    for (let dj = -1; dj <= 1; dj++)
      for (let di = -1; di <= 1; di++) {
        const d: Vec3 = [di, dj, dk];
        if (is2d && d[planeAxis] !== 0) continue;
        const nonZero = Math.abs(di) + Math.abs(dj) + Math.abs(dk);
        if (nonZero === 0) continue;
        const limit = is2d ? (connectivity === 4 ? 1 : 2) : connectivity === 6 ? 1 : connectivity === 18 ? 2 : 3;
        if (nonZero <= limit) out.push(d);
      }
  return out;
}

/** Reads `image` when given, checking it covers the grid. */
export function checkImage(image: ArrayLike<number>, dims: Vec3): void {
  if (image.length !== dims[0] * dims[1] * dims[2]) throw new VoxaError('BAD_REQUEST', `image has ${image.length} voxels, the labelmap grid ${dims[0] * dims[1] * dims[2]}`);
}

export function checkRange(range: readonly [number, number]): void {
  if (!(range[0] <= range[1])) throw new VoxaError('BAD_REQUEST', `intensity range [${range[0]}, ${range[1]}] is empty`);
}
