import { describe, it, expect } from 'vitest';
import { VoxaError } from '../contract/errors';
import { ijkToLps } from '../geometry/affine';
import type { Mat3, Vec3, VolumeGeometry } from '../volume';
import { applyEdit } from '../labelmap/editDelta';
import { brushStroke, rangeFromClick } from './brush';

const I3: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
const geom = (dimensions: Vec3, spacingMm: Vec3 = [1, 1, 1], direction: Mat3 = I3): VolumeGeometry => ({ dimensions, spacingMm, originLps: [10, -20, 5], direction });

function painted(labels: Uint8Array | Uint16Array, g: VolumeGeometry, o: Parameters<typeof brushStroke>[1], locked: number[] = []) {
  const out = labels.slice();
  applyEdit(out, brushStroke({ labels, geometry: g, locked }, o));
  return out;
}
const count = (a: ArrayLike<number>, v: number) => Array.from(a).filter((x) => x === v).length;
const lpsDist = (a: Vec3, b: Vec3) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

/** Reference: every voxel whose LPS centre is within r of the LPS segment a–b (closest point by dense sampling + exact endpoints). */
function referenceStroke(g: VolumeGeometry, pts: Vec3[], r: number, slice?: { axis: 0 | 1 | 2; index: number }): Set<number> {
  const [ni, nj, nk] = g.dimensions;
  const set = new Set<number>();
  const lp = pts.map((p) => ijkToLps(g, p));
  for (let k = 0; k < nk; k++)
    for (let j = 0; j < nj; j++)
      for (let i = 0; i < ni; i++) {
        if (slice && [i, j, k][slice.axis] !== slice.index) continue;
        const x = ijkToLps(g, [i, j, k]);
        let best = Infinity;
        for (let s = 0; s < lp.length; s++) {
          const a = lp[s]!;
          const b = lp[s + 1] ?? a;
          // exact projection in LPS
          const ab: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
          const L = ab[0] ** 2 + ab[1] ** 2 + ab[2] ** 2;
          const t = L === 0 ? 0 : Math.min(1, Math.max(0, ((x[0] - a[0]) * ab[0] + (x[1] - a[1]) * ab[1] + (x[2] - a[2]) * ab[2]) / L));
          best = Math.min(best, lpsDist(x, [a[0] + t * ab[0], a[1] + t * ab[1], a[2] + t * ab[2]]));
        }
        if (best <= r + 1e-9) set.add(i + ni * (j + nj * k));
      }
  return set;
}

describe('brush (sphere and disc, size in mm)', () => {
  it('sphere of 3 mm on a 1×1×3 mm grid covers 29 + 1 + 1 voxels (hand count)', () => {
    const g = geom([11, 11, 11], [1, 1, 3]);
    const out = painted(new Uint8Array(11 ** 3), g, { mode: 'paint', label: 1, points: [[5, 5, 5]], radiusMm: 3, shape: 'sphere' });
    expect(count(out, 1)).toBe(31);
    expect(out[5 + 11 * (5 + 11 * 4)]).toBe(1);
    expect(out[6 + 11 * (5 + 11 * 4)]).toBe(0);
    expect(out[8 + 11 * (5 + 11 * 5)]).toBe(1);
    expect(out[8 + 11 * (6 + 11 * 5)]).toBe(0);
  });

  it('disc of 2 mm on a 0.5×2 mm slice covers 9 along i and 1 above/below (hand count), one slice only', () => {
    const g = geom([13, 7, 3], [0.5, 2, 1]);
    const out = painted(new Uint8Array(13 * 7 * 3), g, { mode: 'paint', label: 4, points: [[6, 3, 1.2]], radiusMm: 2, shape: 'disc', planeAxis: 2 });
    expect(count(out, 4)).toBe(11);
    for (let n = 0; n < out.length; n++) if (out[n]) expect(Math.floor(n / (13 * 7))).toBe(1);
  });

  it('matches a brute-force LPS reference on an oblique, anisotropic grid (sphere and disc, off-centre)', () => {
    const c = Math.cos(Math.PI / 6);
    const s = Math.sin(Math.PI / 6);
    const g = geom([15, 13, 9], [0.7, 1.3, 2.5], [c, s, 0, -s, c, 0, 0, 0, 1]);
    for (const r of [0.4, 1.9, 3.3, 5]) {
      const centre: Vec3 = [7.3, 5.6, 4.4];
      const out = painted(new Uint8Array(15 * 13 * 9), g, { mode: 'paint', label: 2, points: [centre], radiusMm: r, shape: 'sphere' });
      const ref = referenceStroke(g, [centre], r);
      ref.add(7 + 15 * (6 + 13 * 4)); // the nearest voxel is always painted
      expect(new Set(Array.from(out.keys()).filter((n) => out[n] === 2))).toEqual(ref);
      const disc = painted(new Uint8Array(15 * 13 * 9), g, { mode: 'paint', label: 2, points: [centre], radiusMm: r, shape: 'disc', planeAxis: 1 });
      const refDisc = referenceStroke(g, [[7.3, 6, 4.4]], r, { axis: 1, index: 6 });
      refDisc.add(7 + 15 * (6 + 13 * 4));
      expect(new Set(Array.from(disc.keys()).filter((n) => disc[n] === 2))).toEqual(refDisc);
    }
  });

  it('a stroke covers the capsule between centres: 9 + 7 + 7 voxels for r = 1 from i=2 to i=8 (hand count)', () => {
    const g = geom([11, 11, 1]);
    const out = painted(new Uint8Array(121), g, { mode: 'paint', label: 1, points: [[2, 5, 0], [8, 5, 0]], radiusMm: 1, shape: 'disc', planeAxis: 2 });
    expect(count(out, 1)).toBe(23);
    const g2 = geom([12, 10, 6], [0.8, 1, 2]);
    const pts: Vec3[] = [[1, 1, 1], [9.5, 4, 3], [3, 8.2, 4]];
    const out2 = painted(new Uint8Array(12 * 10 * 6), g2, { mode: 'paint', label: 1, points: pts, radiusMm: 1.7, shape: 'sphere' });
    const ref = referenceStroke(g2, pts, 1.7);
    for (const p of pts) ref.add(Math.round(p[0]) + 12 * (Math.round(p[1]) + 10 * Math.round(p[2])));
    expect(new Set(Array.from(out2.keys()).filter((n) => out2[n] === 1))).toEqual(ref);
  });

  it('a brush smaller than a voxel paints the nearest voxel', () => {
    const out = painted(new Uint8Array(27), geom([3, 3, 3], [2, 2, 2]), { mode: 'paint', label: 1, points: [[0.6, 1.4, 2]], radiusMm: 0.1, shape: 'sphere' });
    expect(Array.from(out.keys()).filter((n) => out[n])).toEqual([1 + 3 * (1 + 3 * 2)]);
  });
});

describe('eraser, overwrite, locked segments', () => {
  const g = geom([5, 5, 1]);
  const base = () => {
    const l = new Uint8Array(25);
    for (let n = 0; n < 25; n++) l[n] = n % 5 < 2 ? 1 : n % 5 === 2 ? 2 : 3;
    return l;
  };
  const all = { points: [[2, 2, 0] as Vec3], radiusMm: 10, shape: 'disc' as const, planeAxis: 2 as const };

  it('erasing a label removes only that label; label 0 erases every unlocked label', () => {
    const out = painted(base(), g, { mode: 'erase', label: 1, ...all });
    expect([count(out, 0), count(out, 1), count(out, 2), count(out, 3)]).toEqual([10, 0, 5, 10]);
    const any = painted(base(), g, { mode: 'erase', label: 0, ...all }, [3]);
    expect([count(any, 0), count(any, 3)]).toEqual([15, 10]);
  });

  it('overwrite: false paints background only; locked voxels never change', () => {
    const l = base();
    l[0] = 0;
    const noOver = painted(l, g, { mode: 'paint', label: 2, ...all, overwrite: false });
    expect(count(noOver, 2)).toBe(6);
    const over = painted(l, g, { mode: 'paint', label: 2, ...all }, [3]);
    expect([count(over, 2), count(over, 3)]).toEqual([15, 10]);
    const intoLocked = brushStroke({ labels: l, geometry: g, locked: [2] }, { mode: 'paint', label: 2, ...all });
    expect(intoLocked.changed).toBe(0);
  });
});

describe('threshold-limited brush', () => {
  it('changes only voxels whose HU lies in the range picked from the clicked value', () => {
    const g = geom([6, 1, 1]);
    const image = Float32Array.of(-100, 40, 55, 61, 39.5, 200);
    const range = rangeFromClick(image, [6, 1, 1], [2, 0, 0], 15);
    expect(range).toEqual([40, 70]);
    const out = painted(new Uint8Array(6), g, { mode: 'paint', label: 1, points: [[2, 0, 0]], radiusMm: 10, shape: 'sphere', intensity: { image, range } });
    expect(Array.from(out)).toEqual([0, 1, 1, 1, 0, 0]);
  });
  it('bad input is a VoxaError', () => {
    const g = geom([6, 1, 1]);
    const t = { labels: new Uint8Array(6), geometry: g };
    const b = { mode: 'paint' as const, label: 1, points: [[2, 0, 0] as Vec3], shape: 'sphere' as const };
    expect(() => brushStroke(t, { ...b, radiusMm: -1 })).toThrow(VoxaError);
    expect(() => brushStroke(t, { ...b, radiusMm: 1, label: 256 })).toThrow(VoxaError);
    expect(() => brushStroke(t, { ...b, radiusMm: 1, intensity: { image: new Float32Array(5), range: [0, 1] } })).toThrow(VoxaError);
    expect(() => brushStroke(t, { ...b, radiusMm: 1, points: [[NaN, 0, 0]] })).toThrow(VoxaError);
    expect(() => rangeFromClick(new Float32Array(6), [6, 1, 1], [9, 0, 0], 5)).toThrow(VoxaError);
    expect(brushStroke(t, { ...b, radiusMm: 1, points: [[50, 50, 50]] }).changed).toBe(0);
  });
});
