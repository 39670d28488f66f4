/**
 * RECIST 1.1 bidirectional measurement of a lesion mask, plus the volumetric
 * measures RECIST does not use (volume, true 3D longest diameter).
 *
 * Units: lengths in patient millimetres, volume in millilitres, endpoints in
 * LPS millimetres, slice indices in voxels of the mask's grid.
 *
 * Decisions (see docs/recist.md):
 * - Points are voxel centres. Lengths are centre-to-centre, so they are about
 *   one pixel shorter than edge-to-edge calipers on the same voxels.
 * - The "axial" plane is the mask's own slice plane along the voxel axis whose
 *   direction is most aligned with LPS S (no resampling): for oblique data it is
 *   the acquired plane nearest to axial, which is what the reader scrolls.
 * - Voxel centres are mapped through the full IJK → LPS affine and measured in
 *   an orthonormal frame of the slice plane, so anisotropic and sheared or
 *   oblique geometry is handled exactly.
 * - Long axis: the longest in-plane diameter over all slices (RECIST's "longest
 *   diameter in the plane of measurement"); ties go to the slice with more
 *   voxels, then the lower index.
 * - Short axis: the longest chord on that slice perpendicular to the long axis
 *   within one in-plane pixel (see perpendicularChord.ts for the exact rule).
 * - Nodal short axis: the largest such short axis over all slices, each
 *   perpendicular to its own slice's long axis.
 *
 * Method: per slice, convex hull of line-end voxels on integer indices, then
 * rotating calipers in mm; short axes from slice edge voxels only; the 3D
 * diameter from the few voxels that are hull vertices in all three slicings.
 * No all-pairs search over the lesion.
 */
import type { Vec3, VolumeGeometry } from '../volume';
import { cross, dot, ijkToLps, normalize } from './affine';
import { cropIndexToIjk, cropMask, type CroppedMask } from './croppedMask';
import { farthestPair3d } from './farthestPair3d';
import { hullVertexCandidates3d } from './hullVertexCandidates3d';
import { longestPerpendicularChord } from './perpendicularChord';
import { convexPolygonDiameter } from './rotatingCalipers';
import { sliceBoundaryVoxels } from './sliceBoundary';
import { inPlaneAxes, sliceHullVertices, type Axis } from './sliceHulls';

/** A measured segment between two voxel centres. */
export interface Caliper {
  lengthMm: number;
  /** Endpoints in LPS mm. */
  startLps: Vec3;
  endLps: Vec3;
  /** The same endpoints as voxel indices of the mask grid. */
  startIjk: Vec3;
  endIjk: Vec3;
}

/** A caliper lying in one slice of the measurement plane. */
export interface SliceCaliper extends Caliper {
  /** Index along {@link LesionMeasurement.sliceAxis} of the slice it lies on. */
  sliceIndex: number;
}

export interface LesionMeasurement {
  voxelCount: number;
  volumeMl: number;
  /** Voxel axis (0 = i, 1 = j, 2 = k) whose slices are the measurement plane. */
  sliceAxis: Axis;
  /** Distance between neighbouring slices along the plane normal (mm). */
  sliceSpacingMm: number;
  /** Pixel size along the two in-plane voxel axes (mm), in increasing axis order. */
  inPlanePixelMm: [number, number];
  /** Tolerance of the short-axis perpendicularity rule (mm): one in-plane pixel (the larger). */
  perpendicularToleranceMm: number;
  longAxis: SliceCaliper;
  /** On the long axis's slice. Zero length when the slice is one voxel wide across the long axis. */
  shortAxis: SliceCaliper;
  /** The largest per-slice short axis (RECIST measures lymph nodes by it). */
  nodalShortAxis: SliceCaliper;
  /** True 3D longest diameter (mm), between any two lesion voxel centres. */
  longest3d: Caliper;
}

export interface MaskInput {
  geometry: VolumeGeometry;
  voxels: ArrayLike<number>;
}

/** The voxel axis whose direction is most aligned with LPS S (ties go to the higher axis, k first). */
export function axialSliceAxis(geometry: VolumeGeometry): Axis {
  const d = geometry.direction;
  let best: Axis = 2;
  for (const axis of [1, 0] as const) if (Math.abs(d[axis * 3 + 2] as number) > Math.abs(d[best * 3 + 2] as number) + 1e-12) best = axis;
  return best;
}

/** Column `axis` of the IJK → LPS linear part: the axis direction times its spacing (mm per voxel). */
function axisVectorMm(g: VolumeGeometry, axis: Axis): Vec3 {
  const s = g.spacingMm[axis];
  const d = g.direction;
  return [(d[axis * 3] as number) * s, (d[axis * 3 + 1] as number) * s, (d[axis * 3 + 2] as number) * s];
}

/**
 * Measures the voxels equal to `label` (any finite non-zero voxel without one).
 * @returns null for an empty mask.
 */
export function measureLesion(mask: MaskInput, options: { label?: number } = {}): LesionMeasurement | null {
  const g = mask.geometry;
  const crop = cropMask(g.dimensions, mask.voxels, options.label);
  if (!crop) return null;
  return measureCroppedLesion(g, crop);
}

/** {@link measureLesion} on an already cropped mask (crop indices are relative to `geometry`'s grid). */
export function measureCroppedLesion(g: VolumeGeometry, crop: CroppedMask): LesionMeasurement {
  const c = axialSliceAxis(g);
  const [a, b] = inPlaneAxes(c);
  const A = axisVectorMm(g, a);
  const B = axisVectorMm(g, b);
  const C = axisVectorMm(g, c);
  // Orthonormal frame (e1, e2) of the slice plane; (ia, ib) ↦ (x, y) mm is then
  // x = ia·|A| + ib·(B·e1), y = ib·|B⊥| (orientation preserving, as |B⊥| > 0).
  const lenA = Math.hypot(...A);
  const lenB = Math.hypot(...B);
  const e1 = normalize(A);
  const bDotE1 = dot(B, e1);
  const bPerp = Math.sqrt(Math.max(0, lenB * lenB - bDotE1 * bDotE1));
  if (!(bPerp > 1e-9 * lenB)) throw new RangeError('degenerate geometry: in-plane axes are parallel');
  const normal = normalize(cross(A, B));
  const sliceSpacingMm = Math.abs(dot(C, normal));
  const toleranceMm = Math.max(lenA, lenB);

  const size = crop.size;
  const localStride = [1, size[0], size[0] * size[1]] as const;
  const coord = (local: number, axis: Axis) => Math.floor(local / localStride[axis]) % size[axis];
  const planeX = (local: number) => (coord(local, a) + crop.min[a]) * lenA + (coord(local, b) + crop.min[b]) * bDotE1;
  const planeY = (local: number) => (coord(local, b) + crop.min[b]) * bPerp;
  const caliper = (p: number, q: number, length: number): Caliper => {
    const startIjk = cropIndexToIjk(crop, p);
    const endIjk = cropIndexToIjk(crop, q);
    return { lengthMm: length, startLps: ijkToLps(g, startIjk), endLps: ijkToLps(g, endIjk), startIjk, endIjk };
  };

  // Voxels per slice, for tie-breaking.
  const perSlice = new Array<number>(size[c]).fill(0);
  for (let k = 0, n = 0; k < size[2]; k++) {
    for (let j = 0; j < size[1]; j++) {
      for (let i = 0; i < size[0]; i++, n++) {
        if (!crop.inside[n]) continue;
        const w = c === 0 ? i : c === 1 ? j : k;
        perSlice[w] = (perSlice[w] as number) + 1;
      }
    }
  }

  // Long axis of every slice: hull on indices, calipers in mm.
  const hulls = sliceHullVertices(crop, c);
  const sliceLong: { length: number; p: number; q: number }[] = hulls.map((hull) => {
    if (hull.length === 0) return { length: -1, p: -1, q: -1 };
    const d = convexPolygonDiameter(hull.map(planeX), hull.map(planeY));
    return { length: d.length, p: hull[d.a] as number, q: hull[d.b] as number };
  });
  let bestW = -1;
  for (let w = 0; w < sliceLong.length; w++) {
    const cur = (sliceLong[w] as { length: number }).length;
    if (cur < 0) continue;
    if (bestW < 0) {
      bestW = w;
      continue;
    }
    const best = (sliceLong[bestW] as { length: number }).length;
    if (cur > best + 1e-9 || (Math.abs(cur - best) <= 1e-9 && (perSlice[w] as number) > (perSlice[bestW] as number))) bestW = w;
  }

  const shortAxisOf = (w: number): Caliper => {
    const long = sliceLong[w] as { length: number; p: number; q: number };
    const edge = sliceBoundaryVoxels(crop, c, w);
    const xs = edge.map(planeX);
    const ys = edge.map(planeY);
    const ux = planeX(long.q) - planeX(long.p);
    const uy = planeY(long.q) - planeY(long.p);
    const chord = long.length > 0 ? longestPerpendicularChord(xs, ys, ux, uy, toleranceMm) : null;
    if (chord) return caliper(edge[chord.a] as number, edge[chord.b] as number, chord.length);
    // No perpendicular extent: a zero-length caliper at the edge voxel nearest the long axis's midpoint.
    const mx = (planeX(long.p) + planeX(long.q)) / 2;
    const my = (planeY(long.p) + planeY(long.q)) / 2;
    let nearest = 0;
    for (let k = 1; k < edge.length; k++) {
      if (Math.hypot((xs[k] as number) - mx, (ys[k] as number) - my) < Math.hypot((xs[nearest] as number) - mx, (ys[nearest] as number) - my)) nearest = k;
    }
    return caliper(edge[nearest] as number, edge[nearest] as number, 0);
  };

  const sliceIndex = (w: number) => w + crop.min[c];
  const best = sliceLong[bestW] as { length: number; p: number; q: number };
  const longAxis: SliceCaliper = { ...caliper(best.p, best.q, best.length), sliceIndex: sliceIndex(bestW) };
  const shortAxis: SliceCaliper = { ...shortAxisOf(bestW), sliceIndex: sliceIndex(bestW) };
  let nodalShortAxis = shortAxis;
  for (let w = 0; w < sliceLong.length; w++) {
    if (w === bestW || (sliceLong[w] as { length: number }).length < 0) continue;
    const s = shortAxisOf(w);
    if (s.lengthMm > nodalShortAxis.lengthMm + 1e-9) nodalShortAxis = { ...s, sliceIndex: sliceIndex(w) };
  }

  // True 3D diameter from the hull-vertex candidates.
  const candidates = hullVertexCandidates3d(crop, { axis: c, hulls });
  const xyz = new Float64Array(candidates.length * 3);
  candidates.forEach((local, n) => xyz.set(ijkToLps(g, cropIndexToIjk(crop, local)), 3 * n));
  const far = farthestPair3d(xyz);
  const longest3d = caliper(candidates[far.a] as number, candidates[far.b] as number, far.length);

  const voxelVolumeMm3 = Math.abs(dot(cross(A, B), C));
  return {
    voxelCount: crop.count,
    volumeMl: (crop.count * voxelVolumeMm3) / 1000,
    sliceAxis: c,
    sliceSpacingMm,
    inPlanePixelMm: [lenA, lenB],
    perpendicularToleranceMm: toleranceMm,
    longAxis,
    shortAxis,
    nodalShortAxis,
    longest3d,
  };
}
