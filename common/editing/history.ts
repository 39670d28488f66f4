/**
 * Undo/redo history (pure, immutable): a list of named steps and a position
 * (the number of steps currently applied). Pushing after an undo drops the
 * redo tail. A cap on memory (bytes of deltas and attached state) and on the
 * number of steps evicts the oldest steps first; the newest step is always
 * kept, however large.
 *
 * A step carries the labelmap delta and, when it changed them, the segment
 * list and the prompt state before and after — so undoing "Click +" also
 * takes the click back (prompt-level undo).
 */
import { z } from 'zod';
import { type EditDelta, editDeltaBytes } from '../labelmap/editDelta';

/** Names shown in the history panel. */
export const STEP_NAMES = {
  clickPositive: 'Click +',
  clickNegative: 'Click −',
  box: 'Box',
  maskPrompt: 'Mask prompt',
  brush: 'Brush',
  erase: 'Erase',
  thresholdBrush: 'Threshold brush',
  fill: 'Fill',
  fillHoles: 'Fill holes',
  removeIslands: 'Remove islands',
  interpolate: 'Interpolate',
  smooth: 'Smooth',
  newSegment: 'New segment',
  deleteSegment: 'Delete segment',
  importMask: 'Import mask',
} as const;

export const segmentMetaSchema = z.object({
  label: z.number().int().min(1).max(65535),
  name: z.string().max(256),
  colour: z.tuple([z.number().int().min(0).max(255), z.number().int().min(0).max(255), z.number().int().min(0).max(255)]),
  visible: z.boolean(),
  locked: z.boolean(),
  opacity: z.number().min(0).max(1).optional(),
  snomedCode: z.string().max(64).optional(),
});
export type SegmentMeta = z.infer<typeof segmentMetaSchema>;
export const segmentListSchema = z.array(segmentMetaSchema).max(65535);

/** Prompts are owned by the prompt tools; history and journal keep them as opaque JSON. */
export type PromptState = unknown;

export interface HistoryStep {
  name: string;
  delta: EditDelta;
  segments?: { before: SegmentMeta[]; after: SegmentMeta[] };
  prompts?: { before: PromptState; after: PromptState };
  /** Wall-clock time of the step (ms since the epoch). */
  at: number;
}

export interface HistoryEntry extends HistoryStep {
  /** Increasing id, unique within a history. */
  id: number;
  /** Memory charged to the cap. */
  bytes: number;
}

export interface HistoryLimits {
  maxBytes: number;
  maxEntries: number;
}

export const DEFAULT_HISTORY_LIMITS: HistoryLimits = { maxBytes: 256 * 1024 * 1024, maxEntries: 500 };

export interface EditHistory {
  readonly entries: readonly HistoryEntry[];
  /** Steps applied: entries[0 .. position) are done, entries[position ..) can be redone. */
  readonly position: number;
  readonly bytes: number;
  readonly nextId: number;
  readonly limits: HistoryLimits;
}

export function createHistory(limits: Partial<HistoryLimits> = {}): EditHistory {
  const l = { ...DEFAULT_HISTORY_LIMITS, ...limits };
  if (!(l.maxBytes > 0) || !(Number.isInteger(l.maxEntries) && l.maxEntries >= 1)) throw new RangeError('history limits must be positive');
  return { entries: [], position: 0, bytes: 0, nextId: 1, limits: l };
}

function jsonBytes(v: unknown): number {
  return v === undefined ? 0 : 2 * (JSON.stringify(v)?.length ?? 0);
}

export function stepBytes(s: HistoryStep): number {
  return editDeltaBytes(s.delta) + 2 * s.name.length + (s.segments ? jsonBytes(s.segments.before) + jsonBytes(s.segments.after) : 0) + (s.prompts ? jsonBytes(s.prompts.before) + jsonBytes(s.prompts.after) : 0);
}

/** Adds a step after the current position (dropping any redo tail), then enforces the caps. */
export function pushStep(h: EditHistory, step: HistoryStep): EditHistory {
  const entry: HistoryEntry = { ...step, id: h.nextId, bytes: stepBytes(step) };
  const entries = [...h.entries.slice(0, h.position), entry];
  let bytes = entries.reduce((s, e) => s + e.bytes, 0);
  let drop = 0;
  while (entries.length - drop > 1 && (bytes > h.limits.maxBytes || entries.length - drop > h.limits.maxEntries)) {
    bytes -= (entries[drop] as HistoryEntry).bytes;
    drop++;
  }
  const kept = entries.slice(drop);
  return { entries: kept, position: kept.length, bytes, nextId: h.nextId + 1, limits: h.limits };
}

export function canUndo(h: EditHistory): boolean {
  return h.position > 0;
}

export function canRedo(h: EditHistory): boolean {
  return h.position < h.entries.length;
}

/** The step to revert and the history after it, or null when there is nothing to undo. */
export function undoStep(h: EditHistory): { history: EditHistory; entry: HistoryEntry } | null {
  if (!canUndo(h)) return null;
  return { history: { ...h, position: h.position - 1 }, entry: h.entries[h.position - 1] as HistoryEntry };
}

/** The step to re-apply and the history after it, or null when there is nothing to redo. */
export function redoStep(h: EditHistory): { history: EditHistory; entry: HistoryEntry } | null {
  if (!canRedo(h)) return null;
  return { history: { ...h, position: h.position + 1 }, entry: h.entries[h.position] as HistoryEntry };
}

/** What a history panel shows: step names, which are applied, and the position. */
export function historyView(h: EditHistory): { items: { id: number; name: string; applied: boolean }[]; position: number } {
  return { items: h.entries.map((e, n) => ({ id: e.id, name: e.name, applied: n < h.position })), position: h.position };
}
