/**
 * A synthetic CT-like torso with lesions of known size: the demo study and
 * the self-contained test fixture. Deterministic for a given seed.
 *
 * Anatomy (HU): air −1000 outside, body soft tissue 40 with fat rim −100,
 * lungs −850, liver 60, spine 700 (cortical rim 1000), plus Gaussian noise.
 * Lesions are spheres or ellipsoids given in LPS millimetres relative to the
 * volume centre.
 */
import type { Mat3, Vec3, Volume } from '../../../common/volume';
import { mulberry32 } from '../../../common/random';

export interface Lesion {
  name: string;
  /** Centre in LPS mm. */
  centreLps: Vec3;
  /** Semi-axes in mm along LPS x, y, z. */
  radiiMm: Vec3;
  hu: number;
  organ: 'lung' | 'liver' | 'soft tissue';
  /**
   * Unit vectors (LPS) of the three semi-axes, for oblique ellipsoids; the
   * semi-axis lengths are then `radiiMm` in this order. Default: LPS x, y, z.
   */
  axesLps?: [Vec3, Vec3, Vec3];
}

export interface TorsoPhantomOptions {
  dimensions?: Vec3;
  spacingMm?: Vec3;
  seed?: number;
  noiseHu?: number;
  lesions?: Lesion[];
  /**
   * Axis-major direction cosines of the voxel grid (default identity). An
   * oblique grid samples the same anatomy: the torso stays axis-aligned in
   * patient space and the volume stays centred on the LPS origin.
   */
  direction?: Mat3;
}

export interface TorsoPhantom {
  volume: Volume;
  /** Lesion labels: 0 background, n = lesions[n − 1]. */
  labels: Uint8Array;
  lesions: Lesion[];
}

/** Re-exported for the phantom generators (common/random.ts). */
export { mulberry32 };

export const DEFAULT_LESIONS: Lesion[] = [
  // Patient's left lung (LPS +x is patient left).
  { name: 'Lung lesion (left)', centreLps: [70, -10, 30], radiiMm: [12, 12, 12], hu: 30, organ: 'lung' },
  // Liver (patient's right, −x).
  { name: 'Liver lesion', centreLps: [-60, 0, -60], radiiMm: [18, 14, 12], hu: 110, organ: 'liver' },
  { name: 'Lung nodule (right)', centreLps: [-75, 15, 45], radiiMm: [6, 6, 6], hu: 20, organ: 'lung' },
];

/** An axis-aligned ellipsoid in LPS millimetres. */
export interface Ellipsoid {
  centreLps: Vec3;
  radiiMm: Vec3;
}

/**
 * The phantom's organs for a grid of `dimensions` × `spacingMm`: the body is an
 * elliptic cylinder with semi-axes bodyA (x) and bodyB (y), mm; lungs and
 * liver are ellipsoids. The volume is centred on the LPS origin.
 */
export function torsoAnatomy(dimensions: Vec3, spacingMm: Vec3): { bodyA: number; bodyB: number; lungLeft: Ellipsoid; lungRight: Ellipsoid; liver: Ellipsoid } {
  // Body size from the field of view (the grid's extent along its i and j axes).
  const bodyA = 0.44 * dimensions[0] * spacingMm[0];
  const bodyB = 0.4 * dimensions[1] * spacingMm[1];
  return {
    bodyA,
    bodyB,
    lungLeft: { centreLps: [bodyA * 0.45, -bodyB * 0.05, 40], radiiMm: [bodyA * 0.33, bodyB * 0.6, 90] },
    lungRight: { centreLps: [-bodyA * 0.45, -bodyB * 0.05, 50], radiiMm: [bodyA * 0.33, bodyB * 0.6, 80] },
    liver: { centreLps: [-bodyA * 0.35, -bodyB * 0.05, -70], radiiMm: [bodyA * 0.45, bodyB * 0.6, 55] },
  };
}

export function generateTorsoPhantom(options: TorsoPhantomOptions = {}): TorsoPhantom {
  const dims = options.dimensions ?? [192, 160, 120];
  const sp = options.spacingMm ?? [2, 2, 2.5];
  const lesions = options.lesions ?? DEFAULT_LESIONS;
  const rand = mulberry32(options.seed ?? 1);
  const noise = options.noiseHu ?? 12;
  const [ni, nj, nk] = dims;
  const direction: Mat3 = options.direction ? [...options.direction] as Mat3 : [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const d = direction;
  // Centre the volume on the LPS origin: origin = −D·diag(sp)·(dims − 1)/2.
  const half: Vec3 = [((ni - 1) * sp[0]) / 2, ((nj - 1) * sp[1]) / 2, ((nk - 1) * sp[2]) / 2];
  const origin: Vec3 = [
    -(d[0] * half[0] + d[3] * half[1] + d[6] * half[2]),
    -(d[1] * half[0] + d[4] * half[1] + d[7] * half[2]),
    -(d[2] * half[0] + d[5] * half[1] + d[8] * half[2]),
  ];
  const voxels = new Int16Array(ni * nj * nk);
  const labels = new Uint8Array(ni * nj * nk);
  const gauss = () => {
    const u = Math.max(rand(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  };
  const anatomy = torsoAnatomy(dims, sp);
  const { bodyA, bodyB } = anatomy;
  const inside = (e: Ellipsoid, x: number, y: number, z: number) =>
    ((x - e.centreLps[0]) / e.radiiMm[0]) ** 2 + ((y - e.centreLps[1]) / e.radiiMm[1]) ** 2 + ((z - e.centreLps[2]) / e.radiiMm[2]) ** 2 <= 1;
  const shapes = lesions.map((l) => ({ l, axes: l.axesLps ?? ([[1, 0, 0], [0, 1, 0], [0, 0, 1]] as [Vec3, Vec3, Vec3]) }));
  for (let k = 0; k < nk; k++) {
    for (let j = 0; j < nj; j++) {
      for (let i = 0; i < ni; i++) {
        const a = i * sp[0];
        const b = j * sp[1];
        const c = k * sp[2];
        const x = origin[0] + d[0] * a + d[3] * b + d[6] * c;
        const y = origin[1] + d[1] * a + d[4] * b + d[7] * c;
        const z = origin[2] + d[2] * a + d[5] * b + d[8] * c;
        const idx = i + ni * (j + nj * k);
        const body = (x / bodyA) ** 2 + (y / bodyB) ** 2;
        let hu = -1000;
        if (body <= 1) {
          hu = body > 0.85 ? -100 : 40;
          const spine = Math.hypot(x, y - bodyB * 0.6);
          if (inside(anatomy.lungLeft, x, y, z) || inside(anatomy.lungRight, x, y, z)) hu = -850;
          else if (inside(anatomy.liver, x, y, z)) hu = 60;
          if (spine < 16) hu = spine > 12 ? 1000 : 700;
        }
        for (let n = 0; n < shapes.length; n++) {
          const { l, axes } = shapes[n] as (typeof shapes)[number];
          const px = x - l.centreLps[0];
          const py = y - l.centreLps[1];
          const pz = z - l.centreLps[2];
          let q = 0;
          for (let m = 0; m < 3; m++) {
            const u = axes[m] as Vec3;
            q += ((px * u[0] + py * u[1] + pz * u[2]) / (l.radiiMm[m] as number)) ** 2;
          }
          if (q <= 1) {
            hu = l.hu;
            labels[idx] = n + 1;
          }
        }
        voxels[idx] = Math.round(hu + (hu > -1000 ? noise * gauss() : noise * 0.3 * gauss()));
      }
    }
  }
  return {
    volume: {
      geometry: { dimensions: [ni, nj, nk], spacingMm: [...sp] as Vec3, originLps: origin, direction },
      dtype: 'int16',
      voxels,
      meta: {
        modality: 'CT',
        sourceFormat: 'nifti',
        description: 'Voxa synthetic torso phantom',
        patientName: 'PHANTOM^DEMO',
        patientId: 'VOXA-DEMO-1',
        studyDate: '',
        seriesInstanceUid: '',
        warnings: [],
      },
    },
    labels,
    lesions,
  };
}
