/** Opens any supported path (NIfTI or NRRD file, or DICOM folder) as a {@link Volume}. */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { VoxaError } from '../../../common/contract';
import type { Volume } from '../../../common/volume';
import { readDicomFolder, type ScanOptions } from './dicomSeriesReader';
import { readNiftiFile } from './niftiReader';
import { readNrrdFile } from './nrrdReader';

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

export async function loadVolume(p: string, options: ScanOptions = {}): Promise<Volume> {
  let info;
  try {
    info = await stat(p);
  } catch {
    throw new VoxaError('NOT_FOUND', `no such file or folder: ${path.basename(p)}`);
  }
  if (info.isDirectory()) return readDicomFolder(p, options);
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
    return readNrrdFile(p, limits);
  }
  if (kind === 'dicom') return readDicomFolder(path.dirname(p), options);
  throw new VoxaError('UNSUPPORTED', `${path.basename(p)}: unsupported file type (open a .nii/.nii.gz/.nrrd/.nhdr file or a DICOM folder)`);
}
