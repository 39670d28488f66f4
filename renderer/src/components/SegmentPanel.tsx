/** Segments (colour, visibility, opacity, fill/outline, 3D surfaces) and the 3D view's preset and clipping box. */
import type { ReactNode } from 'react';
import { useStore } from 'zustand';
import { useWorkstation } from '../app/workstation';
import type { ClipBox } from '../state/viewerStore';
import { VR_PRESETS, type VrPresetId } from '../state/volumePresets';

const hex = (c: [number, number, number]) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
const rgb = (h: string): [number, number, number] => [1, 3, 5].map((n) => parseInt(h.slice(n, n + 2), 16)) as [number, number, number];
const AXES = ['i', 'j', 'k'];

export function SegmentPanel({ onOpenLabelmap, children }: { onOpenLabelmap: () => void; children?: ReactNode }) {
  const { store, segStore } = useWorkstation();
  const volume = useStore(store, (s) => s.volume);
  const vrPreset = useStore(store, (s) => s.vrPreset);
  const clip = useStore(store, (s) => s.clip);
  const segmentation = useStore(segStore, (s) => s.segmentation);
  const rep = useStore(segStore, (s) => s.representation);
  const seg = segStore.getState();
  if (!volume) return <aside className="segment-panel" />;
  const setClip = (n: number, v: number) => {
    const c = [...clip] as ClipBox;
    c[n] = v;
    store.getState().setClip(c);
  };
  return (
    <aside className="segment-panel" data-testid="segment-panel">
      <h2>Segments</h2>
      <button onClick={onOpenLabelmap} data-testid="open-labelmap">
        Open labelmap…
      </button>
      {children}
      <ul className="segment-list" hidden={children !== undefined}>
        {(children === undefined ? (segmentation?.segments ?? []) : []).map((s) => (
          <li key={s.label} data-testid={`segment-${s.label}`}>
            <input type="checkbox" checked={s.visible} onChange={(e) => seg.updateSegment(s.label, { visible: e.target.checked })} aria-label={`Show ${s.name}`} />
            <input type="color" value={hex(s.colour)} onChange={(e) => seg.updateSegment(s.label, { colour: rgb(e.target.value) })} aria-label={`Colour of ${s.name}`} />
            <span>{s.name}</span>
          </li>
        ))}
      </ul>
      <label>
        Opacity
        <input type="range" min={0} max={1} step={0.05} value={rep.opacity} onChange={(e) => seg.setRepresentation({ opacity: Number(e.target.value) })} data-testid="segment-opacity" />
      </label>
      <label>
        <select value={rep.mode} onChange={(e) => seg.setRepresentation({ mode: e.target.value === 'outline' ? 'outline' : 'fill' })} data-testid="segment-mode">
          <option value="fill">Fill</option>
          <option value="outline">Outline</option>
        </select>
        <input type="checkbox" checked={rep.show3d} onChange={(e) => seg.setRepresentation({ show3d: e.target.checked })} /> 3D surfaces
      </label>
      <h2>3D</h2>
      <select value={vrPreset} onChange={(e) => store.getState().setVrPreset(e.target.value as VrPresetId)} data-testid="vr-preset">
        {VR_PRESETS.map((p) => (
          <option key={p.id} value={p.id}>
            {p.label}
          </option>
        ))}
      </select>
      <div className="clip">
        {AXES.map((name, a) => (
          <div key={name} className="clip-row">
            <span className="small">{name}</span>
            <input type="range" min={0} max={1} step={0.01} value={clip[a * 2]} onChange={(e) => setClip(a * 2, Number(e.target.value))} aria-label={`Clip ${name} low`} />
            <input type="range" min={0} max={1} step={0.01} value={clip[a * 2 + 1]} onChange={(e) => setClip(a * 2 + 1, Number(e.target.value))} aria-label={`Clip ${name} high`} />
          </div>
        ))}
      </div>
    </aside>
  );
}
