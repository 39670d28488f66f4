import { describe, expect, it } from 'vitest';
import { decodeWire, encodeWire } from './wireCodec';

describe('wire codec', () => {
  it('sends plain messages as JSON text', () => {
    const frame = encodeWire({ t: 'call', id: 1, channel: 'app:info', payload: {} });
    expect(typeof frame).toBe('string');
    expect(decodeWire(frame)).toEqual({ t: 'call', id: 1, channel: 'app:info', payload: {} });
  });

  it('sends ArrayBuffers as raw bytes in one binary frame, not as JSON numbers', () => {
    const voxels = new Int16Array([-1000, 0, 40, 32767, -32768]);
    const other = new Float32Array([1.5, Number.NaN]);
    const msg = { t: 'result', id: 7, envelope: { ok: true, value: { a: voxels.buffer, b: [other.buffer], dtype: 'int16' } } };
    const frame = encodeWire(msg);
    expect(frame).toBeInstanceOf(Uint8Array);
    const bytes = frame as Uint8Array;
    // The header is small: the voxel values are not spelled out in JSON.
    const headerLength = new DataView(bytes.buffer).getUint32(0, true);
    expect(headerLength).toBeLessThan(200);
    expect(bytes.length).toBeGreaterThanOrEqual(voxels.byteLength + other.byteLength);
    const back = decodeWire(bytes) as typeof msg;
    expect(Array.from(new Int16Array(back.envelope.value.a))).toEqual(Array.from(voxels));
    const f = new Float32Array(back.envelope.value.b[0] as ArrayBuffer);
    expect(f[0]).toBe(1.5);
    expect(Number.isNaN(f[1])).toBe(true);
  });

  it('refuses typed arrays (their dtype must travel explicitly)', () => {
    expect(() => encodeWire({ v: new Uint8Array(3) })).toThrow(/ArrayBuffer/);
  });

  it('rejects malformed binary frames', () => {
    expect(() => decodeWire(new Uint8Array([1, 2]))).toThrow(RangeError);
    const lying = new Uint8Array(16);
    new DataView(lying.buffer).setUint32(0, 1000, true);
    expect(() => decodeWire(lying)).toThrow(/overruns/);
    const good = encodeWire({ x: new ArrayBuffer(64) }) as Uint8Array;
    expect(() => decodeWire(good.subarray(0, good.length - 40))).toThrow(/overruns/);
  });
});
