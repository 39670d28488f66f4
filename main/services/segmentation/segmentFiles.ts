/**
 * Export and import of a session's segmentation with the mask writers and
 * readers of main/services/masks: DICOM SEG (referencing the source series,
 * optionally de-identified with the PS3.15 basic profile) and NIfTI labelmaps
 * with their JSON sidecar. Writes are atomic (temp file + rename).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { VoxaError } from '../../../common/contract';
import { deidentifyDataset, UidMapper } from '../deid/deidentify';
import { encodeDict } from '../io/dicom/part10';
import { writeFileAtomic } from '../io/atomicWrite';
import { readPart10Dicts } from '../io/dicom/part10Read';
import type { FileAccess } from '../access/pathGrants';
import { encodeDicomSeg } from '../masks/dicomSegWrite';
import { dicomMaskKind, readMaskFile, type MaskKind } from '../masks/maskFiles';
import { readNiftiLabelmap, writeNiftiLabelmap } from '../masks/niftiLabelmap';
import { fromLabelmap, sameGrid, segmentVoxelCount, type SegmentInfo, type Segmentation } from '../masks/segmentation';
import { lesionSegmentInfo } from '../masks/segmentCodes';
import { loadSourceSeries, type SourceSeries } from '../masks/sourceSeries';
import type { SegmentSession } from './segmentSession';

/** The session's non-empty segments as a mask-file segmentation. */
export function sessionSegmentation(session: SegmentSession): Segmentation {
  const present = session.segments().filter((s) => session.voxelCount(s.label) > 0);
  if (present.length === 0) throw new VoxaError('BAD_REQUEST', 'there is nothing to export: every segment is empty');
  const keep = new Uint8Array(256);
  for (const s of present) keep[s.label] = 1;
  const labels = session.state.labels;
  const filtered = labels.slice();
  for (let n = 0; n < filtered.length; n++) if (!keep[filtered[n] as number]) filtered[n] = 0;
  const infos: SegmentInfo[] = present.map((s) => ({ ...lesionSegmentInfo(s.label, s.name), colorRgb: [...s.colour] as [number, number, number], algorithmType: 'SEMIAUTOMATIC', algorithmName: 'Voxa' }));
  return fromLabelmap(session.volume.geometry, filtered, infos);
}

async function sourceOf(session: SegmentSession, sourcePath: string | null, access?: FileAccess): Promise<SourceSeries> {
  if (session.volume.meta.sourceFormat !== 'dicom' || !sourcePath) throw new VoxaError('UNSUPPORTED', 'DICOM SEG references a DICOM series; this volume was not opened from DICOM (export a NIfTI labelmap instead)');
  const source = await loadSourceSeries(sourcePath, access);
  if (!sameGrid(source.volume.geometry, session.volume.geometry)) throw new VoxaError('CORRUPT_INPUT', 'the DICOM series on disk no longer matches the open volume');
  return source;
}

export async function exportSegmentation(
  session: SegmentSession,
  sourcePath: string | null,
  file: string,
  format: 'dicom-seg' | 'nifti',
  deidentify: boolean,
  access?: FileAccess,
  /** The installation's de-identification key (deid/projectDeidKey), so the SEG references the de-identified study. */
  deidKey?: string,
): Promise<{ path: string; bytes: number; segments: number }> {
  const seg = sessionSegmentation(session);
  if (format === 'nifti') {
    if (!/\.nii(\.gz)?$/i.test(file)) throw new VoxaError('BAD_REQUEST', 'a NIfTI labelmap file name must end in .nii or .nii.gz');
    // A NIfTI labelmap carries no patient data (geometry, labels; names in the sidecar): nothing to de-identify.
    await writeNiftiLabelmap(seg, file);
  } else {
    const source = await sourceOf(session, sourcePath, access);
    let bytes = encodeDicomSeg(seg, source, { seriesDescription: 'Voxa segmentation', contentLabel: 'VOXA', contentCreator: deidentify ? '' : 'Voxa' });
    if (deidentify) {
      const { meta, dict } = readPart10Dicts(bytes);
      deidentifyDataset(meta, dict, new UidMapper(deidKey));
      bytes = encodeDict(meta, dict);
    }
    await writeFileAtomic(file, bytes);
  }
  return { path: file, bytes: (await stat(file)).size, segments: seg.segments.length };
}

/** Reads a mask file on the session's grid and adds its segments. */
export async function importSegmentation(session: SegmentSession, sourcePath: string | null, file: string, access?: FileAccess) {
  let kind: MaskKind | undefined = await dicomMaskKind(file);
  if (!kind && /\.nii(\.gz)?$/i.test(file)) kind = 'nifti-labelmap';
  if (!kind) throw new VoxaError('UNSUPPORTED', `${path.basename(file)} is not a DICOM SEG, RTSTRUCT or NIfTI labelmap`);
  const reference = kind === 'nifti-labelmap' ? undefined : session.volume.meta.sourceFormat === 'dicom' && sourcePath ? await loadSourceSeries(sourcePath, access) : undefined;
  const seg = kind === 'nifti-labelmap' ? await readNiftiLabelmap(file, session.volume.geometry) : await readMaskFile(file, kind, reference);
  if (!sameGrid(seg.geometry, session.volume.geometry)) throw new VoxaError('BAD_REQUEST', `${path.basename(file)} is not on the image grid of the open volume`);
  const threshold = seg.kind === 'FRACTIONAL' ? seg.maxFractionalValue / 2 : 1;
  const masks = seg.segments
    .filter((s) => segmentVoxelCount(s, seg.kind, seg.maxFractionalValue) > 0)
    .map((s) => {
      const mask = seg.kind === 'BINARY' ? s.mask : Uint8Array.from(s.mask, (v) => (v >= threshold && v > 0 ? 1 : 0));
      return { number: s.number, name: s.label, ...(s.colorRgb ? { colour: [...s.colorRgb] as [number, number, number] } : {}), mask };
    });
  if (masks.length === 0) throw new VoxaError('BAD_REQUEST', `${path.basename(file)} holds no segment with voxels`);
  return session.addMasks(masks);
}
