/**
 * A folder of single-frame DICOM files → series → {@link Volume} in LPS.
 *
 * Slices are ordered by the projection of ImagePositionPatient on the slice
 * normal (row × column direction), never by file name or InstanceNumber;
 * the slice spacing comes from those positions, not from SliceThickness.
 * Files that are not DICOM, have no pixels, or use a transfer syntax this
 * build cannot decode are listed with the reason and the rest loads.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import dcmjs, { type DicomDict } from 'dcmjs';
import { VoxaError } from '../../../common/contract';
import { cross, dot, normalize } from '../../../common/geometry/affine';
import type { Mat3, Modality, Vec3, Volume } from '../../../common/volume';
import { DEFAULT_IO_LIMITS, type IoLimits } from './limits';
import { num, nums, pixelBuffer, str, TRANSFER_SYNTAX_NAMES } from './dicomElements';
import { formatBytes } from './niftiReader';

const NATIVE_SYNTAXES = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.2']);

export interface SkippedFile {
  file: string;
  reason: string;
}

interface Slice {
  file: string;
  dict: DicomDict;
  position: Vec3;
  rowDir: Vec3;
  colDir: Vec3;
  rows: number;
  columns: number;
}

export interface DicomSeries {
  seriesInstanceUid: string;
  description: string;
  modality: string;
  slices: Slice[];
}

export interface DicomScan {
  series: DicomSeries[];
  skipped: SkippedFile[];
}

export interface ScanOptions {
  limits?: IoLimits;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

async function listFiles(dir: string, limits: IoLimits): Promise<string[]> {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop() as string;
    const entries = await readdir(current, { withFileTypes: true });
    for (const e of entries) {
      const full = path.join(current, e.name);
      if (e.isDirectory()) stack.push(full);
      else if (e.isFile()) out.push(full);
      if (out.length > limits.maxFilesScanned) {
        throw new VoxaError('TOO_LARGE', `more than ${limits.maxFilesScanned} files below this folder; pick the series folder itself`);
      }
    }
  }
  return out.sort();
}

/** Reads every file below `dir` and groups the images into series. */
export async function scanDicomFolder(dir: string, options: ScanOptions = {}): Promise<DicomScan> {
  const limits = options.limits ?? DEFAULT_IO_LIMITS;
  const files = await listFiles(dir, limits);
  const skipped: SkippedFile[] = [];
  const groups = new Map<string, DicomSeries>();
  let done = 0;
  for (const file of files) {
    options.signal?.throwIfAborted();
    const rel = path.relative(dir, file) || path.basename(file);
    const result = await readSlice(file, rel);
    if ('reason' in result) skipped.push(result);
    else {
      const uid = str(result.dict, '0020000E') || 'unknown-series';
      // A series may hold several stacks: split by orientation and matrix size.
      const key = `${uid}|${result.rowDir.map((v) => v.toFixed(3)).join(',')}|${result.colDir.map((v) => v.toFixed(3)).join(',')}|${result.rows}x${result.columns}`;
      let group = groups.get(key);
      if (!group) {
        group = { seriesInstanceUid: uid, description: str(result.dict, '0008103E'), modality: str(result.dict, '00080060'), slices: [] };
        groups.set(key, group);
      }
      group.slices.push(result);
    }
    options.onProgress?.(++done, files.length);
  }
  return { series: [...groups.values()].sort((a, b) => b.slices.length - a.slices.length), skipped };
}

async function readSlice(file: string, rel: string): Promise<Slice | SkippedFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    return { file: rel, reason: 'cannot be read' };
  }
  if (bytes.length < 132 || bytes.toString('latin1', 128, 132) !== 'DICM') {
    return { file: rel, reason: 'not a DICOM file (no DICM preamble)' };
  }
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let parsed: { meta: DicomDict; dict: DicomDict };
  try {
    parsed = dcmjs.data.DicomMessage.readFile(ab);
  } catch (e) {
    return { file: rel, reason: `damaged DICOM (${e instanceof Error ? e.message.slice(0, 120) : 'parse error'})` };
  }
  const { meta, dict } = parsed;
  const ts = str(meta, '00020010');
  if (!dict['7FE00010']) return { file: rel, reason: `non-image object (${str(dict, '00080060') || 'no pixel data'})` };
  if (!NATIVE_SYNTAXES.has(ts)) {
    return { file: rel, reason: `transfer syntax ${TRANSFER_SYNTAX_NAMES[ts] ?? ts} is not decoded yet` };
  }
  const frames = num(dict, '00280008') ?? 1;
  if (frames > 1) return { file: rel, reason: `multi-frame image (${frames} frames) is not loaded by the series reader yet` };
  const position = nums(dict, '00200032');
  const orientation = nums(dict, '00200037');
  const rows = num(dict, '00280010');
  const columns = num(dict, '00280011');
  if (!rows || !columns) return { file: rel, reason: 'missing Rows/Columns' };
  if (!position || position.length !== 3 || !orientation || orientation.length !== 6) {
    return { file: rel, reason: 'missing ImagePositionPatient/ImageOrientationPatient' };
  }
  let rowDir: Vec3;
  let colDir: Vec3;
  try {
    rowDir = normalize(orientation.slice(0, 3) as Vec3);
    colDir = normalize(orientation.slice(3, 6) as Vec3);
  } catch {
    return { file: rel, reason: 'ImageOrientationPatient is a zero vector' };
  }
  return { file: rel, dict, position: position as Vec3, rowDir, colDir, rows, columns };
}

/** Builds a volume from one series' slices (all of one orientation and matrix size). */
export function seriesToVolume(series: DicomSeries, limits: IoLimits = DEFAULT_IO_LIMITS): Volume {
  const first = series.slices[0];
  if (!first) throw new VoxaError('NOT_FOUND', 'the series has no image slices');
  const warnings: string[] = [];
  const normal = normalize(cross(first.rowDir, first.colDir));
  const sorted = [...series.slices].sort((a, b) => dot(a.position, normal) - dot(b.position, normal));
  const ni = first.columns;
  const nj = first.rows;
  const nk = sorted.length;
  const sliceVoxels = ni * nj;
  const total = sliceVoxels * nk;
  if (total * 4 > limits.maxVoxelBytes) throw new VoxaError('TOO_LARGE', `${ni}×${nj}×${nk} voxels exceed the ${formatBytes(limits.maxVoxelBytes)} limit`);

  // Spacing along the normal from positions.
  let sliceSpacing = num(first.dict, '00180088') ?? num(first.dict, '00180050') ?? 1;
  if (nk > 1) {
    const gaps: number[] = [];
    for (let k = 1; k < nk; k++) gaps.push(dot((sorted[k] as Slice).position, normal) - dot((sorted[k - 1] as Slice).position, normal));
    const sortedGaps = [...gaps].sort((a, b) => a - b);
    sliceSpacing = sortedGaps[Math.floor(sortedGaps.length / 2)] as number;
    if (!(sliceSpacing > 1e-6)) throw new VoxaError('CORRUPT_INPUT', 'slices share the same position: duplicate images or several volumes in one series');
    const worst = Math.max(...gaps.map((g) => Math.abs(g - sliceSpacing)));
    if (worst > 0.01 * sliceSpacing + 1e-3) warnings.push(`non-uniform slice spacing (median ${sliceSpacing.toFixed(3)} mm, largest deviation ${worst.toFixed(3)} mm)`);
    // Gantry tilt / sheared stacks: positions not along the normal.
    const along = sub((sorted[nk - 1] as Slice).position, first === sorted[0] ? first.position : (sorted[0] as Slice).position);
    const len = Math.hypot(...along);
    if (len > 0 && Math.abs(dot(along, normal)) / len < 0.999) warnings.push('slice positions are not along the slice normal (gantry tilt or sheared stack)');
  }

  const pixelSpacing = nums(first.dict, '00280030');
  let spacingI = 1;
  let spacingJ = 1;
  if (pixelSpacing && pixelSpacing.length >= 2 && (pixelSpacing[0] as number) > 0 && (pixelSpacing[1] as number) > 0) {
    spacingJ = pixelSpacing[0] as number; // row spacing: between rows, i.e. along j
    spacingI = pixelSpacing[1] as number; // column spacing: along i
  } else warnings.push('no PixelSpacing: distances are in pixels');

  const bitsAllocated = num(first.dict, '00280100') ?? 16;
  const signed = (num(first.dict, '00280103') ?? 0) === 1;
  const samples = num(first.dict, '00280002') ?? 1;
  if (samples !== 1) throw new VoxaError('UNSUPPORTED', `colour images (${samples} samples per pixel) are not loaded as volumes yet`);
  if (bitsAllocated !== 8 && bitsAllocated !== 16 && bitsAllocated !== 32) throw new VoxaError('UNSUPPORTED', `BitsAllocated ${bitsAllocated} is not supported`);

  // Read raw values with rescale, choosing int16 storage when every value fits.
  const out = new Float32Array(total);
  let integral = true;
  let min = Infinity;
  let max = -Infinity;
  sorted.forEach((slice, k) => {
    const buf = pixelBuffer(slice.dict);
    const needed = sliceVoxels * (bitsAllocated / 8);
    if (!buf || buf.byteLength < needed) throw new VoxaError('CORRUPT_INPUT', `${slice.file}: pixel data is shorter than ${ni}×${nj} pixels`);
    const raw =
      bitsAllocated === 8 ? (signed ? new Int8Array(buf, 0, sliceVoxels) : new Uint8Array(buf, 0, sliceVoxels))
      : bitsAllocated === 16 ? (signed ? new Int16Array(buf, 0, sliceVoxels) : new Uint16Array(buf, 0, sliceVoxels))
      : signed ? new Int32Array(buf, 0, sliceVoxels) : new Uint32Array(buf, 0, sliceVoxels);
    const slope = num(slice.dict, '00281053') ?? 1;
    const intercept = num(slice.dict, '00281052') ?? 0;
    if (slope !== 1 || !Number.isInteger(intercept)) integral = false;
    const base = k * sliceVoxels;
    for (let n = 0; n < sliceVoxels; n++) {
      const v = (raw[n] as number) * slope + intercept;
      out[base + n] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  });
  const fitsInt16 = integral && min >= -32768 && max <= 32767;
  const voxels = fitsInt16 ? Int16Array.from(out) : out;

  const modality = str(first.dict, '00080060');
  const known: Modality[] = ['CT', 'MR', 'PT', 'US'];
  return {
    geometry: {
      dimensions: [ni, nj, nk],
      spacingMm: [spacingI, spacingJ, sliceSpacing],
      originLps: [...(sorted[0] as Slice).position] as Vec3,
      direction: [...first.rowDir, ...first.colDir, ...normal] as Mat3,
    },
    dtype: fitsInt16 ? 'int16' : 'float32',
    voxels,
    meta: {
      modality: (known as string[]).includes(modality) ? (modality as Modality) : 'OT',
      sourceFormat: 'dicom',
      description: series.description,
      patientName: str(first.dict, '00100010'),
      patientId: str(first.dict, '00100020'),
      studyDate: str(first.dict, '00080020'),
      seriesInstanceUid: series.seriesInstanceUid,
      warnings,
    },
  };
}

function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

/** Loads the largest image series below `dir`; the skipped files and other series are reported as warnings. */
export async function readDicomFolder(dir: string, options: ScanOptions = {}): Promise<Volume> {
  const info = await stat(dir);
  if (!info.isDirectory()) throw new VoxaError('BAD_REQUEST', 'expected a folder of DICOM files');
  const scan = await scanDicomFolder(dir, options);
  const series = scan.series[0];
  if (!series) {
    const why = scan.skipped.slice(0, 3).map((s) => `${s.file}: ${s.reason}`).join('; ');
    throw new VoxaError('NOT_FOUND', scan.skipped.length ? `no loadable DICOM image series (${why})` : 'the folder holds no files');
  }
  const volume = seriesToVolume(series, options.limits);
  if (scan.series.length > 1) volume.meta.warnings.push(`${scan.series.length - 1} other series in this folder were not opened`);
  if (scan.skipped.length > 0) volume.meta.warnings.push(`${scan.skipped.length} files skipped (first: ${scan.skipped[0]?.file}: ${scan.skipped[0]?.reason})`);
  return volume;
}
