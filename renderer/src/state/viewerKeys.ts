/**
 * Keyboard and mouse conventions: one table, used both by the key handler and
 * by the help overlay (`?`), so the two cannot disagree.
 */
import { SEGMENT_SHORTCUTS } from '../tools/toolKeys';
import type { SegmentationStore } from './segmentationStore';
import type { ViewerStore, ViewId } from './viewerStore';
import { AUTO_WINDOW_KEY, CT_PRESETS } from './windowPresets';

export interface Shortcut {
  keys: string;
  action: string;
}

export const KEYBOARD_SHORTCUTS: Shortcut[] = [
  { keys: '↑ / ↓', action: 'Next / previous slice in the active view' },
  { keys: 'Page Up / Page Down', action: 'Ten slices forward / back' },
  { keys: 'Home / End', action: 'First / last slice' },
  ...CT_PRESETS.map((p) => ({ keys: p.key, action: `${p.label} window (W ${p.widthHu} / L ${p.levelHu})` })),
  { keys: AUTO_WINDOW_KEY, action: 'Automatic window (histogram 1st–99.5th percentile; MR default)' },
  { keys: 'I', action: 'Invert grey levels' },
  { keys: 'L', action: 'Nearest / linear interpolation' },
  { keys: 'R', action: 'Reset zoom, pan, window and clipping' },
  { keys: 'C', action: 'Show / hide crosshairs' },
  { keys: 'A', action: 'Show / hide corner annotations' },
  { keys: 'Shift+P', action: 'Hide / show patient identifiers (demos, screenshots)' },
  { keys: 'W', action: 'Left drag: crosshair ↔ window/level' },
  { keys: 'F', action: 'Maximise / restore the active view' },
  { keys: 'Shift+1 / Shift+3 / Shift+4', action: 'Layout 1×1 / 1×3 / 2×2' },
  { keys: 'O', action: 'Labelmap: fill ↔ outline' },
  ...SEGMENT_SHORTCUTS,
  { keys: '?', action: 'This help' },
  { keys: 'Esc', action: 'Close dialogs and this help' },
];

export const MOUSE_CONVENTIONS: Shortcut[] = [
  { keys: 'Left click / drag', action: 'Move the crosshair (the other views follow)' },
  { keys: 'Ctrl/Alt + left drag', action: 'Window/level (horizontal: width, vertical: level)' },
  { keys: 'Right drag', action: 'Zoom' },
  { keys: 'Middle drag / Shift + left drag', action: 'Pan' },
  { keys: 'Wheel', action: 'Scroll slices' },
  { keys: 'Ctrl + wheel', action: 'Zoom' },
  { keys: 'Double-click', action: 'Maximise / restore a view' },
  { keys: '3D: left / right / middle drag', action: 'Rotate / zoom / pan' },
];

/** Applies a key press; returns true when it was handled. */
export function handleViewerKey(store: ViewerStore, segStore: SegmentationStore, e: { key: string; shiftKey: boolean; ctrlKey: boolean; metaKey: boolean }): boolean {
  const s = store.getState();
  if (e.key === '?') {
    s.setHelpOpen(!s.helpOpen);
    return true;
  }
  if (e.key === 'Escape') {
    if (!s.helpOpen) return false;
    s.setHelpOpen(false);
    return true;
  }
  if (e.ctrlKey || e.metaKey || !s.volume) return false;
  const view: ViewId = s.activeView;
  const mpr = view === '3d' ? 'axial' : view;
  const step: Record<string, number> = { ArrowUp: 1, ArrowDown: -1, PageUp: 10, PageDown: -10 };
  if (e.key in step) s.scroll(mpr, step[e.key] ?? 0);
  else if (e.key === 'Home') s.setSliceIndex(mpr, 0);
  else if (e.key === 'End') s.setSliceIndex(mpr, Number.MAX_SAFE_INTEGER);
  else if (e.shiftKey && (e.key === '!' || e.key === '#' || e.key === '$')) s.setLayout(e.key === '!' ? '1x1' : e.key === '#' ? '1x3' : '2x2');
  else if (e.key === AUTO_WINDOW_KEY) s.applyAutoWindow();
  else if (CT_PRESETS.some((p) => p.key === e.key)) s.applyPreset(CT_PRESETS.find((p) => p.key === e.key)!.id);
  else {
    switch (e.key.toLowerCase()) {
      case 'i':
        s.toggleInvert();
        break;
      case 'l':
        s.setInterpolation(s.interpolation === 'nearest' ? 'linear' : 'nearest');
        break;
      case 'r':
        s.resetView();
        break;
      case 'c':
        s.toggleCrosshairs();
        break;
      case 'a':
        s.toggleAnnotations();
        break;
      case 'p':
        // Plain P is the point prompt (editToolStore).
        if (!e.shiftKey) return false;
        s.toggleAnonymise();
        break;
      case 'w':
        s.setLeftDrag(s.leftDrag === 'crosshair' ? 'window' : 'crosshair');
        break;
      case 'f':
        s.toggleMaximised(view);
        break;
      case 'o': {
        const r = segStore.getState();
        r.setRepresentation({ mode: r.representation.mode === 'fill' ? 'outline' : 'fill' });
        break;
      }
      default:
        return false;
    }
  }
  return true;
}
