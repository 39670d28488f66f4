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

export interface Lesion {
  name: string;
  /** Centre in LPS mm. */
  centreLps: Vec3;
  /** Semi-axes in mm along LPS x, y, z. */
  radiiMm: Vec3;
  hu: number;
  organ: 'lung' | 'liver' | 'soft tissue';
}

export interface TorsoPhantomOptions {
  dimensions?: Vec3;
  spacingMm?: Vec3;
  seed?: number;
  noiseHu?: number;
  lesions?: Lesion[];
}

export interface TorsoPhantom {
  volume: Volume;
  /** Lesion labels: 0 background, n = lesions[n − 1]. */
  labels: Uint8Array;
  lesions: Lesion[];
}

/** A small, fast PRNG (mulberry32) so phantoms are reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const DEFAULT_LESIONS: Lesion[] = [
  // Patient's left lung (LPS +x is patient left).
  { name: 'Lung lesion (left)', centreLps: [70, -10, 30], radiiMm: [12, 12, 12], hu: 30, organ: 'lung' },
  // Liver (patient's right, −x).
  { name: 'Liver lesion', centreLps: [-60, 0, -60], radiiMm: [18, 14, 12], hu: 110, organ: 'liver' },
  { name: 'Lung nodule (right)', centreLps: [-75, 15, 45], radiiMm: [6, 6, 6], hu: 20, organ: 'lung' },
];

export function generateTorsoPhantom(options: TorsoPhantomOptions = {}): TorsoPhantom {
  const dims = options.dimensions ?? [192, 160, 120];
  const sp = options.spacingMm ?? [2, 2, 2.5];
  const lesions = options.lesions ?? DEFAULT_LESIONS;
  const rand = mulberry32(options.seed ?? 1);
  const noise = options.noiseHu ?? 12;
  const [ni, nj, nk] = dims;
  // Centre the volume on the LPS origin.
  const origin: Vec3 = [-((ni - 1) * sp[0]) / 2, -((nj - 1) * sp[1]) / 2, -((nk - 1) * sp[2]) / 2];
  const direction: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const voxels = new Int16Array(ni * nj * nk);
  const labels = new Uint8Array(ni * nj * nk);
  const gauss = () => {
    const u = Math.max(rand(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  };
  const bodyA = 0.44 * ni * sp[0];
  const bodyB = 0.4 * nj * sp[1];
  for (let k = 0; k < nk; k++) {
    const z = origin[2] + k * sp[2];
    for (let j = 0; j < nj; j++) {
      const y = origin[1] + j * sp[1];
      for (let i = 0; i < ni; i++) {
        const x = origin[0] + i * sp[0];
        const idx = i + ni * (j + nj * k);
        const body = (x / bodyA) ** 2 + (y / bodyB) ** 2;
        let hu = -1000;
        if (body <= 1) {
          hu = body > 0.85 ? -100 : 40;
          const spine = Math.hypot(x, y - bodyB * 0.6);
          const lungL = ((x - bodyA * 0.45) / (bodyA * 0.33)) ** 2 + ((y + bodyB * 0.05) / (bodyB * 0.6)) ** 2 + ((z - 40) / 90) ** 2;
          const lungR = ((x + bodyA * 0.45) / (bodyA * 0.33)) ** 2 + ((y + bodyB * 0.05) / (bodyB * 0.6)) ** 2 + ((z - 50) / 80) ** 2;
          const liver = ((x + bodyA * 0.35) / (bodyA * 0.45)) ** 2 + ((y + bodyB * 0.05) / (bodyB * 0.6)) ** 2 + ((z + 70) / 55) ** 2;
          if (lungL <= 1 || lungR <= 1) hu = -850;
          else if (liver <= 1) hu = 60;
          if (spine < 16) hu = spine > 12 ? 1000 : 700;
        }
        for (let n = 0; n < lesions.length; n++) {
          const l = lesions[n] as Lesion;
          const q = ((x - l.centreLps[0]) / l.radiiMm[0]) ** 2 + ((y - l.centreLps[1]) / l.radiiMm[1]) ** 2 + ((z - l.centreLps[2]) / l.radiiMm[2]) ** 2;
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
