/**
 * One DICOM frame's bytes (native or compressed) → its stored pixel values.
 *
 * Output: a typed array of rows × columns × samplesPerPixel stored values
 * (before rescale), samples interleaved (R, G, B, R, ...), native endianness,
 * typed by BitsAllocated and PixelRepresentation; signed values are
 * sign-extended from BitsStored and unsigned ones masked to BitsStored.
 *
 * Codecs (see docs/imaging-io.md): JPEG baseline 8-bit → libjpeg-turbo (WASM);
 * 12-bit DCT JPEG (extended, spectral selection, progressive) → a vendored JS
 * decoder from Cornerstone; JPEG lossless (process 14) → jpeg-lossless-decoder-js;
 * JPEG-LS → CharLS (WASM); JPEG 2000 → OpenJPEG (WASM); HTJ2K → OpenJPH (WASM);
 * RLE → rleDecoder.ts. The JPEG family is dispatched on the codestream's SOF
 * marker, not only the transfer syntax, because files in the wild mislabel it.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { VoxaError } from '../../../../common/contract';
import { decodeRle } from './rleDecoder';
import { allocStored, fixStoredBits, type FrameSpec, type StoredPixels } from './storedPixels';

export const TS = {
  implicitLE: '1.2.840.10008.1.2',
  explicitLE: '1.2.840.10008.1.2.1',
  deflate: '1.2.840.10008.1.2.1.99',
  explicitBE: '1.2.840.10008.1.2.2',
  rle: '1.2.840.10008.1.2.5',
  jpegBaseline: '1.2.840.10008.1.2.4.50',
  jpegExtended: '1.2.840.10008.1.2.4.51',
  jpegSpectral: '1.2.840.10008.1.2.4.53',
  jpegProgressive: '1.2.840.10008.1.2.4.55',
  jpegLossless: '1.2.840.10008.1.2.4.57',
  jpegLosslessSV1: '1.2.840.10008.1.2.4.70',
  jpegLsLossless: '1.2.840.10008.1.2.4.80',
  jpegLsNear: '1.2.840.10008.1.2.4.81',
  j2kLossless: '1.2.840.10008.1.2.4.90',
  j2k: '1.2.840.10008.1.2.4.91',
  htj2kLossless: '1.2.840.10008.1.2.4.201',
  htj2kRpcl: '1.2.840.10008.1.2.4.202',
  htj2k: '1.2.840.10008.1.2.4.203',
} as const;

export const NATIVE_SYNTAXES: ReadonlySet<string> = new Set([TS.implicitLE, TS.explicitLE, TS.deflate, TS.explicitBE]);
const JPEG_SYNTAXES: ReadonlySet<string> = new Set([TS.jpegBaseline, TS.jpegExtended, TS.jpegSpectral, TS.jpegProgressive, TS.jpegLossless, TS.jpegLosslessSV1]);
const JPEG_LS_SYNTAXES: ReadonlySet<string> = new Set([TS.jpegLsLossless, TS.jpegLsNear]);
const J2K_SYNTAXES: ReadonlySet<string> = new Set([TS.j2kLossless, TS.j2k]);
const HTJ2K_SYNTAXES: ReadonlySet<string> = new Set([TS.htj2kLossless, TS.htj2kRpcl, TS.htj2k]);
/** Syntaxes whose decoded pixels must equal the original exactly. */
const LOSSLESS_SYNTAXES: ReadonlySet<string> = new Set([...NATIVE_SYNTAXES, TS.rle, TS.jpegLossless, TS.jpegLosslessSV1, TS.jpegLsLossless, TS.j2kLossless, TS.htj2kLossless, TS.htj2kRpcl]);

export function isSupportedSyntax(ts: string): boolean {
  return NATIVE_SYNTAXES.has(ts) || ts === TS.rle || JPEG_SYNTAXES.has(ts) || JPEG_LS_SYNTAXES.has(ts) || J2K_SYNTAXES.has(ts) || HTJ2K_SYNTAXES.has(ts);
}

export { allocStored, fixStoredBits, type FrameSpec, type StoredPixels } from './storedPixels';

function expectedCount(spec: FrameSpec): number {
  return spec.rows * spec.columns * spec.samplesPerPixel;
}

/** Native (uncompressed) frame bytes → stored values. */
export function decodeNative(spec: FrameSpec, bytes: Uint8Array): StoredPixels {
  const count = expectedCount(spec);
  const bpp = spec.bitsAllocated / 8;
  if (bytes.byteLength < count * bpp) throw new VoxaError('CORRUPT_INPUT', `pixel data is shorter than ${spec.columns}×${spec.rows}×${spec.samplesPerPixel} samples`);
  const out = allocStored(spec, count);
  const dst = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  dst.set(bytes.subarray(0, count * bpp));
  if (spec.transferSyntax === TS.explicitBE && bpp > 1) {
    for (let n = 0; n < dst.length; n += bpp) dst.subarray(n, n + bpp).reverse();
  }
  const planar = spec.samplesPerPixel > 1 && spec.planarConfiguration === 1 ? deplanarize(out, spec) : out;
  fixStoredBits(planar, spec);
  return planar;
}

/** Colour-by-plane (RRR…GGG…BBB…) → interleaved. */
function deplanarize(src: StoredPixels, spec: FrameSpec): StoredPixels {
  const px = spec.rows * spec.columns;
  const s = spec.samplesPerPixel;
  const out = allocStored(spec, px * s);
  for (let c = 0; c < s; c++) for (let n = 0; n < px; n++) out[n * s + c] = src[c * px + n] as number;
  return out;
}

// ---- WASM codecs: instantiated once per thread, on first use ----

interface CodecFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
}
interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): CodecFrameInfo;
  decode(): void;
  readHeader?(): void;
  delete(): void;
}
type DecoderCtor = new () => WasmDecoder;
type WasmFactory = (opts?: object) => Promise<Record<string, unknown>>;

const localRequire = createRequire(__filename);
const codecCache = new Map<string, Promise<DecoderCtor>>();
/** Compiled WASM modules handed over by another thread (one compilation, and one tier-up, per process). */
const sharedModules = new Map<string, WebAssembly.Module>();
/** The WebAssembly API (Node has it; this project's Node typings declare only its types). */
const wasmApi = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WebAssembly.Module>; instantiate(module: WebAssembly.Module, imports: object): Promise<object> } }).WebAssembly;

/** The WASM codec (glue module id, class) a transfer syntax decodes with, or null when it needs none. */
function wasmCodecFor(ts: string): { moduleId: string; className: string; wasmId: string } | null {
  const c = (moduleId: string, className: string) => ({ moduleId, className, wasmId: moduleId.replace(/wasmjs$/, 'wasm') });
  if (JPEG_LS_SYNTAXES.has(ts)) return c('@cornerstonejs/codec-charls/decodewasmjs', 'JpegLSDecoder');
  if (J2K_SYNTAXES.has(ts)) return c('@cornerstonejs/codec-openjpeg/decodewasmjs', 'J2KDecoder');
  if (HTJ2K_SYNTAXES.has(ts)) return c('@cornerstonejs/codec-openjph/wasmjs', 'HTJ2KDecoder');
  if (ts === TS.jpegBaseline) return c('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs', 'JPEGDecoder');
  return null;
}

/** Compiles the codec's WASM for `ts` (to post to worker threads), or null when the syntax needs none or it cannot be found. */
export async function compileCodecModule(ts: string): Promise<WebAssembly.Module | null> {
  const codec = wasmCodecFor(ts);
  if (!codec) return null;
  const existing = sharedModules.get(codec.moduleId);
  if (existing) return existing;
  try {
    const module = await wasmApi.compile(await readFile(localRequire.resolve(codec.wasmId)));
    sharedModules.set(codec.moduleId, module);
    return module;
  } catch {
    return null; // each thread then loads the codec its own way
  }
}

/** Uses a module compiled by another thread for `ts` (must come before the first frame of that syntax). */
export function useCodecModule(ts: string, module: WebAssembly.Module): void {
  const codec = wasmCodecFor(ts);
  if (codec && !codecCache.has(codec.moduleId)) sharedModules.set(codec.moduleId, module);
}

function loadCodec(moduleId: string, className: string): Promise<DecoderCtor> {
  let p = codecCache.get(moduleId);
  if (!p) {
    p = (async () => {
      const factory = localRequire(moduleId) as WasmFactory;
      const shared = sharedModules.get(moduleId);
      // A failed instantiation must reject, not leave the factory's promise pending for ever.
      let fail: (e: Error) => void = () => undefined;
      const failed = new Promise<never>((_resolve, reject) => (fail = reject));
      const instantiateWasm = shared
        ? (imports: object, receive: (instance: object, module: WebAssembly.Module) => void) => {
            wasmApi.instantiate(shared, imports).then(
              (instance) => receive(instance, shared),
              (e: unknown) => fail(new VoxaError('INTERNAL', `codec ${moduleId} cannot be instantiated (${describe(e)})`)),
            );
            return {};
          }
        : undefined;
      const mod = await Promise.race([factory({ print: () => undefined, printErr: () => undefined, ...(instantiateWasm ? { instantiateWasm } : {}) }), failed]);
      const ctor = mod[className];
      if (typeof ctor !== 'function') throw new VoxaError('INTERNAL', `codec ${moduleId} has no ${className}`);
      return ctor as DecoderCtor;
    })();
    codecCache.set(moduleId, p);
  }
  return p;
}

/** Runs a WASM decoder and copies its output into a fresh array of the stored type. */
async function decodeWithWasm(spec: FrameSpec, bytes: Uint8Array, moduleId: string, className: string, what: string): Promise<StoredPixels> {
  const Ctor = await loadCodec(moduleId, className);
  const dec = new Ctor();
  try {
    const input = dec.getEncodedBuffer(bytes.length);
    input.set(bytes);
    try {
      if (dec.readHeader) dec.readHeader();
      dec.decode();
    } catch (e) {
      throw new VoxaError('CORRUPT_INPUT', `${what} codestream cannot be decoded (${describe(e)})`);
    }
    const info = dec.getFrameInfo();
    return fromCodecOutput(spec, dec.getDecodedBuffer(), info, what);
  } finally {
    dec.delete();
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message.slice(0, 120);
  if (typeof e === 'number') return `code ${e}`;
  return String(e).slice(0, 120);
}

/**
 * Codec output (bytes in the codec's own sample type) → stored values in the
 * DICOM header's type. The codestream's own signedness wins for reading the
 * samples; values then follow PixelRepresentation/BitsStored (J2K files whose
 * codestream sign disagrees with the header are common, e.g. J2K_pixelrep_mismatch).
 */
function fromCodecOutput(spec: FrameSpec, data: Uint8Array, info: CodecFrameInfo, what: string): StoredPixels {
  if (info.width !== spec.columns || info.height !== spec.rows) {
    throw new VoxaError('CORRUPT_INPUT', `${what} frame is ${info.width}×${info.height}, the header says ${spec.columns}×${spec.rows}`);
  }
  if (info.componentCount !== spec.samplesPerPixel) {
    throw new VoxaError('CORRUPT_INPUT', `${what} frame has ${info.componentCount} components, the header says ${spec.samplesPerPixel} samples per pixel`);
  }
  const count = expectedCount(spec);
  const bytesPerSample = info.bitsPerSample <= 8 ? 1 : info.bitsPerSample <= 16 ? 2 : 4;
  if (data.byteLength < count * bytesPerSample) throw new VoxaError('CORRUPT_INPUT', `${what} decoder returned too few samples`);
  const copy = data.slice(0, count * bytesPerSample);
  const decoded =
    bytesPerSample === 1 ? (info.isSigned ? new Int8Array(copy.buffer) : copy)
    : bytesPerSample === 2 ? (info.isSigned ? new Int16Array(copy.buffer) : new Uint16Array(copy.buffer))
    : info.isSigned ? new Int32Array(copy.buffer) : new Uint32Array(copy.buffer);
  const src = decoded;
  checkStoredRange(src, spec, info.isSigned, what);
  // Same sample type as the header's: the fresh copy is the result (no second pass).
  const out = allocStored(spec, 0);
  if (src.constructor === out.constructor) {
    fixStoredBits(src as StoredPixels, spec);
    return src as StoredPixels;
  }
  return toStored(spec, src);
}

/**
 * A decoded frame whose samples do not fit the BitsStored the header declares is a
 * codestream that does not match its header or is damaged: refused with the count,
 * instead of masking the high bits into a plausible-looking but wrong image.
 */
function checkStoredRange(src: ArrayLike<number> & { [n: number]: number }, spec: FrameSpec, signed: boolean, what: string): void {
  const bs = spec.bitsStored;
  if (!(bs > 0 && bs < spec.bitsAllocated)) return;
  const lo = signed ? -(2 ** (bs - 1)) : 0;
  const hi = signed ? 2 ** (bs - 1) - 1 : 2 ** bs - 1;
  // Lossy codecs overshoot near edges (ringing): clamped to the range, not refused.
  const lossy = !LOSSLESS_SYNTAXES.has(spec.transferSyntax);
  let bad = 0;
  for (let n = 0; n < src.length; n++) {
    const v = src[n] as number;
    if (v >= lo && v <= hi) continue;
    if (lossy) src[n] = v < lo ? lo : hi;
    else bad++;
  }
  if (bad > 0) throw new VoxaError('CORRUPT_INPUT', `${what} frame holds ${bad} of ${src.length} samples outside the ${bs} bits stored the header declares (the codestream does not match its header, or is damaged)`);
}

function toStored(spec: FrameSpec, src: ArrayLike<number>): StoredPixels {
  const out = allocStored(spec, expectedCount(spec));
  for (let n = 0; n < out.length; n++) out[n] = src[n] as number;
  fixStoredBits(out, spec);
  return out;
}

// ---- JPEG family ----

/** The SOF marker's process (0xC0..0xCF) and sample precision, or null when none is found. */
export function jpegFrameHeader(bytes: Uint8Array): { sof: number; precision: number } | null {
  let n = 2;
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  while (n + 4 < bytes.length) {
    if (bytes[n] !== 0xff) {
      n++;
      continue;
    }
    const marker = bytes[n + 1] as number;
    if (marker === 0xff || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      n += marker === 0xff ? 1 : 2;
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { sof: marker, precision: bytes[n + 4] as number };
    }
    const len = ((bytes[n + 2] as number) << 8) | (bytes[n + 3] as number);
    if (len < 2) return null;
    n += 2 + len;
  }
  return null;
}

async function decodeJpeg(spec: FrameSpec, bytes: Uint8Array): Promise<StoredPixels> {
  const header = jpegFrameHeader(bytes);
  if (!header) throw new VoxaError('CORRUPT_INPUT', 'JPEG frame has no start-of-frame marker');
  if (header.sof === 0xc3 || header.sof === 0xc7) return decodeJpegLossless(spec, bytes);
  if (header.sof === 0xc0 && header.precision === 8) {
    return decodeWithWasm(spec, bytes, '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs', 'JPEGDecoder', 'JPEG baseline');
  }
  if ((header.sof === 0xc0 || header.sof === 0xc1 || header.sof === 0xc2) && (header.precision === 8 || header.precision === 12)) {
    return decodeJpeg12(spec, bytes);
  }
  throw new VoxaError('UNSUPPORTED', `JPEG process SOF${header.sof - 0xc0} with ${header.precision}-bit samples is not supported`);
}

async function decodeJpeg12(spec: FrameSpec, bytes: Uint8Array): Promise<StoredPixels> {
  const { default: JpegImage } = await import('./vendor/jpeg12.mjs');
  const jpeg = new JpegImage();
  try {
    jpeg.parse(bytes);
  } catch (e) {
    throw new VoxaError('CORRUPT_INPUT', `JPEG codestream cannot be decoded (${describe(e)})`);
  }
  if (jpeg.width !== spec.columns || jpeg.height !== spec.rows) {
    throw new VoxaError('CORRUPT_INPUT', `JPEG frame is ${jpeg.width}×${jpeg.height}, the header says ${spec.columns}×${spec.rows}`);
  }
  jpeg.colorTransform = spec.samplesPerPixel === 3 ? undefined : false;
  let data: ArrayLike<number>;
  try {
    data = spec.bitsAllocated > 8 && spec.samplesPerPixel === 1 ? jpeg.getData16(spec.columns, spec.rows) : jpeg.getData(spec.columns, spec.rows);
  } catch (e) {
    throw new VoxaError('UNSUPPORTED', `JPEG colour layout is not supported (${describe(e)})`);
  }
  if (data.length < expectedCount(spec)) throw new VoxaError('CORRUPT_INPUT', 'JPEG decoder returned too few samples');
  return toStored(spec, data);
}

interface LosslessDecoder {
  decompress(buffer: ArrayBuffer, offset: number, length: number): ArrayBuffer;
  numComp: number;
  precision: number;
}

function decodeJpegLossless(spec: FrameSpec, bytes: Uint8Array): StoredPixels {
  const mod = localRequire('@cornerstonejs/jpeg-lossless-decoder-js') as { Decoder: new () => LosslessDecoder };
  const dec = new mod.Decoder();
  let out: ArrayBuffer;
  try {
    out = dec.decompress(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
  } catch (e) {
    throw new VoxaError('CORRUPT_INPUT', `JPEG lossless codestream cannot be decoded (${describe(e)})`);
  }
  const wide = dec.precision > 8;
  const src = wide ? (spec.pixelRepresentation === 1 ? new Int16Array(out) : new Uint16Array(out)) : new Uint8Array(out);
  if (src.length < expectedCount(spec)) throw new VoxaError('CORRUPT_INPUT', 'JPEG lossless decoder returned too few samples');
  return toStored(spec, src);
}

/** Instantiates the WASM codec a transfer syntax needs (once per thread), so the first frame does not pay for it. */
export async function warmCodec(ts: string): Promise<void> {
  const codec = wasmCodecFor(ts);
  if (codec) await loadCodec(codec.moduleId, codec.className);
}

/** Decodes one frame in the calling thread. */
export async function decodeFrameBytes(spec: FrameSpec, bytes: Uint8Array): Promise<StoredPixels> {
  const ts = spec.transferSyntax;
  if (!(spec.rows > 0 && spec.columns > 0 && spec.samplesPerPixel > 0)) throw new VoxaError('CORRUPT_INPUT', 'frame has no rows, columns or samples');
  if (NATIVE_SYNTAXES.has(ts)) return decodeNative(spec, bytes);
  if (ts === TS.rle) return decodeRle(spec, bytes);
  if (JPEG_SYNTAXES.has(ts)) return decodeJpeg(spec, bytes);
  if (JPEG_LS_SYNTAXES.has(ts)) return decodeWithWasm(spec, bytes, '@cornerstonejs/codec-charls/decodewasmjs', 'JpegLSDecoder', 'JPEG-LS');
  if (J2K_SYNTAXES.has(ts)) return decodeWithWasm(spec, bytes, '@cornerstonejs/codec-openjpeg/decodewasmjs', 'J2KDecoder', 'JPEG 2000');
  if (HTJ2K_SYNTAXES.has(ts)) return decodeWithWasm(spec, bytes, '@cornerstonejs/codec-openjph/wasmjs', 'HTJ2KDecoder', 'HTJ2K');
  throw new VoxaError('UNSUPPORTED', `transfer syntax ${ts} is not supported`);
}
