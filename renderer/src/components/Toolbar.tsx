import { useStore } from 'zustand';
import { CT_PRESETS } from '../state/windowPresets';
import type { ViewerStore } from '../state/viewerStore';

interface Props {
  store: ViewerStore;
  nativeDialogs: boolean;
  onOpenDicom: () => void;
  onOpenNifti: () => void;
  onBrowse: () => void;
}

export function Toolbar({ store, nativeDialogs, onOpenDicom, onOpenNifti, onBrowse }: Props) {
  const volume = useStore(store, (s) => s.volume);
  const interpolation = useStore(store, (s) => s.interpolation);
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
      <span className="sep" />
      <label>
        Window
        <select data-testid="preset-select" disabled={!volume} defaultValue="" onChange={(e) => s.applyPreset(e.target.value)}>
          <option value="" disabled>
            CT preset
          </option>
          {CT_PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label} ({p.widthHu}/{p.levelHu})
            </option>
          ))}
        </select>
      </label>
      <button disabled={!volume} onClick={() => s.setInterpolation(interpolation === 'nearest' ? 'linear' : 'nearest')}>
        {interpolation === 'nearest' ? 'Nearest' : 'Linear'}
      </button>
      <button disabled={!volume} onClick={() => s.resetView()} title="Reset zoom, pan and window (R)">
        Reset
      </button>
    </header>
  );
}
