import { describe, it, expect } from 'vitest';
import { VoxaError } from '../contract/errors';
import type { Vec3 } from '../volume';
import { mulberry32 } from '../random';
import { applyEdit, buildEditDelta, invertEdit, labelCountChanges, lockTable, revertEdit, editSide, validateEditDelta, type EditDelta } from './editDelta';
import { decodeEditDelta, encodeEditDelta } from './editDeltaCodec';

const full = (dims: Vec3) => ({ min: [0, 0, 0] as Vec3, max: [dims[0] - 1, dims[1] - 1, dims[2] - 1] as Vec3 });

const rng = mulberry32;

describe('buildEditDelta', () => {
  it('records before/after triples over the tightened box (hand-computed)', () => {
    const labels = Uint8Array.of(0, 1, 1, 2);
    const d = buildEditDelta(labels, [4, 1, 1], full([4, 1, 1]), [0, 3, 1, 0], lockTable());
    expect(d.box).toEqual({ min: [1, 0, 0], max: [3, 0, 0] });
    expect(Array.from(d.runs)).toEqual([1, 1, 3, 1, 1, 1, 1, 2, 0]);
    expect(d.changed).toBe(2);
    expect(labels).toEqual(Uint8Array.of(0, 1, 1, 2)); // not mutated
    expect(labelCountChanges(d)).toEqual(new Map([[1, -1], [3, 1], [2, -1], [0, 1]]));
  });

  it('never changes a locked label, in either direction', () => {
    const labels = Uint8Array.of(0, 1, 1, 2);
    const lockedTwo = buildEditDelta(labels, [4, 1, 1], full([4, 1, 1]), [0, 3, 1, 0], lockTable([2]));
    expect(lockedTwo.box).toEqual({ min: [1, 0, 0], max: [1, 0, 0] });
    expect(Array.from(lockedTwo.runs)).toEqual([1, 1, 3]);
    // Painting INTO a locked label (3) is refused as well.
    const lockedThree = buildEditDelta(labels, [4, 1, 1], full([4, 1, 1]), [0, 3, 1, 0], lockTable([3]));
    expect(Array.from(lockedThree.runs)).toEqual([1, 2, 0]);
    expect(lockedThree.box).toEqual({ min: [3, 0, 0], max: [3, 0, 0] });
  });

  it('refuses labels that do not fit the labelmap', () => {
    expect(() => buildEditDelta(new Uint8Array(2), [2, 1, 1], full([2, 1, 1]), [0, 300], lockTable())).toThrow(VoxaError);
    const d = buildEditDelta(new Uint16Array(2), [2, 1, 1], full([2, 1, 1]), [0, 300], lockTable());
    expect(d.changed).toBe(1);
  });

  it('random proposals: apply gives the proposal (locked kept), revert gives the original, on 3D boxes', () => {
    const r = rng(7);
    for (let trial = 0; trial < 200; trial++) {
      const dims: Vec3 = [1 + Math.floor(r() * 6), 1 + Math.floor(r() * 5), 1 + Math.floor(r() * 4)];
      const n = dims[0] * dims[1] * dims[2];
      const labels = new Uint16Array(n).map(() => (r() < 0.5 ? 0 : Math.floor(r() * 4)));
      const orig = labels.slice();
      const lo: Vec3 = [0, 1, 2].map((a) => Math.floor(r() * dims[a as 0])) as Vec3;
      const hi: Vec3 = [0, 1, 2].map((a) => lo[a as 0] + Math.floor(r() * (dims[a as 0] - lo[a as 0]))) as Vec3;
      const box = { min: lo, max: hi };
      const bn = (hi[0] - lo[0] + 1) * (hi[1] - lo[1] + 1) * (hi[2] - lo[2] + 1);
      const proposed = Array.from({ length: bn }, () => (r() < 0.5 ? 0 : Math.floor(r() * 4)));
      const locked = r() < 0.5 ? [2] : [];
      const d = buildEditDelta(labels, dims, box, proposed, lockTable(locked));
      expect(validateEditDelta(d, dims)).toBeNull();
      // Independent expectation, voxel by voxel.
      const expected = orig.slice();
      let q = 0;
      let changes = 0;
      for (let k = lo[2]; k <= hi[2]; k++)
        for (let j = lo[1]; j <= hi[1]; j++)
          for (let i = lo[0]; i <= hi[0]; i++, q++) {
            const p = i + dims[0] * (j + dims[1] * k);
            const b = orig[p]!;
            const a = proposed[q]!;
            if (a !== b && !locked.includes(a) && !locked.includes(b)) {
              expected[p] = a;
              changes++;
            }
          }
      expect(d.changed).toBe(changes);
      applyEdit(labels, d);
      expect(labels).toEqual(expected);
      // The after-runs alone are the box's new content, in the one (length, value) format.
      const lr = editSide(d, 'after');
      let pos = 0;
      const flat: number[] = [];
      for (let m = 0; m < lr.length; m += 2) for (let c = 0; c < lr[m]!; c++) flat.push(lr[m + 1]!);
      for (let k = d.box.min[2]; d.changed && k <= d.box.max[2]; k++)
        for (let j = d.box.min[1]; j <= d.box.max[1]; j++)
          for (let i = d.box.min[0]; i <= d.box.max[0]; i++) expect(flat[pos++]).toBe(expected[i + dims[0] * (j + dims[1] * k)]);
      revertEdit(labels, d);
      expect(labels).toEqual(orig);
      applyEdit(labels, invertEdit(invertEdit(d)));
      revertEdit(labels, d);
      expect(labels).toEqual(orig);
      expect(decodeEditDelta(encodeEditDelta(d))).toEqual(d);
    }
  });
});

describe('applyEdit / revertEdit', () => {
  it('refuses a delta that does not match the labelmap and writes nothing', () => {
    const labels = Uint8Array.of(0, 1, 1, 2);
    const d = buildEditDelta(labels, [4, 1, 1], full([4, 1, 1]), [5, 5, 5, 5], lockTable());
    const other = Uint8Array.of(0, 1, 9, 2);
    expect(() => applyEdit(other, d)).toThrow(/does not match/);
    expect(other).toEqual(Uint8Array.of(0, 1, 9, 2));
    expect(() => revertEdit(labels, d)).toThrow(VoxaError); // labels are in the "before" state
    applyEdit(labels, d);
    expect(() => applyEdit(labels, d)).toThrow(VoxaError); // applying twice is refused
    expect(labels).toEqual(Uint8Array.of(5, 5, 5, 5));
  });

  it('refuses a delta for another grid', () => {
    const d = buildEditDelta(new Uint8Array(4), [4, 1, 1], full([4, 1, 1]), [1, 1, 1, 1], lockTable());
    expect(() => applyEdit(new Uint8Array(4), { ...d, dimensions: [2, 2, 1] })).toThrow(VoxaError);
  });
});

describe('binary form', () => {
  const d: EditDelta = buildEditDelta(new Uint8Array(24), [4, 3, 2], full([4, 3, 2]), Array.from({ length: 24 }, (_, n) => (n % 5 === 0 ? 200 : 0)), lockTable());
  it('round-trips, and an empty delta too', () => {
    expect(decodeEditDelta(encodeEditDelta(d))).toEqual(d);
    const e = buildEditDelta(new Uint8Array(4), [4, 1, 1], full([4, 1, 1]), [0, 0, 0, 0], lockTable());
    expect(decodeEditDelta(encodeEditDelta(e))).toEqual(e);
  });
  it('keeps the byte layout that journals on disk and the wire hold (bytes written by the build before common/labelmap)', () => {
    const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    const old =
      '5658454401000000040000000300000002000000000000000000000000000000030000000200000001000000050000001e0000000100c8010400000100c8010400000100c8010400000100c8010400000100c801030000';
    expect(hex(encodeEditDelta(d))).toBe(old);
    // Runs longer than one varint byte and labels above 255 (a uint16 labelmap).
    const big = buildEditDelta(new Uint16Array(300), [300, 1, 1], full([300, 1, 1]), Array.from({ length: 300 }, (_, n) => (n >= 10 && n < 290 ? 40000 : 0)), lockTable());
    const bigOld = '56584544010000002c01000001000000010000000a00000000000000000000002101000000000000000000001801000003000000980200c0b802';
    expect(hex(encodeEditDelta(big))).toBe(bigOld);
    expect(decodeEditDelta(Uint8Array.from(bigOld.match(/../g)!, (x) => parseInt(x, 16)))).toEqual(big);
  });
  it('rejects truncated, foreign and inconsistent bytes with CORRUPT_INPUT', () => {
    const bytes = encodeEditDelta(d);
    const code = (b: Uint8Array) => {
      try {
        decodeEditDelta(b);
        return 'ok';
      } catch (e) {
        return e instanceof VoxaError ? e.code : 'crash';
      }
    };
    expect(code(bytes.slice(0, bytes.length - 1))).toBe('CORRUPT_INPUT');
    expect(code(bytes.slice(0, 10))).toBe('CORRUPT_INPUT');
    const foreign = bytes.slice();
    foreign[0] = 0;
    expect(code(foreign)).toBe('CORRUPT_INPUT');
    const lying = bytes.slice();
    new DataView(lying.buffer).setUint32(44, d.changed + 1, true);
    expect(code(lying)).toBe('CORRUPT_INPUT');
    // Every single-byte mutation is either still a valid delta or a VoxaError, never a crash.
    const r = rng(3);
    for (let t = 0; t < 2000; t++) {
      const m = bytes.slice();
      m[Math.floor(r() * m.length)] = Math.floor(r() * 256);
      expect(code(m)).not.toBe('crash');
    }
  });
});
