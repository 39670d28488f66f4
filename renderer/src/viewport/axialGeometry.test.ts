import { describe, expect, it } from 'vitest';
import type { VolumeGeometry } from '../../../common/volume';
import { axialSliceAxis, displayToLps, extentAlong, fitParallelScale, lpsToDisplay, sampleAt, SCREEN_RIGHT, SCREEN_UP, volumeCentre } from './axialGeometry';

const g: VolumeGeometry = { dimensions: [100, 80, 40], spacingMm: [2, 2, 5], originLps: [-99, -79, -97.5], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
const size = { width: 800, height: 400 };

describe('axial viewport geometry', () => {
  it('puts patient left on the screen right and anterior up (radiological convention)', () => {
    const view = { centreLps: volumeCentre(g), parallelScale: 100 };
    const [xLeft] = lpsToDisplay(view, size, [50, 0, 0]); // +x = patient left
    const [xRight] = lpsToDisplay(view, size, [-50, 0, 0]);
    expect(xLeft).toBeGreaterThan(size.width / 2);
    expect(xRight).toBeLessThan(size.width / 2);
    const [, yAnterior] = lpsToDisplay(view, size, [0, -50, 0]); // −y = anterior
    expect(yAnterior).toBeLessThan(size.height / 2);
  });

  it('displayToLps inverts lpsToDisplay on the slice plane', () => {
    const view = { centreLps: [3, -7, 11] as [number, number, number], parallelScale: 87 };
    const p: [number, number, number] = [21.5, -40.25, 11];
    const [x, y] = lpsToDisplay(view, size, p);
    const back = displayToLps(view, size, x, y, [0, 0, 11], [0, 0, 1]);
    back.forEach((v, n) => expect(v).toBeCloseTo(p[n]!, 9));
  });

  it('fits the whole volume extent (voxel span + one voxel) to the viewport', () => {
    expect(extentAlong(g, SCREEN_RIGHT)).toBeCloseTo(200, 9);
    expect(extentAlong(g, SCREEN_UP)).toBeCloseTo(160, 9);
    // Wide viewport: height limits (160 / 2); tall viewport: width limits (200 / aspect / 2).
    expect(fitParallelScale(g, 2)).toBeCloseTo(80, 9);
    expect(fitParallelScale(g, 0.5)).toBeCloseTo(200, 9);
  });

  it('chooses the volume axis closest to LPS z as the axial slicing axis', () => {
    expect(axialSliceAxis(g)).toBe(2);
    expect(axialSliceAxis({ ...g, direction: [0, 0, 1, 1, 0, 0, 0, 1, 0] })).toBe(0);
  });

  it('samples the voxel under a point and returns null outside', () => {
    const voxels = new Int16Array(100 * 80 * 40);
    voxels[10 + 100 * (20 + 80 * 30)] = 1234;
    const lps: [number, number, number] = [-99 + 10 * 2 + 0.4, -79 + 20 * 2 - 0.4, -97.5 + 30 * 5 + 2];
    expect(sampleAt(g, voxels, lps)).toEqual({ ijk: [10, 20, 30], value: 1234 });
    expect(sampleAt(g, voxels, [500, 0, 0])).toBeNull();
  });
});
