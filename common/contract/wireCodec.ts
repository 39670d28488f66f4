/**
 * Wire format of the host-mode WebSocket.
 *
 * A message without binary data is a JSON text frame. A message holding
 * ArrayBuffers (voxels, mask deltas) is ONE binary frame:
 *   u32 LE header length H | H bytes of UTF-8 JSON | zero padding to 8 | blobs, each padded to 8
 * In the JSON, each ArrayBuffer is replaced by {"$voxaBin": index}; the header
 * lists each blob's byte length. Voxels therefore never travel as JSON numbers.
 */
type Utf8 = { encode(s: string): Uint8Array };
type Utf8Decoder = { decode(b: Uint8Array): string };
const g = globalThis as unknown as { TextEncoder: new () => Utf8; TextDecoder: new () => Utf8Decoder };
const encoder = new g.TextEncoder();
const decoder = new g.TextDecoder();

const MARK = '$voxaBin';

function pad8(n: number): number {
  return (n + 7) & ~7;
}

/** Encodes a message: a string when it holds no ArrayBuffer, else a binary frame. */
export function encodeWire(message: unknown): string | Uint8Array {
  const blobs: ArrayBuffer[] = [];
  const json = JSON.stringify(message, (_key, value: unknown) => {
    if (value instanceof ArrayBuffer) {
      blobs.push(value);
      return { [MARK]: blobs.length - 1 };
    }
    if (ArrayBuffer.isView(value)) throw new TypeError('typed arrays must be sent as ArrayBuffer with their dtype');
    return value;
  });
  if (blobs.length === 0) return json;
  const header = encoder.encode(JSON.stringify({ m: json, b: blobs.map((b) => b.byteLength) }));
  let size = pad8(4 + header.length);
  for (const b of blobs) size += pad8(b.byteLength);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  let offset = pad8(4 + header.length);
  for (const b of blobs) {
    out.set(new Uint8Array(b), offset);
    offset += pad8(b.byteLength);
  }
  return out;
}

/** Decodes a text or binary frame back to the message; throws on a malformed frame. */
export function decodeWire(frame: string | ArrayBuffer | Uint8Array): unknown {
  if (typeof frame === 'string') return JSON.parse(frame);
  const bytes = frame instanceof Uint8Array ? frame : new Uint8Array(frame);
  if (bytes.length < 4) throw new RangeError('binary frame too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true);
  if (4 + headerLength > bytes.length) throw new RangeError('binary frame header overruns the frame');
  const header: unknown = JSON.parse(decoder.decode(bytes.subarray(4, 4 + headerLength)));
  if (!header || typeof header !== 'object' || typeof (header as { m?: unknown }).m !== 'string' || !Array.isArray((header as { b?: unknown }).b)) {
    throw new RangeError('binary frame header is malformed');
  }
  const { m, b } = header as { m: string; b: unknown[] };
  const blobs: ArrayBuffer[] = [];
  let offset = pad8(4 + headerLength);
  for (const len of b) {
    if (typeof len !== 'number' || !Number.isInteger(len) || len < 0 || offset + len > bytes.length) throw new RangeError('binary frame blob overruns the frame');
    const start = bytes.byteOffset + offset;
    blobs.push(bytes.buffer.slice(start, start + len) as ArrayBuffer);
    offset += pad8(len);
  }
  return JSON.parse(m, (_key, value: unknown) => {
    if (value && typeof value === 'object' && MARK in value) {
      const index = (value as Record<string, unknown>)[MARK];
      const blob = typeof index === 'number' ? blobs[index] : undefined;
      if (!blob) throw new RangeError('binary frame references a missing blob');
      return blob;
    }
    return value;
  });
}

/** Messages on the host-mode socket. */
export type ClientMessage = { t: 'call'; id: number; channel: string; payload: unknown } | { t: 'cancel'; id: number };
export type ServerMessage =
  | { t: 'result'; id: number; envelope: unknown }
  | { t: 'event'; event: string; payload: unknown };
