/**
 * LEB128 varints (7 bits a byte, low first), the byte form of runs in an edit
 * delta and in the journal's snapshot labelmap. Reading malformed bytes is
 * CORRUPT_INPUT, named after what was being read.
 */
import { VoxaError } from '../contract/errors';

/** Appends varints to a buffer that grows as needed. */
export class VarintWriter {
  private out: Uint8Array;
  private p = 0;

  constructor(initialBytes = 1 << 16) {
    this.out = new Uint8Array(Math.max(16, initialBytes));
  }

  put(v: number): void {
    if (this.p + 10 > this.out.length) {
      const grown = new Uint8Array(this.out.length * 2);
      grown.set(this.out);
      this.out = grown;
    }
    while (v >= 0x80) {
      this.out[this.p++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.out[this.p++] = v;
  }

  /** The bytes written so far (a view; copy it before writing more). */
  bytes(): Uint8Array {
    return this.out.subarray(0, this.p);
  }
}

export class VarintReader {
  constructor(
    private readonly bytes: Uint8Array,
    /** Position of the next byte. */
    public pos: number,
    /** What the bytes are, for error messages ("edit delta"). */
    private readonly what: string,
  ) {}

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  next(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.bytes.length) throw new VoxaError('CORRUPT_INPUT', `${this.what} is truncated`);
      const b = this.bytes[this.pos++] as number;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
      if (scale > 2 ** 35) throw new VoxaError('CORRUPT_INPUT', `${this.what} has an oversized number`);
    }
  }
}
