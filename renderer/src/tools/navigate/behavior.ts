/**
 * Navigation on an MPR viewport (the tool that is always there: the others
 * take only an unmodified left button): which drag a button starts, what a
 * drag step does, and the wheel. Left: move the crosshair (or window with
 * Ctrl/Alt, or when the left button is set to window); Shift + left or
 * middle: pan; right: zoom; wheel: scroll slices (Ctrl + wheel: zoom).
 */
import type { MprView } from '../../geometry/mprGeometry';
import type { ViewerState, ViewerStore } from '../../state/viewerStore';

export type NavigateDrag = 'crosshair' | 'window' | 'zoom' | 'pan';

export interface ButtonDown {
  button: number;
  shiftKey: boolean;
  ctrlKey: boolean;
  altKey: boolean;
}

export function navigateDragFor(e: ButtonDown, leftDrag: ViewerState['leftDrag']): NavigateDrag {
  if (e.button === 2) return 'zoom';
  if (e.button === 1 || (e.button === 0 && e.shiftKey)) return 'pan';
  if (e.button === 0 && (e.ctrlKey || e.altKey || leftDrag === 'window')) return 'window';
  return 'crosshair';
}

/**
 * One step of a window, zoom or pan drag by (dx, dy) screen pixels; `mmPerPx`
 * is the view's scale (null while it has none: no pan). The crosshair drag
 * follows the pointer itself (the viewport maps it to LPS).
 */
export function navigateStep(store: ViewerStore, view: MprView, drag: Exclude<NavigateDrag, 'crosshair'>, dx: number, dy: number, mmPerPx: number | null): void {
  const s = store.getState();
  if (drag === 'window') s.setWindow(s.windowWidth * Math.exp(dx * 0.005), s.windowLevel - dy * Math.max(1, s.windowWidth) * 0.002);
  else if (drag === 'zoom') s.zoomBy(view, Math.exp(-dy * 0.01));
  else if (mmPerPx !== null) s.panBy(view, -dx * mmPerPx, dy * mmPerPx);
}

/** The wheel on a view: zoom with Ctrl, else one slice per notch. Returns true when it scrolled (the readout then follows). */
export function navigateWheel(store: ViewerStore, view: MprView, e: { ctrlKey: boolean; deltaY: number }): boolean {
  const s = store.getState();
  s.setActiveView(view);
  if (e.ctrlKey) {
    s.zoomBy(view, Math.exp(-e.deltaY * 0.002));
    return false;
  }
  s.scroll(view, e.deltaY > 0 ? 1 : e.deltaY < 0 ? -1 : 0);
  return true;
}
