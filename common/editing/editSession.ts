/**
 * The editing state of one volume: the labelmap, the segment list, the
 * prompt state and the undo/redo history, changed only by the five events
 * below. The same events are what the journal records and replays, so a
 * restored session is the live session, event for event.
 */
import { VoxaError } from '../contract/errors';
import type { Vec3 } from '../volume';
import { applyEdit, revertEdit, validateEditDelta } from '../labelmap/editDelta';
import { checkLabelmap, type Labelmap } from '../labelmap/labelmap';
import { createHistory, pushStep, redoStep, undoStep, type EditHistory, type HistoryLimits, type HistoryStep, type PromptState, type SegmentMeta } from './history';

export type SessionEvent =
  | { kind: 'step'; step: HistoryStep }
  | { kind: 'undo' }
  | { kind: 'redo' }
  | { kind: 'segments'; segments: SegmentMeta[] }
  | { kind: 'prompts'; prompts: PromptState };

export interface EditSessionState {
  dims: Vec3;
  labels: Labelmap;
  segments: SegmentMeta[];
  prompts: PromptState;
  history: EditHistory;
}

export function createSessionState(dims: Vec3, labels: Labelmap, limits: Partial<HistoryLimits> = {}): EditSessionState {
  checkLabelmap(labels, dims);
  return { dims: [...dims], labels, segments: [], prompts: null, history: createHistory(limits) };
}

/**
 * Applies one event to the state (the labelmap in place). Returns false for an
 * undo or redo with nothing to do (a no-op); throws BAD_REQUEST for a step
 * whose delta does not fit the labelmap (and changes nothing).
 */
export function applySessionEvent(s: EditSessionState, e: SessionEvent): boolean {
  switch (e.kind) {
    case 'step': {
      const problem = validateEditDelta(e.step.delta, s.dims);
      if (problem) throw new VoxaError('BAD_REQUEST', `bad edit delta: ${problem}`);
      applyEdit(s.labels, e.step.delta);
      s.history = pushStep(s.history, e.step);
      if (e.step.segments) s.segments = e.step.segments.after;
      if (e.step.prompts) s.prompts = e.step.prompts.after;
      return true;
    }
    case 'undo': {
      const u = undoStep(s.history);
      if (!u) return false;
      revertEdit(s.labels, u.entry.delta);
      s.history = u.history;
      if (u.entry.segments) s.segments = u.entry.segments.before;
      if (u.entry.prompts) s.prompts = u.entry.prompts.before;
      return true;
    }
    case 'redo': {
      const r = redoStep(s.history);
      if (!r) return false;
      applyEdit(s.labels, r.entry.delta);
      s.history = r.history;
      if (r.entry.segments) s.segments = r.entry.segments.after;
      if (r.entry.prompts) s.prompts = r.entry.prompts.after;
      return true;
    }
    case 'segments':
      s.segments = e.segments;
      return true;
    case 'prompts':
      s.prompts = e.prompts;
      return true;
  }
}
