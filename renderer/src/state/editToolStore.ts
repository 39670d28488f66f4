/**
 * State of the segmentation tools (no React, no vtk.js): the active tool,
 * brush size and shape, the selected segment, whether a click starts a new
 * lesion or refines the selected one, the model, and what the services last
 * reported (history, per-segment statistics, a running prompt).
 *
 * Keys (`handleSegmentKey`) and their help rows (`SEGMENT_SHORTCUTS`) live
 * here too, in one table, like the viewer's.
 */
import { createStore } from 'zustand/vanilla';
import type { SegmentStats } from '../../../common/contract/channels/segment';

export type EditTool = 'navigate' | 'point' | 'box' | 'brush' | 'eraser';

export interface HistoryView {
  items: { id: number; name: string; applied: boolean }[];
  position: number;
}

export interface EditToolState {
  tool: EditTool;
  brushRadiusMm: number;
  brushShape: 'disc' | 'sphere';
  /** Threshold-limited brush: only voxels within ± this many HU of the first clicked voxel; null = off. */
  brushToleranceHu: number | null;
  /** A plain click adds a negative point (a toggle, for one-button mice). */
  negativeClicks: boolean;
  /** What a point or box does: start a new lesion, or refine the selected segment. */
  target: 'new' | 'refine';
  selected: number | null;
  modelId: string;
  history: HistoryView;
  stats: SegmentStats[];
  /** The volume whose session the history and stats describe. */
  volumeId: string | null;
  error: string | null;
  /** A calm line for the user (what was restored from the journal), cleared by the next action. */
  notice: string | null;
}

export interface EditToolActions {
  setTool(tool: EditTool): void;
  /** Multiplies the brush radius by `factor` (clamped to 0.5–100 mm). */
  scaleBrush(factor: number): void;
  setBrushRadius(mm: number): void;
  setBrushShape(shape: 'disc' | 'sphere'): void;
  setBrushTolerance(hu: number | null): void;
  setNegativeClicks(on: boolean): void;
  setTarget(target: 'new' | 'refine'): void;
  select(label: number | null): void;
  setModel(id: string): void;
  setSession(volumeId: string | null, history: HistoryView, stats: SegmentStats[]): void;
  setError(message: string | null): void;
  setNotice(message: string | null): void;
}

export type EditToolStore = ReturnType<typeof createEditToolStore>;

export const MIN_BRUSH_MM = 0.5;
export const MAX_BRUSH_MM = 100;

export function createEditToolStore() {
  return createStore<EditToolState & EditToolActions>()((set, get) => ({
    tool: 'navigate',
    brushRadiusMm: 5,
    brushShape: 'disc',
    brushToleranceHu: null,
    negativeClicks: false,
    target: 'new',
    selected: null,
    modelId: 'classical',
    history: { items: [], position: 0 },
    stats: [],
    volumeId: null,
    error: null,
    notice: null,

    setTool(tool) {
      set({ tool: get().tool === tool && tool !== 'navigate' ? 'navigate' : tool });
    },
    scaleBrush(factor) {
      get().setBrushRadius(get().brushRadiusMm * factor);
    },
    setBrushRadius(mm) {
      if (!Number.isFinite(mm)) return;
      set({ brushRadiusMm: Math.round(Math.min(MAX_BRUSH_MM, Math.max(MIN_BRUSH_MM, mm)) * 10) / 10 });
    },
    setBrushShape(brushShape) {
      set({ brushShape });
    },
    setBrushTolerance(hu) {
      set({ brushToleranceHu: hu === null || !(hu >= 0) ? null : hu });
    },
    setNegativeClicks(negativeClicks) {
      set({ negativeClicks });
    },
    setTarget(target) {
      set({ target });
    },
    select(selected) {
      set({ selected });
    },
    setModel(modelId) {
      set({ modelId });
    },
    setSession(volumeId, history, stats) {
      const selected = get().selected;
      const exists = selected !== null && stats.some((s) => s.label === selected);
      set({ volumeId, history, stats, ...(exists ? {} : { selected: null, target: 'new' as const }) });
    },
    setNotice(notice) {
      set({ notice });
    },
    setError(error) {
      set({ error });
    },
  }));
}

export interface Shortcut {
  keys: string;
  action: string;
}

export const SEGMENT_SHORTCUTS: Shortcut[] = [
  { keys: 'P', action: 'Point prompt: click a lesion (Ctrl/Alt/⌘ + click: negative point)' },
  { keys: 'X', action: 'Box prompt: drag a box around a lesion' },
  { keys: 'N', action: 'Next prompt starts a new lesion ↔ refines the selected segment' },
  { keys: 'B / E', action: 'Brush / eraser on the selected segment (Shift + drag still pans)' },
  { keys: '[ / ]', action: 'Smaller / larger brush' },
  { keys: 'Ctrl+Z / Ctrl+Shift+Z (Ctrl+Y)', action: 'Undo / redo (prompts and edits)' },
  { keys: 'Esc (with a tool)', action: 'Back to navigation (crosshair)' },
];

export interface SegmentKeyActions {
  undo(): void;
  redo(): void;
}

/** Applies a segmentation key; returns true when handled. Runs before the viewer's keys. */
export function handleSegmentKey(tools: EditToolStore, actions: SegmentKeyActions, e: { key: string; shiftKey: boolean; ctrlKey: boolean; metaKey: boolean; altKey?: boolean }): boolean {
  const t = tools.getState();
  const mod = e.ctrlKey || e.metaKey;
  if (mod && !e.altKey) {
    const k = e.key.toLowerCase();
    if (k === 'z') {
      if (e.shiftKey) actions.redo();
      else actions.undo();
      return true;
    }
    if (k === 'y') {
      actions.redo();
      return true;
    }
    return false;
  }
  if (e.altKey || mod) return false;
  switch (e.key) {
    case '[':
      t.scaleBrush(1 / 1.25);
      return true;
    case ']':
      t.scaleBrush(1.25);
      return true;
    case 'Escape':
      if (t.tool === 'navigate') return false;
      t.setTool('navigate');
      return true;
  }
  if (e.shiftKey) return false;
  switch (e.key.toLowerCase()) {
    case 'p':
      t.setTool('point');
      return true;
    case 'x':
      t.setTool('box');
      return true;
    case 'b':
      t.setTool('brush');
      return true;
    case 'e':
      t.setTool('eraser');
      return true;
    case 'n':
      t.setTarget(t.target === 'new' && t.selected !== null ? 'refine' : 'new');
      return true;
    default:
      return false;
  }
}
