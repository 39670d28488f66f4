/**
 * RECIST calipers drawn over the MPR views: each lesion's long and short
 * axis (automatic, or the reader's manual caliper, labelled "manual") where
 * the caliper lies on the displayed slice. Endpoints are draggable: a drag
 * turns the caliper manual and its length follows the endpoints in mm.
 * Rendered through a portal into the viewport element, positioned with the
 * same view mapping as the image (mprGeometry computeView / lpsToDisplay).
 * Over a lesion short on screen the handles are smaller and the labels sit
 * outside it with a leader line (caliperLabels.ts). A caliper measured on the
 * slice of an oblique acquisition is shown projected, dashed, on the view
 * slice through its middle (caliperOnView.ts). The gesture is state.ts's;
 * what a press, move and release do is behavior.ts's.
 */
import { useEffect, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { createPortal } from 'react-dom';
import { useStore } from 'zustand';
import { dot } from '../../../../common/geometry/affine';
import type { Vec3 } from '../../../../common/volume';
import { useWorkstation } from '../../app/workstation';
import { shownCaliper } from '../../state/lesionTableStore';
import { movePointer, pressEndpoint, pressView, release } from './behavior';
import { caliperLayout, labelWidthPx, LINE_PX, type CaliperLayout } from './caliperLabels';
import { caliperOnView, tiltFromViewDeg } from './caliperOnView';
import { IDLE, type CaliperGesture } from './state';
import { computeView, displayToLps, lpsToDisplay, PLANE_AXES, stepAlong, type MprView, type Size } from '../../geometry/mprGeometry';

export function CaliperOverlay({ view = 'axial' }: { view?: MprView }) {
  const { store, lesions } = useWorkstation();
  const volume = useStore(store, (s) => s.volume);
  const crosshair = useStore(store, (s) => s.crosshairLps);
  const camera = useStore(store, (s) => s.cameras[view]);
  const layout = useStore(store, (s) => `${s.layout}|${s.maximised ?? ''}`);
  const rows = useStore(lesions, (s) => s.lesions);
  const selected = useStore(lesions, (s) => s.selected);
  const drawing = useStore(lesions, (s) => s.drawing);
  const [gesture, setGesture] = useState<CaliperGesture>(IDLE);
  const [host, setHost] = useState<{ el: HTMLElement; size: Size } | null>(null);

  // Find the viewport element and follow its size.
  useEffect(() => {
    const el = document.querySelector<HTMLElement>(`[data-testid="${view}-viewport"]`);
    if (!el) return;
    // The observer reports the first size at once, then every change.
    const obs = new ResizeObserver(() => {
      const r = (el.querySelector('.viewport-canvas') ?? el).getBoundingClientRect();
      setHost({ el, size: { width: r.width, height: r.height } });
    });
    obs.observe(el);
    return () => obs.disconnect();
  }, [view, volume, layout]);

  if (!volume || !host || !host.el.isConnected || host.size.height <= 0) return null;
  const g = volume.header.geometry;
  const vs = computeView(g, view, crosshair, host.size, camera.zoom, camera.panMm);
  const normal = PLANE_AXES[view].normal;
  const planeMm = dot(crosshair, normal);
  const halfStep = stepAlong(g, normal) / 2;
  const mmPerPx = (2 * vs.parallelScale) / host.size.height;

  const shapes: { id: string; which: 'long' | 'short'; a: [number, number]; b: [number, number]; manual: boolean; lengthMm: number; tiltDeg: number | null }[] = [];
  for (const r of rows) {
    for (const which of ['long', 'short'] as const) {
      const shown = shownCaliper(r, which);
      if (!shown || shown.caliper.lengthMm <= 0) continue;
      const { startLps, endLps, lengthMm } = shown.caliper;
      const placement = caliperOnView(startLps, endLps, normal, planeMm, halfStep);
      if (!placement) continue;
      const tiltDeg = placement === 'projected' ? tiltFromViewDeg(startLps, endLps, normal) : null;
      shapes.push({ id: r.id, which, a: lpsToDisplay(vs, host.size, startLps), b: lpsToDisplay(vs, host.size, endLps), manual: shown.manual, lengthMm, tiltDeg });
    }
  }

  const labelText = (s: (typeof shapes)[number]) => `${s.which === 'short' ? 'short' : s.id} ${s.lengthMm.toFixed(1)} mm${s.manual ? ' (manual)' : ''}`;
  // One layout per lesion, from its long axis on screen (else the short one): both calipers share handles' size and label place,
  // with room for the wider of the two labels.
  const textPx = (id: string) => Math.max(...shapes.filter((x) => x.id === id).map((x) => labelWidthPx(labelText(x))));
  const layouts = new Map<string, CaliperLayout>();
  const othersOf = (s: (typeof shapes)[number]) => shapes.filter((x) => x.id === s.id && x !== s).flatMap((x) => [x.a, x.b]);
  for (const s of [...shapes].sort((x, y) => (x.which === 'long' ? -1 : 1) - (y.which === 'long' ? -1 : 1))) if (!layouts.has(s.id)) layouts.set(s.id, caliperLayout(s.a, s.b, host.size, textPx(s.id), othersOf(s)));

  const toLps = (e: ReactPointerEvent | PointerEvent): Vec3 => {
    const rect = (host.el.querySelector('.viewport-canvas') ?? host.el).getBoundingClientRect();
    return displayToLps(vs, host.size, e.clientX - rect.left, e.clientY - rect.top, crosshair);
  };

  return createPortal(
    <svg
      className="caliper-overlay"
      width={host.size.width}
      height={host.size.height}
      data-testid={`${view}-calipers`}
      data-mm-per-px={mmPerPx.toFixed(4)}
      onPointerDown={(e) => {
        const draft = pressView(drawing !== null, toLps(e));
        if (!draft) return;
        e.stopPropagation();
        e.currentTarget.setPointerCapture(e.pointerId);
        setGesture(draft);
      }}
      onPointerMove={(e) => {
        if (gesture.kind !== 'idle') setGesture(movePointer(gesture, lesions, toLps(e)));
      }}
      onPointerUp={() => setGesture(release(gesture, lesions))}
      style={{ pointerEvents: gesture.kind === 'drag' || drawing ? 'all' : 'none', cursor: drawing ? 'crosshair' : undefined }}
    >
      {gesture.kind === 'draft' && (() => {
        const [x1, y1] = lpsToDisplay(vs, host.size, gesture.a);
        const [x2, y2] = lpsToDisplay(vs, host.size, gesture.b);
        return <line className="caliper-draft" x1={x1} y1={y1} x2={x2} y2={y2} data-testid="caliper-draft" />;
      })()}
      {shapes.map((s) => {
        const key = `${s.id}-${s.which}`;
        const layout = layouts.get(s.id) ?? caliperLayout(s.a, s.b, host.size, textPx(s.id), othersOf(s));
        const cls = `caliper ${s.which}${s.manual ? ' manual' : ''}${selected === s.id ? ' selected' : ''}${layout.small ? ' small' : ''}${s.tiltDeg !== null ? ' projected' : ''}`;
        // The long axis's label takes the first line; the short axis's the second (beside the axis, or beside the leader).
        const labelY = layout.label[1] + (s.which === 'short' ? LINE_PX : 0);
        const labelX = layout.label[0];
        return (
          <g key={key} className={cls} data-testid={`caliper-${key}`} data-small={layout.small} data-x1={s.a[0].toFixed(2)} data-y1={s.a[1].toFixed(2)} data-x2={s.b[0].toFixed(2)} data-y2={s.b[1].toFixed(2)} data-length-mm={s.lengthMm.toFixed(2)} data-manual={s.manual} data-projected={s.tiltDeg !== null}>
            {s.tiltDeg !== null && <title>{`Measured on the acquired slice, ${s.tiltDeg.toFixed(0)}° from this view: drawn projected; the length is the measured one`}</title>}
            {/* a dark halo under the line: a yellow caliper over a yellow segment (or bright bone) stays visible */}
            <line className="caliper-halo" x1={s.a[0]} y1={s.a[1]} x2={s.b[0]} y2={s.b[1]} style={{ stroke: 'rgba(0, 0, 0, 0.7)', strokeWidth: layout.small ? 2.5 : 3.5, strokeDasharray: 'none' }} />
            <line className="caliper-axis" x1={s.a[0]} y1={s.a[1]} x2={s.b[0]} y2={s.b[1]} />
            {(['start', 'end'] as const).map((end) => {
              const p = end === 'start' ? s.a : s.b;
              return (
                <circle
                  key={end}
                  cx={p[0]}
                  cy={p[1]}
                  r={layout.handleR}
                  style={{ pointerEvents: 'all', cursor: 'move' }}
                  data-testid={`caliper-${key}-${end}`}
                  onPointerDown={(e) => {
                    e.stopPropagation();
                    (e.currentTarget.ownerSVGElement as SVGSVGElement).setPointerCapture(e.pointerId);
                    setGesture(pressEndpoint(lesions, s.id, s.which, end));
                  }}
                />
              );
            })}
            {layout.leader && (s.which === 'long' || !shapes.some((x) => x.id === s.id && x.which === 'long')) && (
              <line className="caliper-leader" x1={layout.leader.from[0]} y1={layout.leader.from[1]} x2={layout.leader.to[0]} y2={layout.leader.to[1]} data-testid={`caliper-${key}-leader`} />
            )}
            {/* the long and short axes cross at the lesion's centre: their labels sit on two lines */}
            <text x={labelX} y={labelY} textAnchor={layout.anchor} data-testid={`caliper-${key}-label`}>
              {labelText(s)}
            </text>
          </g>
        );
      })}
    </svg>,
    host.el,
  );
}
