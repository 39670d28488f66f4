/**
 * The image series a mask refers to: the volume (through the io loader) plus,
 * for each slice k, the SOP instance that holds it, so SEG frames and RTSTRUCT
 * contours can be mapped to slices by reference, and a SEG written for the
 * volume can reference its source images.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { VoxaError } from '../../../common/contract';
import { lpsToIjk } from '../../../common/geometry/affine';
import type { Vec3, Volume } from '../../../common/volume';
import { readDicomFolder } from '../io/dicom/seriesReader';
import { listFiles } from '../io/dicom/listFiles';
import type { FileAccess } from '../access/pathGrants';
import type { NaturalDataset } from '../io/dicom/part10';
import { readDicomHeader } from '../io/dicom/part10Read';
import { nNumbers, nText } from '../io/dicom/naturalValues';

export interface SourceInstance {
  sopInstanceUid: string;
  sopClassUid: string;
  /** Slice index in the volume. */
  k: number;
  file: string;
}

export interface SourceSeries {
  volume: Volume;
  /** Indexed by k (undefined where no file was found for that slice). */
  instances: (SourceInstance | undefined)[];
  /** The first instance's header (patient, study, series, equipment modules). */
  header: NaturalDataset;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  frameOfReferenceUid: string;
}

/** Loads the image series in `dirOrFile` (a folder, or one file of the series) with its per-slice SOP instances. */
export async function loadSourceSeries(dirOrFile: string, access?: FileAccess): Promise<SourceSeries> {
  const info = await stat(dirOrFile).catch(() => undefined);
  if (!info) throw new VoxaError('NOT_FOUND', `no such file or folder: ${path.basename(dirOrFile)}`);
  const dir = info.isDirectory() ? dirOrFile : path.dirname(dirOrFile);
  const volume = await readDicomFolder(dir, access ? { access } : {});
  const uid = volume.meta.seriesInstanceUid;
  const instances: (SourceInstance | undefined)[] = new Array(volume.geometry.dimensions[2]).fill(undefined);
  let header: NaturalDataset | undefined;
  for (const file of (await listFiles(dir, { maxFiles: 200_000, ...(access ? { access } : {}) })).files) {
    const h = await readDicomHeader(file);
    if (!h || nText(h, 'SeriesInstanceUID') !== uid) continue;
    const ipp = nNumbers(h, 'ImagePositionPatient');
    if (!ipp || ipp.length !== 3) continue;
    const ijk = lpsToIjk(volume.geometry, ipp as Vec3);
    const k = Math.round(ijk[2]);
    if (Math.abs(ijk[2] - k) > 0.05 || k < 0 || k >= instances.length) continue;
    instances[k] = { sopInstanceUid: nText(h, 'SOPInstanceUID'), sopClassUid: nText(h, 'SOPClassUID'), k, file };
    header ??= h;
  }
  if (!header) throw new VoxaError('NOT_FOUND', 'no image of the series could be matched to a slice');
  return {
    volume,
    instances,
    header,
    studyInstanceUid: nText(header, 'StudyInstanceUID'),
    seriesInstanceUid: uid,
    frameOfReferenceUid: nText(header, 'FrameOfReferenceUID'),
  };
}
