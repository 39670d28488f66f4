/**
 * NRRD (.nrrd, or a detached .nhdr header plus its data file) → {@link Volume} in LPS.
 *
 * Supports the fields that medical NRRDs use (teem's format spec, version 1–5):
 * `type`, `dimension`, `sizes`, `space` (LPS, RAS, LAS and their long names),
 * `space dimension`, `space directions` (oblique allowed; `none` for a
 * non-spatial axis such as a vector component), `space origin`, `spacings`
 * (when there is no space), `endian`, `encoding` raw/gzip, `data file` (one file,
 * or a LIST / printf-style list of slab files), `byte skip` and `line skip`.
 * The direction vectors are converted to LPS by negating their first two
 * components when the space is RAS (first only for LAS). The header is parsed
 * by nrrdHeader.ts.
 */
import { readWholeFile } from './fileRange';
import { OPEN_ACCESS, type FileAccess } from '../access/pathGrants';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { VoxaError } from '../../../common/contract';
import { cross, dot } from '../../../common/geometry/affine';
import type { Mat3, Vec3, Volume, VoxelArray, VoxelDType } from '../../../common/volume';
import { bytesPerVoxel } from '../../../common/volume';
import { DEFAULT_IO_LIMITS, formatBytes, type IoLimits } from './limits';
import { guessModality } from './niftiReader';
import { detachedDataFiles, field, MAX_HEADER_BYTES, NRRD_TYPES, parseNrrdHeader, parseVector, SPACES, splitVectors } from './nrrdHeader';

export interface ReadNrrdOptions {
  limits?: IoLimits;
  /** The data bytes for a detached header (already concatenated when several files). */
  detachedData?: Uint8Array;
}

/** Parses an NRRD file's bytes. `name` is used in messages only. */
export function readNrrd(fileBytes: Uint8Array, name: string, options: ReadNrrdOptions = {}): Volume {
  const limits = options.limits ?? DEFAULT_IO_LIMITS;
  const h = parseNrrdHeader(fileBytes, name);
  const warnings: string[] = [];

  const typeName = (field(h, 'type') ?? '').toLowerCase();
  const type = NRRD_TYPES[typeName];
  if (!type) throw new VoxaError(typeName ? 'UNSUPPORTED' : 'CORRUPT_INPUT', typeName ? `${name}: NRRD type "${typeName}" is not supported` : `${name}: NRRD header has no "type"`);
  if (type === 'int64' || type === 'uint64') throw new VoxaError('UNSUPPORTED', `${name}: 64-bit integer NRRD voxels are not supported`);
  const dimension = Number(field(h, 'dimension'));
  if (!Number.isInteger(dimension) || dimension < 1 || dimension > 16) throw new VoxaError('CORRUPT_INPUT', `${name}: NRRD dimension "${field(h, 'dimension') ?? ''}" is invalid`);
  const sizes = (field(h, 'sizes') ?? '').split(/\s+/).filter(Boolean).map(Number);
  if (sizes.length !== dimension || sizes.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new VoxaError('CORRUPT_INPUT', `${name}: NRRD sizes "${(field(h, 'sizes') ?? '').slice(0, 60)}" do not match dimension ${dimension}`);
  }
  const kinds = (field(h, 'kinds') ?? '').split(/\s+/).filter(Boolean);

  // Space and per-axis direction vectors.
  const spaceName = (field(h, 'space') ?? '').toLowerCase();
  let flip: Vec3 | undefined;
  let spaceDim = 0;
  if (spaceName) {
    flip = SPACES[spaceName];
    if (!flip) {
      if (['3d-right-handed', '3d-left-handed', 'scanner-xyz'].includes(spaceName)) {
        warnings.push(`NRRD space "${spaceName}" has no patient orientation: treated as LPS`);
        flip = [1, 1, 1];
      } else throw new VoxaError('UNSUPPORTED', `${name}: NRRD space "${spaceName}" is not a 3D patient space`);
    }
    spaceDim = 3;
  } else if (field(h, 'space dimension')) {
    spaceDim = Number(field(h, 'space dimension'));
    if (spaceDim !== 3) throw new VoxaError('UNSUPPORTED', `${name}: NRRD space dimension ${spaceDim} is not 3`);
    warnings.push('NRRD has a space dimension but no named space: treated as LPS');
    flip = [1, 1, 1];
  }

  let axisVectors: (number[] | null)[];
  if (spaceDim === 3) {
    const sd = field(h, 'space directions');
    if (!sd) throw new VoxaError('CORRUPT_INPUT', `${name}: NRRD has a space but no "space directions"`);
    const items = splitVectors(sd);
    if (items.length !== dimension) throw new VoxaError('CORRUPT_INPUT', `${name}: ${items.length} space directions for ${dimension} axes`);
    axisVectors = items.map((t) => parseVector(t, name));
    if (axisVectors.some((v) => v !== null && v.length !== 3)) throw new VoxaError('CORRUPT_INPUT', `${name}: space directions must have 3 components`);
  } else {
    // No space: per-axis spacings along x, y, z (orientation unknown).
    const sp = (field(h, 'spacings') ?? '').split(/\s+/).filter(Boolean).map((s) => (s.toLowerCase() === 'nan' ? NaN : Number(s)));
    const domainAxes: number[] = [];
    for (let a = 0; a < dimension; a++) {
      const kind = (kinds[a] ?? 'domain').toLowerCase();
      if (kind === 'domain' || kind === 'space' || kind === 'time' || kind === '???' || kind === 'none') domainAxes.push(a);
    }
    axisVectors = new Array<number[] | null>(dimension).fill(null);
    domainAxes.slice(0, 3).forEach((a, n) => {
      const s = sp[a];
      const v = [0, 0, 0];
      v[n] = s !== undefined && Number.isFinite(s) && s !== 0 ? Math.abs(s) : 1;
      axisVectors[a] = v;
    });
    warnings.push('NRRD has no "space": orientation unknown, axes assumed to be L, P, S');
    flip = [1, 1, 1];
  }

  const spatialAxes = axisVectors.map((v, a) => (v ? a : -1)).filter((a) => a >= 0);
  if (spatialAxes.length < 1 || spatialAxes.length > 3) throw new VoxaError('UNSUPPORTED', `${name}: NRRD with ${spatialAxes.length} spatial axes is not a volume`);
  const nonSpatial = [...Array(dimension).keys()].filter((a) => !spatialAxes.includes(a));
  // Only the slowest non-spatial axes or a leading component axis are handled: take element 0 of each.
  let componentCount = 1;
  for (const a of nonSpatial) componentCount *= sizes[a] as number;
  if (componentCount > 1) warnings.push(`NRRD has ${componentCount} values per voxel (${nonSpatial.map((a) => kinds[a] ?? 'list').join(', ')}): showing the first`);

  const dims: Vec3 = [1, 1, 1];
  spatialAxes.forEach((a, n) => (dims[n] = sizes[a] as number));
  const lpsVectors = spatialAxes.map((a) => {
    const v = axisVectors[a] as number[];
    const f = flip as Vec3;
    return [(v[0] as number) * f[0], (v[1] as number) * f[1], (v[2] as number) * f[2]] as Vec3;
  });
  const spacing = lpsVectors.map((v) => Math.hypot(v[0], v[1], v[2]));
  if (spacing.some((s) => !(s > 0))) throw new VoxaError('CORRUPT_INPUT', `${name}: a NRRD space direction is a zero vector`);
  const units = lpsVectors.map((v, n) => v.map((x) => x / (spacing[n] as number)) as Vec3);
  // Complete to three axes for 1D/2D images.
  while (units.length < 3) {
    const [u0, u1] = units;
    if (units.length === 1) units.push(Math.abs((u0 as Vec3)[2]) < 0.9 ? cross([0, 0, 1], u0 as Vec3) : cross(u0 as Vec3, [1, 0, 0]));
    else units.push(cross(u0 as Vec3, u1 as Vec3));
    spacing.push(1);
  }
  const [u0, u1, u2] = units as [Vec3, Vec3, Vec3];
  const shear = Math.max(Math.abs(dot(u0, u1)), Math.abs(dot(u0, u2)), Math.abs(dot(u1, u2)));
  if (shear > 1e-3) warnings.push('NRRD space directions are not orthogonal; shown as the nearest orthogonal grid');

  let origin: Vec3 = [0, 0, 0];
  const so = field(h, 'space origin');
  if (so && spaceDim === 3) {
    const o = parseVector(so, name);
    if (!o || o.length !== 3) throw new VoxaError('CORRUPT_INPUT', `${name}: NRRD space origin must have 3 components`);
    const f = flip as Vec3;
    origin = [(o[0] as number) * f[0], (o[1] as number) * f[1], (o[2] as number) * f[2]];
  } else if (spaceDim === 3) warnings.push('NRRD has no space origin: assumed (0, 0, 0)');

  // Size checks before any allocation.
  const bpv = bytesPerVoxel(type);
  let total = 1;
  for (const s of sizes) total *= s;
  const totalBytes = total * bpv;
  const count = dims[0] * dims[1] * dims[2];
  if (totalBytes > limits.maxVoxelBytes || !Number.isSafeInteger(totalBytes)) {
    throw new VoxaError('TOO_LARGE', `${name}: header claims ${sizes.join('×')} voxels (${formatBytes(totalBytes)}), above the ${formatBytes(limits.maxVoxelBytes)} limit`);
  }

  // Locate and decode the data.
  const encoding = (field(h, 'encoding') ?? '').toLowerCase();
  const detached = detachedDataFiles(h, name) !== null;
  let data: Uint8Array;
  if (detached) {
    if (!options.detachedData) throw new VoxaError('BAD_REQUEST', `${name}: detached NRRD header: open it by path so its data file can be read`);
    data = options.detachedData;
  } else data = fileBytes.subarray(h.dataOffset);
  const lineSkip = Number(field(h, 'line skip') ?? field(h, 'lineskip') ?? 0);
  if (!Number.isInteger(lineSkip) || lineSkip < 0) throw new VoxaError('CORRUPT_INPUT', `${name}: bad "line skip"`);
  for (let n = 0, skipped = 0; skipped < lineSkip; n++) {
    if (n >= data.length) throw new VoxaError('CORRUPT_INPUT', `${name}: "line skip" runs past the end of the data`);
    if (data[n] === 0x0a) {
      skipped++;
      if (skipped === lineSkip) data = data.subarray(n + 1);
    }
  }
  let byteSkip = Number(field(h, 'byte skip') ?? field(h, 'byteskip') ?? 0);
  if (!Number.isInteger(byteSkip) || byteSkip < -1) throw new VoxaError('CORRUPT_INPUT', `${name}: bad "byte skip"`);
  let raw: Uint8Array;
  if (encoding === 'raw') {
    raw = data;
  } else if (encoding === 'gzip' || encoding === 'gz') {
    if (byteSkip > 0) data = data.subarray(byteSkip);
    byteSkip = 0;
    try {
      raw = gunzipSync(data, { maxOutputLength: Math.min(totalBytes + 1, 2 ** 32), finishFlush: 2 /* Z_SYNC_FLUSH: tolerate a missing trailer */ });
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ERR_BUFFER_TOO_LARGE') raw = new Uint8Array(totalBytes + 1); // more data than the header says: reported below
      else throw new VoxaError('CORRUPT_INPUT', `${name}: gzip stream is damaged or truncated`);
    }
  } else if (encoding === 'bzip2' || encoding === 'bz2' || encoding === 'ascii' || encoding === 'text' || encoding === 'txt' || encoding === 'hex' || encoding === 'zstd') {
    throw new VoxaError('UNSUPPORTED', `${name}: NRRD encoding "${encoding}" is not supported (raw and gzip are)`);
  } else throw new VoxaError('CORRUPT_INPUT', `${name}: NRRD header has ${encoding ? `an unknown encoding "${encoding}"` : 'no "encoding"'}`);
  if (byteSkip === -1) raw = raw.subarray(Math.max(0, raw.length - totalBytes));
  else if (byteSkip > 0) raw = raw.subarray(byteSkip);
  if (raw.length < totalBytes) {
    throw new VoxaError('CORRUPT_INPUT', `${name}: data is truncated (${formatBytes(raw.length)}; header needs ${formatBytes(totalBytes)})`);
  }
  if (raw.length > totalBytes && encoding !== 'raw') warnings.push('NRRD data is longer than the header says; the excess is ignored');

  const endian = (field(h, 'endian') ?? 'little').toLowerCase();
  if (bpv > 1 && endian !== 'little' && endian !== 'big') throw new VoxaError('CORRUPT_INPUT', `${name}: bad endian "${endian}"`);
  const voxels = gatherVoxels(raw, type, sizes, spatialAxes, count, endian === 'big');

  if (type === 'float32' || type === 'float64') {
    let bad = 0;
    for (let n = 0; n < count; n++) if (!Number.isFinite(voxels[n] as number)) bad++;
    if (bad > 0) warnings.push(`${bad} voxels are NaN or infinite; they are shown as the lowest value`);
  }

  return {
    geometry: { dimensions: dims, spacingMm: spacing.slice(0, 3) as Vec3, originLps: origin, direction: [...u0, ...u1, ...u2] as Mat3 },
    dtype: type,
    voxels,
    meta: {
      modality: guessModality(voxels),
      sourceFormat: 'nrrd',
      description: field(h, 'content') ?? '',
      patientName: '',
      patientId: '',
      studyDate: '',
      seriesInstanceUid: '',
      warnings,
    },
  };
}

/** Copies the spatial sub-array (element 0 of every non-spatial axis) into a native-endian typed array. */
function gatherVoxels(raw: Uint8Array, dtype: VoxelDType, sizes: number[], spatialAxes: number[], count: number, bigEndian: boolean): VoxelArray {
  const bpv = bytesPerVoxel(dtype);
  const out = new ArrayBuffer(count * bpv);
  const dst = new Uint8Array(out);
  const contiguous = spatialAxes.every((a, n) => a === n);
  if (contiguous) dst.set(raw.subarray(0, count * bpv));
  else {
    // Strides (in voxels) of each file axis; spatial axes are then walked in order.
    const strides: number[] = [];
    let s = 1;
    for (const size of sizes) {
      strides.push(s);
      s *= size;
    }
    const st = spatialAxes.map((a) => strides[a] as number);
    const dm = spatialAxes.map((a) => sizes[a] as number);
    while (st.length < 3) {
      st.push(0);
      dm.push(1);
    }
    let o = 0;
    for (let k = 0; k < (dm[2] as number); k++) {
      for (let j = 0; j < (dm[1] as number); j++) {
        for (let i = 0; i < (dm[0] as number); i++) {
          const src = (i * (st[0] as number) + j * (st[1] as number) + k * (st[2] as number)) * bpv;
          for (let b = 0; b < bpv; b++) dst[o++] = raw[src + b] as number;
        }
      }
    }
  }
  if (bigEndian && bpv > 1) for (let n = 0; n < dst.length; n += bpv) dst.subarray(n, n + bpv).reverse();
  switch (dtype) {
    case 'uint8':
      return dst;
    case 'int8':
      return new Int8Array(out);
    case 'uint16':
      return new Uint16Array(out);
    case 'int16':
      return new Int16Array(out);
    case 'uint32':
      return new Uint32Array(out);
    case 'int32':
      return new Int32Array(out);
    case 'float32':
      return new Float32Array(out);
    case 'float64':
      return new Float64Array(out);
  }
}

/** Reads a .nrrd or .nhdr from disk, following a detached header's `data file`. */
export async function readNrrdFile(file: string, limits: IoLimits = DEFAULT_IO_LIMITS, access: FileAccess = OPEN_ACCESS): Promise<Volume> {
  const name = path.basename(file);
  const bytes = await readWholeFile(file, limits.maxVoxelBytes + MAX_HEADER_BYTES);
  const h = parseNrrdHeader(bytes, name);
  const files = detachedDataFiles(h, name);
  if (!files) return readNrrd(bytes, name, { limits });
  const dir = path.dirname(file);
  const parts: Buffer[] = [];
  let size = 0;
  for (const f of files) {
    // Each data file goes through the path policy: `data file: ../../etc/passwd` or a link out of the grants reads nothing.
    let full: string;
    try {
      full = await access.file(path.resolve(dir, f));
    } catch (e) {
      if (e instanceof VoxaError && e.code === 'UNSUPPORTED') throw new VoxaError('UNSUPPORTED', `${name}: its data file ${e.message}`);
      throw new VoxaError('NOT_FOUND', `${name}: its data file ${path.basename(f)} is missing`);
    }
    // readWholeFile checks this file's size against what is left of the limit before reading it.
    const part = await readWholeFile(full, limits.maxVoxelBytes + MAX_HEADER_BYTES - size).catch((e: unknown) => {
      if (e instanceof VoxaError && e.code === 'TOO_LARGE') throw new VoxaError('TOO_LARGE', `${name}: data files exceed the ${formatBytes(limits.maxVoxelBytes)} limit`);
      throw e;
    });
    size += part.length;
    parts.push(part);
  }
  return readNrrd(bytes, name, { limits, detachedData: parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts) });
}
