/**
 * The segmentation tools' keys (`handleSegmentKey`) and their help rows
 * (`SEGMENT_SHORTCUTS`), in one table like the viewer's (state/viewerKeys.ts).
 */
import type { EditToolStore } from './toolStore';

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
