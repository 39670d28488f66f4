import { describe, expect, it } from 'vitest';
import { fixStoredBits, type FrameSpec, type StoredPixels } from './storedPixels';

const spec = (bitsAllocated: number, bitsStored: number, pixelRepresentation: number): FrameSpec => ({ transferSyntax: '1.2.840.10008.1.2.1', rows: 1, columns: 1, samplesPerPixel: 1, bitsAllocated, bitsStored, pixelRepresentation, planarConfiguration: 0 });

/** The rule written out per value, independently of the word-at-a-time code. */
function reference(values: number[], bitsStored: number, signed: boolean): number[] {
  return values.map((v) => {
    const low = v & (2 ** bitsStored - 1);
    return signed && low >= 2 ** (bitsStored - 1) ? low - 2 ** bitsStored : low;
  });
}

describe('fixStoredBits', () => {
  const raw16 = [0, 1, 4095, 4096, 0xf123, 0x8fff, 0x0800, 0x7fff, 65535];
  it.each([
    ['uint16, 12 stored (even length: word path)', new Uint16Array(raw16.concat([17])), 12, false],
    ['uint16, 12 stored (odd length: value path)', new Uint16Array(raw16), 12, false],
    ['uint16, 12 stored at an odd offset in its buffer', new Uint16Array(new Uint16Array([9].concat(raw16)).buffer, 2, raw16.length), 12, false],
    ['uint8, 7 stored', new Uint8Array([0, 127, 128, 255, 1, 200, 64, 129]), 7, false],
    ['uint32, 24 stored', new Uint32Array([0, 0xffffff, 0x1000000, 0xffffffff]), 24, false],
  ] as [string, StoredPixels, number, boolean][])('%s: high bits cleared, values kept', (_name, arr, bs, signed) => {
    const before = Array.from(arr);
    fixStoredBits(arr, spec(arr.BYTES_PER_ELEMENT * 8, bs, 0));
    expect(Array.from(arr)).toEqual(reference(before, bs, signed));
  });

  it('int16 with 12 stored bits: stored two’s complement sign-extended, in-range values untouched', () => {
    // As a file holds them: 12-bit patterns in a 16-bit container, high nibble clear or already extended.
    const arr = new Int16Array([0x0fff, 0x0800, 0x07ff, 0, -1, -2048, 2047, 0x0abc]);
    fixStoredBits(arr, spec(16, 12, 1));
    expect(Array.from(arr)).toEqual([-1, -2048, 2047, 0, -1, -2048, 2047, 0x0abc - 4096]);
  });

  it('leaves full-width data alone', () => {
    const arr = new Uint16Array([65535, 1]);
    fixStoredBits(arr, spec(16, 16, 0));
    expect(Array.from(arr)).toEqual([65535, 1]);
  });
});
