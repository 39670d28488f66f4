/**
 * NIfTI-1 / NIfTI-2 (.nii, .nii.gz) → {@link Volume} in LPS.
 *
 * nifti-reader-js parses the header fields; the spatial transform is computed
 * here because the library's choice between qform and sform differs from the
 * standard's: we use the sform when sform_code > 0, else the qform when
 * qform_code > 0, else the pixdim scaling (NIfTI-1 "method 1"), as nibabel does.
 * RAS+ world coordinates are converted to LPS by negating x and y.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import { Gunzip } from 'fflate';
import * as nifti from 'nifti-reader-js';
import { VoxaError } from '../../../common/contract';
import { decomposeAffine, type Mat4 } from '../../../common/geometry/affine';
import type { Vec3, Volume, VoxelArray, VoxelDType } from '../../../common/volume';
import { bytesPerVoxel } from '../../../common/volume';
import { DEFAULT_IO_LIMITS, formatBytes, type IoLimits } from './limits';

const NIFTI_DTYPES: Record<number, { dtype: VoxelDType; name: string } | undefined> = {
  2: { dtype: 'uint8', name: 'uint8' },
  4: { dtype: 'int16', name: 'int16' },
  8: { dtype: 'int32', name: 'int32' },
  16: { dtype: 'float32', name: 'float32' },
  64: { dtype: 'float64', name: 'float64' },
  256: { dtype: 'int8', name: 'int8' },
  512: { dtype: 'uint16', name: 'uint16' },
  768: { dtype: 'uint32', name: 'uint32' },
};

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

type NiftiHeader = NonNullable<ReturnType<typeof nifti.readHeader>>;

/** What the header says, checked (sizes against the limits) before any voxel is read or allocated. */
interface ParsedHeader {
  header: NiftiHeader;
  isV2: boolean;
  /** The fixed-size header alone (348 or 540 bytes): extensions are not parsed. */
  headerAb: ArrayBuffer;
  dims: Vec3;
  dtype: VoxelDType;
  count: number;
  voxelBytes: number;
  /** Where the first volume's voxels start. */
  offset: number;
  warnings: string[];
}

/** Parses and checks the header from the first bytes of the (decompressed) file. */
function parseHeader(bytes: Uint8Array, name: string, limits: IoLimits): ParsedHeader {
  // A real copy (Buffer#slice would be a view into a possibly shared pool).
  const copy = (n: number) => new Uint8Array(bytes.subarray(0, Math.min(n, bytes.length))).buffer as ArrayBuffer;
  let header: ReturnType<typeof nifti.readHeader>;
  let isV2 = false;
  let headerAb: ArrayBuffer;
  try {
    headerAb = copy(348);
    const isV1 = headerAb.byteLength >= 348 && nifti.isNIFTI1(headerAb);
    if (!isV1) {
      headerAb = copy(540);
      isV2 = headerAb.byteLength >= 540 && nifti.isNIFTI2(headerAb);
    }
    if (!isV1 && !isV2) throw new VoxaError('CORRUPT_INPUT', `${name}: not a NIfTI-1 or NIfTI-2 file (bad magic or header size)`);
    header = nifti.readHeader(headerAb);
  } catch (e) {
    // nifti-reader-js throws plain Errors on damaged headers (bad sizeof_hdr...).
    if (e instanceof VoxaError) throw e;
    throw new VoxaError('CORRUPT_INPUT', `${name}: damaged NIfTI header (${e instanceof Error ? e.message.slice(0, 100) : 'unreadable'})`);
  }
  if (!header) throw new VoxaError('CORRUPT_INPUT', `${name}: unreadable NIfTI header`);
  if ('isHDR' in header && header.isHDR) throw new VoxaError('UNSUPPORTED', `${name}: split .hdr/.img pairs are not supported; convert to .nii`);

  const warnings: string[] = [];
  const ndim = header.dims[0] ?? 0;
  if (!(ndim >= 1 && ndim <= 7)) throw new VoxaError('CORRUPT_INPUT', `${name}: dim[0] = ${ndim} is not between 1 and 7`);
  const dims: Vec3 = [1, 2, 3].map((n) => (n <= ndim ? (header.dims[n] ?? 1) : 1)) as Vec3;
  if (dims.some((d) => !Number.isInteger(d) || d < 1)) throw new VoxaError('CORRUPT_INPUT', `${name}: invalid dimensions ${dims.join('×')}`);
  let extraVolumes = 1;
  for (let n = 4; n <= ndim; n++) extraVolumes *= Math.max(1, header.dims[n] ?? 1);
  if (extraVolumes > 1) warnings.push(`4D input with ${extraVolumes} volumes: showing the first`);

  const type = NIFTI_DTYPES[header.datatypeCode];
  if (!type) throw new VoxaError('UNSUPPORTED', `${name}: NIfTI datatype ${header.datatypeCode} is not supported`);
  const count = dims[0] * dims[1] * dims[2];
  const voxelBytes = count * bytesPerVoxel(type.dtype);
  if (voxelBytes > limits.maxVoxelBytes) {
    throw new VoxaError('TOO_LARGE', `${name}: header claims ${dims.join('×')} voxels (${formatBytes(voxelBytes)}), above the ${formatBytes(limits.maxVoxelBytes)} limit`);
  }
  const headerBytes = isV2 ? 540 : 348;
  if (!Number.isFinite(header.vox_offset) || header.vox_offset < headerBytes) {
    throw new VoxaError('CORRUPT_INPUT', `${name}: vox_offset ${header.vox_offset} does not point past the ${headerBytes}-byte header`);
  }
  return { header, isV2, headerAb, dims, dtype: type.dtype, count, voxelBytes, offset: Math.round(header.vox_offset), warnings };
}

function truncated(name: string, have: number, p: ParsedHeader): VoxaError {
  return new VoxaError('CORRUPT_INPUT', `${name}: file is truncated (${formatBytes(have)}; header needs ${formatBytes(p.offset + p.voxelBytes)})`);
}

/** The first `n` inflated bytes of a gzip stream (fewer when it is shorter), inflating no further. */
function inflatePrefix(gz: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let filled = 0;
  const STOP = new Error('enough');
  const g = new Gunzip((chunk) => {
    const take = Math.min(chunk.length, n - filled);
    out.set(chunk.subarray(0, take), filled);
    filled += take;
    if (filled >= n) throw STOP;
  });
  try {
    for (let at = 0; at < gz.length && filled < n; at += 64 * 1024) g.push(gz.subarray(at, Math.min(gz.length, at + 64 * 1024)), at + 64 * 1024 >= gz.length);
  } catch (e) {
    if (e !== STOP) throw new VoxaError('CORRUPT_INPUT', 'gzip stream is damaged or truncated');
  }
  return out.subarray(0, filled);
}

/** Parses a NIfTI file's bytes (gzipped or not). `name` is used in messages only. */
export function readNifti(fileBytes: Uint8Array, name: string, limits: IoLimits = DEFAULT_IO_LIMITS): Volume {
  let bytes = fileBytes;
  if (isGzip(bytes)) {
    // Inflate the header first, then no more than it declares: a small file that inflates to gigabytes is never held.
    const declared = parseHeader(inflatePrefix(bytes, 540), name, limits);
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: Math.min(declared.offset + declared.voxelBytes, 2 ** 32), finishFlush: 2 });
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') bytes = inflatePrefix(bytes, declared.offset + declared.voxelBytes);
      else throw new VoxaError('CORRUPT_INPUT', `${name}: gzip stream is damaged or truncated`);
    }
  }
  const p = parseHeader(bytes, name, limits);
  if (p.offset + p.voxelBytes > bytes.byteLength) throw truncated(name, bytes.byteLength, p);
  const raw = typedVoxels(new Uint8Array(bytes.subarray(p.offset, p.offset + p.voxelBytes)), p.dtype, p.header.littleEndian); // a copy: the voxels own their buffer
  return finishVolume(p, raw, name);
}

/**
 * Reads a .nii or .nii.gz file as a stream: the header is parsed from the first
 * bytes, the voxel array (first volume only) is allocated at its final size and
 * filled as the (decompressed) data arrives, and reading stops once it is full.
 * Peak memory is the voxel bytes plus one chunk, never the whole decompressed file.
 */
export async function readNiftiFile(file: string, limits: IoLimits = DEFAULT_IO_LIMITS): Promise<Volume> {
  const name = path.basename(file);
  let magic: Uint8Array;
  try {
    const fh = await open(file, 'r');
    try {
      magic = new Uint8Array(2);
      await fh.read(magic, 0, 2, 0);
    } finally {
      await fh.close();
    }
  } catch {
    throw new VoxaError('NOT_FOUND', `${name}: cannot be read`);
  }
  const CHUNK = 1024 * 1024;
  const fileStream = createReadStream(file, { highWaterMark: CHUNK });
  const gz = isGzip(magic);
  const source: NodeJS.ReadableStream = gz ? pipeline(fileStream, createGunzip({ chunkSize: CHUNK }), () => undefined) : fileStream;
  let head: Buffer = Buffer.alloc(0);
  let p: ParsedHeader | null = null;
  let raw: Uint8Array | null = null;
  let filled = 0;
  let position = 0; // bytes of the decompressed stream consumed so far
  /** Copies the part of `data` (stream bytes from `position`) that falls in [offset, offset + voxelBytes). */
  const consume = (hp: ParsedHeader, out: Uint8Array, data: Uint8Array) => {
    const start = Math.max(hp.offset - position, 0);
    const end = Math.min(data.length, hp.offset + hp.voxelBytes - position);
    if (end > start) {
      out.set(data.subarray(start, end), filled);
      filled += end - start;
    }
    position += data.length;
  };
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (!p || !raw) {
        head = Buffer.concat([head, chunk]);
        if (head.length < 540) continue;
        p = parseHeader(head, name, limits);
        raw = new Uint8Array(p.voxelBytes);
        consume(p, raw, head);
      } else consume(p, raw, chunk);
      if (filled >= p.voxelBytes) break; // later volumes (4D) are not read
    }
  } catch (e) {
    if (e instanceof VoxaError) throw e;
    throw new VoxaError('CORRUPT_INPUT', gz ? `${name}: gzip stream is damaged or truncated` : `${name}: cannot be read to the end`);
  } finally {
    fileStream.destroy();
  }
  if (!p || !raw) {
    // The whole file is shorter than 540 bytes.
    p = parseHeader(head, name, limits);
    raw = new Uint8Array(p.voxelBytes);
    consume(p, raw, head);
  }
  if (filled < p.voxelBytes) throw truncated(name, position, p);
  return finishVolume(p, typedVoxels(raw, p.dtype, p.header.littleEndian), name);
}

/** Scaling, NaN check and geometry: the part shared by both readers. */
function finishVolume(p: ParsedHeader, raw: VoxelArray, name: string): Volume {
  const { header, count, warnings } = p;
  const slope = header.scl_slope;
  const inter = header.scl_inter;
  const scaled = Number.isFinite(slope) && slope !== 0 && !(slope === 1 && (inter === 0 || !Number.isFinite(inter)));
  let voxels: VoxelArray = raw;
  let dtype = p.dtype;
  if (scaled) {
    const out = new Float32Array(count);
    const b = Number.isFinite(inter) ? inter : 0;
    for (let n = 0; n < count; n++) out[n] = (raw[n] as number) * slope + b;
    voxels = out;
    dtype = 'float32';
  }
  if (dtype === 'float32' || dtype === 'float64') {
    let bad = 0;
    for (let n = 0; n < count; n++) if (!Number.isFinite(voxels[n] as number)) bad++;
    if (bad > 0) warnings.push(`${bad} voxels are NaN or infinite; they are shown as the lowest value`);
  }

  const rasAffine = spatialAffine(header, new DataView(p.headerAb), p.isV2, warnings);
  // RAS → LPS: negate the first two rows.
  const lps: Mat4 = rasAffine.map((v, n) => (n < 8 ? -v : v));
  let decomposed;
  try {
    decomposed = decomposeAffine(lps);
  } catch {
    throw new VoxaError('CORRUPT_INPUT', `${name}: the spatial transform is degenerate (zero or non-finite voxel size)`);
  }
  if (decomposed.shear > 1e-3) warnings.push('the spatial transform is sheared; shown as the nearest orthogonal grid');

  return {
    geometry: { dimensions: p.dims, ...decomposed.geometry },
    dtype,
    voxels,
    meta: {
      modality: guessModality(voxels),
      sourceFormat: 'nifti',
      description: (header.description ?? '').replace(/\0/g, '').trim(),
      patientName: '',
      patientId: '',
      studyDate: '',
      seriesInstanceUid: '',
      warnings,
    },
  };
}

/** A fresh byte array (offset 0, owned) of one volume → a native-endian typed array on the same memory. */
function typedVoxels(bytes: Uint8Array, dtype: VoxelDType, littleEndian: boolean): VoxelArray {
  const bpv = bytesPerVoxel(dtype);
  if (!littleEndian && bpv > 1) {
    for (let n = 0; n < bytes.length; n += bpv) bytes.subarray(n, n + bpv).reverse();
  }
  const b = bytes.buffer as ArrayBuffer;
  const o = bytes.byteOffset;
  const n = bytes.byteLength / bpv;
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(b, o, n);
    case 'int8':
      return new Int8Array(b, o, n);
    case 'int16':
      return new Int16Array(b, o, n);
    case 'uint16':
      return new Uint16Array(b, o, n);
    case 'int32':
      return new Int32Array(b, o, n);
    case 'uint32':
      return new Uint32Array(b, o, n);
    case 'float32':
      return new Float32Array(b, o, n);
    case 'float64':
      return new Float64Array(b, o, n);
  }
}



/** Row-major 4×4 voxel → RAS+ affine chosen per the NIfTI standard (sform, then qform, then pixdim). */
function spatialAffine(header: NiftiHeader, view: DataView, isV2: boolean, warnings: string[]): Mat4 {
  const le = header.littleEndian;
  const f = (off: number) => (isV2 ? view.getFloat64(off, le) : view.getFloat32(off, le));
  const srowBase = isV2 ? 400 : 280;
  const step = isV2 ? 8 : 4;
  const pix = header.pixDims;
  if (header.sform_code > 0) {
    const m: Mat4 = [];
    for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) m.push(f(srowBase + (r * 4 + c) * step));
    m.push(0, 0, 0, 1);
    if (m.every(Number.isFinite)) return m;
    warnings.push('sform is not finite; using the qform');
  }
  if (header.qform_code > 0) {
    const qb = isV2 ? 352 : 256;
    const b = f(qb);
    const c = f(qb + step);
    const d = f(qb + 2 * step);
    const qx = f(qb + 3 * step);
    const qy = f(qb + 4 * step);
    const qz = f(qb + 5 * step);
    const a = Math.sqrt(Math.max(0, 1 - (b * b + c * c + d * d)));
    const qfac = (pix[0] ?? 1) < 0 ? -1 : 1;
    const R = [
      [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
      [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
      [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
    ];
    const s = [pix[1] ?? 1, pix[2] ?? 1, (pix[3] ?? 1) * qfac];
    const m: Mat4 = [];
    const off = [qx, qy, qz];
    for (let r = 0; r < 3; r++) {
      const row = R[r] as number[];
      for (let col = 0; col < 3; col++) m.push((row[col] as number) * (s[col] as number));
      m.push(off[r] as number);
    }
    m.push(0, 0, 0, 1);
    if (m.every(Number.isFinite)) return m;
    warnings.push('qform is not finite; using voxel sizes only');
  } else {
    warnings.push('no sform or qform: orientation unknown, assuming RAS axes');
  }
  const sx = Math.abs(pix[1] ?? 1) || 1;
  const sy = Math.abs(pix[2] ?? 1) || 1;
  const sz = Math.abs(pix[3] ?? 1) || 1;
  return [sx, 0, 0, 0, 0, sy, 0, 0, 0, 0, sz, 0, 0, 0, 0, 1];
}

/** NIfTI carries no modality; values below −500 over a good part of the image are CT air. */
export function guessModality(voxels: VoxelArray): 'CT' | 'MR' {
  let below = 0;
  const stride = Math.max(1, Math.floor(voxels.length / 20000));
  let n = 0;
  for (let i = 0; i < voxels.length; i += stride, n++) if ((voxels[i] as number) < -500) below++;
  return below / Math.max(1, n) > 0.05 ? 'CT' : 'MR';
}
