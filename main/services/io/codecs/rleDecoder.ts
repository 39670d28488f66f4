/**
 * DICOM RLE Lossless (PS3.5 Annex G) → stored values.
 *
 * A frame is a 64-byte header (segment count, then up to 15 segment offsets)
 * followed by PackBits-coded segments: one per byte plane of each sample,
 * most significant byte first, sample planes in order (so colour is planar).
 * Every read is bounds-checked: a lying header gives CORRUPT_INPUT, never a
 * read past the buffer or an endless loop.
 */
import { VoxaError } from '../../../../common/contract';
import { allocStored, fixStoredBits, type FrameSpec, type StoredPixels } from './storedPixels';

/** Decodes one PackBits segment into `out` (exactly out.length bytes). Returns the number of bytes produced. */
export function unpackBits(src: Uint8Array, start: number, end: number, out: Uint8Array): number {
  let i = start;
  let o = 0;
  const n = out.length;
  while (i < end && o < n) {
    const h = src[i++] as number;
    if (h < 128) {
      const len = h + 1;
      if (i + len > end) throw new VoxaError('CORRUPT_INPUT', 'RLE literal run passes the end of its segment');
      const take = Math.min(len, n - o);
      out.set(src.subarray(i, i + take), o);
      o += take;
      i += len;
    } else if (h > 128) {
      if (i >= end) throw new VoxaError('CORRUPT_INPUT', 'RLE repeat run passes the end of its segment');
      const len = 257 - h;
      const v = src[i++] as number;
      const take = Math.min(len, n - o);
      out.fill(v, o, o + take);
      o += take;
    }
    // h === 128: no-op
  }
  return o;
}

export function decodeRle(spec: FrameSpec, bytes: Uint8Array): StoredPixels {
  if (bytes.length < 64) throw new VoxaError('CORRUPT_INPUT', 'RLE frame is shorter than its 64-byte header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const segments = view.getUint32(0, true);
  const bytesPerSample = spec.bitsAllocated / 8;
  if (!Number.isInteger(bytesPerSample) || bytesPerSample < 1) throw new VoxaError('UNSUPPORTED', `RLE with BitsAllocated ${spec.bitsAllocated} is not supported`);
  const expected = bytesPerSample * spec.samplesPerPixel;
  if (segments !== expected || segments > 15) throw new VoxaError('CORRUPT_INPUT', `RLE header has ${segments} segments; ${expected} expected`);
  const offsets: number[] = [];
  for (let s = 0; s < segments; s++) offsets.push(view.getUint32(4 + 4 * s, true));
  const pixels = spec.rows * spec.columns;
  const out = allocStored(spec, pixels * spec.samplesPerPixel);
  const dst = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  const plane = new Uint8Array(pixels);
  let short = false;
  for (let s = 0; s < segments; s++) {
    const start = offsets[s] as number;
    const end = s + 1 < segments ? (offsets[s + 1] as number) : bytes.length;
    if (start < 64 || start > bytes.length || end > bytes.length || end < start) throw new VoxaError('CORRUPT_INPUT', `RLE segment ${s + 1} lies outside the frame`);
    plane.fill(0);
    if (unpackBits(bytes, start, end, plane) < pixels) short = true;
    const sample = Math.floor(s / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample); // MSB first → little-endian position
    const stride = bytesPerSample * spec.samplesPerPixel;
    let o = sample * bytesPerSample + byteInSample;
    for (let p = 0; p < pixels; p++, o += stride) dst[o] = plane[p] as number;
  }
  if (short) throw new VoxaError('CORRUPT_INPUT', 'RLE segments hold fewer pixels than Rows × Columns');
  fixStoredBits(out, spec);
  return out;
}
