/**
 * Pixel decode of a laid-out series: every frame into its slice of the voxel
 * array, file by file. Native little-endian frames of the volume's sample type
 * are read straight into their slice; compressed frames decode in worker
 * threads (codecs/decodePool.ts) when there are enough of them.
 */
import type { DataSet } from 'dicom-parser';
import { VoxaError } from '../../../../common/contract';
import type { VoxelArray, VoxelDType } from '../../../../common/volume';
import { valueRange } from '../../../../common/volume';
import { decodeFrameBytes, decodeNative, NATIVE_SYNTAXES, TS } from '../codecs/frameCodecs';
import { sharedDecodePool } from '../codecs/decodePool';
import { allocStored, fixStoredBits, type FrameSpec, type StoredPixels } from '../codecs/storedPixels';
import { DEFAULT_IO_LIMITS } from '../limits';
import { readRange, readWholeFile } from '../fileRange';
import type { DicomImage } from './dicomFile';
import { parseDataSet } from './dicomParse';
import { encapsulatedFrames } from './encapsulatedFrames';
import type { FrameGeometry } from './frameGeometry';
import { MAX_DICOM_OVERHEAD_BYTES, type ScannedImage } from './fileScan';
import { forEachLimited, MIN_POOL_FRAMES } from './parallel';
import type { SeriesFrame } from './seriesScan';

/** Set when a value did not fit the optimistic int16 output (the decode is then repeated in the declared type). */
export interface RangeGuard {
  overflow: boolean;
}

export function allocVoxels(dtype: VoxelDType, n: number): VoxelArray {
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

/** Decodes every frame into its slice of `out` (slice k = sorted[k]), file by file. */
export async function decodeInto(sorted: SeriesFrame[], out: VoxelArray, ni: number, nj: number, signal?: AbortSignal, guard?: RangeGuard): Promise<void> {
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
