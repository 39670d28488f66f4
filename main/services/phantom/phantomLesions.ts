/**
 * Lesion sets for the torso phantom (spheres and oblique ellipsoids,
 * 5–60 mm, in lung and liver) and their analytic ground truth: volume,
 * true 3D longest diameter and the long/short axes of the largest section in
 * a given plane (axial for RECIST). Units: millimetres, LPS.
 */
import { cross, dot, normalize } from '../../../common/geometry/affine';
import type { Vec3 } from '../../../common/volume';
import { mulberry32, torsoAnatomy, type Ellipsoid, type Lesion } from './torsoPhantom';

export type LesionOrgan = 'lung' | 'liver';

export interface PhantomLesionOptions {
  seed?: number;
  /** Organs to place lesions in, used in turn (default both). */
  organs?: LesionOrgan[];
  /** Number of lesions (default 4). */
  count?: number;
  /** Ellipsoids with random rotation instead of spheres (default false). */
  oblique?: boolean;
  /** Longest diameter range, mm (default 5–60). */
  diameterRangeMm?: [number, number];
  /** The grid the phantom is generated on (the organs scale with its field of view). */
  dimensions: Vec3;
  spacingMm: Vec3;
}

const IDENTITY_AXES: [Vec3, Vec3, Vec3] = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
];

/** A random rotation (uniform over SO(3), from a unit quaternion) as three orthonormal axes. */
function randomAxes(rand: () => number): [Vec3, Vec3, Vec3] {
  const u1 = rand();
  const u2 = rand() * 2 * Math.PI;
  const u3 = rand() * 2 * Math.PI;
  const a = Math.sqrt(1 - u1) * Math.sin(u2);
  const b = Math.sqrt(1 - u1) * Math.cos(u2);
  const c = Math.sqrt(u1) * Math.sin(u3);
  const w = Math.sqrt(u1) * Math.cos(u3);
  // Rotation matrix columns of quaternion (w, a, b, c).
  const x: Vec3 = [1 - 2 * (b * b + c * c), 2 * (a * b + w * c), 2 * (a * c - w * b)];
  const y: Vec3 = [2 * (a * b - w * c), 1 - 2 * (a * a + c * c), 2 * (b * c + w * a)];
  const z = cross(x, y);
  return [normalize(x), normalize(y), normalize(z)];
}

/**
 * Places `count` non-overlapping lesions inside the chosen organs, each wholly
 * inside its organ ellipsoid and the volume. Deterministic for a seed.
 */
export function generatePhantomLesions(options: PhantomLesionOptions): Lesion[] {
  const rand = mulberry32((options.seed ?? 1) * 7919 + 13);
  const organs = options.organs ?? ['lung', 'liver'];
  const count = options.count ?? 4;
  const [dMin, dMax] = options.diameterRangeMm ?? [5, 60];
  const anatomy = torsoAnatomy(options.dimensions, options.spacingMm);
  const halfExtentZ = ((options.dimensions[2] - 1) * options.spacingMm[2]) / 2;
  const lesions: Lesion[] = [];
  for (let n = 0; n < count; n++) {
    const organ = organs[n % organs.length] as LesionOrgan;
    const host: Ellipsoid = organ === 'liver' ? anatomy.liver : n % 4 < 2 ? anatomy.lungLeft : anatomy.lungRight;
    let placed: Lesion | undefined;
    for (let attempt = 0; attempt < 500 && !placed; attempt++) {
      // Log-uniform diameters so small lesions are as common as large ones.
      const diameter = dMin * (dMax / dMin) ** rand();
      const r1 = diameter / 2;
      const radii: Vec3 = options.oblique ? [r1, r1 * (0.45 + 0.5 * rand()), r1 * (0.45 + 0.5 * rand())] : [r1, r1, r1];
      const inner = host.radiiMm.map((r) => r - r1 - 2) as Vec3;
      if (inner.some((r) => r <= 0)) continue;
      // A point uniformly inside the shrunken host ellipsoid.
      let p: Vec3 = [2, 2, 2];
      while (p[0] ** 2 + p[1] ** 2 + p[2] ** 2 > 1) p = [rand() * 2 - 1, rand() * 2 - 1, rand() * 2 - 1];
      const centre: Vec3 = [host.centreLps[0] + p[0] * inner[0], host.centreLps[1] + p[1] * inner[1], host.centreLps[2] + p[2] * inner[2]];
      if (Math.abs(centre[2]) + r1 + 2 > halfExtentZ) continue;
      if (lesions.some((l) => Math.hypot(l.centreLps[0] - centre[0], l.centreLps[1] - centre[1], l.centreLps[2] - centre[2]) < Math.max(...l.radiiMm) + r1 + 3)) continue;
      const hu = organ === 'lung' ? 20 + Math.round(20 * rand()) : rand() < 0.5 ? 15 : 115;
      placed = {
        name: `${organ === 'lung' ? 'Lung' : 'Liver'} lesion ${n + 1}`,
        centreLps: centre.map((v) => Math.round(v * 10) / 10) as Vec3,
        radiiMm: radii.map((v) => Math.round(v * 100) / 100) as Vec3,
        hu,
        organ,
        ...(options.oblique ? { axesLps: randomAxes(rand) } : {}),
      };
    }
    if (placed) lesions.push(placed);
  }
  return lesions;
}

export interface LesionTruth {
  label: number;
  name: string;
  organ: Lesion['organ'];
  centreLps: Vec3;
  radiiMm: Vec3;
  axesLps: [Vec3, Vec3, Vec3];
  /** 4/3·π·a·b·c. */
  volumeMm3: number;
  /** Longest 3D diameter: twice the largest semi-axis. */
  longest3dMm: number;
  /** Long and short axes of the central section in the patient's axial plane (normal LPS z): the RECIST axes of a perfect ellipsoid. */
  axialLongAxisMm: number;
  axialShortAxisMm: number;
  /** The same in the image's slice plane (differs from axial on an oblique grid). */
  slicePlaneLongAxisMm: number;
  slicePlaneShortAxisMm: number;
  /** Voxels of this label in the rasterised mask, and their volume (mm³). */
  voxelCount: number;
  voxelVolumeMm3: number;
}

/**
 * Semi-axes (mm, long first) of the central section of an ellipsoid by the
 * plane with unit normal `normal`: with A = Σ uₙuₙᵀ / rₙ², the section is the
 * ellipse xᵀA₂x = 1, A₂ being A restricted to the plane; its semi-axes are
 * 1/√λ of A₂'s eigenvalues. Parallel sections are smaller, so this one is the largest.
 */
export function centralSectionAxes(radiiMm: Vec3, axes: [Vec3, Vec3, Vec3], normal: Vec3): [number, number] {
  const n = normalize(normal);
  const helper: Vec3 = Math.abs(n[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
  const u = normalize(cross(n, helper));
  const v = cross(n, u);
  const quad = (p: Vec3, q: Vec3) => axes.reduce((s, a, m) => s + (dot(p, a) * dot(q, a)) / (radiiMm[m] as number) ** 2, 0);
  const a = quad(u, u);
  const b = quad(u, v);
  const c = quad(v, v);
  const mean = (a + c) / 2;
  const diff = Math.sqrt(((a - c) / 2) ** 2 + b * b);
  const lMin = mean - diff;
  const lMax = mean + diff;
  return [1 / Math.sqrt(lMin), 1 / Math.sqrt(lMax)];
}

export function lesionTruths(lesions: Lesion[], labels: Uint8Array, spacingMm: Vec3, sliceNormal: Vec3): LesionTruth[] {
  const counts = new Array<number>(lesions.length + 1).fill(0);
  for (let n = 0; n < labels.length; n++) counts[labels[n] as number]! += 1;
  const voxelVolume = spacingMm[0] * spacingMm[1] * spacingMm[2];
  return lesions.map((l, n) => {
    const axes = l.axesLps ?? IDENTITY_AXES;
    const [axialLong, axialShort] = centralSectionAxes(l.radiiMm, axes, [0, 0, 1]);
    const [sliceLong, sliceShort] = centralSectionAxes(l.radiiMm, axes, sliceNormal);
    const round = (v: number) => Math.round(v * 1000) / 1000;
    const voxelCount = counts[n + 1] as number;
    return {
      label: n + 1,
      name: l.name,
      organ: l.organ,
      centreLps: l.centreLps,
      radiiMm: l.radiiMm,
      axesLps: axes,
      volumeMm3: round((4 / 3) * Math.PI * l.radiiMm[0] * l.radiiMm[1] * l.radiiMm[2]),
      longest3dMm: round(2 * Math.max(...l.radiiMm)),
      axialLongAxisMm: round(2 * axialLong),
      axialShortAxisMm: round(2 * axialShort),
      slicePlaneLongAxisMm: round(2 * sliceLong),
      slicePlaneShortAxisMm: round(2 * sliceShort),
      voxelCount,
      voxelVolumeMm3: round(voxelCount * voxelVolume),
    };
  });
}
