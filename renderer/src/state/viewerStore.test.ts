import { describe, expect, it } from 'vitest';
import type { VolumeHeader } from '../../../common/contract';
import { createViewerStore } from './viewerStore';

const header = (modality: 'CT' | 'MR', direction = [1, 0, 0, 0, 1, 0, 0, 0, 1]): VolumeHeader => ({
  volumeId: 'v1',
  geometry: { dimensions: [8, 6, 10], spacingMm: [1, 1, 2], originLps: [0, 0, 0], direction: direction as VolumeHeader['geometry']['direction'] },
  dtype: 'int16',
  modality,
  sourceFormat: 'nifti',
  description: '',
  patientName: '',
  patientId: '',
  studyDate: '',
  valueRange: [100, 900],
  orientation: 'LPS',
  warnings: ['4D input'],
});

describe('viewer store', () => {
  it('opens on the middle axial slice with a modality-appropriate window', () => {
    const s = createViewerStore();
    s.getState().setVolume({ header: header('CT'), voxels: new Int16Array(480) });
    expect(s.getState()).toMatchObject({ slice: 4, sliceCount: 10, sliceAxis: 2, windowWidth: 400, windowLevel: 40, notices: ['4D input'] });
    s.getState().setVolume({ header: header('MR'), voxels: new Int16Array(480) });
    expect(s.getState()).toMatchObject({ windowWidth: 800, windowLevel: 500 });
  });

  it('slices along the volume axis that is closest to axial', () => {
    const s = createViewerStore();
    // Sagittal acquisition: k along LPS x, j along z → axial slicing is along j (6 slices).
    s.getState().setVolume({ header: header('CT', [0, 1, 0, 0, 0, 1, 1, 0, 0]), voxels: new Int16Array(480) });
    expect(s.getState()).toMatchObject({ sliceAxis: 1, sliceCount: 6 });
  });

  it('clamps scrolling to the volume', () => {
    const s = createViewerStore();
    s.getState().setVolume({ header: header('CT'), voxels: new Int16Array(480) });
    s.getState().scrollBy(100);
    expect(s.getState().slice).toBe(9);
    s.getState().scrollBy(-3);
    expect(s.getState().slice).toBe(6);
    s.getState().setSlice(-5);
    expect(s.getState().slice).toBe(0);
  });

  it('applies presets, bounds zoom, and resets', () => {
    const s = createViewerStore();
    s.getState().setVolume({ header: header('CT'), voxels: new Int16Array(480) });
    s.getState().applyPreset('lung');
    expect(s.getState()).toMatchObject({ windowWidth: 1500, windowLevel: -600 });
    s.getState().zoomBy(1000);
    expect(s.getState().zoom).toBe(40);
    s.getState().panBy(5, -2);
    s.getState().resetView();
    expect(s.getState()).toMatchObject({ zoom: 1, panMm: [0, 0], windowWidth: 400, windowLevel: 40 });
    s.getState().setWindow(-10, 0);
    expect(s.getState().windowWidth).toBe(1);
  });
});
