/** The RECIST tools of the viewer: the lesion table panel and the calipers it draws on the axial MPR view (one shared lesion store). */
import { useState } from 'react';
import type { VoxaClient } from '../client/voxaClient';
import { createLesionTableStore, type LesionTableStore } from '../state/lesionTableStore';
import type { SegmentationStore } from '../state/segmentationStore';
import type { ViewerStore } from '../state/viewerStore';
import { CaliperOverlay } from '../tools/calipers/CaliperOverlay';
import { LesionTable } from './LesionTable';

export function RecistTools({ client, store, segStore, exportDir, lesions: lesionsIn }: { client: VoxaClient; store: ViewerStore; segStore: SegmentationStore; exportDir: string | null; lesions?: LesionTableStore }) {
  const [lesions] = useState(() => lesionsIn ?? createLesionTableStore());
  return (
    <>
      <LesionTable client={client} store={store} segStore={segStore} lesions={lesions} exportDir={exportDir} />
      <CaliperOverlay store={store} lesions={lesions} view="axial" />
    </>
  );
}
