/** The stored-value arrays that frame decoders produce, and the header fields they need. */
import { VoxaError } from '../../../../common/contract';

/** What a decoder needs to know about the frame (from the DICOM header). */
export interface FrameSpec {
  transferSyntax: string;
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: number;
  planarConfiguration: number;
}

export type StoredPixels = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

/** Allocates the output array for a frame. */
export function allocStored(spec: FrameSpec, count: number): StoredPixels {
  const signed = spec.pixelRepresentation === 1;
  switch (spec.bitsAllocated) {
    case 8:
      return signed ? new Int8Array(count) : new Uint8Array(count);
    case 16:
      return signed ? new Int16Array(count) : new Uint16Array(count);
    case 32:
      return signed ? new Int32Array(count) : new Uint32Array(count);
    default:
      throw new VoxaError('UNSUPPORTED', `BitsAllocated ${spec.bitsAllocated} is not supported for images`);
  }
}

/**
 * Sign-extends (signed) or masks (unsigned) values stored in fewer bits than
 * allocated. Most files keep the unused high bits clear (or sign-extended), so
 * values are only written where they are out of range; unsigned 8/16-bit data
 * is checked a 32-bit word at a time (half the loop of a per-value pass).
 */
export function fixStoredBits(out: StoredPixels, spec: FrameSpec): void {
  const bs = spec.bitsStored;
  if (!(bs > 0 && bs < spec.bitsAllocated)) return;
  if (spec.pixelRepresentation === 1) {
    const shift = 32 - bs;
    const lo = -(2 ** (bs - 1));
    const hi = 2 ** (bs - 1) - 1;
    for (let n = 0; n < out.length; n++) {
      const v = out[n] as number;
      if (v < lo || v > hi) out[n] = (v << shift) >> shift;
    }
    return;
  }
  const mask = (2 ** bs - 1) >>> 0;
  if (spec.bitsAllocated <= 16 && out.byteOffset % 4 === 0 && out.byteLength % 4 === 0) {
    const lane = (spec.bitsAllocated === 8 ? mask * 0x01010101 : mask * 0x00010001) >>> 0;
    const high = ~lane >>> 0;
    const words = new Uint32Array(out.buffer, out.byteOffset, out.byteLength / 4);
    for (let n = 0; n < words.length; n++) {
      const w = words[n] as number;
      if ((w & high) !== 0) words[n] = w & lane;
    }
    return;
  }
  for (let n = 0; n < out.length; n++) out[n] = ((out[n] as number) & mask) >>> 0;
}
