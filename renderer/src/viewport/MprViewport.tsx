/**
 * One MPR viewport (axial, coronal or sagittal): vtk.js drawing, the SVG
 * crosshair, tool overlay and annotations, and the mouse: the active editing
 * tool takes an unmodified left button (tools/toolHandler.ts), navigation
 * the rest (tools/navigate/behavior.ts).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { dot } from '../../../common/geometry/affine';
import { useWorkstation } from '../app/workstation';
import { colourTable } from '../state/segmentationStore';
import { sliceOf } from '../state/viewerStore';
import { RubberBand, type RubberBandPx } from '../tools/box/render';
import { BrushCursor } from '../tools/brush/render';
import { navigateDragFor, navigateStep, navigateWheel } from '../tools/navigate/behavior';
import { Crosshair } from '../tools/navigate/render';
import { computeView, displayToLps, edgeLabels, lpsToDisplay, PLANE_AXES, sampleAt, scaleBarMm, type MprView, type Size } from '../geometry/mprGeometry';
import type { ToolCursor, ToolPointerHandler } from '../tools/toolPointer';
import { VtkMprView } from './vtkMprView';
import { planeLoadKey } from './unloadedSlices';
import { studyName } from '../state/studyName';

const TITLES: Record<MprView, string> = { axial: 'Axial', coronal: 'Coronal', sagittal: 'Sagittal' };

/** For benchmarks and e2e: the live vtk views by name. */
export const liveMprViews = new Map<MprView, VtkMprView>();

export function MprViewport({
  view,
  onToolPointer,
  toolCursor = null,
}: {
  view: MprView;
  /** The active editing tool's handler for the left button (prompts, brush); absent: navigation only. */
  onToolPointer?: ToolPointerHandler | undefined;
  toolCursor?: ToolCursor;
}) {
  const { store, segStore } = useWorkstation();
  const containerRef = useRef<HTMLDivElement>(null);
  const [rubberBand, setRubberBand] = useState<RubberBandPx | null>(null);
  const [hover, setHover] = useState<{ x: number; y: number } | null>(null);
  const vtkRef = useRef<VtkMprView | null>(null);
  const [size, setSize] = useState<Size>({ width: 0, height: 0 });
  const volume = useStore(store, (s) => s.volume);
  const crosshair = useStore(store, (s) => s.crosshairLps);
  const camera = useStore(store, (s) => s.cameras[view]);
  const showCrosshair = useStore(store, (s) => s.crosshairsVisible);
  const showAnnotations = useStore(store, (s) => s.annotationsVisible);
  const anonymise = useStore(store, (s) => s.anonymise);
  const ww = useStore(store, (s) => s.windowWidth);
  const wl = useStore(store, (s) => s.windowLevel);
  const sliceIndex = useStore(store, (s) => sliceOf(s, view)?.index ?? 0);
  const sliceCount = useStore(store, (s) => sliceOf(s, view)?.count ?? 0);
  const active = useStore(store, (s) => s.activeView === view);
  const streamPercent = useStore(store, (s) => (s.streaming && s.volume ? Math.floor((100 * s.streaming.slicesLoaded) / s.volume.header.geometry.dimensions[2]) : null));

  useEffect(() => {
    const el = containerRef.current;
    if (!el) return undefined;
    const v = new VtkMprView(el);
    vtkRef.current = v;
    liveMprViews.set(view, v);
    const observer = new ResizeObserver(() => {
      const r = el.getBoundingClientRect();
      v.resize(r.width, r.height);
      setSize({ width: r.width, height: r.height });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      if (liveMprViews.get(view) === v) liveMprViews.delete(view);
      v.dispose();
      vtkRef.current = null;
    };
  }, [view]);

  // Draw from the stores on every change (image, overlay, display, camera).
  useEffect(() => {
    const draw = () => {
      const v = vtkRef.current;
      const s = store.getState();
      if (!v || !s.volume || !s.grids || size.height <= 0) return;
      const g = s.volume.header.geometry;
      const grid = s.grids[view];
      v.setGrid(grid);
      const normalMm = dot(s.crosshairLps, grid.axes.normal);
      const streaming = s.streaming?.volumeId === s.volume.header.volumeId ? s.streaming : null;
      v.updateImage(
        {
          key: s.volume.header.volumeId,
          // While streaming, only the arrival of slices under this view's plane changes its image (planeLoadKey).
          revision: streaming ? `streaming-${planeLoadKey(g, grid, normalMm, streaming.sliceLoaded)}` : 'complete',
          geometry: g,
          voxels: s.volume.voxels,
          outside: s.volume.header.valueRange[0],
          sliceLoaded: streaming?.sliceLoaded ?? null,
        },
        normalMm,
        s.interpolation,
      );
      const seg = segStore.getState();
      const rep = seg.representation;
      const segmentation = seg.segmentation;
      v.updateOverlay(
        // Without segments, or without a labelled voxel yet, there is nothing to draw (no labelmap reslice per slice change).
        segmentation?.labels && segmentation.volumeId === s.volume.header.volumeId && segmentation.segments.length > 0
          ? {
              key: `${segmentation.version}|${segmentation.segments.map((x) => `${x.label}:${x.colour.join(',')}:${x.visible}:${x.opacity ?? 1}`).join(';')}`,
              labels: segmentation.labels,
              table: colourTable(segmentation.segments, 1),
              mode: rep.mode,
              opacity: rep.opacity,
            }
          : null,
        g,
        normalMm,
      );
      v.setDisplay(s.windowWidth, s.windowLevel, s.invert, s.interpolation);
      v.setCamera(computeView(g, view, s.crosshairLps, size, s.cameras[view].zoom, s.cameras[view].panMm));
    };
    draw();
    const off1 = store.subscribe(draw);
    const off2 = segStore.subscribe(draw);
    return () => {
      off1();
      off2();
    };
  }, [store, segStore, view, size, volume]);

  const viewState = useMemo(
    () => (volume && size.height > 0 ? computeView(volume.header.geometry, view, crosshair, size, camera.zoom, camera.panMm) : null),
    [volume, view, crosshair, size, camera],
  );

  const toLps = (clientX: number, clientY: number) => {
    const el = containerRef.current;
    if (!el || !viewState) return null;
    const r = el.getBoundingClientRect();
    return displayToLps(viewState, size, clientX - r.left, clientY - r.top, store.getState().crosshairLps);
  };

  const readoutAt = (clientX: number, clientY: number) => {
    const s = store.getState();
    const lps = toLps(clientX, clientY);
    if (!lps || !s.volume) return;
    const sample = sampleAt(s.volume.header.geometry, s.volume.voxels, lps);
    // A slice still on its way has no value to show.
    const missing = sample && s.streaming ? s.streaming.sliceLoaded[sample.ijk[2]] !== 1 : false;
    s.setCursor(sample && !missing ? { lps, ijk: sample.ijk, value: sample.value } : null);
  };

  const onPointerDown = (e: React.PointerEvent<HTMLDivElement>) => {
    const el = containerRef.current;
    if (!el) return;
    el.setPointerCapture(e.pointerId);
    el.focus();
    const s0 = store.getState();
    s0.setActiveView(view);
    if (e.button === 0 && !e.shiftKey && onToolPointer) {
      const lps = toLps(e.clientX, e.clientY);
      const drag = lps ? onToolPointer({ view, lps, negative: e.ctrlKey || e.altKey || e.metaKey }) : null;
      if (drag) {
        const r = el.getBoundingClientRect();
        const x0 = e.clientX - r.left;
        const y0 = e.clientY - r.top;
        const toolMove = (ev: PointerEvent) => {
          const p = toLps(ev.clientX, ev.clientY);
          if (p) drag.move(p);
          if (drag.kind === 'box') setRubberBand({ x0, y0, x1: ev.clientX - r.left, y1: ev.clientY - r.top });
        };
        const toolUp = (ev: PointerEvent) => {
          el.removeEventListener('pointermove', toolMove);
          el.removeEventListener('pointerup', toolUp);
          el.removeEventListener('pointercancel', toolUp);
          setRubberBand(null);
          drag.up(ev.type === 'pointercancel' ? null : toLps(ev.clientX, ev.clientY));
        };
        el.addEventListener('pointermove', toolMove);
        el.addEventListener('pointerup', toolUp);
        el.addEventListener('pointercancel', toolUp);
        return;
      }
    }
    const mode = navigateDragFor(e, s0.leftDrag);
    const moveCrosshair = (x: number, y: number) => {
      const lps = toLps(x, y);
      if (lps) store.getState().setCrosshair(lps);
    };
    if (mode === 'crosshair') moveCrosshair(e.clientX, e.clientY);
    let lastX = e.clientX;
    let lastY = e.clientY;
    const move = (ev: PointerEvent) => {
      const dx = ev.clientX - lastX;
      const dy = ev.clientY - lastY;
      lastX = ev.clientX;
      lastY = ev.clientY;
      if (mode === 'crosshair') moveCrosshair(ev.clientX, ev.clientY);
      else navigateStep(store, view, mode, dx, dy, viewState ? (2 * viewState.parallelScale) / size.height : null);
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

  const onWheel = (e: React.WheelEvent) => {
    // After a scroll the pointer lies over another slice: the readout follows (it showed the previous slice's voxel).
    if (navigateWheel(store, view, e)) readoutAt(e.clientX, e.clientY);
  };

  const labels = edgeLabels(PLANE_AXES[view]);
  const h = volume?.header;
  const cross = viewState ? lpsToDisplay(viewState, size, crosshair) : null;
  const mmPerPx = viewState ? (2 * viewState.parallelScale) / size.height : 0;
  const barMm = mmPerPx > 0 ? scaleBarMm(size.width * 0.25 * mmPerPx) : 0;
  const positionMm = volume ? dot(crosshair, PLANE_AXES[view].normal) : 0;

  return (
    <div className={`viewport${active ? ' active' : ''}`} data-testid={`${view}-viewport`} onDoubleClick={() => store.getState().toggleMaximised(view)}>
      <div
        ref={containerRef}
        className="viewport-canvas"
        tabIndex={0}
        onWheel={onWheel}
        onPointerDown={onPointerDown}
        onPointerMove={(e) => {
          readoutAt(e.clientX, e.clientY);
          if (toolCursor) {
            const r = e.currentTarget.getBoundingClientRect();
            setHover({ x: e.clientX - r.left, y: e.clientY - r.top });
          }
        }}
        onPointerLeave={() => {
          store.getState().setCursor(null);
          setHover(null);
        }}
        onContextMenu={(e) => e.preventDefault()}
      />
      {volume && cross ? (
        <>
          {showCrosshair && <Crosshair view={view} size={size} at={cross} />}
          {(rubberBand || (toolCursor && hover && mmPerPx > 0)) && (
            <svg className="tool-overlay" width={size.width} height={size.height} data-testid={`${view}-tool-overlay`}>
              {rubberBand && <RubberBand band={rubberBand} />}
              {toolCursor && hover && mmPerPx > 0 && <BrushCursor at={hover} radiusMm={toolCursor.radiusMm} mmPerPx={mmPerPx} />}
            </svg>
          )}
          {streamPercent !== null && (
            <div className="stream-badge" data-testid={`${view}-streaming`}>
              Receiving voxels {streamPercent} %
            </div>
          )}
          <span className="orient orient-top" data-testid={`${view}-orient-top`}>{labels.top}</span>
          <span className="orient orient-bottom" data-testid={`${view}-orient-bottom`}>{labels.bottom}</span>
          <span className="orient orient-left" data-testid={`${view}-orient-left`}>{labels.left}</span>
          <span className="orient orient-right" data-testid={`${view}-orient-right`}>{labels.right}</span>
          {showAnnotations && h && (
            <>
              <div className="corner corner-tl" data-testid={`${view}-corner-tl`}>
                {!anonymise && (
                  <>
                    <div>{studyName(h, volume?.source, false)}</div>
                    <div>{h.patientId ? `ID ${h.patientId}` : ''}</div>
                    <div>{h.studyDate || ''}</div>
                  </>
                )}
              </div>
              <div className="corner corner-tr">
                <div>{TITLES[view]}</div>
                <div>{h.modality} {h.description}</div>
              </div>
              <div className="corner corner-bl" data-testid={`${view}-slice`}>
                Slice {sliceIndex + 1}/{sliceCount} · {positionMm.toFixed(1)} mm
              </div>
              <div className="corner corner-br">
                W {Math.round(ww)} L {Math.round(wl)}
              </div>
              {barMm > 0 && (
                <div className="scale-bar" style={{ width: barMm / mmPerPx }} data-testid={`${view}-scale-bar`}>
                  <span>{barMm >= 10 ? `${barMm / 10} cm` : `${barMm} mm`}</span>
                </div>
              )}
            </>
          )}
        </>
      ) : (
        !volume && <div className="viewport-empty">{TITLES[view]}</div>
      )}
    </div>
  );
}
