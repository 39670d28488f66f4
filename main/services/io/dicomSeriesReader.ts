/**
 * A folder of DICOM files → series → {@link Volume} in LPS.
 *
 * Scan: every file below the folder is read up to its pixel data (header only)
 * and described (dicom/dicomFile.ts): image frames with their geometry, or the
 * reason it is skipped (not DICOM, damaged, SR/SEG/RTSTRUCT..., unsupported).
 * Frames are grouped by SeriesInstanceUID, orientation, matrix size and a split
 * key (enhanced stack / frame type / temporal position, echo); a group whose
 * frames repeat positions is split by occurrence (several volumes in one series).
 *
 * Load: slices are ordered by the projection of their position on the slice
 * normal (never file name or InstanceNumber); the slice spacing is the median
 * of the position differences, not SliceThickness (which is the slab thickness,
 * often different from the spacing). Gaps, non-uniform spacing and gantry tilt
 * are reported as warnings. Compressed frames decode in worker threads.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import * as dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import { VoxaError } from '../../../common/contract';
import { cross, dot, normalize } from '../../../common/geometry/affine';
import type { Mat3, Modality, Vec3, Volume, VoxelArray, VoxelDType } from '../../../common/volume';
import { bytesPerVoxel, valueRange } from '../../../common/volume';
import { decodeFrameBytes, decodeNative, NATIVE_SYNTAXES, TS } from './codecs/frameCodecs';
import { sharedDecodePool } from './codecs/decodePool';
import { allocStored, fixStoredBits, type FrameSpec, type StoredPixels } from './codecs/storedPixels';
import { describeDataSet, encapsulatedFrames, parseDataSet, type DicomImage, type FrameGeometry, type NotAnImage } from './dicom/dicomFile';
import { DEFAULT_IO_LIMITS, type IoLimits } from './limits';
import { readRange, readWholeFile } from './fileRange';
import { listFiles } from '../access/listFiles';
import type { FileAccess } from '../access/pathGrants';
import { formatBytes } from './niftiReader';

export interface SkippedFile {
  file: string;
  reason: string;
  kind?: NotAnImage['kind'];
  modality?: string;
}

export interface SeriesFrame {
  image: ScannedImage;
  geom: FrameGeometry;
}

interface ScannedImage extends DicomImage {
  absPath: string;
  /** The file's bytes when kept from the scan (small or deflated files). */
  retained: Uint8Array | null;
}

export interface DicomSeries {
  seriesInstanceUid: string;
  description: string;
  modality: string;
  /** Distinguishes several volumes of one series. */
  label: string;
  frames: SeriesFrame[];
  rows: number;
  columns: number;
  /** Files that contribute frames. */
  fileCount: number;
}

export interface DicomScan {
  series: DicomSeries[];
  skipped: SkippedFile[];
}

export interface ScanOptions {
  limits?: IoLimits;
  /** What may be opened (default: anything but special files, as for the CLI); services pass the session's grants. */
  access?: FileAccess;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** readDicomFolder: open the series this file (a real path in the folder) belongs to, not the folder's first. */
  seriesOf?: string;
}

const HEADER_CHUNK = 64 * 1024;
/** Bigger first chunks tried, in turn, for headers longer than HEADER_CHUNK (Siemens CSA, private groups). */
const LONG_HEADER_CHUNKS = [256 * 1024, 1024 * 1024];
/** Fewest compressed frames in a series worth starting decoder threads for (a thread and its codec take ~0.1–0.2 s to start). */
const MIN_POOL_FRAMES = 4;
const SCAN_CONCURRENCY = 8;

/** Every file below `dir` that the scan may read (access/listFiles.ts), with the folder limit of `limits`. */
export async function listScanFiles(dir: string, limits: IoLimits = DEFAULT_IO_LIMITS, access?: FileAccess): Promise<{ files: string[]; refusedLinks: number }> {
  return listFiles(dir, { maxFiles: limits.maxFilesScanned, ...(access ? { access } : {}) });
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function forEachLimited<T>(items: T[], limit: number, work: (item: T, index: number) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      signal?.throwIfAborted();
      const n = next++;
      await work(items[n] as T, n);
    }
  });
  await Promise.all(runners);
}

/** Reads a file's first `chunk` bytes (or all of it when small). */
async function readHead(file: string, size: number, chunk = HEADER_CHUNK): Promise<Uint8Array> {
  if (size <= chunk) return readWholeFile(file, chunk);
  const buf = Buffer.allocUnsafe(chunk);
  const { bytesRead } = await readRange(file, buf, 0, chunk, 0);
  return buf.subarray(0, bytesRead);
}

/** Describes one file: header-only parse first, the whole file when the header is longer than the first chunk. */
export async function scanDicomFile(file: string, rel: string, limits: IoLimits = DEFAULT_IO_LIMITS): Promise<ScannedImage | SkippedFile> {
  let size: number;
  let head: Uint8Array;
  try {
    // One open: a file shorter than the chunk is read whole and needs no stat.
    const buf = Buffer.allocUnsafe(HEADER_CHUNK);
    const r = await readRange(file, buf, 0, HEADER_CHUNK, 0, true);
    size = r.size ?? r.bytesRead;
    head = buf.subarray(0, r.bytesRead);
  } catch {
    return { file: rel, reason: 'cannot be read', kind: 'damaged' };
  }
  const whole = head.length >= size;
  let ds: DataSet;
  let bytes = head;
  try {
    try {
      ds = parseDataSet(head, rel, { headerOnly: true, maxInflatedBytes: limits.maxVoxelBytes });
      if (!whole && !ds.elements.x7fe00010) throw new VoxaError('CORRUPT_INPUT', 'header longer than the first chunk');
      if (!whole && str0(ds, 'x00020010') === TS.deflate) throw new VoxaError('CORRUPT_INPUT', 'deflated: needs the whole file');
    } catch (e) {
      if (whole || (e instanceof VoxaError && /not a DICOM file/.test(e.message))) throw e;
      // Long headers (Siemens CSA, private groups): a bigger chunk first, the whole file last (and always for deflate).
      const deflated = metaString(head, 'x00020010') === TS.deflate;
      let parsed: DataSet | null = null;
      for (const chunk of LONG_HEADER_CHUNKS) {
        if (deflated || parsed || size <= chunk) break;
        bytes = await readHead(file, size, chunk);
        try {
          parsed = parseDataSet(bytes, rel, { headerOnly: true, maxInflatedBytes: limits.maxVoxelBytes });
          if (!parsed.elements.x7fe00010) parsed = null;
        } catch {
          parsed = null;
        }
      }
      if (!parsed) {
        bytes = await readWholeFile(file, limits.maxVoxelBytes + MAX_DICOM_OVERHEAD_BYTES);
        parsed = parseDataSet(bytes, rel, { headerOnly: true, maxInflatedBytes: limits.maxVoxelBytes });
      }
      ds = parsed;
    }
  } catch (e) {
    const sopClass = mediaStorageSopClass(bytes);
    if (sopClass === '1.2.840.10008.1.3.10') {
      return { file: rel, reason: `DICOMDIR (media directory): its images are read from their own files (its records are damaged: ${e instanceof Error ? e.message.replace(`${rel}: `, '').slice(0, 100) : 'parse error'})`, kind: 'non-image' };
    }
    if (e instanceof VoxaError) {
      const notDicom = /not a DICOM file/.test(e.message);
      return { file: rel, reason: notDicom ? 'not a DICOM file' : e.message.replace(`${rel}: `, ''), kind: notDicom ? 'not-dicom' : e.code === 'TOO_LARGE' ? 'unsupported' : 'damaged' };
    }
    return { file: rel, reason: `damaged DICOM (${e instanceof Error ? e.message.slice(0, 100) : 'parse error'})`, kind: 'damaged' };
  }
  let described;
  try {
    described = describeDataSet(ds, rel, limits.maxVoxelBytes);
  } catch (e) {
    // Anything the description trips over in a damaged header is reported for this file only.
    return { file: rel, reason: `damaged DICOM header (${e instanceof Error ? e.message.slice(0, 100) : 'unreadable'})`, kind: 'damaged' };
  }
  if ('reason' in described) return { file: rel, reason: described.reason, kind: described.kind, ...(described.modality ? { modality: described.modality } : {}) };
  const np = described.nativePixels;
  if (np && np.offset + np.length > (ds.byteArray === bytes && bytes.length < size ? size : ds.byteArray.length)) {
    return { file: rel, reason: `file is truncated: pixel data ends at byte ${np.offset + np.length}, the file has ${size}`, kind: 'damaged' };
  }
  const deflated = described.transferSyntax === TS.deflate;
  // Kept: deflated files (offsets are in the inflated bytes) and small files (no second read); others are read again by range.
  return { ...described, absPath: file, retained: deflated || size <= HEADER_CHUNK ? (ds.byteArray as Uint8Array) : null };
}

/** A File Meta value (group 0002) read alone, or null when it cannot be read. */
function metaString(bytes: Uint8Array, tag: string): string | null {
  try {
    return str0(dicomParser.readPart10Header(bytes), tag) || null;
  } catch {
    return null;
  }
}

/** MediaStorageSOPClassUID from the File Meta group alone (null when it cannot be read). */
function mediaStorageSopClass(bytes: Uint8Array): string | null {
  return metaString(bytes, 'x00020002');
}

function str0(ds: DataSet, tag: string): string {
  try {
    return (ds.string(tag) ?? '').trim();
  } catch {
    return '';
  }
}

const round3 = (v: number) => (Math.round(v * 1000) / 1000 + 0).toFixed(3);

/** Reads every file below `dir` and groups the image frames into series (volumes). */
export async function scanDicomFolder(dir: string, options: ScanOptions = {}): Promise<DicomScan> {
  const limits = options.limits ?? DEFAULT_IO_LIMITS;
  const listing = await listScanFiles(dir, limits, options.access);
  const scan = await scanDicomFiles(listing.files, dir, options);
  if (listing.refusedLinks > 0) scan.skipped.push(refusedLinksEntry(listing.refusedLinks));
  return scan;
}

/** The scan's note on symbolic links that lead out of what may be read. */
export function refusedLinksEntry(n: number): SkippedFile {
  return { file: '(symbolic links)', reason: `${n} link(s) lead outside the folders this session may read and were not opened`, kind: 'unsupported' };
}

/** Reads the given files (names reported relative to `dir`) and groups their image frames into series. */
export async function scanDicomFiles(files: string[], dir: string, options: ScanOptions = {}): Promise<DicomScan> {
  const limits = options.limits ?? DEFAULT_IO_LIMITS;
  const results: (ScannedImage | SkippedFile)[] = new Array(files.length);
  let done = 0;
  let compressedSeen = 0;
  let warmed = false;
  await forEachLimited(
    files,
    SCAN_CONCURRENCY,
    async (file, n) => {
      const rel = path.relative(dir, file) || path.basename(file);
      const r = await scanDicomFile(file, rel, limits);
      results[n] = r;
      if ('frames' in r && !NATIVE_SYNTAXES.has(r.transferSyntax)) {
        // Compressed frames ahead: start the decoder threads and their codec now, while the scan goes on.
        compressedSeen += r.frames.length;
        if (compressedSeen >= MIN_POOL_FRAMES && !warmed) {
          warmed = true;
          sharedDecodePool().warm(r.transferSyntax, Math.max(compressedSeen, Math.round((compressedSeen * files.length) / (done + 1))));
        }
      }
      options.onProgress?.(++done, files.length);
    },
    options.signal,
  );
  const skipped: SkippedFile[] = [];
  const groups = new Map<string, DicomSeries>();
  for (const r of results) {
    if (!('frames' in r)) {
      skipped.push(r);
      continue;
    }
    const rows = r.mosaic ? r.mosaic.tileRows : r.rows;
    const columns = r.mosaic ? r.mosaic.tileColumns : r.columns;
    for (const geom of r.frames) {
      const key = [r.seriesInstanceUid, geom.rowDir.map(round3).join(','), geom.colDir.map(round3).join(','), `${rows}x${columns}x${r.samplesPerPixel}`, geom.splitKey].join('|');
      let g = groups.get(key);
      if (!g) {
        g = { seriesInstanceUid: r.seriesInstanceUid, description: r.seriesDescription, modality: r.modality, label: '', frames: [], rows, columns, fileCount: 0 };
        groups.set(key, g);
      }
      g.frames.push({ image: r, geom });
    }
  }
  const series: DicomSeries[] = [];
  for (const g of groups.values()) series.push(...splitRepeatedPositions(g));
  for (const s of series) s.fileCount = new Set(s.frames.map((f) => f.image.absPath)).size;
  // Largest first; ties by series number/description for a stable order.
  series.sort((a, b) => b.frames.length - a.frames.length || (a.frames[0]?.image.seriesNumber ?? 0) - (b.frames[0]?.image.seriesNumber ?? 0) || a.label.localeCompare(b.label));
  // Labels: several volumes of one series are told apart.
  const perUid = new Map<string, number>();
  for (const s of series) perUid.set(s.seriesInstanceUid, (perUid.get(s.seriesInstanceUid) ?? 0) + 1);
  const seen = new Map<string, number>();
  for (const s of series) {
    const n = (seen.get(s.seriesInstanceUid) ?? 0) + 1;
    seen.set(s.seriesInstanceUid, n);
    const base = s.description || s.modality || 'series';
    s.label = (perUid.get(s.seriesInstanceUid) ?? 1) > 1 ? `${base} [volume ${n}]` : base;
  }
  return { series, skipped };
}

function normalOf(f: SeriesFrame): Vec3 {
  return normalize(cross(f.geom.rowDir, f.geom.colDir));
}

/** A group whose frames repeat a position holds several volumes: the n-th frame at each position goes to volume n. */
function splitRepeatedPositions(g: DicomSeries): DicomSeries[] {
  const first = g.frames[0];
  if (!first) return [];
  const normal = normalOf(first);
  const ordered = [...g.frames].sort((a, b) => a.geom.order - b.geom.order || a.image.file.localeCompare(b.image.file) || a.geom.frameIndex - b.geom.frameIndex);
  const count = new Map<string, number>();
  const parts: SeriesFrame[][] = [];
  for (const f of ordered) {
    const key = (Math.round(dot(f.geom.position, normal) * 100) / 100).toFixed(2);
    const n = count.get(key) ?? 0;
    count.set(key, n + 1);
    (parts[n] ??= []).push(f);
  }
  if (parts.length === 1) return [g];
  return parts.map((frames) => ({ ...g, frames }));
}

/**
 * Output voxel type: the smallest integer type that holds every rescaled value, else float32.
 * The header's range (all 2^BitsStored stored values, rescaled) often needs int32 where the
 * data does not: a CT stored as 16-bit unsigned with intercept −1024 declares −1024…64511 but
 * holds −1024…~3000. Then int16 is chosen `optimistic`ally: the decode checks every value and
 * starts again in int32 if one does not fit, so the stored type is kept without losing a value.
 */
function chooseDtype(series: DicomSeries): { dtype: VoxelDType; colour: boolean; optimistic: boolean } {
  const img = (series.frames[0] as SeriesFrame).image;
  const colour = img.samplesPerPixel === 3 || img.photometric === 'PALETTE COLOR';
  if (colour) return { dtype: img.samplesPerPixel === 3 && img.bitsAllocated === 8 ? 'uint8' : 'float32', colour, optimistic: false };
  const { lo, hi, integral } = declaredRange(series);
  const plain = (dtype: VoxelDType) => ({ dtype, colour, optimistic: false });
  if (!integral) return plain('float32');
  if (lo >= 0 && hi <= 255 && img.bitsAllocated === 8) return plain('uint8');
  if (lo >= -32768 && hi <= 32767) return plain('int16');
  if (lo >= 0 && hi <= 65535) return plain('uint16');
  if (series.frames.every((f) => f.image.bitsAllocated === 16 && f.image.samplesPerPixel === 1)) return { dtype: 'int16', colour, optimistic: true };
  return plain(declaredDtype(series));
}

/** The rescaled range of every value the headers allow (all 2^BitsStored stored values), and whether all rescales are integral. */
function declaredRange(series: DicomSeries): { lo: number; hi: number; integral: boolean } {
  let lo = Infinity;
  let hi = -Infinity;
  let integral = true;
  for (const f of series.frames) {
    const im = f.image;
    const bits = Math.min(im.bitsStored, im.bitsAllocated);
    const sMin = im.pixelRepresentation === 1 ? -(2 ** (bits - 1)) : 0;
    const sMax = im.pixelRepresentation === 1 ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
    const { slope, intercept } = f.geom;
    if (!Number.isInteger(slope) || !Number.isInteger(intercept)) integral = false;
    const a = sMin * slope + intercept;
    const b = sMax * slope + intercept;
    lo = Math.min(lo, a, b);
    hi = Math.max(hi, a, b);
  }
  return { lo, hi, integral };
}

/** An integral series' type for its declared range beyond 16 bits (also the fallback of an optimistic int16). */
function declaredDtype(series: DicomSeries): VoxelDType {
  const { lo, hi } = declaredRange(series);
  return lo >= -(2 ** 31) && hi <= 2 ** 31 - 1 ? 'int32' : 'float32';
}

/** Set when a value did not fit the optimistic int16 output (the decode is then repeated in the declared type). */
interface RangeGuard {
  overflow: boolean;
}

function allocVoxels(dtype: VoxelDType, n: number): VoxelArray {
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(n);
    case 'int8':
      return new Int8Array(n);
    case 'uint16':
      return new Uint16Array(n);
    case 'int16':
      return new Int16Array(n);
    case 'uint32':
      return new Uint32Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'float32':
      return new Float32Array(n);
    case 'float64':
      return new Float64Array(n);
  }
}

function frameSpec(im: DicomImage): FrameSpec {
  return {
    transferSyntax: im.transferSyntax,
    rows: im.rows,
    columns: im.columns,
    samplesPerPixel: im.samplesPerPixel,
    bitsAllocated: im.bitsAllocated,
    bitsStored: im.bitsStored,
    pixelRepresentation: im.pixelRepresentation,
    planarConfiguration: im.planarConfiguration,
  };
}

export interface LoadOptions {
  limits?: IoLimits;
  signal?: AbortSignal;
}

/** A series' grid, slice order and warnings, computed from the headers alone (nothing is decoded). */
export interface SeriesLayout {
  /** Frames in slice order (slice k = sorted[k]). */
  sorted: SeriesFrame[];
  geometry: Volume['geometry'];
  dtype: VoxelDType;
  colour: boolean;
  warnings: string[];
}

/** Orders the frames along the slice normal and derives the grid (spacing from positions, gaps, tilt). */
export function seriesLayout(series: DicomSeries): SeriesLayout {
  const first = series.frames[0];
  if (!first) throw new VoxaError('NOT_FOUND', 'the series has no image frames');
  const warnings: string[] = [];
  const normal = normalOf(first);
  const sorted = [...series.frames].sort((a, b) => dot(a.geom.position, normal) - dot(b.geom.position, normal));
  const ni = series.columns;
  const nj = series.rows;
  const nk = sorted.length;
  const { dtype, colour } = chooseDtype(series);

  // Slice spacing from positions.
  let sliceSpacing = first.image.spacingBetweenSlices ?? first.image.sliceThickness ?? 1;
  if (!(sliceSpacing > 0) || !Number.isFinite(sliceSpacing)) sliceSpacing = 1;
  if (nk > 1) {
    const gaps: number[] = [];
    for (let k = 1; k < nk; k++) gaps.push(dot((sorted[k] as SeriesFrame).geom.position, normal) - dot((sorted[k - 1] as SeriesFrame).geom.position, normal));
    const sortedGaps = [...gaps].sort((a, b) => a - b);
    sliceSpacing = sortedGaps[Math.floor(sortedGaps.length / 2)] as number;
    if (!(sliceSpacing > 1e-4) || !Number.isFinite(sliceSpacing)) throw new VoxaError('CORRUPT_INPUT', 'slices share the same position: duplicate images or several volumes in one series');
    const worst = Math.max(...gaps.map((g) => Math.abs(g - sliceSpacing)));
    if (worst > 0.01 * sliceSpacing + 1e-3) {
      const missing = gaps.filter((g) => g > 1.5 * sliceSpacing).length;
      warnings.push(
        missing > 0
          ? `gap in the series: ${missing} place(s) where slices are missing (spacing median ${sliceSpacing.toFixed(3)} mm, largest ${Math.max(...gaps).toFixed(3)} mm); distances across the gap are wrong`
          : `non-uniform slice spacing (median ${sliceSpacing.toFixed(3)} mm, largest deviation ${worst.toFixed(3)} mm)`,
      );
    }
    const a = (sorted[0] as SeriesFrame).geom.position;
    const b = (sorted[nk - 1] as SeriesFrame).geom.position;
    const along: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    const len = Math.hypot(...along);
    if (len > 0 && Math.abs(dot(along, normal)) / len < 0.9995) {
      const tiltDeg = (Math.acos(Math.min(1, Math.abs(dot(along, normal)) / len)) * 180) / Math.PI;
      warnings.push(`slice positions are not along the slice normal (gantry tilt or sheared stack, ${tiltDeg.toFixed(1)}°); shown unsheared`);
    }
  }

  const ps = first.geom.pixelSpacing;
  let spacingI = 1;
  let spacingJ = 1;
  if (ps) {
    spacingJ = ps[0]; // row spacing: between rows, i.e. along j
    spacingI = ps[1]; // column spacing: along i
  } else warnings.push('no PixelSpacing: distances are in pixels');
  if (colour) warnings.push(first.image.photometric === 'PALETTE COLOR' ? 'palette colour image shown as luminance' : 'colour image shown as luminance (0.299 R + 0.587 G + 0.114 B)');
  for (const w of new Set(series.frames.flatMap((f) => f.image.warnings))) warnings.push(w);
  return {
    sorted,
    geometry: {
      dimensions: [ni, nj, nk],
      spacingMm: [spacingI, spacingJ, sliceSpacing],
      originLps: [...(sorted[0] as SeriesFrame).geom.position] as Vec3,
      direction: [...first.geom.rowDir, ...first.geom.colDir, ...normal] as Mat3,
    },
    dtype,
    colour,
    warnings,
  };
}

/** Builds a volume from one series (all frames of one orientation and matrix size). */
export async function seriesToVolume(series: DicomSeries, options: LoadOptions | IoLimits = {}): Promise<Volume> {
  const opts: LoadOptions = 'maxVoxelBytes' in options ? { limits: options } : options;
  const limits = opts.limits ?? DEFAULT_IO_LIMITS;
  const first = series.frames[0];
  if (!first) throw new VoxaError('NOT_FOUND', 'the series has no image frames');
  const ni = series.columns;
  const nj = series.rows;
  const nk = series.frames.length;
  const sliceVoxels = ni * nj;
  const choice = chooseDtype(series);
  let dtype = choice.dtype;
  const checkSize = (d: VoxelDType) => {
    const totalBytes = sliceVoxels * nk * bytesPerVoxel(d);
    if (totalBytes > limits.maxVoxelBytes) throw new VoxaError('TOO_LARGE', `${ni}×${nj}×${nk} voxels (${formatBytes(totalBytes)}) exceed the ${formatBytes(limits.maxVoxelBytes)} limit`);
  };
  checkSize(dtype);
  const { sorted, geometry, warnings } = seriesLayout(series);

  let voxels = allocVoxels(dtype, sliceVoxels * nk);
  const guard: RangeGuard | undefined = choice.optimistic ? { overflow: false } : undefined;
  await decodeInto(sorted, voxels, ni, nj, opts.signal, guard);
  if (guard?.overflow) {
    // A value beyond int16: decode again in the type the header's range needs (rare: metal in CT).
    dtype = declaredDtype(series);
    checkSize(dtype);
    voxels = allocVoxels(dtype, sliceVoxels * nk);
    await decodeInto(sorted, voxels, ni, nj, opts.signal);
  }

  const modality = first.image.modality;
  const known: Modality[] = ['CT', 'MR', 'PT', 'US'];
  return {
    geometry,
    dtype,
    voxels,
    meta: {
      modality: (known as string[]).includes(modality) ? (modality as Modality) : 'OT',
      sourceFormat: 'dicom',
      description: series.description,
      patientName: first.image.patientName,
      patientId: first.image.patientId,
      studyDate: first.image.studyDate,
      ...(first.image.bodyPart ? { bodyPart: first.image.bodyPart } : {}),
      ...(first.image.contrastAgent ? { contrastAgent: first.image.contrastAgent } : {}),
      ...(first.image.sliceThickness && first.image.sliceThickness > 0 ? { sliceThicknessMm: first.image.sliceThickness } : {}),
      seriesInstanceUid: series.seriesInstanceUid,
      warnings,
    },
  };
}

/** Decodes every frame into its slice of `out` (slice k = sorted[k]), file by file. */
async function decodeInto(sorted: SeriesFrame[], out: VoxelArray, ni: number, nj: number, signal?: AbortSignal, guard?: RangeGuard): Promise<void> {
  const byFile = new Map<ScannedImage, { k: number; geom: FrameGeometry }[]>();
  sorted.forEach((f, k) => {
    let list = byFile.get(f.image);
    if (!list) byFile.set(f.image, (list = []));
    list.push({ k, geom: f.geom });
  });
  const entries = [...byFile.entries()];
  const compressedFrames = sorted.filter((f) => !NATIVE_SYNTAXES.has(f.image.transferSyntax)).length;
  // A few frames decode faster here than a thread can start; more go to the worker pool (warmed during the scan).
  const pool = compressedFrames >= MIN_POOL_FRAMES ? sharedDecodePool() : null;
  const firstCompressed = sorted.find((f) => !NATIVE_SYNTAXES.has(f.image.transferSyntax));
  if (pool && firstCompressed) pool.warm(firstCompressed.image.transferSyntax, compressedFrames);
  // Native files are mostly I/O: more reads in flight keep the thread pool busy (bounded when files are big).
  const largestFile = Math.max(0, ...entries.map(([im]) => im.nativePixels?.length ?? 0));
  const concurrency = pool ? Math.max(2, pool.size * 2) : largestFile <= 8 * 1024 * 1024 ? 16 : 4;
  await forEachLimited(
    entries,
    concurrency,
    async ([image, targets]) => {
      if (guard?.overflow) return;
      if (targets.length === 1 && (await readStraightIntoSlice(image, targets[0]!.geom, out, targets[0]!.k * ni * nj, ni, nj, guard))) return;
      const bytes = image.retained ?? (await readPixelBytes(image));
      const spec = frameSpec(image);
      const frameCache = new Map<number, Promise<StoredPixels>>();
      let encFrames: Uint8Array[] | null = null;
      const frameOf = (f: number): Promise<StoredPixels> => {
        let p = frameCache.get(f);
        if (!p) {
          if (NATIVE_SYNTAXES.has(image.transferSyntax)) {
            const np = image.nativePixels;
            if (!np) throw new VoxaError('CORRUPT_INPUT', `${image.file}: native pixel data has an undefined length`);
            const frameBytes = image.rows * image.columns * image.samplesPerPixel * (image.bitsAllocated / 8);
            const start = (image.retained ? np.offset : np.offset - pixelBase(image)) + f * frameBytes;
            if (start + frameBytes > bytes.length) throw new VoxaError('CORRUPT_INPUT', `${image.file}: pixel data is truncated (frame ${f + 1} of ${image.numberOfFrames})`);
            p = Promise.resolve(decodeNative(spec, bytes.subarray(start, start + frameBytes)));
          } else {
            encFrames ??= encapsulatedFrames(fullDataSet(bytes, image), image, image.file);
            const enc = encFrames[f];
            if (!enc) throw new VoxaError('CORRUPT_INPUT', `${image.file}: frame ${f + 1} is missing`);
            p = (pool ? pool.decode(spec, enc) : decodeFrameBytes(spec, enc)).catch((e: unknown) => {
              if (e instanceof VoxaError) throw new VoxaError(e.code, `${image.file}: ${image.numberOfFrames > 1 ? `frame ${f + 1} of ${image.numberOfFrames}: ` : ''}${e.message}`);
              throw e;
            });
          }
          frameCache.set(f, p);
        }
        return p;
      };
      await Promise.all(
        targets.map(async ({ k, geom }) => {
          signal?.throwIfAborted();
          const stored = await frameOf(geom.frameIndex);
          if (guard && !fitsInt16(stored, image, geom)) guard.overflow = true;
          else writeSlice(stored, image, geom, out, k * ni * nj, ni, nj);
        }),
      );
    },
    signal,
  );
}

/**
 * The common case, without intermediate copies: a little-endian native single-frame
 * grey image whose stored sample type is the volume's type is read from the file
 * straight into its slice of the volume, then rescaled in place. Returns false when
 * the frame needs the general path.
 */
async function readStraightIntoSlice(image: ScannedImage, geom: FrameGeometry, out: VoxelArray, base: number, ni: number, nj: number, guard?: RangeGuard): Promise<boolean> {
  const np = image.nativePixels;
  if (!np || image.retained || image.mosaic || image.palette || image.samplesPerPixel !== 1 || image.numberOfFrames !== 1 || geom.frameIndex !== 0) return false;
  if (image.transferSyntax !== TS.implicitLE && image.transferSyntax !== TS.explicitLE) return false;
  if (image.columns !== ni || image.rows !== nj) return false;
  const sliceView = out.subarray(base, base + ni * nj);
  // Stored samples and voxels of the same integer width: the bytes land in the slice and are
  // reinterpreted in place (chooseDtype guarantees every rescaled value fits the voxel type).
  if (sliceView instanceof Float32Array || sliceView instanceof Float64Array || sliceView.BYTES_PER_ELEMENT !== image.bitsAllocated / 8) return false;
  const frameBytes = ni * nj * (image.bitsAllocated / 8);
  if (np.length < frameBytes) return false;
  const target = new Uint8Array(sliceView.buffer, sliceView.byteOffset, frameBytes);
  const { bytesRead } = await readRange(image.absPath, target, 0, frameBytes, np.offset);
  if (bytesRead < frameBytes) throw new VoxaError('CORRUPT_INPUT', `${image.file}: pixel data is truncated`);
  const spec = frameSpec(image);
  const storedType = allocStored(spec, 0).constructor as new (b: ArrayBufferLike, o: number, n: number) => StoredPixels;
  const stored = storedType === sliceView.constructor ? (sliceView as StoredPixels) : new storedType(sliceView.buffer, sliceView.byteOffset, ni * nj);
  fixStoredBits(stored, spec);
  const { slope, intercept } = geom;
  // An optimistic int16 output: rescaled and checked in one pass (on overflow the whole series is decoded again).
  if (guard && sliceView instanceof Int16Array) {
    const ok = stored instanceof Uint16Array || stored instanceof Int16Array ? rescaleToI16(stored, sliceView, slope, intercept) : false;
    if (!ok) guard.overflow = true;
    return true;
  }
  // Identity: the stored bits already are the voxel bits (the value fits both types). Otherwise
  // same index, same width: element n is read before it is written.
  if (slope !== 1 || intercept !== 0) {
    for (let n = 0; n < stored.length; n++) sliceView[n] = (stored[n] as number) * slope + intercept;
  }
  return true;
}

/** Whether every rescaled value of a stored frame (the whole frame, mosaic tiles included) fits int16. */
function fitsInt16(stored: StoredPixels, image: ScannedImage, geom: FrameGeometry): boolean {
  if (image.samplesPerPixel !== 1 || image.palette) return false;
  // One loop per array type: a loop over the StoredPixels union runs several times slower (megamorphic access).
  const [min, max] = stored instanceof Uint16Array ? minMaxU16(stored) : stored instanceof Int16Array ? minMaxS16(stored) : valueRange(stored);
  const a = min * geom.slope + geom.intercept;
  const b = max * geom.slope + geom.intercept;
  return Math.min(a, b) >= -32768 && Math.max(a, b) <= 32767;
}

function minMaxU16(a: Uint16Array): [number, number] {
  let min = 65535;
  let max = 0;
  for (let n = 0; n < a.length; n++) {
    const v = a[n]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

function minMaxS16(a: Int16Array): [number, number] {
  let min = 32767;
  let max = -32768;
  for (let n = 0; n < a.length; n++) {
    const v = a[n]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

/**
 * stored·slope + intercept into an int16 slice over the same bytes (same index, same width:
 * element n is read before it is written); false as soon as a value does not fit int16. Called
 * with two array types only (kept monomorphic per type by V8's inline caches).
 */
function rescaleToI16(stored: Uint16Array | Int16Array, out: Int16Array, slope: number, intercept: number): boolean {
  if (slope === 1 && intercept === 0 && stored instanceof Int16Array) return true; // the same values in the same bits
  const len = stored.length;
  if (slope === 1) {
    // Integer intercept (an optimistic int16 is only chosen for integral rescales): small-integer arithmetic.
    const b = intercept | 0;
    for (let n = 0; n < len; n++) {
      const v = (stored[n]! + b) | 0;
      if (v < -32768 || v > 32767) return false;
      out[n] = v;
    }
    return true;
  }
  for (let n = 0; n < len; n++) {
    const v = stored[n]! * slope + intercept;
    if (v < -32768 || v > 32767) return false;
    out[n] = v;
  }
  return true;
}

/** For header-scanned files: where the bytes returned by readPixelBytes start in the file. */
function pixelBase(image: ScannedImage): number {
  return image.nativePixels ? image.nativePixels.offset : 0;
}

/** Native files: only the pixel data is read; compressed ones: the whole file (fragments are found by parsing). */
async function readPixelBytes(image: ScannedImage): Promise<Uint8Array> {
  if (image.nativePixels && NATIVE_SYNTAXES.has(image.transferSyntax)) {
    const { offset, length } = image.nativePixels;
    const buf = Buffer.allocUnsafe(length);
    const { bytesRead } = await readRange(image.absPath, buf, 0, length, offset);
    return buf.subarray(0, bytesRead);
  }
  return readWholeFile(image.absPath, DEFAULT_IO_LIMITS.maxVoxelBytes + MAX_DICOM_OVERHEAD_BYTES);
}

/** Bytes a DICOM file may hold beyond its pixels (headers, private groups, overlays). */
const MAX_DICOM_OVERHEAD_BYTES = 64 * 1024 * 1024;

function fullDataSet(bytes: Uint8Array, image: ScannedImage): DataSet {
  return parseDataSet(bytes, image.file);
}

/** Stored frame → rescaled (or luminance) values in slice `base` of `out`; a mosaic tile is cut out first. */
function writeSlice(stored: StoredPixels, image: ScannedImage, geom: FrameGeometry, out: VoxelArray, base: number, ni: number, nj: number): void {
  const spp = image.samplesPerPixel;
  const srcColumns = image.columns;
  let x0 = 0;
  let y0 = 0;
  if (image.mosaic && geom.tile >= 0) {
    x0 = (geom.tile % image.mosaic.perRow) * image.mosaic.tileColumns;
    y0 = Math.floor(geom.tile / image.mosaic.perRow) * image.mosaic.tileRows;
  }
  const { slope, intercept } = geom;
  const identity = slope === 1 && intercept === 0;
  if (spp === 1 && !image.palette) {
    if (identity) {
      // Native copy (and type conversion) of whole rows, or of the whole frame when it is not a mosaic tile.
      const dst = out as { set(src: ArrayLike<number>, offset: number): void };
      if (srcColumns === ni && x0 === 0 && y0 === 0) dst.set(stored.subarray(0, ni * nj), base);
      else for (let j = 0; j < nj; j++) dst.set(stored.subarray((y0 + j) * srcColumns + x0, (y0 + j) * srcColumns + x0 + ni), base + j * ni);
      return;
    }
    for (let j = 0; j < nj; j++) {
      const src = (y0 + j) * srcColumns + x0;
      const dst = base + j * ni;
      if (identity) {
        for (let i = 0; i < ni; i++) out[dst + i] = stored[src + i] as number;
      } else {
        for (let i = 0; i < ni; i++) out[dst + i] = (stored[src + i] as number) * slope + intercept;
      }
    }
    return;
  }
  if (image.palette) {
    const { red, green, blue, first } = image.palette;
    const last = red.length - 1;
    for (let j = 0; j < nj; j++) {
      for (let i = 0; i < ni; i++) {
        const v = stored[(y0 + j) * srcColumns + x0 + i] as number;
        const idx = Math.min(last, Math.max(0, v - first));
        out[base + j * ni + i] = 0.299 * (red[idx] as number) + 0.587 * (green[idx] as number) + 0.114 * (blue[idx] as number);
      }
    }
    return;
  }
  // Colour: YBR data left as YBR by the decoder (native/RLE) has luminance in its first sample.
  const ybr = image.photometric.startsWith('YBR') && (NATIVE_SYNTAXES.has(image.transferSyntax) || image.transferSyntax === TS.rle);
  const rounding = out instanceof Uint8Array;
  for (let j = 0; j < nj; j++) {
    for (let i = 0; i < ni; i++) {
      const s = ((y0 + j) * srcColumns + x0 + i) * spp;
      const y = ybr ? (stored[s] as number) : 0.299 * (stored[s] as number) + 0.587 * (stored[s + 1] as number) + 0.114 * (stored[s + 2] as number);
      out[base + j * ni + i] = rounding ? Math.round(y) : y;
    }
  }
}

/** Loads the largest image series below `dir`; skipped files and other series are reported as warnings. */
export async function readDicomFolder(dir: string, options: ScanOptions = {}): Promise<Volume> {
  let info;
  try {
    info = await stat(dir);
  } catch {
    throw new VoxaError('NOT_FOUND', `no such folder: ${path.basename(dir)}`);
  }
  if (!info.isDirectory()) throw new VoxaError('BAD_REQUEST', 'expected a folder of DICOM files');
  const scan = await scanDicomFolder(dir, options);
  // A file was opened: its own series (a folder of several series used to open the first one instead).
  const wanted = options.seriesOf;
  const series = wanted ? scan.series.find((s) => s.frames.some((f) => f.image.absPath === wanted)) : scan.series[0];
  if (wanted && !series) {
    const why = scan.skipped.find((s) => path.join(dir, s.file) === wanted);
    throw new VoxaError(why?.kind === 'non-image' || why?.kind === 'unsupported' ? 'UNSUPPORTED' : 'NOT_FOUND', `${path.basename(wanted)}: ${why ? why.reason : 'holds no loadable image'}`);
  }
  if (!series) {
    if (scan.skipped.length === 0) throw new VoxaError('NOT_FOUND', 'the folder holds no files');
    const nonImage = scan.skipped.filter((s) => s.kind === 'non-image');
    const why = scan.skipped.slice(0, 3).map((s) => `${s.file}: ${s.reason}`).join('; ');
    if (nonImage.length === scan.skipped.length) throw new VoxaError('UNSUPPORTED', `no image series, only non-image objects (${why})`);
    throw new VoxaError('NOT_FOUND', `no loadable DICOM image series (${why})`);
  }
  const volume = await seriesToVolume(series, { limits: options.limits ?? DEFAULT_IO_LIMITS, ...(options.signal ? { signal: options.signal } : {}) });
  if (scan.series.length > 1) volume.meta.warnings.push(`${scan.series.length - 1} other series/volumes in this folder were not opened`);
  if (scan.skipped.length > 0) volume.meta.warnings.push(`${scan.skipped.length} files skipped (first: ${scan.skipped[0]?.file}: ${scan.skipped[0]?.reason})`);
  return volume;
}

/** Loads one DICOM file (all its frames; the first volume when it holds several). */
export async function readDicomFile(file: string, options: ScanOptions = {}): Promise<Volume> {
  const limits = options.limits ?? DEFAULT_IO_LIMITS;
  const r = await scanDicomFile(file, path.basename(file), limits);
  if (!('frames' in r)) throw new VoxaError(r.kind === 'non-image' || r.kind === 'unsupported' ? 'UNSUPPORTED' : 'CORRUPT_INPUT', `${r.file}: ${r.reason}`);
  const rows = r.mosaic ? r.mosaic.tileRows : r.rows;
  const columns = r.mosaic ? r.mosaic.tileColumns : r.columns;
  const whole: DicomSeries = { seriesInstanceUid: r.seriesInstanceUid, description: r.seriesDescription, modality: r.modality, label: '', frames: r.frames.map((geom) => ({ image: r, geom })), rows, columns, fileCount: 1 };
  const parts = splitRepeatedPositions(whole);
  const volume = await seriesToVolume(parts[0] as DicomSeries, { limits, ...(options.signal ? { signal: options.signal } : {}) });
  if (parts.length > 1) volume.meta.warnings.push(`${parts.length - 1} other volumes in this file were not opened`);
  return volume;
}
