/** The RECIST tools of the viewer: the lesion table panel and the calipers it draws on the axial MPR view (one shared lesion store). */
import type { SaveAs } from '../actions/saveAs';
import { CaliperOverlay } from '../tools/caliper/render';
import { LesionTable } from './LesionTable';

export function RecistTools({
  exportDir,
  saveAs,
}: {
  exportDir: string | null;
  /** Electron: the report's Save as… (native Save dialog); host mode has the folder field only. */
  saveAs?: SaveAs;
}) {
  return (
    <>
      <LesionTable exportDir={exportDir} {...(saveAs ? { saveAs } : {})} />
      <CaliperOverlay view="axial" />
    </>
  );
}
