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
import { MPR_VIEWS, sliceGrid, sliceIndexOf, volumeCentre, withSliceIndex, type MprView, type SliceGrid } from '../viewport/mprGeometry';
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
  setVolume(volume: LoadedVolume): void;
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
export type ViewerSnapshot = ViewerState & ViewerActions;

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

export function createViewerStore() {
  return createStore<ViewerState & ViewerActions>()((set, get) => ({
    volume: null,
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

    setVolume(volume) {
      const g = volume.header.geometry;
      const grids = { axial: sliceGrid(g, 'axial'), coronal: sliceGrid(g, 'coronal'), sagittal: sliceGrid(g, 'sagittal') };
      const w = defaultWindow(volume.header.modality, volume.voxels);
      set({
        volume,
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
      const w = autoWindow(v.voxels);
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
      const w = defaultWindow(v.header.modality, v.voxels);
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
