/**
 * {@link Volume} → NIfTI-1 (.nii or .nii.gz) with both sform and qform set
 * (code 1, scanner anatomical). LPS is converted back to RAS+.
 * Writes atomically: a temporary file, then rename.
 */
import { rename, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { ijkToLpsMatrix } from '../../../common/geometry/affine';
import { bytesPerVoxel, type Volume, type VoxelDType } from '../../../common/volume';

const DATATYPE: Record<VoxelDType, number> = {
  uint8: 2, int16: 4, int32: 8, float32: 16, float64: 64, int8: 256, uint16: 512, uint32: 768,
};

export function encodeNifti(volume: Volume): Uint8Array {
  const { dimensions: d, spacingMm: s } = volume.geometry;
  const bpv = bytesPerVoxel(volume.dtype);
  const voxOffset = 352;
  const out = new Uint8Array(voxOffset + volume.voxels.byteLength);
  const v = new DataView(out.buffer);
  v.setInt32(0, 348, true);
  v.setInt16(40, 3, true);
  v.setInt16(42, d[0], true);
  v.setInt16(44, d[1], true);
  v.setInt16(46, d[2], true);
  for (let n = 48; n <= 54; n += 2) v.setInt16(n, 1, true);
  v.setInt16(70, DATATYPE[volume.dtype], true);
  v.setInt16(72, bpv * 8, true);
  // pixdim[0] = qfac
  const lps = ijkToLpsMatrix(volume.geometry);
  const ras = lps.map((x, n) => (n < 8 ? -x : x));
  const q = quaternionFromAffine(ras, s);
  v.setFloat32(76, q.qfac, true);
  v.setFloat32(80, s[0], true);
  v.setFloat32(84, s[1], true);
  v.setFloat32(88, s[2], true);
  v.setFloat32(108, voxOffset, true);
  v.setFloat32(112, 1, true); // scl_slope
  v.setFloat32(116, 0, true); // scl_inter
  v.setUint8(123, 10); // xyzt_units: mm + s
  const descrip = volume.meta.description.slice(0, 79);
  for (let n = 0; n < descrip.length; n++) v.setUint8(148 + n, descrip.charCodeAt(n) & 0x7f);
  v.setInt16(252, 1, true); // qform_code
  v.setInt16(254, 1, true); // sform_code
  v.setFloat32(256, q.b, true);
  v.setFloat32(260, q.c, true);
  v.setFloat32(264, q.d, true);
  v.setFloat32(268, ras[3] as number, true);
  v.setFloat32(272, ras[7] as number, true);
  v.setFloat32(276, ras[11] as number, true);
  for (let n = 0; n < 12; n++) v.setFloat32(280 + n * 4, ras[n] as number, true);
  out.set([0x6e, 0x2b, 0x31, 0x00], 344); // "n+1\0"
  out.set(new Uint8Array(volume.voxels.buffer, volume.voxels.byteOffset, volume.voxels.byteLength), voxOffset);
  return out;
}

/** NIfTI quaternion (b, c, d, qfac) of the rotation part of a row-major RAS affine. */
function quaternionFromAffine(m: number[], s: [number, number, number]) {
  let r = [
    [(m[0] as number) / s[0], (m[1] as number) / s[1], (m[2] as number) / s[2]],
    [(m[4] as number) / s[0], (m[5] as number) / s[1], (m[6] as number) / s[2]],
    [(m[8] as number) / s[0], (m[9] as number) / s[1], (m[10] as number) / s[2]],
  ] as number[][];
  const det =
    r[0]![0]! * (r[1]![1]! * r[2]![2]! - r[1]![2]! * r[2]![1]!) -
    r[0]![1]! * (r[1]![0]! * r[2]![2]! - r[1]![2]! * r[2]![0]!) +
    r[0]![2]! * (r[1]![0]! * r[2]![1]! - r[1]![1]! * r[2]![0]!);
  const qfac = det < 0 ? -1 : 1;
  if (qfac < 0) r = r.map((row) => [row[0]!, row[1]!, -row[2]!]);
  const [r11, r12, r13] = r[0] as [number, number, number];
  const [r21, r22, r23] = r[1] as [number, number, number];
  const [r31, r32, r33] = r[2] as [number, number, number];
  let a = r11 + r22 + r33 + 1;
  let b: number, c: number, d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (r32 - r23)) / a;
    c = (0.25 * (r13 - r31)) / a;
    d = (0.25 * (r21 - r12)) / a;
  } else {
    const xd = 1 + r11 - (r22 + r33);
    const yd = 1 + r22 - (r11 + r33);
    const zd = 1 + r33 - (r11 + r22);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r12 + r21)) / b;
      d = (0.25 * (r13 + r31)) / b;
      a = (0.25 * (r32 - r23)) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r12 + r21)) / c;
      d = (0.25 * (r23 + r32)) / c;
      a = (0.25 * (r13 - r31)) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r13 + r31)) / d;
      c = (0.25 * (r23 + r32)) / d;
      a = (0.25 * (r21 - r12)) / d;
    }
    if (a < 0) {
      b = -b;
      c = -c;
      d = -d;
    }
  }
  return { b, c, d, qfac };
}

export async function writeNifti(volume: Volume, file: string): Promise<void> {
  const raw = encodeNifti(volume);
  const bytes = file.endsWith('.gz') ? gzipSync(raw, { level: 6 }) : raw;
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, file);
}
