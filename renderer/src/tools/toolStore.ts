/**
 * State of the segmentation tools (no React, no vtk.js): the active tool,
 * brush size and shape, the selected segment, whether a click starts a new
 * lesion or refines the selected one, the model, and what the services last
 * reported (history, per-segment statistics, a running prompt).
 *
 * Each tool's own part is a slice in its folder (brush/state.ts,
 * point/state.ts); keys are in toolKeys.ts.
 */
import { createStore } from 'zustand/vanilla';
import type { SegmentStats } from '../../../common/contract/channels/segment';
import { brushSlice, type BrushActions, type BrushState } from './brush/state';
import { pointSlice, type PointActions, type PointState } from './point/state';

export type EditTool = 'navigate' | 'point' | 'box' | 'brush' | 'eraser';

export interface HistoryView {
  items: { id: number; name: string; applied: boolean }[];
  position: number;
}

export interface EditToolState extends BrushState, PointState {
  tool: EditTool;
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

export interface EditToolActions extends BrushActions, PointActions {
  setTool(tool: EditTool): void;
  setTarget(target: 'new' | 'refine'): void;
  select(label: number | null): void;
  setModel(id: string): void;
  setSession(volumeId: string | null, history: HistoryView, stats: SegmentStats[]): void;
  setError(message: string | null): void;
  setNotice(message: string | null): void;
}

export type EditToolStore = ReturnType<typeof createEditToolStore>;

export function createEditToolStore() {
  return createStore<EditToolState & EditToolActions>()((set, get) => ({
    tool: 'navigate',
    ...brushSlice(set, get),
    ...pointSlice(set),
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
