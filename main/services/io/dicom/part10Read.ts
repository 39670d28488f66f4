/**
 * Reading Part 10 files with dcmjs: the one dcmjs reader, for the keyword-level
 * view (NaturalDataset, read with naturalValues.ts) that the study database,
 * masks (SEG, RTSTRUCT), SR and de-identification work on. The scan and the
 * pixel decode use dicom-parser instead (dicomParse.ts: lazy, with the offsets
 * of the pixel data).
 */
import path from 'node:path';
import dcmjs, { type DicomDict } from 'dcmjs';
import { VoxaError } from '../../../../common/contract';
import { MAX_OBJECT_BYTES, readWholeFile } from '../fileRange';
import { hasDicmPreamble } from './dicomParse';
import { naturalize, type NaturalDataset } from './part10';

/** File Meta and data set as dcmjs reads them (untyped dictionaries); throws dcmjs's errors. */
export function readPart10Dicts(bytes: Uint8Array, options: { headerOnly?: boolean } = {}): { meta: DicomDict; dict: DicomDict } {
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return dcmjs.data.DicomMessage.readFile(ab, options.headerOnly ? { untilTag: '7FE00010', includeUntilTagValue: false } : undefined);
}

/** A whole Part 10 object (SEG, SR...) read by keyword; CORRUPT_INPUT when it is not one or is damaged. */
export function readPart10Natural(bytes: Uint8Array, name: string): { meta: DicomDict; natural: NaturalDataset } {
  if (!hasDicmPreamble(bytes)) throw new VoxaError('CORRUPT_INPUT', `${name}: not a DICOM Part 10 file (no DICM preamble)`);
  try {
    const { meta, dict } = readPart10Dicts(bytes);
    return { meta, natural: naturalize(dict) };
  } catch (e) {
    throw new VoxaError('CORRUPT_INPUT', `${name}: damaged DICOM (${e instanceof Error ? e.message.slice(0, 120) : 'parse error'})`);
  }
}

/** The bytes of a DICOM object file (at most MAX_OBJECT_BYTES); NOT_FOUND when it cannot be read. */
export async function readObjectFile(file: string): Promise<Buffer> {
  return readWholeFile(file, MAX_OBJECT_BYTES).catch((e: unknown) => {
    if (e instanceof VoxaError) throw e;
    throw new VoxaError('NOT_FOUND', `cannot read ${path.basename(file)}`);
  });
}

/** Reads a DICOM file's header only (stops before Pixel Data); undefined when it is not DICOM. */
export async function readDicomHeader(file: string): Promise<NaturalDataset | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readWholeFile(file, MAX_OBJECT_BYTES);
  } catch {
    return undefined;
  }
  if (!hasDicmPreamble(bytes)) return undefined;
  try {
    return naturalize(readPart10Dicts(bytes, { headerOnly: true }).dict);
  } catch {
    return undefined;
  }
}
