/** The viewport grid: 1×1, 1×3 or 2×2 (axial, coronal, sagittal, 3D); a maximised view fills it. */
import { useMemo } from 'react';
import { useStore } from 'zustand';
import { useWorkstation } from '../app/workstation';
import { layoutViews, type ViewId } from '../state/viewerStore';
import { segmentToolHandler } from '../tools/toolHandler';
import { MprViewport } from '../viewport/MprViewport';
import { Volume3DViewport } from '../viewport/Volume3DViewport';

const ALL: ViewId[] = ['axial', 'coronal', 'sagittal', '3d'];

export function ViewerLayout() {
  const { store, tools, editor } = useWorkstation();
  const toolHandler = useMemo(() => segmentToolHandler(editor), [editor]);
  const tool = useStore(tools, (s) => s.tool);
  const brushRadiusMm = useStore(tools, (s) => s.brushRadiusMm);
  /** The volume's voxels are still arriving: tools that need all of them wait. */
  const streaming = useStore(store, (s) => s.streaming !== null);
  // The active editing tool takes the left button (navigation keeps the rest); the brush and eraser show their cursor.
  const onToolPointer = tool === 'navigate' || streaming ? undefined : toolHandler;
  const toolCursor = tool === 'brush' || tool === 'eraser' ? { radiusMm: brushRadiusMm } : null;
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
          {v === '3d' ? <Volume3DViewport /> : <MprViewport view={v} onToolPointer={onToolPointer} toolCursor={toolCursor} />}
        </div>
      ))}
    </div>
  );
}
