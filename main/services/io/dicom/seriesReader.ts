/**
 * A folder of DICOM files → series → {@link Volume} in LPS.
 *
 * Scan (seriesScan.ts; one file: fileScan.ts, dicomFile.ts): every file below
 * the folder is read up to its pixel data (header only) and described: image
 * frames with their geometry, or the reason it is skipped (not DICOM, damaged,
 * SR/SEG/RTSTRUCT..., unsupported). Frames are grouped by SeriesInstanceUID,
 * orientation, matrix size and a split key (enhanced stack / frame type /
 * temporal position, echo); a group whose frames repeat positions is split by
 * occurrence (several volumes in one series).
 *
 * Load: slices are ordered by the projection of their position on the slice
 * normal (never file name or InstanceNumber); the slice spacing is the median
 * of the position differences, not SliceThickness (which is the slab thickness,
 * often different from the spacing). Gaps, non-uniform spacing and gantry tilt
 * are reported as warnings (seriesLayout.ts). Compressed frames decode in
 * worker threads (pixelDecode.ts).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { VoxaError } from '../../../../common/contract';
import type { Modality, Volume, VoxelDType } from '../../../../common/volume';
import { bytesPerVoxel } from '../../../../common/volume';
import { DEFAULT_IO_LIMITS, formatBytes, type IoLimits } from '../limits';
import { scanDicomFile } from './fileScan';
import { allocVoxels, decodeInto, type RangeGuard } from './pixelDecode';
import { chooseDtype, declaredDtype, seriesLayout } from './seriesLayout';
import { scanDicomFolder, splitRepeatedPositions, type DicomSeries, type ScanOptions } from './seriesScan';

export interface LoadOptions {
  limits?: IoLimits;
  signal?: AbortSignal;
}

/** Builds a volume from one series (all frames of one orientation and matrix size). */
export async function seriesToVolume(series: DicomSeries, options: LoadOptions | IoLimits = {}): Promise<Volume> {
  const opts: LoadOptions = 'maxVoxelBytes' in options ? { limits: options } : options;
  const limits = opts.limits ?? DEFAULT_IO_LIMITS;
  const first = series.frames[0];
  if (!first) throw new VoxaError('NOT_FOUND', 'the series has no image frames');
  const ni = series.columns;
  const nj = series.rows;
  const nk = series.frames.length;
  const sliceVoxels = ni * nj;
  const choice = chooseDtype(series);
  let dtype = choice.dtype;
  const checkSize = (d: VoxelDType) => {
    const totalBytes = sliceVoxels * nk * bytesPerVoxel(d);
    if (totalBytes > limits.maxVoxelBytes) throw new VoxaError('TOO_LARGE', `${ni}×${nj}×${nk} voxels (${formatBytes(totalBytes)}) exceed the ${formatBytes(limits.maxVoxelBytes)} limit`);
  };
  checkSize(dtype);
  const { sorted, geometry, warnings } = seriesLayout(series);

  let voxels = allocVoxels(dtype, sliceVoxels * nk);
  const guard: RangeGuard | undefined = choice.optimistic ? { overflow: false } : undefined;
  await decodeInto(sorted, voxels, ni, nj, opts.signal, guard);
  if (guard?.overflow) {
    // A value beyond int16: decode again in the type the header's range needs (rare: metal in CT).
    dtype = declaredDtype(series);
    checkSize(dtype);
    voxels = allocVoxels(dtype, sliceVoxels * nk);
    await decodeInto(sorted, voxels, ni, nj, opts.signal);
  }

  const modality = first.image.modality;
  const known: Modality[] = ['CT', 'MR', 'PT', 'US'];
  return {
    geometry,
    dtype,
    voxels,
    meta: {
      modality: (known as string[]).includes(modality) ? (modality as Modality) : 'OT',
      sourceFormat: 'dicom',
      description: series.description,
      patientName: first.image.patientName,
      patientId: first.image.patientId,
      studyDate: first.image.studyDate,
      ...(first.image.bodyPart ? { bodyPart: first.image.bodyPart } : {}),
      ...(first.image.contrastAgent ? { contrastAgent: first.image.contrastAgent } : {}),
      ...(first.image.sliceThickness && first.image.sliceThickness > 0 ? { sliceThicknessMm: first.image.sliceThickness } : {}),
      seriesInstanceUid: series.seriesInstanceUid,
      warnings,
    },
  };
}

/** Loads the largest image series below `dir`; skipped files and other series are reported as warnings. */
export async function readDicomFolder(dir: string, options: ScanOptions = {}): Promise<Volume> {
  let info;
  try {
    info = await stat(dir);
  } catch {
    throw new VoxaError('NOT_FOUND', `no such folder: ${path.basename(dir)}`);
  }
  if (!info.isDirectory()) throw new VoxaError('BAD_REQUEST', 'expected a folder of DICOM files');
  const scan = await scanDicomFolder(dir, options);
  // A file was opened: its own series (a folder of several series used to open the first one instead).
  const wanted = options.seriesOf;
  const series = wanted ? scan.series.find((s) => s.frames.some((f) => f.image.absPath === wanted)) : scan.series[0];
  if (wanted && !series) {
    const why = scan.skipped.find((s) => path.join(dir, s.file) === wanted);
    throw new VoxaError(why?.kind === 'non-image' || why?.kind === 'unsupported' ? 'UNSUPPORTED' : 'NOT_FOUND', `${path.basename(wanted)}: ${why ? why.reason : 'holds no loadable image'}`);
  }
  if (!series) {
    if (scan.skipped.length === 0) throw new VoxaError('NOT_FOUND', 'the folder holds no files');
    const nonImage = scan.skipped.filter((s) => s.kind === 'non-image');
    const why = scan.skipped.slice(0, 3).map((s) => `${s.file}: ${s.reason}`).join('; ');
    if (nonImage.length === scan.skipped.length) throw new VoxaError('UNSUPPORTED', `no image series, only non-image objects (${why})`);
    throw new VoxaError('NOT_FOUND', `no loadable DICOM image series (${why})`);
  }
  const volume = await seriesToVolume(series, { limits: options.limits ?? DEFAULT_IO_LIMITS, ...(options.signal ? { signal: options.signal } : {}) });
  if (scan.series.length > 1) volume.meta.warnings.push(`${scan.series.length - 1} other series/volumes in this folder were not opened`);
  if (scan.skipped.length > 0) volume.meta.warnings.push(`${scan.skipped.length} files skipped (first: ${scan.skipped[0]?.file}: ${scan.skipped[0]?.reason})`);
  return volume;
}

/** Loads one DICOM file (all its frames; the first volume when it holds several). */
export async function readDicomFile(file: string, options: ScanOptions = {}): Promise<Volume> {
  const limits = options.limits ?? DEFAULT_IO_LIMITS;
  const r = await scanDicomFile(file, path.basename(file), limits);
  if (!('frames' in r)) throw new VoxaError(r.kind === 'non-image' || r.kind === 'unsupported' ? 'UNSUPPORTED' : 'CORRUPT_INPUT', `${r.file}: ${r.reason}`);
  const rows = r.mosaic ? r.mosaic.tileRows : r.rows;
  const columns = r.mosaic ? r.mosaic.tileColumns : r.columns;
  const whole: DicomSeries = { seriesInstanceUid: r.seriesInstanceUid, description: r.seriesDescription, modality: r.modality, label: '', frames: r.frames.map((geom) => ({ image: r, geom })), rows, columns, fileCount: 1 };
  const parts = splitRepeatedPositions(whole);
  const volume = await seriesToVolume(parts[0] as DicomSeries, { limits, ...(options.signal ? { signal: options.signal } : {}) });
  if (parts.length > 1) volume.meta.warnings.push(`${parts.length - 1} other volumes in this file were not opened`);
  return volume;
}
