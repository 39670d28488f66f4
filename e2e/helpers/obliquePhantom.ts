/**
 * Writes an OBLIQUE NIfTI-1 phantom and its labelmap byte by byte,
 * independently of Voxa's code, so the viewer e2e checks orientation,
 * crosshair linking and overlay alignment against a known truth.
 *
 * Geometry: the voxel axes are rotated 20° about the patient's S axis and
 * 15° about L, spacing 2.5 × 2.5 × 3 mm, 80 × 80 × 50 voxels, centred near
 * the LPS origin. Content: a 0 HU cylinder (radius 85 mm about the z axis) in
 * −1000 HU air, and a 300 HU spherical lesion of radius 12 mm on the
 * PATIENT'S LEFT (+x). The labelmap (uint8) holds 1 inside the lesion.
 */
import { writeFileSync } from 'node:fs';

type V3 = [number, number, number];

export const OBLIQUE = {
  dims: [80, 80, 50] as V3,
  spacing: [2.5, 2.5, 3] as V3,
  lesionLps: [45, -15, 12] as V3,
  lesionRadiusMm: 12,
  lesionHu: 300,
  bodyRadiusMm: 85,
};

const deg = Math.PI / 180;
/** Unit vectors (LPS) of the i, j, k axes: rotation Rz(20°) · Rx(15°). */
export function obliqueAxes(): [V3, V3, V3] {
  const a = 20 * deg;
  const b = 15 * deg;
  const rz = (v: V3): V3 => [Math.cos(a) * v[0] - Math.sin(a) * v[1], Math.sin(a) * v[0] + Math.cos(a) * v[1], v[2]];
  const rx = (v: V3): V3 => [v[0], Math.cos(b) * v[1] - Math.sin(b) * v[2], Math.sin(b) * v[1] + Math.cos(b) * v[2]];
  return [rz(rx([1, 0, 0])), rz(rx([0, 1, 0])), rz(rx([0, 0, 1]))];
}

/** LPS of voxel (i, j, k): origin chosen so the volume centre is at LPS (0, 0, 0). */
export function obliqueVoxelToLps(i: number, j: number, k: number): V3 {
  const ax = obliqueAxes();
  const [ni, nj, nk] = OBLIQUE.dims;
  const d = [i - (ni - 1) / 2, j - (nj - 1) / 2, k - (nk - 1) / 2];
  const p: V3 = [0, 0, 0];
  for (let n = 0; n < 3; n++) for (let c = 0; c < 3; c++) p[c] = p[c]! + ax[n]![c]! * OBLIQUE.spacing[n]! * d[n]!;
  return p;
}

function header(datatype: number, bitpix: number): Buffer {
  const [ni, nj, nk] = OBLIQUE.dims;
  const h = Buffer.alloc(352);
  h.writeInt32LE(348, 0);
  h.writeInt16LE(3, 40);
  h.writeInt16LE(ni, 42);
  h.writeInt16LE(nj, 44);
  h.writeInt16LE(nk, 46);
  for (let n = 48; n <= 54; n += 2) h.writeInt16LE(1, n);
  h.writeInt16LE(datatype, 70);
  h.writeInt16LE(bitpix, 72);
  h.writeFloatLE(1, 76);
  OBLIQUE.spacing.forEach((s, n) => h.writeFloatLE(s, 80 + 4 * n));
  h.writeFloatLE(352, 108);
  h.writeFloatLE(1, 112);
  h.writeUInt8(10, 123);
  h.writeInt16LE(0, 252);
  h.writeInt16LE(1, 254);
  // sform rows in RAS: RAS = diag(−1, −1, 1) · LPS.
  const ax = obliqueAxes();
  const o = obliqueVoxelToLps(0, 0, 0);
  const flip = [-1, -1, 1];
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) h.writeFloatLE(flip[r]! * ax[c]![r]! * OBLIQUE.spacing[c]!, 280 + (r * 4 + c) * 4);
    h.writeFloatLE(flip[r]! * o[r]!, 280 + (r * 4 + 3) * 4);
  }
  h.write('n+1\0', 344, 'latin1');
  return h;
}

export function inLesion(p: V3): boolean {
  const c = OBLIQUE.lesionLps;
  return Math.hypot(p[0] - c[0], p[1] - c[1], p[2] - c[2]) <= OBLIQUE.lesionRadiusMm;
}

export function writeObliquePhantom(imageFile: string, labelFile: string): void {
  const [ni, nj, nk] = OBLIQUE.dims;
  const img = Buffer.alloc(ni * nj * nk * 2);
  const lab = Buffer.alloc(ni * nj * nk);
  for (let k = 0; k < nk; k++)
    for (let j = 0; j < nj; j++)
      for (let i = 0; i < ni; i++) {
        const p = obliqueVoxelToLps(i, j, k);
        const n = i + ni * (j + nj * k);
        let hu = Math.hypot(p[0], p[1]) <= OBLIQUE.bodyRadiusMm ? 0 : -1000;
        if (inLesion(p)) {
          hu = OBLIQUE.lesionHu;
          lab[n] = 1;
        }
        img.writeInt16LE(hu, 2 * n);
      }
  writeFileSync(imageFile, Buffer.concat([header(4, 16), img]));
  writeFileSync(labelFile, Buffer.concat([header(2, 8), lab]));
}
