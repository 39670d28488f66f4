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

/** Sign-extends (signed) or masks (unsigned) values stored in fewer bits than allocated. */
export function fixStoredBits(out: StoredPixels, spec: FrameSpec): void {
  const bs = spec.bitsStored;
  if (!(bs > 0 && bs < spec.bitsAllocated)) return;
  if (spec.pixelRepresentation === 1) {
    const shift = 32 - bs;
    for (let n = 0; n < out.length; n++) out[n] = ((out[n] as number) << shift) >> shift;
  } else {
    const mask = bs >= 32 ? 0xffffffff : (1 << bs) - 1;
    for (let n = 0; n < out.length; n++) out[n] = (out[n] as number) & mask;
  }
}

