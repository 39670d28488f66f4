import { useStore } from 'zustand';
import { useWorkstation } from '../app/workstation';
import { sliceOf } from '../state/viewerStore';

const mm = (v: number) => v.toFixed(1);

/** `onCancelLoad`: offered while a volume's voxels are still arriving (stops the open; the half volume leaves the viewer). */
export function StatusBar({ onCancelLoad }: { onCancelLoad?: () => void }) {
  const { store } = useWorkstation();
  const s = useStore(store);
  const axial = sliceOf(s, 'axial');
  const active = s.activeView === '3d' ? null : sliceOf(s, s.activeView);
  return (
    <footer className="statusbar">
      {s.busy ? (
        <span data-testid="status-busy">
          {s.busy.label}… {s.busy.fraction !== null ? `${Math.round(s.busy.fraction * 100)}%` : ''}
          <progress value={s.busy.fraction ?? undefined} max={1} />
          {s.streaming && onCancelLoad && (
            <button className="link" onClick={onCancelLoad} data-testid="cancel-load" title="Stop loading this volume">
              Cancel
            </button>
          )}
        </span>
      ) : null}
      {s.volume && axial ? (
        <>
          <span data-testid="status-slice">
            Slice {axial.index + 1}/{axial.count}
          </span>
          {active && s.activeView !== 'axial' && (
            <span>
              {s.activeView} {active.index + 1}/{active.count}
            </span>
          )}
          <span data-testid="status-wl">
            W {Math.round(s.windowWidth)} L {Math.round(s.windowLevel)}
          </span>
          <span data-testid="status-crosshair" data-lps={JSON.stringify(s.crosshairLps)}>
            ✛ ({mm(s.crosshairLps[0])}, {mm(s.crosshairLps[1])}, {mm(s.crosshairLps[2])})
          </span>
        </>
      ) : null}
      <span className="readout" data-testid="cursor-readout">
        {s.cursor
          ? `LPS (${mm(s.cursor.lps[0])}, ${mm(s.cursor.lps[1])}, ${mm(s.cursor.lps[2])}) mm · voxel [${s.cursor.ijk.join(', ')}] · ${Number.isInteger(s.cursor.value) ? s.cursor.value : s.cursor.value.toFixed(2)}${s.volume?.header.modality === 'CT' ? ' HU' : ''}`
          : ''}
      </span>
      {s.cursor && (
        <span hidden data-testid="cursor-json">
          {JSON.stringify(s.cursor)}
        </span>
      )}
    </footer>
  );
}
