/**
 * Viewer state, apart from display (no React, no vtk.js): viewports subscribe
 * and draw; tools and tests change state only through actions.
 *
 * The three MPR views share one crosshair point (LPS mm); each view's slice
 * is the crosshair's position along its normal, so scrolling one view moves
 * the crosshair and the others follow.
 */
import { createStore } from 'zustand/vanilla';
import type { VolumeHeader } from '../../../common/contract';
import type { Vec3, VoxelArray } from '../../../common/volume';
import { MPR_VIEWS, sliceGrid, sliceIndexOf, volumeCentre, withSliceIndex, type MprView, type SliceGrid } from '../geometry/mprGeometry';
import { VR_PRESETS, type VrPresetId } from './volumePresets';
import { autoWindow, CT_PRESETS, defaultWindow } from './windowPresets';

export interface CursorReadout {
  lps: Vec3;
  ijk: Vec3;
  value: number;
}

export interface LoadedVolume {
  header: VolumeHeader;
  voxels: VoxelArray;
  /** What was opened: a file or folder path, or `series:<uid>` (names an image without a patient, studyName.ts). */
  source?: string;
}

/**
 * A volume whose voxels are still arriving (openVolume streams them from the
 * middle out). The loader fills `voxels` and `sliceLoaded` in place, chunk by
 * chunk, and reports through `voxelsArrived`; the views redraw on `version`.
 */
export interface VoxelStreaming {
  volumeId: string;
  /** 1 per k slice whose voxels have arrived, else 0 (written by the loader, after the voxels). */
  sliceLoaded: Uint8Array;
  slicesLoaded: number;
  /** Bumped by each `voxelsArrived`. */
  version: number;
}

/**
 * The voxels to base an automatic window on: all of them, or while streaming
 * the first run of slices that has arrived (the rest are zeros, not data).
 */
export function windowSample(voxels: VoxelArray, dims: readonly [number, number, number], streaming: VoxelStreaming | null): VoxelArray {
  if (!streaming) return voxels;
  const k0 = streaming.sliceLoaded.indexOf(1);
  if (k0 < 0) return voxels.subarray(0, 0) as VoxelArray;
  let k1 = k0;
  while (k1 < dims[2] && streaming.sliceLoaded[k1] === 1) k1++;
  const slice = dims[0] * dims[1];
  return voxels.subarray(k0 * slice, k1 * slice) as VoxelArray;
}

export type ViewId = MprView | '3d';
export type Layout = '1x1' | '1x3' | '2x2';

export interface ViewCamera {
  /** 1 = fit to viewport. */
  zoom: number;
  /** Pan of the view centre in mm along screen right and up. */
  panMm: [number, number];
}

/** Box clipping of the 3D view: fractions (0..1) of the volume's i, j, k extents: [i0, i1, j0, j1, k0, k1]. */
export type ClipBox = [number, number, number, number, number, number];

export interface ViewerState {
  volume: LoadedVolume | null;
  /** Set while the volume's voxels are still arriving; null once all have (or without a volume). */
  streaming: VoxelStreaming | null;
  grids: Record<MprView, SliceGrid> | null;
  crosshairLps: Vec3;
  windowWidth: number;
  windowLevel: number;
  presetId: string | null;
  invert: boolean;
  interpolation: 'nearest' | 'linear';
  layout: Layout;
  activeView: ViewId;
  maximised: ViewId | null;
  cameras: Record<MprView, ViewCamera>;
  crosshairsVisible: boolean;
  annotationsVisible: boolean;
  /** Hides patient identifiers in annotations and the study panel (demos, screenshots). */
  anonymise: boolean;
  /** What a left-button drag does in an MPR view. */
  leftDrag: 'crosshair' | 'window';
  vrPreset: VrPresetId;
  clip: ClipBox;
  helpOpen: boolean;
  cursor: CursorReadout | null;
  busy: { label: string; fraction: number | null } | null;
  error: string | null;
  notices: string[];
}

export interface ViewerActions {
  /** Shows a volume; with `streaming`, one whose voxels are still arriving (only the slices it marks are valid). */
  setVolume(volume: LoadedVolume, streaming?: VoxelStreaming | null): void;
  /** More slices of the streaming volume `volumeId` have arrived (ignored for another volume); when all have, streaming ends. */
  voxelsArrived(volumeId: string, slicesLoaded: number): void;
  /** Removes the volume from the viewer (a cancelled or failed open that had already shown it). */
  clearVolume(): void;
  /** Moves the crosshair to an LPS point (clamped to the volume's slice range in every view). */
  setCrosshair(lps: Vec3): void;
  setSliceIndex(view: MprView, index: number): void;
  scroll(view: MprView, delta: number): void;
  setWindow(width: number, level: number): void;
  applyPreset(id: string): void;
  applyAutoWindow(): void;
  toggleInvert(): void;
  zoomBy(view: MprView, factor: number): void;
  panBy(view: MprView, dxMm: number, dyMm: number): void;
  setInterpolation(mode: 'nearest' | 'linear'): void;
  resetView(): void;
  setLayout(layout: Layout): void;
  setActiveView(view: ViewId): void;
  toggleMaximised(view: ViewId): void;
  toggleCrosshairs(): void;
  toggleAnnotations(): void;
  toggleAnonymise(): void;
  setLeftDrag(mode: 'crosshair' | 'window'): void;
  setVrPreset(id: VrPresetId): void;
  setClip(clip: ClipBox): void;
  setHelpOpen(open: boolean): void;
  setCursor(cursor: CursorReadout | null): void;
  setBusy(busy: ViewerState['busy']): void;
  setError(message: string | null): void;
}

export type ViewerStore = ReturnType<typeof createViewerStore>;

const MIN_ZOOM = 0.1;
const MAX_ZOOM = 40;
const fitCameras = (): Record<MprView, ViewCamera> => ({
  axial: { zoom: 1, panMm: [0, 0] },
  coronal: { zoom: 1, panMm: [0, 0] },
  sagittal: { zoom: 1, panMm: [0, 0] },
});

/** Slice index (0-based) and count of a view, or null without a volume. */
export function sliceOf(s: ViewerState, view: MprView): { index: number; count: number } | null {
  const grid = s.grids?.[view];
  return grid ? { index: sliceIndexOf(grid, s.crosshairLps), count: grid.normal.count } : null;
}

/** The views a layout shows (before maximising). */
export function layoutViews(layout: Layout, active: ViewId): ViewId[] {
  if (layout === '1x1') return [active];
  if (layout === '1x3') return ['axial', 'coronal', 'sagittal'];
  return ['axial', 'coronal', 'sagittal', '3d'];
}

function clampToGrids(grids: Record<MprView, SliceGrid>, lps: Vec3): Vec3 {
  let p = lps;
  for (const v of MPR_VIEWS) p = withSliceIndex(grids[v], p, sliceIndexOf(grids[v], p));
  return p;
}

/** Where the crosshair starts on a newly opened volume: its centre, on a slice of every view. */
export function initialCrosshairLps(g: VolumeHeader['geometry']): Vec3 {
  return clampToGrids({ axial: sliceGrid(g, 'axial'), coronal: sliceGrid(g, 'coronal'), sagittal: sliceGrid(g, 'sagittal') }, volumeCentre(g));
}

export function createViewerStore() {
  return createStore<ViewerState & ViewerActions>()((set, get) => ({
    volume: null,
    streaming: null,
    grids: null,
    crosshairLps: [0, 0, 0],
    windowWidth: 400,
    windowLevel: 40,
    presetId: null,
    invert: false,
    interpolation: 'nearest',
    layout: '2x2',
    activeView: 'axial',
    maximised: null,
    cameras: fitCameras(),
    crosshairsVisible: true,
    annotationsVisible: true,
    anonymise: false,
    leftDrag: 'crosshair',
    vrPreset: 'ct-bone',
    clip: [0, 1, 0, 1, 0, 1],
    helpOpen: false,
    cursor: null,
    busy: null,
    error: null,
    notices: [],

    setVolume(volume, streaming = null) {
      const g = volume.header.geometry;
      const grids = { axial: sliceGrid(g, 'axial'), coronal: sliceGrid(g, 'coronal'), sagittal: sliceGrid(g, 'sagittal') };
      const live = streaming && streaming.volumeId === volume.header.volumeId && streaming.slicesLoaded < g.dimensions[2] ? streaming : null;
      const w = defaultWindow(volume.header.modality, windowSample(volume.voxels, g.dimensions, live));
      set({
        volume,
        streaming: live,
        grids,
        crosshairLps: clampToGrids(grids, volumeCentre(g)),
        windowWidth: w.width,
        windowLevel: w.level,
        presetId: volume.header.modality === 'CT' ? 'abdomen' : 'auto',
        cameras: fitCameras(),
        vrPreset: volume.header.modality === 'CT' ? 'ct-bone' : 'mr-default',
        clip: [0, 1, 0, 1, 0, 1],
        cursor: null,
        error: null,
        notices: volume.header.warnings,
      });
    },
    voxelsArrived(volumeId, slicesLoaded) {
      const { volume, streaming, presetId } = get();
      if (!volume || !streaming || streaming.volumeId !== volumeId || volume.header.volumeId !== volumeId) return;
      if (slicesLoaded < volume.header.geometry.dimensions[2]) {
        set({ streaming: { ...streaming, slicesLoaded, version: streaming.version + 1 } });
        return;
      }
      // Complete: an automatic window (not one the user set) is taken again from all the voxels.
      set({ streaming: null });
      if (presetId === 'auto') get().applyAutoWindow();
    },
    clearVolume() {
      set({ volume: null, streaming: null, grids: null, cursor: null, notices: [] });
    },
    setCrosshair(lps) {
      const grids = get().grids;
      if (!grids || !lps.every(Number.isFinite)) return;
      set({ crosshairLps: clampToGrids(grids, lps) });
    },
    setSliceIndex(view, index) {
      const grids = get().grids;
      if (!grids) return;
      set({ crosshairLps: withSliceIndex(grids[view], get().crosshairLps, index) });
    },
    scroll(view, delta) {
      const s = sliceOf(get(), view);
      if (s) get().setSliceIndex(view, s.index + delta);
    },
    setWindow(width, level) {
      if (!Number.isFinite(width) || !Number.isFinite(level)) return;
      set({ windowWidth: Math.max(1e-3, width), windowLevel: level, presetId: null });
    },
    applyPreset(id) {
      if (id === 'auto') return get().applyAutoWindow();
      const p = CT_PRESETS.find((x) => x.id === id);
      if (p) set({ windowWidth: p.widthHu, windowLevel: p.levelHu, presetId: p.id });
    },
    applyAutoWindow() {
      const v = get().volume;
      if (!v) return;
      const w = autoWindow(windowSample(v.voxels, v.header.geometry.dimensions, get().streaming));
      set({ windowWidth: w.width, windowLevel: w.level, presetId: 'auto' });
    },
    toggleInvert() {
      set({ invert: !get().invert });
    },
    zoomBy(view, factor) {
      if (!(factor > 0)) return;
      const c = get().cameras;
      const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, c[view].zoom * factor));
      set({ cameras: { ...c, [view]: { ...c[view], zoom } } });
    },
    panBy(view, dx, dy) {
      const c = get().cameras;
      const [x, y] = c[view].panMm;
      set({ cameras: { ...c, [view]: { ...c[view], panMm: [x + dx, y + dy] } } });
    },
    setInterpolation(mode) {
      set({ interpolation: mode });
    },
    resetView() {
      const v = get().volume;
      if (!v) return;
      const w = defaultWindow(v.header.modality, windowSample(v.voxels, v.header.geometry.dimensions, get().streaming));
      set({ cameras: fitCameras(), windowWidth: w.width, windowLevel: w.level, presetId: v.header.modality === 'CT' ? 'abdomen' : 'auto', invert: false, clip: [0, 1, 0, 1, 0, 1] });
    },
    setLayout(layout) {
      set({ layout, maximised: null });
    },
    setActiveView(view) {
      if (get().activeView !== view) set({ activeView: view });
    },
    toggleMaximised(view) {
      set({ maximised: get().maximised === view ? null : view, activeView: view });
    },
    toggleCrosshairs() {
      set({ crosshairsVisible: !get().crosshairsVisible });
    },
    toggleAnnotations() {
      set({ annotationsVisible: !get().annotationsVisible });
    },
    toggleAnonymise() {
      set({ anonymise: !get().anonymise });
    },
    setLeftDrag(mode) {
      set({ leftDrag: mode });
    },
    setVrPreset(id) {
      if (VR_PRESETS.some((p) => p.id === id)) set({ vrPreset: id });
    },
    setClip(clip) {
      const c = clip.map((v) => Math.min(1, Math.max(0, v))) as ClipBox;
      for (let a = 0; a < 6; a += 2) if (c[a]! > c[a + 1]!) return;
      set({ clip: c });
    },
    setHelpOpen(open) {
      set({ helpOpen: open });
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
