import { describe, expect, it } from 'vitest';
import { deflateSync, inflateSync } from 'fflate';
import { VoxaError } from '../../../common/contract';
import { decodeEvent, encodeEvent, packLabels, unpackLabels } from './journalCodec';

describe('journal codec', () => {
  it('snapshot labelmaps round-trip exactly (uint8 and uint16, runs longer than a varint byte)', () => {
    const a = new Uint8Array(100_000);
    a.fill(3, 10, 70_000);
    a[99_999] = 255;
    expect(unpackLabels(packLabels(a), 'uint8', a.length)).toEqual(a);
    const b = new Uint16Array(5000).map((_, n) => (n * 7919) % 65536);
    expect(unpackLabels(packLabels(b), 'uint16', b.length)).toEqual(b);
  });
  it('snapshot runs are written value first, then length, as journals on disk have them', () => {
    expect(Array.from(inflateSync(packLabels(Uint8Array.of(0, 0, 3, 3, 3, 1))))).toEqual([0, 2, 3, 3, 1, 1]);
    // 300 = 0b10_0101100: low 7 bits with the continuation bit, then 2.
    expect(Array.from(inflateSync(packLabels(new Uint16Array(300).fill(40_000))))).toEqual([0xc0, 0xb8, 0x02, 0xac, 0x02]);
  });
  it('a snapshot for another grid, a value too large or garbage is CORRUPT_INPUT', () => {
    const a = new Uint8Array(1000).fill(1);
    const code = (f: () => unknown) => {
      try {
        f();
        return 'ok';
      } catch (e) {
        return e instanceof VoxaError ? e.code : 'crash';
      }
    };
    expect(code(() => unpackLabels(packLabels(a), 'uint8', 999))).toBe('CORRUPT_INPUT');
    expect(code(() => unpackLabels(packLabels(a), 'uint8', 1001))).toBe('CORRUPT_INPUT');
    expect(code(() => unpackLabels(packLabels(new Uint16Array(10).fill(300)), 'uint8', 10))).toBe('CORRUPT_INPUT');
    expect(code(() => unpackLabels(Uint8Array.of(1, 2, 3), 'uint8', 10))).toBe('CORRUPT_INPUT');
    expect(code(() => unpackLabels(deflateSync(Uint8Array.of(1, 0x80)), 'uint8', 10))).toBe('CORRUPT_INPUT');
  });
  it('events round-trip; unknown kinds and invalid segment lists are CORRUPT_INPUT', () => {
    const segs = [{ label: 1, name: 'L1', colour: [1, 2, 3] as [number, number, number], visible: true, locked: false }];
    const e = encodeEvent({ kind: 'segments', segments: segs });
    expect(decodeEvent(e.kind, e.payload)).toEqual({ kind: 'segments', segments: segs });
    expect(() => decodeEvent('segments', Buffer.from('[{"label":0}]'))).toThrow(VoxaError);
    expect(() => decodeEvent('drop table', Buffer.alloc(0))).toThrow(VoxaError);
    expect(() => decodeEvent('step', Buffer.from([200, 0, 0, 0, 1]))).toThrow(VoxaError);
  });
});
