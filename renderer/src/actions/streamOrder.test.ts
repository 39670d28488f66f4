import { describe, expect, it } from 'vitest';
import type { VolumeGeometry } from '../../../common/volume';
import { sliceGrid } from '../geometry/mprGeometry';
import { slicesUnderPlane, streamRanges } from './streamOrder';

/** Every slice exactly once, by counting (independent of the order). */
function coverage(ranges: [number, number][], n: number): number[] {
  const hits = new Array<number>(n).fill(0);
  for (const [a, c] of ranges) for (let k = a; k < a + c; k++) hits[k]!++;
  return hits;
}

describe('stream order', () => {
  it('the first range alone, then chunks alternating below and above, outward', () => {
    expect(streamRanges(10, 3, [5, 1])).toEqual([[5, 1], [2, 3], [6, 3], [0, 2], [9, 1]]);
    expect(streamRanges(400, 32, [200, 1]).slice(0, 4)).toEqual([[200, 1], [168, 32], [201, 32], [136, 32]]);
  });

  it('covers every slice once, with the first range at an edge, a range past the end, one slice, chunks wider than the volume', () => {
    for (const [n, per, first] of [[400, 32, [200, 1]], [10, 4, [0, 2]], [10, 4, [9, 1]], [7, 2, [5, 9]], [1, 1, [0, 1]], [5, 100, [2, 1]], [1000, 32, [499, 2]]] as [number, number, [number, number]][]) {
      const r = streamRanges(n, per, first);
      expect(coverage(r, n).every((h) => h === 1), `${n}/${per}/${first.join('+')}`).toBe(true);
      expect(r.slice(1).every(([, c]) => c >= 1 && c <= per)).toBe(true);
    }
  });

  it('the slices under an axial plane: one for an axial acquisition, its neighbours when between two, capped for a sagittal one', () => {
    const g: VolumeGeometry = { dimensions: [8, 6, 10], spacingMm: [1, 1, 2], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
    const axial = sliceGrid(g, 'axial');
    expect(slicesUnderPlane(g, axial, 10, 4)).toEqual([5, 1]); // z = 10 mm is slice k = 5
    expect(slicesUnderPlane(g, axial, 9, 4)).toEqual([4, 2]); // z = 9 mm lies between k = 4 and 5
    expect(slicesUnderPlane(g, axial, -50, 4)).toEqual([0, 1]); // clamped into the volume
    // k along patient x: the axial plane crosses all 10 k slices; capped at 4 around the middle.
    const sag: VolumeGeometry = { ...g, direction: [0, 1, 0, 0, 0, 1, 1, 0, 0] };
    expect(slicesUnderPlane(sag, sliceGrid(sag, 'axial'), 3, 4)).toEqual([3, 4]);
  });
});
