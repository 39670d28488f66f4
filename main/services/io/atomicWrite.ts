/** Atomic file writes for everything the services save (DICOM objects, labelmaps, reports, stores). */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';

/** Writes a file atomically: a temporary sibling (created with `mode`, new, never an existing file), then rename (removed again on failure). */
export async function writeFileAtomic(file: string, bytes: Uint8Array | string, mode?: number): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, bytes, mode !== undefined ? { mode, flag: 'wx' } : {});
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
