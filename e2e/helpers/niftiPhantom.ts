/**
 * Writes a NIfTI-1 phantom byte by byte, independently of Voxa's own writer,
 * so the e2e test checks the reader and viewer against a known truth.
 *
 * Geometry (RAS sform, as dcm2niix writes "LAS" storage): voxel (i, j, k) →
 * RAS (90 − 2i, −100 + 2.5j, −80 + 3k) mm. A cylinder of 0 HU (radius 90 mm
 * about the z axis) in −1000 HU air, with a 1000 HU sphere of radius 15 mm.
 */
import { writeFileSync } from 'node:fs';

export const PHANTOM = {
  dims: [96, 80, 60] as const,
  /** srow_x, srow_y, srow_z (RAS). */
  srow: [
    [-2, 0, 0, 90],
    [0, 2.5, 0, -100],
    [0, 0, 3, -80],
  ] as const,
  /** Sphere centre in LPS mm: patient left (+x), anterior (−y). */
  sphereLps: [40, -20, 10] as const,
  sphereRadiusMm: 15,
  sphereHu: 1000,
  bodyHu: 0,
};

export function voxelToLps(i: number, j: number, k: number): [number, number, number] {
  const r = PHANTOM.srow;
  const ras = r.map((row) => row[0] * i + row[1] * j + row[2] * k + row[3]);
  return [-ras[0]!, -ras[1]!, ras[2]!];
}

export function writePhantomNifti(file: string): void {
  const [ni, nj, nk] = PHANTOM.dims;
  const header = Buffer.alloc(352);
  header.writeInt32LE(348, 0);
  header.writeInt16LE(3, 40);
  header.writeInt16LE(ni, 42);
  header.writeInt16LE(nj, 44);
  header.writeInt16LE(nk, 46);
  for (let n = 48; n <= 54; n += 2) header.writeInt16LE(1, n);
  header.writeInt16LE(4, 70); // int16
  header.writeInt16LE(16, 72);
  header.writeFloatLE(1, 76); // qfac
  header.writeFloatLE(2, 80);
  header.writeFloatLE(2.5, 84);
  header.writeFloatLE(3, 88);
  header.writeFloatLE(352, 108); // vox_offset
  header.writeFloatLE(1, 112); // scl_slope
  header.writeUInt8(10, 123);
  header.writeInt16LE(0, 252); // qform_code: none — the sform carries the geometry
  header.writeInt16LE(1, 254); // sform_code
  PHANTOM.srow.forEach((row, r) => row.forEach((v, c) => header.writeFloatLE(v, 280 + (r * 4 + c) * 4)));
  header.write('n+1\0', 344, 'latin1');
  const data = Buffer.alloc(ni * nj * nk * 2);
  const [cx, cy, cz] = PHANTOM.sphereLps;
  for (let k = 0; k < nk; k++)
    for (let j = 0; j < nj; j++)
      for (let i = 0; i < ni; i++) {
        const [x, y, z] = voxelToLps(i, j, k);
        let hu = Math.hypot(x, y) <= 90 ? PHANTOM.bodyHu : -1000;
        if (Math.hypot(x - cx, y - cy, z - cz) <= PHANTOM.sphereRadiusMm) hu = PHANTOM.sphereHu;
        data.writeInt16LE(hu, 2 * (i + ni * (j + nj * k)));
      }
  writeFileSync(file, Buffer.concat([header, data]));
}
