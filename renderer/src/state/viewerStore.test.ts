import { describe, expect, it } from 'vitest';
import type { VolumeHeader } from '../../../common/contract';
import { testHeader } from '../testing/volumeHeader';
import { createViewerStore, layoutViews, sliceOf, windowSample } from './viewerStore';

const header = (modality: 'CT' | 'MR', direction = [1, 0, 0, 0, 1, 0, 0, 0, 1]): VolumeHeader =>
  testHeader({ dimensions: [8, 6, 10], spacingMm: [1, 1, 2], direction: direction as VolumeHeader['geometry']['direction'] }, { modality, valueRange: [0, 479], warnings: ['4D input'] });
const ramp = () => new Int16Array(480).map((_, n) => n);

describe('viewer store', () => {
  it('opens with the crosshair on the middle slice of every view and a modality-appropriate window', () => {
    const s = createViewerStore();
    s.getState().setVolume({ header: header('CT'), voxels: ramp() });
    expect(sliceOf(s.getState(), 'axial')).toEqual({ index: 5, count: 10 }); // centre z = 9 mm → round(4.5) = 5 (half up)
    expect(sliceOf(s.getState(), 'coronal')?.count).toBe(6);
    expect(sliceOf(s.getState(), 'sagittal')?.count).toBe(8);
    expect(s.getState()).toMatchObject({ windowWidth: 400, windowLevel: 40, notices: ['4D input'] });
    // MR: automatic window from the 1st–99.5th percentiles of 0..479: values 4 and 477 (nearest rank).
    s.getState().setVolume({ header: header('MR'), voxels: ramp() });
    expect(s.getState().windowWidth).toBe(473);
    expect(s.getState().windowLevel).toBeCloseTo(240.5, 9);
  });

  it('a sagittal acquisition still has 10 axial slices (the z extent / the z spacing)', () => {
    const s = createViewerStore();
    // i along LPS y, j along z, k along x: z extent 6 voxels × 1 mm.
    s.getState().setVolume({ header: header('CT', [0, 1, 0, 0, 0, 1, 1, 0, 0]), voxels: ramp() });
    expect(sliceOf(s.getState(), 'axial')?.count).toBe(6);
    expect(sliceOf(s.getState(), 'sagittal')?.count).toBe(10);
  });

  it('scrolls, clamps, and moves the crosshair so the other views follow', () => {
    const s = createViewerStore();
    s.getState().setVolume({ header: header('CT'), voxels: ramp() });
    s.getState().scroll('axial', 100);
    expect(sliceOf(s.getState(), 'axial')?.index).toBe(9);
    expect(s.getState().crosshairLps[2]).toBe(18);
    s.getState().scroll('axial', -3);
    expect(sliceOf(s.getState(), 'axial')?.index).toBe(6);
    s.getState().setCrosshair([2.2, 4.9, 7.1]);
    expect(s.getState().crosshairLps).toEqual([2, 5, 8]); // snapped to slice positions of every view
    expect(sliceOf(s.getState(), 'sagittal')?.index).toBe(2);
    expect(sliceOf(s.getState(), 'coronal')?.index).toBe(5);
    s.getState().setCrosshair([-50, 99, NaN]);
    expect(s.getState().crosshairLps).toEqual([2, 5, 8]);
    s.getState().setCrosshair([-50, 99, 0]);
    expect(s.getState().crosshairLps).toEqual([0, 5, 0]);
  });

  it('applies presets, bounds zoom per view, inverts, and resets', () => {
    const s = createViewerStore();
    s.getState().setVolume({ header: header('CT'), voxels: ramp() });
    s.getState().applyPreset('lung');
    expect(s.getState()).toMatchObject({ windowWidth: 1500, windowLevel: -600, presetId: 'lung' });
    s.getState().zoomBy('axial', 1000);
    expect(s.getState().cameras.axial.zoom).toBe(40);
    expect(s.getState().cameras.coronal.zoom).toBe(1);
    s.getState().panBy('coronal', 5, -2);
    s.getState().toggleInvert();
    s.getState().resetView();
    expect(s.getState()).toMatchObject({ windowWidth: 400, windowLevel: 40, invert: false, cameras: { axial: { zoom: 1 }, coronal: { panMm: [0, 0] } } });
    s.getState().setWindow(-10, 0);
    expect(s.getState().windowWidth).toBeGreaterThan(0);
  });

  it('layouts show 1, 3 or 4 views; double-click maximises and restores', () => {
    const s = createViewerStore();
    expect(layoutViews('2x2', 'axial')).toEqual(['axial', 'coronal', 'sagittal', '3d']);
    expect(layoutViews('1x3', 'axial')).toHaveLength(3);
    expect(layoutViews('1x1', 'sagittal')).toEqual(['sagittal']);
    s.getState().toggleMaximised('coronal');
    expect(s.getState()).toMatchObject({ maximised: 'coronal', activeView: 'coronal' });
    s.getState().toggleMaximised('coronal');
    expect(s.getState().maximised).toBeNull();
  });

  it('keeps the clipping box ordered and inside 0..1', () => {
    const s = createViewerStore();
    s.getState().setClip([0.2, 0.1, 0, 1, 0, 1]);
    expect(s.getState().clip).toEqual([0, 1, 0, 1, 0, 1]);
    s.getState().setClip([-1, 0.5, 0, 2, 0.3, 0.4]);
    expect(s.getState().clip).toEqual([0, 0.5, 0, 1, 0.3, 0.4]);
  });

  it('a streaming volume: window from the slices that arrived, redraw versions, then complete with the window taken again', () => {
    const s = createViewerStore();
    const voxels = new Int16Array(480); // 10 slices of 48 voxels, all zeros until they arrive
    const sliceLoaded = new Uint8Array(10);
    const arrive = (k: number) => {
      for (let n = k * 48; n < (k + 1) * 48; n++) voxels[n] = n;
      sliceLoaded[k] = 1;
    };
    arrive(5);
    s.getState().setVolume({ header: header('MR'), voxels }, { volumeId: 'v1', sliceLoaded, slicesLoaded: 1, version: 0 });
    // MR auto window from slice 5 only (values 240..287), not from the zeros of the missing slices.
    expect(s.getState().windowWidth).toBeGreaterThan(40);
    expect(s.getState().windowLevel).toBeGreaterThan(240);
    expect(s.getState().streaming?.version).toBe(0);
    arrive(4);
    s.getState().voxelsArrived('other', 2); // another volume's report changes nothing
    expect(s.getState().streaming?.version).toBe(0);
    s.getState().voxelsArrived('v1', 2);
    expect(s.getState().streaming).toMatchObject({ slicesLoaded: 2, version: 1 });
    for (const k of [0, 1, 2, 3, 6, 7, 8, 9]) arrive(k);
    s.getState().voxelsArrived('v1', 10);
    expect(s.getState().streaming).toBeNull();
    // Complete: the automatic window of all 0..479 (as for a volume given whole).
    expect(s.getState().windowWidth).toBe(473);
    s.getState().clearVolume();
    expect(s.getState()).toMatchObject({ volume: null, grids: null, streaming: null });
  });

  it('windowSample: the first run of arrived slices', () => {
    const v = new Int16Array(40).map((_, n) => n);
    const st = { volumeId: 'v', sliceLoaded: Uint8Array.from([0, 1, 1, 0, 1]), slicesLoaded: 3, version: 0 };
    expect(Array.from(windowSample(v, [2, 4, 5], st))).toEqual(Array.from({ length: 16 }, (_, n) => n + 8));
    expect(windowSample(v, [2, 4, 5], null)).toBe(v);
  });
});
