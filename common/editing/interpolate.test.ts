import { describe, it, expect } from 'vitest';
import { VoxaError } from '../contract/errors';
import type { Mat3, Vec3, VolumeGeometry } from '../volume';
import { applyEdit } from '../labelmap/editDelta';
import { interpolateSlices } from './interpolate';
import { signedDistance2d, squaredDistanceTransform2d } from './distanceTransform';

const I3: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
const geom = (dimensions: Vec3, spacingMm: Vec3 = [1, 1, 1]): VolumeGeometry => ({ dimensions, spacingMm, originLps: [0, 0, 0], direction: I3 });
const idx = (d: Vec3, i: number, j: number, k: number) => i + d[0] * (j + d[1] * k);

function sliceString(l: Uint8Array, d: Vec3, k: number): string {
  const rows: string[] = [];
  for (let j = 0; j < d[1]; j++) rows.push(Array.from(l.slice(idx(d, 0, j, k), idx(d, 0, j, k) + d[0])).join(''));
  return rows.join(' ');
}
function setSlice(l: Uint8Array, d: Vec3, k: number, text: string) {
  text.split(' ').forEach((row, j) => [...row].forEach((c, i) => (l[idx(d, i, j, k)] = Number(c))));
}

/** Brute-force signed distance (mm) over a whole slice (normal k). */
function bruteSd(l: Uint8Array, d: Vec3, k: number, label: number, sx: number, sy: number): Float64Array {
  const sd = new Float64Array(d[0] * d[1]);
  for (let j = 0; j < d[1]; j++)
    for (let i = 0; i < d[0]; i++) {
      const inside = l[idx(d, i, j, k)] === label;
      let best = Infinity;
      for (let y = 0; y < d[1]; y++)
        for (let x = 0; x < d[0]; x++) if ((l[idx(d, x, y, k)] === label) !== inside) best = Math.min(best, Math.hypot((x - i) * sx, (y - j) * sy));
      sd[i + d[0] * j] = inside ? -best : best;
    }
  return sd;
}

describe('distance transform', () => {
  it('equals brute force on random masks with anisotropic spacing', () => {
    let s = 5;
    const r = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    for (let t = 0; t < 40; t++) {
      const w = 1 + Math.floor(r() * 9);
      const h = 1 + Math.floor(r() * 9);
      const sx = 0.5 + r() * 2;
      const sy = 0.5 + r() * 2;
      const m = new Uint8Array(w * h).map(() => (r() < 0.3 ? 1 : 0));
      const edt = squaredDistanceTransform2d(m, w, h, sx, sy);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          let best = Infinity;
          for (let b = 0; b < h; b++) for (let a = 0; a < w; a++) if (m[a + w * b]) best = Math.min(best, ((a - x) * sx) ** 2 + ((b - y) * sy) ** 2);
          if (best === Infinity) expect(edt[x + w * y]).toBeGreaterThan(1e29);
          else expect(edt[x + w * y]).toBeCloseTo(best, 9);
        }
      const sd = signedDistance2d(m, w, h, sx, sy);
      for (let p = 0; p < w * h; p++) expect(sd[p]! < 0).toBe(m[p] === 1);
    }
  });
});

describe('interpolation between key slices', () => {
  it('identical key shapes give the same shape on every slice between', () => {
    const d: Vec3 = [5, 5, 5];
    const l = new Uint8Array(125);
    setSlice(l, d, 0, '00000 01110 01110 01100 00000');
    setSlice(l, d, 4, '00000 01110 01110 01100 00000');
    applyEdit(l, interpolateSlices({ labels: l.slice(), geometry: geom(d) }, { label: 1, axis: 2 }));
    for (let k = 1; k < 4; k++) expect(sliceString(l, d, k)).toBe('00000 01110 01110 01100 00000');
  });

  it('a point and a 3×3 square give a plus sign halfway (hand: ties sd = 0 count as inside)', () => {
    const d: Vec3 = [5, 5, 3];
    const l = new Uint8Array(75);
    setSlice(l, d, 0, '00000 00000 00100 00000 00000');
    setSlice(l, d, 2, '00000 01110 01110 01110 00000');
    applyEdit(l, interpolateSlices({ labels: l.slice(), geometry: geom(d) }, { label: 1, axis: 2, keySlices: [0, 2] }));
    expect(sliceString(l, d, 1)).toBe('00000 00100 01110 00100 00000');
  });

  it('matches a brute-force signed-distance blend with anisotropic in-plane spacing, along each axis', () => {
    const d: Vec3 = [9, 8, 6];
    const sp: Vec3 = [0.8, 2, 1.5];
    const base = new Uint8Array(9 * 8 * 6);
    // ellipse-ish blob at k=0 and a shifted, larger blob at k=5 (label 3), a label-2 voxel in between.
    for (let j = 0; j < 8; j++)
      for (let i = 0; i < 9; i++) {
        if (((i - 2) * 0.8) ** 2 + ((j - 2) * 2) ** 2 <= 5) base[idx(d, i, j, 0)] = 3;
        if (((i - 6) * 0.8) ** 2 + ((j - 5) * 2) ** 2 <= 12) base[idx(d, i, j, 5)] = 3;
      }
    base[idx(d, 4, 4, 2)] = 2;
    const l = base.slice();
    applyEdit(l, interpolateSlices({ labels: base, geometry: geom(d, sp) }, { label: 3, axis: 2 }));
    const sd0 = bruteSd(base, d, 0, 3, sp[0], sp[1]);
    const sd5 = bruteSd(base, d, 5, 3, sp[0], sp[1]);
    let added = 0;
    for (let k = 1; k < 5; k++)
      for (let j = 0; j < 8; j++)
        for (let i = 0; i < 9; i++) {
          const inside = (5 - k) * sd0[i + 9 * j]! + k * sd5[i + 9 * j]! <= 0;
          const expected = i === 4 && j === 4 && k === 2 ? 2 : inside ? 3 : 0;
          expect(l[idx(d, i, j, k)]).toBe(expected);
          if (expected === 3) added++;
        }
    expect(added).toBeGreaterThan(10);
    // The same volume transposed so the key slices lie along i: the same shapes come out.
    const t = new Uint8Array(base.length);
    const dt: Vec3 = [6, 9, 8];
    for (let k = 0; k < 6; k++) for (let j = 0; j < 8; j++) for (let i = 0; i < 9; i++) t[k + 6 * (i + 9 * j)] = base[idx(d, i, j, k)]!;
    applyEdit(t, interpolateSlices({ labels: t.slice(), geometry: geom(dt, [sp[2], sp[0], sp[1]]) }, { label: 3, axis: 0 }));
    for (let k = 0; k < 6; k++) for (let j = 0; j < 8; j++) for (let i = 0; i < 9; i++) expect(t[k + 6 * (i + 9 * j)]).toBe(l[idx(d, i, j, k)]);
  });

  it('auto mode fills each gap between edited slices; explicit keys replace what lies between', () => {
    const d: Vec3 = [3, 3, 7];
    const l = new Uint8Array(63);
    for (const k of [0, 3, 6]) l[idx(d, 1, 1, k)] = 1;
    l[idx(d, 0, 0, 4)] = 1; // a stray voxel makes slice 4 a key too
    const auto = l.slice();
    applyEdit(auto, interpolateSlices({ labels: l, geometry: geom(d) }, { label: 1, axis: 2 }));
    expect([1, 2].map((k) => sliceString(auto, d, k))).toEqual(['000 010 000', '000 010 000']);
    expect(auto[idx(d, 0, 0, 4)]).toBe(1);
    // Between (0,0) on slice 4 and (1,1) on slice 6 the blend is −1 + √2 > 0 everywhere: nothing on slice 5.
    expect(sliceString(auto, d, 5)).toBe('000 000 000');
    const rep = l.slice();
    applyEdit(rep, interpolateSlices({ labels: l, geometry: geom(d) }, { label: 1, axis: 2, keySlices: [3, 6] }));
    expect([4, 5].map((k) => sliceString(rep, d, k))).toEqual(['000 010 000', '000 010 000']);
  });

  it('locked: a locked segment is not interpolated; bad key slices are a VoxaError', () => {
    const d: Vec3 = [3, 3, 3];
    const l = new Uint8Array(27);
    l[idx(d, 1, 1, 0)] = 1;
    l[idx(d, 1, 1, 2)] = 1;
    expect(interpolateSlices({ labels: l, geometry: geom(d), locked: [1] }, { label: 1, axis: 2 }).changed).toBe(0);
    expect(() => interpolateSlices({ labels: l, geometry: geom(d) }, { label: 1, axis: 2, keySlices: [0, 1] })).toThrow(VoxaError);
    expect(() => interpolateSlices({ labels: l, geometry: geom(d) }, { label: 1, axis: 2, keySlices: [2, 0] })).toThrow(VoxaError);
  });
});
