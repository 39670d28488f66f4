/** The axial viewport: vtk.js drawing + mouse/keyboard interaction over the viewer store. */
import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { ViewerStore } from '../state/viewerStore';
import {
  axisDirection,
  displayToLps,
  fitParallelScale,
  sampleAt,
  SCREEN_RIGHT,
  SCREEN_UP,
  sliceCentreLps,
  volumeCentre,
  type ViewState,
} from './axialGeometry';
import { VtkAxialView } from './vtkAxialView';

type Size = { width: number; height: number };

/** The view (centre and scale) derived from the state; the single place that applies zoom and pan. */
export function computeView(state: ReturnType<ViewerStore['getState']>, size: Size): ViewState | null {
  const v = state.volume;
  if (!v || size.height <= 0) return null;
  const g = v.header.geometry;
  const c = volumeCentre(g);
  const slicePoint = sliceCentreLps(g, state.sliceAxis, state.slice);
  const [px, py] = state.panMm;
  return {
    centreLps: [c[0] + px * SCREEN_RIGHT[0] + py * SCREEN_UP[0], c[1] + px * SCREEN_RIGHT[1] + py * SCREEN_UP[1], slicePoint[2]],
    parallelScale: fitParallelScale(g, size.width / size.height) / state.zoom,
  };
}

export function AxialViewport({ store }: { store: ViewerStore }) {
  const containerRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef<VtkAxialView | null>(null);
  const [size, setSize] = useState<Size>({ width: 0, height: 0 });
  const volume = useStore(store, (s) => s.volume);

  // Create and dispose the vtk.js objects with the element.
  useEffect(() => {
    const el = containerRef.current;
    if (!el) return undefined;
    const view = new VtkAxialView(el);
    viewRef.current = view;
    const observer = new ResizeObserver(() => {
      const r = el.getBoundingClientRect();
      view.resize(r.width, r.height);
      setSize({ width: r.width, height: r.height });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      view.dispose();
      viewRef.current = null;
    };
  }, []);

  useEffect(() => {
    if (volume && viewRef.current) viewRef.current.setVolume(volume.header.geometry, volume.voxels);
  }, [volume]);

  // Redraw on every state change.
  useEffect(() => {
    const redraw = () => {
      const s = store.getState();
      const view = computeView(s, size);
      if (!view || !viewRef.current) return;
      viewRef.current.draw({ slice: s.slice, sliceAxis: s.sliceAxis, windowWidth: s.windowWidth, windowLevel: s.windowLevel, interpolation: s.interpolation, view });
    };
    redraw();
    return store.subscribe(redraw);
  }, [store, size, volume]);

  const readoutAt = (clientX: number, clientY: number) => {
    const el = containerRef.current;
    const s = store.getState();
    const view = computeView(s, size);
    if (!el || !view || !s.volume) return;
    const r = el.getBoundingClientRect();
    const g = s.volume.header.geometry;
    const lps = displayToLps(view, size, clientX - r.left, clientY - r.top, sliceCentreLps(g, s.sliceAxis, s.slice), axisDirection(g, s.sliceAxis));
    const sample = sampleAt(g, s.volume.voxels, lps);
    s.setCursor(sample ? { lps, ijk: sample.ijk, value: sample.value } : null);
  };

  const onPointerDown = (e: React.PointerEvent<HTMLDivElement>) => {
    const el = containerRef.current;
    if (!el) return;
    el.setPointerCapture(e.pointerId);
    el.focus();
    const mode = e.button === 2 ? 'zoom' : e.button === 1 || (e.button === 0 && e.shiftKey) ? 'pan' : 'window';
    let lastX = e.clientX;
    let lastY = e.clientY;
    const move = (ev: PointerEvent) => {
      const dx = ev.clientX - lastX;
      const dy = ev.clientY - lastY;
      lastX = ev.clientX;
      lastY = ev.clientY;
      const s = store.getState();
      if (mode === 'window') s.setWindow(s.windowWidth * Math.exp(dx * 0.005), s.windowLevel - dy * Math.max(1, s.windowWidth) * 0.002);
      else if (mode === 'zoom') s.zoomBy(Math.exp(-dy * 0.01));
      else {
        const view = computeView(s, size);
        if (!view) return;
        const mmPerPx = (2 * view.parallelScale) / size.height;
        s.panBy(-dx * mmPerPx, dy * mmPerPx);
      }
    };
    const up = () => {
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', up);
      el.removeEventListener('pointercancel', up);
    };
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
    el.addEventListener('pointercancel', up);
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const s = store.getState();
    const step: Record<string, number> = { ArrowUp: 1, ArrowDown: -1, PageUp: 10, PageDown: -10 };
    if (e.key in step) s.scrollBy(step[e.key] ?? 0);
    else if (e.key === 'Home') s.setSlice(0);
    else if (e.key === 'End') s.setSlice(s.sliceCount - 1);
    else if (e.key === 'r' || e.key === 'R') s.resetView();
    else return;
    e.preventDefault();
  };

  return (
    <div className="viewport" data-testid="axial-viewport">
      <div
        ref={containerRef}
        className="viewport-canvas"
        tabIndex={0}
        onWheel={(e) => store.getState().scrollBy(e.deltaY > 0 ? 1 : e.deltaY < 0 ? -1 : 0)}
        onPointerDown={onPointerDown}
        onPointerMove={(e) => readoutAt(e.clientX, e.clientY)}
        onPointerLeave={() => store.getState().setCursor(null)}
        onContextMenu={(e) => e.preventDefault()}
        onKeyDown={onKeyDown}
      />
      {volume ? (
        <>
          <span className="orient orient-top">A</span>
          <span className="orient orient-bottom">P</span>
          <span className="orient orient-left">R</span>
          <span className="orient orient-right">L</span>
        </>
      ) : (
        <div className="viewport-empty">Open a DICOM folder or a NIfTI file to begin.</div>
      )}
    </div>
  );
}
