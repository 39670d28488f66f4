/**
 * Where an export may write: a file in a granted folder (the path policy),
 * never replacing an existing file unless the request says `overwrite` (the
 * UI asks first), and never the source image, even with `overwrite`.
 */
import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { VoxaError } from '../../../common/contract';
import type { PathGrants } from './pathGrants';

export interface ExportTargetOptions {
  overwrite: boolean;
  /** The open volume's source (a file, or a DICOM folder whose files are all protected). */
  source?: string | null;
}

async function protectedBy(source: string | null | undefined, target: string): Promise<boolean> {
  if (!source) return false;
  const real = await realpath(source).catch(() => path.resolve(source));
  if (real === target) return true;
  const info = await lstat(real).catch(() => null);
  // A DICOM folder's files are the image: an export may be added beside them, not written over one.
  return !!info?.isDirectory() && target.startsWith(real + path.sep);
}

/** Checks the files an export will write into `dir` (already resolved by the grants); returns their paths. */
export async function checkExportFiles(dir: string, names: string[], options: ExportTargetOptions): Promise<string[]> {
  const out: string[] = [];
  const existing: string[] = [];
  for (const name of names) {
    if (!name || name === '.' || name === '..' || name.includes('/') || name.includes('\\')) throw new VoxaError('BAD_REQUEST', 'give a file name to export to');
    const file = path.join(dir, name);
    const info = await lstat(file).catch(() => null);
    if (info) {
      if (!info.isFile()) throw new VoxaError('BAD_REQUEST', `${name} exists and is not a regular file; choose another name`);
      if (await protectedBy(options.source, await realpath(file))) throw new VoxaError('FORBIDDEN', `${name} is part of the open image; an export never replaces the source`);
      existing.push(name);
    }
    out.push(file);
  }
  if (existing.length > 0 && !options.overwrite) {
    throw new VoxaError('EXISTS', `${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''} in ${path.basename(dir)}; confirm to replace ${existing.length === 1 ? 'it' : 'them'}`, existing);
  }
  return out;
}

/** The real path an export of one file may write to. */
export async function exportTarget(grants: PathGrants, target: string, options: ExportTargetOptions): Promise<string> {
  // checkExportFiles refuses an empty, "." or ".." name.
  const dir = await grants.folder(path.dirname(target));
  const [file] = await checkExportFiles(dir, [path.basename(target)], options);
  return file as string;
}
