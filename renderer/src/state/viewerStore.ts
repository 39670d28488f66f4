/**
 * Viewer state, apart from display (no React, no vtk.js): the viewport
 * subscribes and draws; tools and tests change state only through actions.
 */
import { createStore } from 'zustand/vanilla';
import type { VolumeHeader } from '../../../common/contract';
import type { Vec3, VoxelArray } from '../../../common/volume';
import { axialSliceAxis } from '../viewport/axialGeometry';
import { CT_PRESETS, defaultWindow } from './windowPresets';

export interface CursorReadout {
  lps: Vec3;
  ijk: Vec3;
  value: number;
}

export interface LoadedVolume {
  header: VolumeHeader;
  voxels: VoxelArray;
}

export interface ViewerState {
  volume: LoadedVolume | null;
  sliceAxis: 0 | 1 | 2;
  slice: number;
  sliceCount: number;
  windowWidth: number;
  windowLevel: number;
  /** 1 = fit to viewport. */
  zoom: number;
  /** Pan of the view centre in mm along screen right and up. */
  panMm: [number, number];
  interpolation: 'nearest' | 'linear';
  cursor: CursorReadout | null;
  busy: { label: string; fraction: number | null } | null;
  error: string | null;
  notices: string[];
}

export interface ViewerActions {
  setVolume(volume: LoadedVolume): void;
  setSlice(index: number): void;
  scrollBy(delta: number): void;
  setWindow(width: number, level: number): void;
  applyPreset(id: string): void;
  zoomBy(factor: number): void;
  panBy(dxMm: number, dyMm: number): void;
  setInterpolation(mode: 'nearest' | 'linear'): void;
  resetView(): void;
  setCursor(cursor: CursorReadout | null): void;
  setBusy(busy: ViewerState['busy']): void;
  setError(message: string | null): void;
}

export type ViewerStore = ReturnType<typeof createViewerStore>;

const MIN_ZOOM = 0.1;
const MAX_ZOOM = 40;

export function createViewerStore() {
  return createStore<ViewerState & ViewerActions>()((set, get) => ({
    volume: null,
    sliceAxis: 2,
    slice: 0,
    sliceCount: 0,
    windowWidth: 400,
    windowLevel: 40,
    zoom: 1,
    panMm: [0, 0],
    interpolation: 'nearest',
    cursor: null,
    busy: null,
    error: null,
    notices: [],

    setVolume(volume) {
      const axis = axialSliceAxis(volume.header.geometry);
      const count = volume.header.geometry.dimensions[axis];
      const w = defaultWindow(volume.header.modality, volume.header.valueRange);
      set({
        volume,
        sliceAxis: axis,
        sliceCount: count,
        slice: Math.floor((count - 1) / 2),
        windowWidth: w.width,
        windowLevel: w.level,
        zoom: 1,
        panMm: [0, 0],
        cursor: null,
        error: null,
        notices: volume.header.warnings,
      });
    },
    setSlice(index) {
      const { sliceCount } = get();
      if (sliceCount === 0) return;
      set({ slice: Math.min(sliceCount - 1, Math.max(0, Math.round(index))) });
    },
    scrollBy(delta) {
      get().setSlice(get().slice + delta);
    },
    setWindow(width, level) {
      set({ windowWidth: Math.max(1, width), windowLevel: level });
    },
    applyPreset(id) {
      const p = CT_PRESETS.find((x) => x.id === id);
      if (p) set({ windowWidth: p.widthHu, windowLevel: p.levelHu });
    },
    zoomBy(factor) {
      if (!(factor > 0)) return;
      set({ zoom: Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, get().zoom * factor)) });
    },
    panBy(dx, dy) {
      const [x, y] = get().panMm;
      set({ panMm: [x + dx, y + dy] });
    },
    setInterpolation(mode) {
      set({ interpolation: mode });
    },
    resetView() {
      const v = get().volume;
      if (!v) return;
      const w = defaultWindow(v.header.modality, v.header.valueRange);
      set({ zoom: 1, panMm: [0, 0], windowWidth: w.width, windowLevel: w.level });
    },
    setCursor(cursor) {
      set({ cursor });
    },
    setBusy(busy) {
      set({ busy });
    },
    setError(message) {
      set({ error: message });
    },
  }));
}
