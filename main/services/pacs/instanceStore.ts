/**
 * Where instances received from a PACS live: `<root>/<study UID>/<series UID>/<SOP UID>.dcm`
 * inside the user-data folder. The folders are named from the instance's own UIDs (read from
 * its bytes, not from what was asked for), every file is written atomically (a transfer that
 * stops leaves whole files or none), and what is already there is what a resumed retrieve skips.
 */
import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { VoxaError } from '../../../common/contract';
import { parseDataSet, str } from '../io/dicom/dicomParse';
import { part10Header } from '../io/dicom/part10';
import { writeFileAtomic } from '../io/atomicWrite';

const UID = /^[0-9]+(\.[0-9]+)*$/;

/** A UID as a file or folder name; anything that is not a well-formed UID gets a hashed name (no path can be injected). */
export function uidFileName(uid: string): string {
  return UID.test(uid) && uid.length <= 64 ? uid : `x${createHash('sha256').update(uid).digest('hex').slice(0, 32)}`;
}

/** What a retrieve asked for: an answer with other UIDs is refused. */
export interface ExpectedUids {
  studyUid: string;
  seriesUid: string;
  sopUid?: string;
}

/** The most a deflated data set may inflate to while its header is read (a deflate bomb is refused, not inflated to 2 GB). */
const MAX_INFLATED_HEADER = 256 * 1024 * 1024;

export interface StoredInstance {
  studyUid: string;
  seriesUid: string;
  sopUid: string;
  file: string;
  bytes: number;
}

export class InstanceStore {
  constructor(readonly root: string) {}

  seriesFolder(studyUid: string, seriesUid: string): string {
    return path.join(this.root, uidFileName(studyUid), uidFileName(seriesUid));
  }

  /** SOP instance UIDs already stored for a series (file names; temporary files of an interrupted write are ignored). */
  async present(studyUid: string, seriesUid: string): Promise<Set<string>> {
    const names = await readdir(this.seriesFolder(studyUid, seriesUid)).catch(() => [] as string[]);
    return new Set(names.filter((n) => n.endsWith('.dcm')).map((n) => n.slice(0, -4)));
  }

  /**
   * Stores a whole Part 10 file (WADO-RS): its UIDs are read from it, and must be those asked for
   * when `expect` is given (a PACS that answers with another instance is refused).
   */
  async putPart10(bytes: Uint8Array, from: string, expect?: ExpectedUids): Promise<StoredInstance> {
    const ds = parseDataSet(bytes, from, { headerOnly: true, maxInflatedBytes: MAX_INFLATED_HEADER });
    return this.write(str(ds, 'x0020000d'), str(ds, 'x0020000e'), str(ds, 'x00080018'), [bytes], from, expect);
  }

  /**
   * Stores a data set as received over DIMSE (encoded in its transfer syntax, no File Meta): the
   * file is a File Meta written here followed by the received bytes, unchanged; its UIDs are read
   * from the result, and an instance whose SOP Instance UID differs from the one announced is refused.
   */
  async putDataset(raw: { bytes: Uint8Array; transferSyntaxUid: string }, sopClassUid: string, sopUid: string, from: string, expect?: ExpectedUids): Promise<StoredInstance> {
    const bytes = Buffer.concat([part10Header(sopClassUid, sopUid, raw.transferSyntaxUid, from), raw.bytes]);
    const ds = parseDataSet(bytes, from, { headerOnly: true, maxInflatedBytes: MAX_INFLATED_HEADER });
    if (str(ds, 'x00080018') !== sopUid) throw new VoxaError('CORRUPT_INPUT', `an instance from ${from} carries another SOP Instance UID than the one it was sent as`);
    return this.write(str(ds, 'x0020000d'), str(ds, 'x0020000e'), sopUid, [bytes], from, expect);
  }

  private async write(studyUid: string, seriesUid: string, sopUid: string, parts: Uint8Array[], from: string, expect?: ExpectedUids): Promise<StoredInstance> {
    if (!studyUid || !seriesUid || !sopUid) throw new VoxaError('CORRUPT_INPUT', `an instance from ${from} has no study, series or SOP instance UID`);
    if (expect && (expect.studyUid !== studyUid || expect.seriesUid !== seriesUid || (expect.sopUid !== undefined && expect.sopUid !== sopUid))) {
      throw new VoxaError('CORRUPT_INPUT', `${from} sent an instance of another study or series than the one asked for (refused)`);
    }
    const folder = this.seriesFolder(studyUid, seriesUid);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const file = path.join(folder, `${uidFileName(sopUid)}.dcm`);
    const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    // An instance already stored is kept: a PACS cannot swap what was retrieved before (a resume re-sends identical ones).
    const existing = await stat(file).catch(() => null);
    if (existing?.isFile()) return { studyUid, seriesUid, sopUid, file, bytes: existing.size };
    await writeFileAtomic(file, bytes);
    return { studyUid, seriesUid, sopUid, file, bytes: bytes.byteLength };
  }
}
