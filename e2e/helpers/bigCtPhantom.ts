/**
 * Writes large axial CT-like NIfTI-1 volumes (int16, LPS storage: i → +x,
 * j → +y, k → +z) quickly, independently of Voxa's code: a 0 HU body cylinder
 * (radius 150 mm) in −1000 HU air, plus 1000 HU spheres at given LPS centres.
 * Used for the large-volume test and the viewer benchmark.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

type V3 = [number, number, number];

export interface BigPhantom {
  dims: V3;
  spacing: V3;
  /** LPS of voxel (0, 0, 0). */
  origin: V3;
  spheres: { centre: V3; radiusMm: number; hu: number }[];
}

export function voxelLps(p: BigPhantom, i: number, j: number, k: number): V3 {
  return [p.origin[0] + i * p.spacing[0], p.origin[1] + j * p.spacing[1], p.origin[2] + k * p.spacing[2]];
}

export function writeBigPhantom(file: string, p: BigPhantom): void {
  const [ni, nj, nk] = p.dims;
  const h = Buffer.alloc(352);
  h.writeInt32LE(348, 0);
  h.writeInt16LE(3, 40);
  h.writeInt16LE(ni, 42);
  h.writeInt16LE(nj, 44);
  h.writeInt16LE(nk, 46);
  for (let n = 48; n <= 54; n += 2) h.writeInt16LE(1, n);
  h.writeInt16LE(4, 70);
  h.writeInt16LE(16, 72);
  h.writeFloatLE(1, 76);
  p.spacing.forEach((s, n) => h.writeFloatLE(s, 80 + 4 * n));
  h.writeFloatLE(352, 108);
  h.writeFloatLE(1, 112);
  h.writeUInt8(10, 123);
  h.writeInt16LE(1, 254);
  // RAS sform of LPS storage: x and y flip sign.
  const rows = [
    [-p.spacing[0], 0, 0, -p.origin[0]],
    [0, -p.spacing[1], 0, -p.origin[1]],
    [0, 0, p.spacing[2], p.origin[2]],
  ];
  rows.forEach((row, r) => row.forEach((v, c) => h.writeFloatLE(v, 280 + (r * 4 + c) * 4)));
  h.write('n+1\0', 344, 'latin1');
  const base = new Int16Array(ni * nj);
  for (let j = 0; j < nj; j++)
    for (let i = 0; i < ni; i++) {
      const [x, y] = voxelLps(p, i, j, 0);
      base[i + ni * j] = Math.hypot(x, y) <= 150 ? 0 : -1000;
    }
  const fd = openSync(file, 'w');
  writeSync(fd, h);
  const slice = new Int16Array(ni * nj);
  for (let k = 0; k < nk; k++) {
    slice.set(base);
    for (const s of p.spheres) {
      const z = p.origin[2] + k * p.spacing[2];
      const dz = z - s.centre[2];
      if (Math.abs(dz) > s.radiusMm) continue;
      const r = Math.sqrt(s.radiusMm ** 2 - dz ** 2);
      for (let j = 0; j < nj; j++) {
        const y = p.origin[1] + j * p.spacing[1];
        if (Math.abs(y - s.centre[1]) > r) continue;
        for (let i = 0; i < ni; i++) {
          const x = p.origin[0] + i * p.spacing[0];
          if (Math.hypot(x - s.centre[0], y - s.centre[1]) <= r) slice[i + ni * j] = s.hu;
        }
      }
    }
    writeSync(fd, new Uint8Array(slice.buffer));
  }
  closeSync(fd);
}
