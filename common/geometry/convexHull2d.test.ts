import { describe, expect, it } from 'vitest';
import { convexHull2d } from './convexHull2d';
import { convexPolygonDiameter } from './rotatingCalipers';

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

const cross = (ox: number, oy: number, ax: number, ay: number, bx: number, by: number) => (ax - ox) * (by - oy) - (ay - oy) * (bx - ox);

describe('convexHull2d', () => {
  it('handles empty, single, duplicate and collinear inputs', () => {
    expect(convexHull2d([], [])).toEqual([]);
    expect(convexHull2d([3], [4])).toEqual([0]);
    expect(convexHull2d([1, 1, 1], [2, 2, 2])).toHaveLength(1);
    const line = convexHull2d([0, 1, 2, 3], [0, 1, 2, 3]);
    expect(line.sort()).toEqual([0, 3]);
    expect(() => convexHull2d([1, 2], [1])).toThrow(RangeError);
  });

  it('keeps only the 4 corners of a filled square grid, counter-clockwise', () => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let y = 0; y < 5; y++) {
      for (let x = 0; x < 5; x++) {
        xs.push(x);
        ys.push(y);
      }
    }
    const hull = convexHull2d(xs, ys);
    expect(hull.map((h) => [xs[h], ys[h]])).toEqual([
      [0, 0],
      [4, 0],
      [4, 4],
      [0, 4],
    ]);
  });

  it('on random integer sets: every point is inside, every vertex strictly convex', () => {
    const rand = lcg(7);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rand() * 60);
      const xs = Array.from({ length: n }, () => Math.floor(rand() * 12));
      const ys = Array.from({ length: n }, () => Math.floor(rand() * 12));
      const hull = convexHull2d(xs, ys);
      const h = hull.length;
      if (h < 3) continue;
      for (let e = 0; e < h; e++) {
        const p = hull[e] as number;
        const q = hull[(e + 1) % h] as number;
        const r = hull[(e + 2) % h] as number;
        // Strictly left turn at every vertex: no collinear vertices, CCW.
        expect(cross(xs[p]!, ys[p]!, xs[q]!, ys[q]!, xs[r]!, ys[r]!)).toBeGreaterThan(0);
        for (let k = 0; k < n; k++) expect(cross(xs[p]!, ys[p]!, xs[q]!, ys[q]!, xs[k]!, ys[k]!)).toBeGreaterThanOrEqual(0);
      }
    }
  });
});

describe('convexPolygonDiameter (rotating calipers)', () => {
  it('matches an all-pairs search on random hulls, including grids with parallel edges', () => {
    const rand = lcg(11);
    for (let trial = 0; trial < 500; trial++) {
      const n = 1 + Math.floor(rand() * 80);
      const grid = trial % 2 === 0;
      const xs = Array.from({ length: n }, () => (grid ? Math.floor(rand() * 9) : rand() * 100));
      const ys = Array.from({ length: n }, () => (grid ? Math.floor(rand() * 9) : rand() * 30));
      let brute = 0;
      for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) brute = Math.max(brute, Math.hypot(xs[p]! - xs[q]!, ys[p]! - ys[q]!));
      const hull = convexHull2d(xs, ys);
      const d = convexPolygonDiameter(
        hull.map((h) => xs[h]!),
        hull.map((h) => ys[h]!),
      );
      expect(d.length).toBeCloseTo(brute, 12);
      const a = hull[d.a]!;
      const b = hull[d.b]!;
      expect(Math.hypot(xs[a]! - xs[b]!, ys[a]! - ys[b]!)).toBeCloseTo(brute, 12);
    }
  });

  it('a rectangle 3 × 4 has diameter 5; one vertex gives 0', () => {
    expect(convexPolygonDiameter([0, 3, 3, 0], [0, 0, 4, 4]).length).toBe(5);
    expect(convexPolygonDiameter([2], [2])).toEqual({ length: 0, a: 0, b: 0 });
    expect(() => convexPolygonDiameter([], [])).toThrow(RangeError);
  });
});

describe('convexHull2d with presorted input', () => {
  it('gives the same vertices as the sorting path', () => {
    const rand = lcg(3);
    for (let trial = 0; trial < 100; trial++) {
      const n = 1 + Math.floor(rand() * 40);
      const pts = Array.from({ length: n }, () => [Math.floor(rand() * 10), Math.floor(rand() * 10)] as [number, number]);
      pts.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      const xs = pts.map((p) => p[0]);
      const ys = pts.map((p) => p[1]);
      const key = (h: number[]) => h.map((k) => `${xs[k]},${ys[k]}`).sort();
      expect(key(convexHull2d(xs, ys, { presorted: true }))).toEqual(key(convexHull2d(xs, ys)));
    }
  });
});
