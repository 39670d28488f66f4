/**
 * Opens any supported mask file as a {@link Segmentation}: DICOM SEG,
 * RTSTRUCT (needs the image grid) or a NIfTI labelmap; and tells mask files
 * from image files.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { VoxaError } from '../../../common/contract';
import { SEGMENTATION_STORAGE } from '../io/dicom/part10';
import { readDicomSegFile } from './dicomSegRead';
import { nText } from '../io/dicom/naturalValues';
import { readDicomHeader } from '../io/dicom/part10Read';
import { readNiftiLabelmap } from './niftiLabelmap';
import { readRtStructFile, RT_STRUCTURE_SET_STORAGE } from './rtStruct';
import type { Segmentation } from './segmentation';
import type { SourceSeries } from './sourceSeries';

export type MaskKind = 'seg' | 'rtstruct' | 'nifti-labelmap';

/** 'seg' / 'rtstruct' for DICOM mask objects; undefined for anything else (images, folders). NIfTI files are never guessed to be labelmaps. */
export async function dicomMaskKind(file: string): Promise<MaskKind | undefined> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  const header = await readDicomHeader(file);
  const sopClass = nText(header, 'SOPClassUID');
  if (sopClass === SEGMENTATION_STORAGE) return 'seg';
  if (sopClass === RT_STRUCTURE_SET_STORAGE) return 'rtstruct';
  return undefined;
}

export async function readMaskFile(file: string, kind: MaskKind, reference?: SourceSeries): Promise<Segmentation> {
  switch (kind) {
    case 'seg':
      return readDicomSegFile(file, reference);
    case 'rtstruct':
      if (!reference) throw new VoxaError('BAD_REQUEST', `${path.basename(file)}: an RTSTRUCT holds contours; give the image series (--ref) to rasterise them on`);
      return readRtStructFile(file, reference.volume.geometry);
    case 'nifti-labelmap':
      return readNiftiLabelmap(file, reference?.volume.geometry);
  }
}
