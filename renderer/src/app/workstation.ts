/**
 * The workstation context: the client, the stores and the segment editor,
 * made once by the root component (App.tsx) and reached by any component
 * with `useWorkstation()` instead of being handed down through props.
 */
import { createContext, useContext } from 'react';
import type { SegmentEditor } from '../actions/segmentEditing';
import type { VoxaClient } from '../client/voxaClient';
import type { LesionTableStore } from '../state/lesionTableStore';
import type { PacsStore } from '../state/pacsStore';
import type { SegmentationStore } from '../state/segmentationStore';
import type { StudyListStore } from '../state/studyListStore';
import type { ViewerStore } from '../state/viewerStore';
import type { EditToolStore } from '../tools/toolStore';

export interface Workstation {
  client: VoxaClient;
  /** The viewer: volume, crosshair, cameras, display, layout. */
  store: ViewerStore;
  /** The renderer's copy of the segmentation (main's is authoritative). */
  segStore: SegmentationStore;
  studies: StudyListStore;
  /** The segmentation tools' state. */
  tools: EditToolStore;
  editor: SegmentEditor;
  /** RECIST lesions and their calipers. */
  lesions: LesionTableStore;
  pacs: PacsStore;
}

export const WorkstationContext = createContext<Workstation | null>(null);

export function useWorkstation(): Workstation {
  const w = useContext(WorkstationContext);
  if (!w) throw new Error('useWorkstation outside the workstation (App) provider');
  return w;
}
