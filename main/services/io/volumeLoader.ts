/** Opens any supported path (NIfTI or NRRD file, or DICOM folder) as a {@link Volume}. */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { VoxaError } from '../../../common/contract';
import type { Volume } from '../../../common/volume';
import { readDicomFolder } from './dicom/seriesReader';
import type { ScanOptions } from './dicom/seriesScan';
import { readNiftiFile } from './niftiReader';
import { readNrrdFile } from './nrrdReader';
import { OPEN_ACCESS } from '../access/pathGrants';

export type InputKind = 'nifti' | 'nrrd' | 'dicom' | 'dicom-folder' | 'other';

/** Classifies a path by its name only (no file is opened). */
export function kindFromName(name: string, isDirectory: boolean): InputKind {
  if (isDirectory) return 'dicom-folder';
  const lower = name.toLowerCase();
  if (lower.endsWith('.nii') || lower.endsWith('.nii.gz')) return 'nifti';
  if (lower.endsWith('.nrrd') || lower.endsWith('.nhdr')) return 'nrrd';
  if (lower.endsWith('.dcm') || lower === 'dicomdir' || !lower.includes('.')) return 'dicom';
  return 'other';
}

/**
 * Opens `p` through the path policy of `options.access` (default: any path, as
 * for the CLI; the services pass the session's grants): `p` itself and every
 * file it leads to (DICOM files of the folder, NRRD detached data files) must
 * be allowed, and special files (FIFOs, devices) are refused before a read.
 */
export async function loadVolume(p: string, options: ScanOptions = {}): Promise<Volume> {
  const access = options.access ?? OPEN_ACCESS;
  let info;
  try {
    info = await stat(p);
  } catch {
    throw new VoxaError('NOT_FOUND', `no such file or folder: ${path.basename(p)}`);
  }
  if (info.isDirectory()) return readDicomFolder(await access.folder(p), options);
  p = await access.file(p);
  const kind = kindFromName(p, false);
  if (kind === 'nifti') {
    const limits = options.limits;
    if (limits && info.size > limits.maxVoxelBytes + 1024 * 1024) {
      throw new VoxaError('TOO_LARGE', `${path.basename(p)} is larger than the configured limit`);
    }
    return readNiftiFile(p, limits);
  }
  if (kind === 'nrrd') {
    const limits = options.limits;
    if (limits && info.size > limits.maxVoxelBytes + 1024 * 1024) {
      throw new VoxaError('TOO_LARGE', `${path.basename(p)} is larger than the configured limit`);
    }
    return readNrrdFile(p, limits, access);
  }
  if (kind === 'dicom') return readDicomFolder(path.dirname(p), { ...options, seriesOf: p });
  throw new VoxaError('UNSUPPORTED', `${path.basename(p)}: unsupported file type (open a .nii/.nii.gz/.nrrd/.nhdr file or a DICOM folder)`);
}
