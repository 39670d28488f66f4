/**
 * One file of a scan → its description (dicomFile.ts) with where its bytes are,
 * or the reason it is skipped. The header is parsed from a first chunk of the
 * file; longer headers (Siemens CSA, private groups) get bigger chunks, then
 * the whole file (always for deflate, whose offsets are in the inflated bytes).
 */
import * as dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import { VoxaError } from '../../../../common/contract';
import { TS } from '../codecs/frameCodecs';
import { DEFAULT_IO_LIMITS, type IoLimits } from '../limits';
import { readRange, readWholeFile } from '../fileRange';
import { describeDataSet, type DicomImage, type NotAnImage } from './dicomFile';
import { parseDataSet, str } from './dicomParse';

export interface SkippedFile {
  file: string;
  reason: string;
  kind?: NotAnImage['kind'];
  modality?: string;
}

export interface ScannedImage extends DicomImage {
  absPath: string;
  /** The file's bytes when kept from the scan (small or deflated files). */
  retained: Uint8Array | null;
}

const HEADER_CHUNK = 64 * 1024;
/** Bigger first chunks tried, in turn, for headers longer than HEADER_CHUNK (Siemens CSA, private groups). */
const LONG_HEADER_CHUNKS = [256 * 1024, 1024 * 1024];

/** Bytes a DICOM file may hold beyond its pixels (headers, private groups, overlays). */
export const MAX_DICOM_OVERHEAD_BYTES = 64 * 1024 * 1024;

/** Reads a file's first `chunk` bytes (or all of it when small). */
async function readHead(file: string, size: number, chunk = HEADER_CHUNK): Promise<Uint8Array> {
  if (size <= chunk) return readWholeFile(file, chunk);
  const buf = Buffer.allocUnsafe(chunk);
  const { bytesRead } = await readRange(file, buf, 0, chunk, 0);
  return buf.subarray(0, bytesRead);
}

/** Describes one file: header-only parse first, the whole file when the header is longer than the first chunk. */
export async function scanDicomFile(file: string, rel: string, limits: IoLimits = DEFAULT_IO_LIMITS): Promise<ScannedImage | SkippedFile> {
  let size: number;
  let head: Uint8Array;
  try {
    // One open: a file shorter than the chunk is read whole and needs no stat.
    const buf = Buffer.allocUnsafe(HEADER_CHUNK);
    const r = await readRange(file, buf, 0, HEADER_CHUNK, 0, true);
    size = r.size ?? r.bytesRead;
    head = buf.subarray(0, r.bytesRead);
  } catch {
    return { file: rel, reason: 'cannot be read', kind: 'damaged' };
  }
  const whole = head.length >= size;
  let ds: DataSet;
  let bytes = head;
  try {
    try {
      ds = parseDataSet(head, rel, { headerOnly: true, maxInflatedBytes: limits.maxVoxelBytes });
      if (!whole && !ds.elements.x7fe00010) throw new VoxaError('CORRUPT_INPUT', 'header longer than the first chunk');
      if (!whole && str(ds, 'x00020010') === TS.deflate) throw new VoxaError('CORRUPT_INPUT', 'deflated: needs the whole file');
    } catch (e) {
      if (whole || (e instanceof VoxaError && /not a DICOM file/.test(e.message))) throw e;
      // Long headers (Siemens CSA, private groups): a bigger chunk first, the whole file last (and always for deflate).
      const deflated = metaString(head, 'x00020010') === TS.deflate;
      let parsed: DataSet | null = null;
      for (const chunk of LONG_HEADER_CHUNKS) {
        if (deflated || parsed || size <= chunk) break;
        bytes = await readHead(file, size, chunk);
        try {
          parsed = parseDataSet(bytes, rel, { headerOnly: true, maxInflatedBytes: limits.maxVoxelBytes });
          if (!parsed.elements.x7fe00010) parsed = null;
        } catch {
          parsed = null;
        }
      }
      if (!parsed) {
        bytes = await readWholeFile(file, limits.maxVoxelBytes + MAX_DICOM_OVERHEAD_BYTES);
        parsed = parseDataSet(bytes, rel, { headerOnly: true, maxInflatedBytes: limits.maxVoxelBytes });
      }
      ds = parsed;
    }
  } catch (e) {
    const sopClass = mediaStorageSopClass(bytes);
    if (sopClass === '1.2.840.10008.1.3.10') {
      return { file: rel, reason: `DICOMDIR (media directory): its images are read from their own files (its records are damaged: ${e instanceof Error ? e.message.replace(`${rel}: `, '').slice(0, 100) : 'parse error'})`, kind: 'non-image' };
    }
    if (e instanceof VoxaError) {
      const notDicom = /not a DICOM file/.test(e.message);
      return { file: rel, reason: notDicom ? 'not a DICOM file' : e.message.replace(`${rel}: `, ''), kind: notDicom ? 'not-dicom' : e.code === 'TOO_LARGE' ? 'unsupported' : 'damaged' };
    }
    return { file: rel, reason: `damaged DICOM (${e instanceof Error ? e.message.slice(0, 100) : 'parse error'})`, kind: 'damaged' };
  }
  let described;
  try {
    described = describeDataSet(ds, rel, limits.maxVoxelBytes);
  } catch (e) {
    // Anything the description trips over in a damaged header is reported for this file only.
    return { file: rel, reason: `damaged DICOM header (${e instanceof Error ? e.message.slice(0, 100) : 'unreadable'})`, kind: 'damaged' };
  }
  if ('reason' in described) return { file: rel, reason: described.reason, kind: described.kind, ...(described.modality ? { modality: described.modality } : {}) };
  const np = described.nativePixels;
  if (np && np.offset + np.length > (ds.byteArray === bytes && bytes.length < size ? size : ds.byteArray.length)) {
    return { file: rel, reason: `file is truncated: pixel data ends at byte ${np.offset + np.length}, the file has ${size}`, kind: 'damaged' };
  }
  const deflated = described.transferSyntax === TS.deflate;
  // Kept: deflated files (offsets are in the inflated bytes) and small files (no second read); others are read again by range.
  return { ...described, absPath: file, retained: deflated || size <= HEADER_CHUNK ? (ds.byteArray as Uint8Array) : null };
}

/** A File Meta value (group 0002) read alone, or null when it cannot be read. */
function metaString(bytes: Uint8Array, tag: string): string | null {
  try {
    return str(dicomParser.readPart10Header(bytes), tag) || null;
  } catch {
    return null;
  }
}

/** MediaStorageSOPClassUID from the File Meta group alone (null when it cannot be read). */
function mediaStorageSopClass(bytes: Uint8Array): string | null {
  return metaString(bytes, 'x00020002');
}
