/**
 * Reads the few ModelProto fields a pack check needs straight from the ONNX
 * protobuf, without creating a session: ir_version (field 1) and the opset
 * imports (field 8: OperatorSetIdProto { domain = 1, version = 2 }).
 * Everything else (the graph, its weights) is skipped by length.
 */
import { VoxaError } from '../../../common/contract';

export interface OnnxHeader {
  irVersion: number;
  /** Opset version by domain ('' = the default ai.onnx domain). */
  opsets: Map<string, number>;
}

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array, readonly end = buf.length) {}
  varint(): number {
    let result = 0;
    let mul = 1;
    for (let n = 0; n < 10; n++) {
      if (this.pos >= this.end) throw new RangeError('truncated varint');
      const b = this.buf[this.pos++] as number;
      result += (b & 0x7f) * mul;
      if (!(b & 0x80)) return result;
      mul *= 128;
    }
    throw new RangeError('varint too long');
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) {
      const len = this.varint(); // read first: `this.pos += this.varint()` would add to the pos from before the varint
      this.pos += len;
    }
    else if (wire === 5) this.pos += 4;
    else throw new RangeError(`unsupported wire type ${wire}`);
    if (this.pos > this.end) throw new RangeError('truncated field');
  }
}

export function readOnnxHeader(bytes: Uint8Array, name = 'model'): OnnxHeader {
  const r = new Reader(bytes);
  const header: OnnxHeader = { irVersion: 0, opsets: new Map() };
  try {
    while (r.pos < r.end) {
      const key = r.varint();
      const field = Math.floor(key / 8);
      const wire = key % 8;
      if (field === 1 && wire === 0) header.irVersion = r.varint();
      else if (field === 8 && wire === 2) {
        const len = r.varint();
        const sub = new Reader(bytes, r.pos + len);
        sub.pos = r.pos;
        if (sub.end > bytes.length) throw new RangeError('truncated opset_import');
        let domain = '';
        let version = 0;
        while (sub.pos < sub.end) {
          const k = sub.varint();
          if (k === (1 << 3) + 2) {
            const l = sub.varint();
            domain = new TextDecoder().decode(bytes.subarray(sub.pos, sub.pos + l));
            sub.pos += l;
          } else if (k === (2 << 3) + 0) version = sub.varint();
          else sub.skip(k % 8);
        }
        header.opsets.set(domain === 'ai.onnx' ? '' : domain, version);
        r.pos += len;
      } else r.skip(wire);
    }
  } catch (e) {
    throw new VoxaError('CORRUPT_INPUT', `${name} is not a readable ONNX model (${e instanceof Error ? e.message : String(e)})`);
  }
  if (header.irVersion === 0 || header.opsets.size === 0) throw new VoxaError('CORRUPT_INPUT', `${name} is not an ONNX model (no ir_version or opset_import)`);
  return header;
}
