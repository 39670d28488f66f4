/** The viewport grid: 1×1, 1×3 or 2×2 (axial, coronal, sagittal, 3D); a maximised view fills it. */
import { useStore } from 'zustand';
import type { SegmentationStore } from '../state/segmentationStore';
import { layoutViews, type ViewerStore, type ViewId } from '../state/viewerStore';
import { MprViewport } from '../viewport/MprViewport';
import type { ToolCursor, ToolPointerHandler } from '../viewport/toolPointer';
import { Volume3DViewport } from '../viewport/Volume3DViewport';

const ALL: ViewId[] = ['axial', 'coronal', 'sagittal', '3d'];

export function ViewerLayout({
  store,
  segStore,
  onToolPointer,
  toolCursor = null,
}: {
  store: ViewerStore;
  segStore: SegmentationStore;
  onToolPointer?: ToolPointerHandler | undefined;
  toolCursor?: ToolCursor;
}) {
  const layout = useStore(store, (s) => s.layout);
  const active = useStore(store, (s) => s.activeView);
  const maximised = useStore(store, (s) => s.maximised);
  const shown = maximised ? [maximised] : layoutViews(layout, active);
  const cls = maximised || layout === '1x1' ? 'grid-1x1' : layout === '1x3' ? 'grid-1x3' : 'grid-2x2';
  // Every view stays mounted (hidden when not shown): no vtk.js context churn when the layout changes.
  return (
    <div className={`viewer-grid ${cls}`} data-testid="viewer-grid" data-layout={maximised ? 'maximised' : layout}>
      {ALL.map((v) => (
        <div key={v} className="viewer-cell" hidden={!shown.includes(v)} style={{ order: shown.indexOf(v) }}>
          {v === '3d' ? <Volume3DViewport store={store} segStore={segStore} /> : <MprViewport view={v} store={store} segStore={segStore} onToolPointer={onToolPointer} toolCursor={toolCursor} />}
        </div>
      ))}
    </div>
  );
}
