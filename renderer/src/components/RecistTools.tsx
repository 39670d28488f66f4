/** The RECIST tools of the viewer: the lesion table panel and the calipers it draws on the axial MPR view (one shared lesion store). */
import { useState } from 'react';
import type { SaveAs } from '../app/saveAs';
import type { VoxaClient } from '../client/voxaClient';
import { createLesionTableStore, type LesionTableStore } from '../state/lesionTableStore';
import type { SegmentationStore } from '../state/segmentationStore';
import type { ViewerStore } from '../state/viewerStore';
import { CaliperOverlay } from '../tools/calipers/CaliperOverlay';
import { LesionTable } from './LesionTable';

export function RecistTools({
  client,
  store,
  segStore,
  exportDir,
  saveAs,
  lesions: lesionsIn,
}: {
  client: VoxaClient;
  store: ViewerStore;
  segStore: SegmentationStore;
  exportDir: string | null;
  /** Electron: the report's Save as… (native Save dialog); host mode has the folder field only. */
  saveAs?: SaveAs;
  lesions?: LesionTableStore;
}) {
  const [lesions] = useState(() => lesionsIn ?? createLesionTableStore());
  return (
    <>
      <LesionTable client={client} store={store} segStore={segStore} lesions={lesions} exportDir={exportDir} {...(saveAs ? { saveAs } : {})} />
      <CaliperOverlay store={store} lesions={lesions} view="axial" />
    </>
  );
}
