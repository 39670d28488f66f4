import { useStore } from 'zustand';
import { useWorkstation } from '../app/workstation';
import type { Layout } from '../state/viewerStore';
import { CT_PRESETS } from '../state/windowPresets';

interface Props {
  nativeDialogs: boolean;
  onOpenDicom: () => void;
  onOpenNifti: () => void;
  onBrowse: () => void;
}

const LAYOUTS: { id: Layout; label: string }[] = [
  { id: '1x1', label: '1×1' },
  { id: '1x3', label: '1×3' },
  { id: '2x2', label: '2×2' },
];

export function Toolbar({ nativeDialogs, onOpenDicom, onOpenNifti, onBrowse }: Props) {
  const { store } = useWorkstation();
  const volume = useStore(store, (s) => s.volume);
  const interpolation = useStore(store, (s) => s.interpolation);
  const presetId = useStore(store, (s) => s.presetId);
  const layout = useStore(store, (s) => s.layout);
  const invert = useStore(store, (s) => s.invert);
  const crosshairs = useStore(store, (s) => s.crosshairsVisible);
  const anonymise = useStore(store, (s) => s.anonymise);
  const leftDrag = useStore(store, (s) => s.leftDrag);
  const s = store.getState();
  return (
    <header className="toolbar">
      <span className="brand">Voxa</span>
      {nativeDialogs ? (
        <>
          <button onClick={onOpenDicom}>Open DICOM folder…</button>
          <button onClick={onOpenNifti}>Open NIfTI…</button>
        </>
      ) : (
        <button data-testid="open-button" onClick={onBrowse}>
          Open…
        </button>
      )}
      <span className="group" role="group" aria-label="Layout">
        {LAYOUTS.map((l) => (
          <button key={l.id} className={layout === l.id ? 'on' : ''} onClick={() => s.setLayout(l.id)} data-testid={`layout-${l.id}`}>
            {l.label}
          </button>
        ))}
      </span>
      <span className="sep" />
      <label>
        Window
        <select data-testid="preset-select" disabled={!volume} value={presetId ?? ''} onChange={(e) => s.applyPreset(e.target.value)}>
          <option value="" disabled>
            Custom
          </option>
          {CT_PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.key} {p.label} ({p.widthHu}/{p.levelHu})
            </option>
          ))}
          <option value="auto">0 Auto (histogram)</option>
        </select>
      </label>
      <button disabled={!volume} className={leftDrag === 'window' ? 'on' : ''} onClick={() => s.setLeftDrag(leftDrag === 'crosshair' ? 'window' : 'crosshair')} title="Left drag: crosshair or window/level (W)">
        {leftDrag === 'crosshair' ? '✛ Crosshair' : '◐ W/L'}
      </button>
      <button disabled={!volume} className={crosshairs ? 'on' : ''} onClick={() => s.toggleCrosshairs()} title="Show crosshairs (C)" data-testid="toggle-crosshairs">
        Lines
      </button>
      <button disabled={!volume} className={invert ? 'on' : ''} onClick={() => s.toggleInvert()} title="Invert (I)">
        Invert
      </button>
      <button disabled={!volume} onClick={() => s.setInterpolation(interpolation === 'nearest' ? 'linear' : 'nearest')} title="Interpolation (L)">
        {interpolation === 'nearest' ? 'Nearest' : 'Linear'}
      </button>
      <button className={anonymise ? 'on' : ''} onClick={() => s.toggleAnonymise()} title="Hide patient identifiers (Shift+P)" data-testid="toggle-anonymise">
        Anonymise
      </button>
      <button disabled={!volume} onClick={() => s.resetView()} title="Reset zoom, pan and window (R)">
        Reset
      </button>
      <button onClick={() => s.setHelpOpen(true)} title="Keyboard and mouse (?)" data-testid="help-button">
        ?
      </button>
    </header>
  );
}
