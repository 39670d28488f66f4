/**
 * Writing DICOM Part 10 files with dcmjs: the one writer of every object Voxa
 * writes (series, SEG, TID 1500 SR, de-identified copies, PACS instances);
 * the header blocks they share are in headerBlocks.ts, reading in part10Read.ts.
 *
 * dcmjs ships no typings and main/types/dcmjs.d.ts declares only its read
 * side, so the write side is described here once (the shapes below are
 * dcmjs 0.52's `data.DicomDict`, `DicomMetaDictionary.denaturalizeDataset`
 * and `DicomMessage.readFile`).
 */
import { createHash, randomBytes } from 'node:crypto';
import dcmjs, { type DicomDict } from 'dcmjs';

/** A "naturalized" dataset: keyword → value (sequences as arrays of datasets); `_vrMap` pins VRs dcmjs cannot infer. */
export type NaturalDataset = Record<string, unknown> & { _vrMap?: Record<string, string> };

interface DicomDictInstance {
  meta: DicomDict;
  dict: DicomDict;
  write(options?: { allowInvalidVRLength?: boolean; fragmentMultiframe?: boolean }): ArrayBuffer;
}

interface DcmjsWriteApi {
  DicomDict: new (meta: DicomDict) => DicomDictInstance;
  DicomMetaDictionary: {
    denaturalizeDataset(ds: NaturalDataset): DicomDict;
    naturalizeDataset(dict: DicomDict): NaturalDataset;
  };
}

// The one cast: dcmjs's runtime object has these members (see file comment).
const api = dcmjs.data as unknown as DcmjsWriteApi;

export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
export const SEGMENTATION_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';
/** Voxa's implementation class UID (a 2.25 UUID-derived root; stable). */
export const IMPLEMENTATION_CLASS_UID = '2.25.183172489218350126541712813375416211727';
export const IMPLEMENTATION_VERSION_NAME = 'VOXA_0_1';

/** A random UID under 2.25 (UUID-derived, PS3.5 §B.2). */
export function randomUid(): string {
  return `2.25.${BigInt(`0x${randomBytes(16).toString('hex')}`).toString()}`;
}

/** A UID derived deterministically from a string (2.25 + 128 bits of SHA-256), for reproducible phantoms and consistent remapping. */
export function hashedUid(text: string): string {
  const h = createHash('sha256').update(text).digest('hex').slice(0, 32);
  return `2.25.${BigInt(`0x${h}`).toString()}`;
}

/** A decimal string (VR DS) of at most 16 characters. */
export function ds(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`DS value ${value} is not finite`);
  if (Object.is(value, -0) || Math.abs(value) < 1e-10) return '0';
  for (let p = 15; p >= 1; p--) {
    const s = Number(value.toPrecision(p)).toString();
    if (s.length <= 16) return s;
  }
  return value.toExponential(6);
}

/** Encodes a naturalized dataset as a Part 10 file (preamble, File Meta, data set). */
export function encodePart10(dataset: NaturalDataset, transferSyntaxUid = EXPLICIT_VR_LITTLE_ENDIAN): Uint8Array {
  const sopClass = dataset.SOPClassUID;
  const sopInstance = dataset.SOPInstanceUID;
  if (typeof sopClass !== 'string' || typeof sopInstance !== 'string') throw new TypeError('dataset needs SOPClassUID and SOPInstanceUID');
  const meta = fileMeta(sopClass, sopInstance, transferSyntaxUid);
  const file = new api.DicomDict(meta);
  file.dict = api.DicomMetaDictionary.denaturalizeDataset(dataset);
  return new Uint8Array(file.write());
}

/**
 * Preamble, "DICM" and File Meta for a data set that is already encoded in `transferSyntaxUid`
 * (as received over DIMSE): the Part 10 file is these bytes followed by the data set's, unchanged.
 */
export function part10Header(sopClassUid: string, sopInstanceUid: string, transferSyntaxUid: string, sourceAet?: string): Uint8Array {
  // An empty data set writes nothing after the File Meta, in every transfer syntax (deflated included).
  return encodeDict(fileMeta(sopClassUid, sopInstanceUid, transferSyntaxUid, sourceAet), {});
}

function fileMeta(sopClassUid: string, sopInstanceUid: string, transferSyntaxUid: string, sourceAet?: string): DicomDict {
  return api.DicomMetaDictionary.denaturalizeDataset({
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: sopClassUid,
    MediaStorageSOPInstanceUID: sopInstanceUid,
    TransferSyntaxUID: transferSyntaxUid,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: IMPLEMENTATION_VERSION_NAME,
    ...(sourceAet ? { SourceApplicationEntityTitle: sourceAet } : {}),
  });
}

/** Encodes an already denaturalized dictionary (as read by dcmjs) with the given File Meta. */
export function encodeDict(meta: DicomDict, dict: DicomDict): Uint8Array {
  const file = new api.DicomDict(meta);
  file.dict = dict;
  return new Uint8Array(file.write());
}

export function naturalize(dict: DicomDict): NaturalDataset {
  return api.DicomMetaDictionary.naturalizeDataset(dict);
}

