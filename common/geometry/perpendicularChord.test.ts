import { describe, expect, it } from 'vitest';
import { longestPerpendicularChord } from './perpendicularChord';
import { farthestPair3d } from './farthestPair3d';

describe('longestPerpendicularChord', () => {
  it('finds the vertical extent of a plus sign when measured against the horizontal bar', () => {
    // Horizontal bar 9 wide at y = 0, vertical bar 5 high at x = 2.
    const xs = [-4, -3, -2, -1, 0, 1, 2, 3, 4, 2, 2, 2, 2];
    const ys = [0, 0, 0, 0, 0, 0, 0, 0, 0, -2, -1, 1, 2];
    const chord = longestPerpendicularChord(xs, ys, 1, 0, 1);
    expect(chord?.length).toBe(4);
    expect([xs[chord!.a], xs[chord!.b]]).toEqual([2, 2]);
  });

  it('accepts ends offset along u by up to the tolerance, not more', () => {
    // Two points 10 apart across u, offset 0.8 along u.
    expect(longestPerpendicularChord([0, 0.8], [0, 10], 1, 0, 1)?.length).toBeCloseTo(Math.hypot(0.8, 10), 12);
    expect(longestPerpendicularChord([0, 1.2], [0, 10], 1, 0, 1)).toBeNull();
  });

  it('a one-voxel-wide line along u, or a single point, has no perpendicular chord', () => {
    expect(longestPerpendicularChord([0, 1, 2, 3], [0, 0, 0, 0], 1, 0, 1)).toBeNull();
    expect(longestPerpendicularChord([5], [5], 0, 1, 1)).toBeNull();
    expect(() => longestPerpendicularChord([0], [0], 0, 0, 1)).toThrow(RangeError);
  });

  it('works for an oblique direction', () => {
    const s = Math.SQRT1_2;
    // Points along (−s, s) through the origin, ±5 mm, and along (s, s) ±2 mm.
    const xs = [-5 * s, 5 * s, 2 * s, -2 * s];
    const ys = [5 * s, -5 * s, 2 * s, -2 * s];
    const chord = longestPerpendicularChord(xs, ys, 1, 1, 0.1);
    expect(chord?.length).toBeCloseTo(10, 12);
  });
});

describe('farthestPair3d', () => {
  it('returns the farthest pair', () => {
    const d = farthestPair3d([0, 0, 0, 1, 1, 1, 3, 4, 12, 1, 0, 0]);
    expect(d.length).toBe(13);
    expect([d.a, d.b]).toEqual([0, 2]);
    expect(farthestPair3d([1, 2, 3]).length).toBe(0);
    expect(() => farthestPair3d([])).toThrow(RangeError);
  });
});
