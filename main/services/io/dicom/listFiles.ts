/**
 * The one folder walk of the services (DICOM scans, the study database,
 * de-identification, source-series lookup): every regular file below a root,
 * sorted, per the path policy.
 *
 * - Symbolic links to files are kept only when their real path is allowed
 *   (`access.allows`), so a link inside a granted folder cannot pull in a file
 *   outside it; links to folders are not followed (no loops, no escapes).
 * - FIFOs, sockets and devices are never listed (a read of a FIFO blocks).
 * - A folder that is not itself allowed (the folder of a single granted file)
 *   lists only the files that are.
 * - Unreadable sub-folders are skipped; more than `maxFiles` is TOO_LARGE.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { VoxaError } from '../../../../common/contract';
import { OPEN_ACCESS, type FileAccess } from '../../access/pathGrants';

export interface ListOptions {
  access?: FileAccess;
  maxFiles?: number;
  /** The message of TOO_LARGE (default: says to pick the series folder). */
  tooMany?: (limit: number) => string;
}

export interface Listing {
  files: string[];
  /** Links whose target lies outside what may be read (not listed). */
  refusedLinks: number;
}

/** Lists `root`: a folder (walked) or one regular file. */
export async function listFiles(root: string, options: ListOptions = {}): Promise<Listing> {
  const access = options.access ?? OPEN_ACCESS;
  const maxFiles = options.maxFiles ?? 200_000;
  const info = await stat(root).catch(() => null);
  if (!info) throw new VoxaError('NOT_FOUND', `no such file or folder: ${path.basename(root)}`);
  if (info.isFile()) return { files: [root], refusedLinks: 0 };
  if (!info.isDirectory()) throw new VoxaError('UNSUPPORTED', `${path.basename(root)} is not a regular file (a pipe, socket or device) and is not opened`);
  // When the folder itself is not allowed (a single granted file's folder), each file is checked on its own.
  const realRoot = await realpath(root);
  const rootAllowed = access.allows(realRoot);
  const allowedFile = (full: string) => rootAllowed || access.allows(realRoot + full.slice(root.length));
  const files: string[] = [];
  let refusedLinks = 0;
  const stack = [root];
  while (stack.length > 0) {
    const current = stack.pop() as string;
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch {
      continue; // an unreadable sub-folder: its files are simply not seen
    }
    for (const e of entries) {
      const full = path.join(current, e.name);
      if (e.isDirectory()) stack.push(full);
      else if (e.isFile()) {
        if (allowedFile(full)) files.push(full);
      } else if (e.isSymbolicLink()) {
        const real = await realpath(full).catch(() => null);
        if (!real) continue;
        if (!access.allows(real)) {
          refusedLinks++;
          continue;
        }
        const target = await stat(real).catch(() => null);
        if (target?.isFile()) files.push(full);
      }
      if (files.length > maxFiles) throw new VoxaError('TOO_LARGE', options.tooMany?.(maxFiles) ?? `more than ${maxFiles} files below this folder; pick the series folder itself`);
    }
  }
  return { files: files.sort(), refusedLinks };
}
