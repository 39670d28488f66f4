/**
 * One DICOM file → a plain description of its image frames (geometry, rescale,
 * grouping keys, where the pixel bytes are), or the reason it is not an image.
 *
 * Parsing is dicom-parser's (lazy: element offsets, no copies). This module adds
 * what a volume loader needs on top: files without preamble/File Meta when the
 * first element is unambiguous, deflate with a size cap, non-image SOP classes
 * named, and per-frame geometry for single-frame, classic multi-frame, enhanced
 * multi-frame (functional groups) and Siemens mosaic images.
 */
import { inflateRawSync } from 'node:zlib';
import * as dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import { VoxaError } from '../../../../common/contract';
import { cross, dot, normalize } from '../../../../common/geometry/affine';
import type { Vec3 } from '../../../../common/volume';
import { isSupportedSyntax, TS } from '../codecs/frameCodecs';
import { DEFAULT_IO_LIMITS } from '../limits';
import { csaValue, parseCsaHeader } from './siemensCsa';
import { nonImageReason } from './sopClasses';

export interface FrameGeometry {
  /** Index of the frame in the file (for a mosaic: the file's single frame). */
  frameIndex: number;
  /** Mosaic tile index, or -1. */
  tile: number;
  position: Vec3;
  rowDir: Vec3;
  colDir: Vec3;
  /** [between rows (along j), between columns (along i)] in mm, or null when absent. */
  pixelSpacing: [number, number] | null;
  slope: number;
  intercept: number;
  /** Extra grouping key for frames that belong to different volumes (stack, frame type, time). */
  splitKey: string;
  /** Orders frames within a split that share a position (InstanceNumber, frame index). */
  order: number;
}

export interface DicomImage {
  file: string;
  transferSyntax: string;
  sopClassUid: string;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  modality: string;
  seriesDescription: string;
  seriesNumber: number | undefined;
  patientName: string;
  patientId: string;
  studyDate: string;
  /** (0018,0015) Body Part Examined and (0018,0010) Contrast/Bolus Agent; '' when absent. */
  bodyPart: string;
  contrastAgent: string;
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: number;
  planarConfiguration: number;
  photometric: string;
  numberOfFrames: number;
  sliceThickness: number | undefined;
  spacingBetweenSlices: number | undefined;
  /** Native pixel data's place in the (possibly inflated) file bytes; null for encapsulated data. */
  nativePixels: { offset: number; length: number } | null;
  /** Mosaic layout when the file is a Siemens mosaic. */
  mosaic: { tiles: number; tileRows: number; tileColumns: number; perRow: number } | null;
  frames: FrameGeometry[];
  warnings: string[];
  /** Palette colour lookup tables, when photometric is PALETTE COLOR. */
  palette: PaletteLut | null;
}

export interface PaletteLut {
  first: number;
  red: Uint16Array;
  green: Uint16Array;
  blue: Uint16Array;
  bits: number;
}

export interface NotAnImage {
  file: string;
  reason: string;
  /** 'non-image' for SR/RTSTRUCT/SEG/DICOMDIR..., 'not-dicom', 'damaged', 'unsupported'. */
  kind: 'non-image' | 'not-dicom' | 'damaged' | 'unsupported';
  sopClassUid?: string;
  seriesInstanceUid?: string;
  modality?: string;
}

const VRS = new Set(['AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FL', 'FD', 'IS', 'LO', 'LT', 'OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'PN', 'SH', 'SL', 'SQ', 'SS', 'ST', 'SV', 'TM', 'UC', 'UI', 'UL', 'UN', 'UR', 'US', 'UT', 'UV']);

/** Part-10 file, or a bare data set whose first element is unambiguous; null when the bytes are not DICOM. */
export function sniffDicom(bytes: Uint8Array): { part10: true } | { part10: false; transferSyntax: string } | null {
  if (bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d) return { part10: true };
  if (bytes.length < 12) return null;
  const group = (bytes[0] as number) | ((bytes[1] as number) << 8);
  const element = (bytes[2] as number) | ((bytes[3] as number) << 8);
  // Bare data sets start with the File Meta group or the identifying group 0008, low element numbers.
  if ((group !== 0x0002 && group !== 0x0008) || element > 0x00ff) return null;
  const vr = String.fromCharCode(bytes[4] as number, bytes[5] as number);
  if (VRS.has(vr)) return { part10: false, transferSyntax: TS.explicitLE };
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (len > 0 && len < 1024 && len + 8 <= bytes.length) return { part10: false, transferSyntax: TS.implicitLE };
  return null;
}

export interface ParseOptions {
  /** Stop at the pixel data element (header-only scan). */
  headerOnly?: boolean;
  /** Largest inflated size accepted for deflated files. */
  maxInflatedBytes?: number;
}

/** Parses bytes with typed errors. Throws CORRUPT_INPUT for damaged files, null-equivalent via NotAnImage is the caller's job. */
export function parseDataSet(bytes: Uint8Array, name: string, options: ParseOptions = {}): DataSet {
  const sniff = sniffDicom(bytes);
  if (!sniff) throw new VoxaError('CORRUPT_INPUT', `${name}: not a DICOM file (no DICM preamble and no recognisable first element)`);
  const maxInflated = options.maxInflatedBytes ?? 2 ** 31 - 1;
  const parseOptions: dicomParser.ParseDicomOptions = {
    ...(options.headerOnly ? { untilTag: 'x7fe00010' } : {}),
    ...(sniff.part10 ? {} : { TransferSyntaxUID: sniff.transferSyntax }),
    inflater: (arr: Uint8Array, position: number): Uint8Array => {
      let inflated: Buffer;
      try {
        inflated = inflateRawSync(arr.subarray(position), { maxOutputLength: maxInflated });
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'ERR_BUFFER_TOO_LARGE') throw new VoxaError('TOO_LARGE', `${name}: deflated data set inflates beyond ${maxInflated} bytes`);
        throw new VoxaError('CORRUPT_INPUT', `${name}: deflated data set is damaged`);
      }
      const full = new Uint8Array(position + inflated.length);
      full.set(arr.subarray(0, position));
      full.set(inflated, position);
      return full;
    },
  };
  try {
    return dicomParser.parseDicom(bytes, parseOptions);
  } catch (e) {
    if (e instanceof VoxaError) throw e;
    const inner = (e as { exception?: unknown }).exception ?? e;
    const msg = inner instanceof Error ? inner.message : String(inner);
    throw new VoxaError('CORRUPT_INPUT', `${name}: damaged DICOM (${msg.replace(/^dicomParser\.?\w*:\s*/, '').slice(0, 120)})`);
  }
}

// ---- typed element access (bounds-safe: dicom-parser reads lazily from the byte array) ----

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
export function str(ds: DataSet, tag: string): string {
  return (safe(() => ds.string(tag)) ?? '').trim();
}
function dsNumbers(ds: DataSet, tag: string): number[] | undefined {
  const el = ds.elements[tag];
  if (!el || el.length === 0) return undefined;
  const text = safe(() => ds.string(tag));
  if (text === undefined) return undefined;
  const out = text.split('\\').map((s) => Number(s.trim()));
  return out.length > 0 && out.every(Number.isFinite) ? out : undefined;
}
function dsNumber(ds: DataSet, tag: string): number | undefined {
  return dsNumbers(ds, tag)?.[0];
}
function us(ds: DataSet, tag: string): number | undefined {
  const el = ds.elements[tag];
  if (!el || el.length < 2 || el.dataOffset + 2 > ds.byteArray.length) return undefined;
  return safe(() => ds.uint16(tag));
}
function item(ds: DataSet | undefined, tag: string): DataSet | undefined {
  return ds?.elements[tag]?.items?.[0]?.dataSet;
}

interface FunctionalGroupValues {
  position?: number[];
  orientation?: number[];
  pixelSpacing?: number[];
  sliceThickness?: number;
  slope?: number;
  intercept?: number;
  stackId?: string;
  inStack?: number;
  temporal?: number;
  frameType?: string;
  dimIndex?: number[];
}

/** Values from one functional-group item (per-frame or shared). */
function functionalGroup(fg: DataSet | undefined): FunctionalGroupValues {
  if (!fg) return {};
  const out: FunctionalGroupValues = {};
  const pos = item(fg, 'x00209113');
  if (pos) out.position = dsNumbers(pos, 'x00200032');
  const ori = item(fg, 'x00209116');
  if (ori) out.orientation = dsNumbers(ori, 'x00200037');
  const pm = item(fg, 'x00289110');
  if (pm) {
    out.pixelSpacing = dsNumbers(pm, 'x00280030');
    out.sliceThickness = dsNumber(pm, 'x00180050');
  }
  const pvt = item(fg, 'x00289145');
  if (pvt) {
    out.slope = dsNumber(pvt, 'x00281053');
    out.intercept = dsNumber(pvt, 'x00281052');
  }
  const fc = item(fg, 'x00209111');
  if (fc) {
    out.stackId = str(fc, 'x00209056') || undefined;
    out.inStack = safe(() => fc.uint32('x00209057'));
    out.temporal = safe(() => fc.uint32('x00209128'));
    const dimEl = fc.elements.x00209157;
    if (dimEl && dimEl.length >= 4) {
      const n = Math.min(16, Math.floor(dimEl.length / 4));
      out.dimIndex = [];
      for (let k = 0; k < n; k++) out.dimIndex.push(safe(() => fc.uint32('x00209157', k)) ?? 0);
    }
  }
  const frameTypeItem = item(fg, 'x00189226') ?? item(fg, 'x00189329') ?? item(fg, 'x00189227');
  if (frameTypeItem) out.frameType = str(frameTypeItem, 'x00089007') || undefined;
  return out;
}

function vec3(v: number[] | undefined): Vec3 | undefined {
  return v && v.length >= 3 ? [v[0] as number, v[1] as number, v[2] as number] : undefined;
}

/** Describes a parsed data set: an image with its frames, or why it is not one. */
export function describeDataSet(ds: DataSet, file: string, maxVoxelBytes: number = DEFAULT_IO_LIMITS.maxVoxelBytes): DicomImage | NotAnImage {
  const sopClassUid = str(ds, 'x00080016') || str(ds, 'x00020002');
  const modality = str(ds, 'x00080060');
  const seriesInstanceUid = str(ds, 'x0020000e');
  const base = { file, sopClassUid, seriesInstanceUid, modality };
  const mediaClass = str(ds, 'x00020002');
  if (mediaClass === '1.2.840.10008.1.3.10' || ds.elements.x00041220) {
    return { ...base, kind: 'non-image', reason: 'DICOMDIR (media directory): its images are read from their own files' };
  }
  const nonImage = nonImageReason(sopClassUid, modality);
  if (nonImage) return { ...base, kind: 'non-image', reason: nonImage };
  const pixelEl = ds.elements.x7fe00010 ?? ds.elements.x7fe00008 ?? ds.elements.x7fe00009;
  if (!pixelEl) return { ...base, kind: 'non-image', reason: `no pixel data (${modality || 'unknown modality'}${sopClassUid ? `, SOP class ${sopClassUid}` : ''})` };
  if (!ds.elements.x7fe00010) return { ...base, kind: 'unsupported', reason: 'float or double-float pixel data is not supported' };
  const transferSyntax = str(ds, 'x00020010') || TS.implicitLE;
  if (!isSupportedSyntax(transferSyntax)) return { ...base, kind: 'unsupported', reason: `transfer syntax ${transferSyntax} is not supported` };

  const rows = us(ds, 'x00280010') ?? 0;
  const columns = us(ds, 'x00280011') ?? 0;
  if (!(rows > 0 && columns > 0)) return { ...base, kind: 'damaged', reason: 'missing or zero Rows/Columns' };
  const samplesPerPixel = us(ds, 'x00280002') ?? 1;
  const bitsAllocated = us(ds, 'x00280100') ?? 16;
  const bitsStored = us(ds, 'x00280101') ?? bitsAllocated;
  const pixelRepresentation = us(ds, 'x00280103') ?? 0;
  const planarConfiguration = us(ds, 'x00280006') ?? 0;
  const photometric = str(ds, 'x00280004') || (samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2');
  if (bitsAllocated === 1) return { ...base, kind: 'unsupported', reason: '1-bit pixel data (a bitmap, not a grey-level image)' };
  if (![8, 16, 32].includes(bitsAllocated)) return { ...base, kind: 'unsupported', reason: `BitsAllocated ${bitsAllocated} is not supported` };
  if (samplesPerPixel !== 1 && samplesPerPixel !== 3) return { ...base, kind: 'unsupported', reason: `${samplesPerPixel} samples per pixel is not supported` };
  const numberOfFrames = Math.max(1, Math.floor(dsNumber(ds, 'x00280008') ?? 1));
  const warnings: string[] = [];
  // Claimed size, checked before anything is allocated (a lying header must not cost memory).
  const frameBytes = rows * columns * samplesPerPixel * (bitsAllocated / 8);
  const claimedBytes = frameBytes * numberOfFrames;
  if (claimedBytes > maxVoxelBytes) {
    return { ...base, kind: 'unsupported', reason: `header claims ${columns}×${rows}×${numberOfFrames} samples (${(claimedBytes / 1024 ** 3).toFixed(1)} GiB), above the ${(maxVoxelBytes / 1024 ** 3).toFixed(1)} GiB limit` };
  }

  let nativePixels: DicomImage['nativePixels'] = null;
  if (!pixelEl.encapsulatedPixelData && pixelEl.length !== 0xffffffff) {
    nativePixels = { offset: pixelEl.dataOffset, length: pixelEl.length };
    if (pixelEl.length < claimedBytes) {
      return { ...base, kind: 'damaged', reason: `pixel data holds ${pixelEl.length} bytes, the header needs ${claimedBytes} (${numberOfFrames} frame${numberOfFrames === 1 ? '' : 's'} of ${columns}×${rows})` };
    }
  } else if (pixelEl.encapsulatedPixelData && pixelEl.length !== 0xffffffff && numberOfFrames * 8 > pixelEl.length) {
    return { ...base, kind: 'damaged', reason: `NumberOfFrames ${numberOfFrames} cannot fit in ${pixelEl.length} bytes of compressed pixel data` };
  }

  // Geometry sources, most specific first: per-frame functional groups, shared groups, top level.
  const shared = functionalGroup(item(ds, 'x52009229'));
  const perFrameItems = ds.elements.x52009230?.items;
  const topPosition = dsNumbers(ds, 'x00200032');
  const topOrientation = dsNumbers(ds, 'x00200037');
  const topSpacing = dsNumbers(ds, 'x00280030') ?? dsNumbers(ds, 'x00181164');
  const topSlope = dsNumber(ds, 'x00281053');
  const topIntercept = dsNumber(ds, 'x00281052');
  const instanceNumber = dsNumber(ds, 'x00200013') ?? 0;
  const echo = dsNumber(ds, 'x00180086');
  const acquisition = dsNumber(ds, 'x00200012');
  const temporalId = dsNumber(ds, 'x00200100');
  const imageType = str(ds, 'x00080008').toUpperCase();
  const spacingBetweenSlices = dsNumber(ds, 'x00180088');
  const sliceThickness = dsNumber(ds, 'x00180050') ?? shared.sliceThickness;

  const frames: FrameGeometry[] = [];
  let mosaic: DicomImage['mosaic'] = null;
  const orientationOf = (o: number[] | undefined): [Vec3, Vec3] | undefined => {
    if (!o || o.length < 6) return undefined;
    try {
      return [normalize(o.slice(0, 3) as Vec3), normalize(o.slice(3, 6) as Vec3)];
    } catch {
      return undefined;
    }
  };
  const spacingOf = (p: number[] | undefined): [number, number] | null =>
    p && p.length >= 2 && (p[0] as number) > 0 && (p[1] as number) > 0 ? [p[0] as number, p[1] as number] : null;

  if (perFrameItems && perFrameItems.length > 0) {
    if (perFrameItems.length < numberOfFrames) warnings.push(`${numberOfFrames} frames but ${perFrameItems.length} per-frame functional groups`);
    const n = Math.min(numberOfFrames, perFrameItems.length);
    for (let f = 0; f < n; f++) {
      const pf = functionalGroup(perFrameItems[f]?.dataSet);
      const pos = vec3(pf.position ?? shared.position ?? topPosition);
      const ori = orientationOf(pf.orientation ?? shared.orientation ?? topOrientation);
      if (!pos || !ori) return { ...base, kind: 'damaged', reason: `frame ${f + 1} has no plane position/orientation` };
      const split = [pf.stackId ?? shared.stackId ?? '', pf.frameType ?? shared.frameType ?? '', pf.temporal ?? ''].join('|');
      frames.push({
        frameIndex: f,
        tile: -1,
        position: pos,
        rowDir: ori[0],
        colDir: ori[1],
        pixelSpacing: spacingOf(pf.pixelSpacing ?? shared.pixelSpacing ?? topSpacing),
        slope: pf.slope ?? shared.slope ?? topSlope ?? 1,
        intercept: pf.intercept ?? shared.intercept ?? topIntercept ?? 0,
        splitKey: `${sopInstanceKey(ds)}|${split}`,
        order: pf.inStack ?? f,
      });
    }
  } else {
    const pos = vec3(topPosition);
    const ori = orientationOf(topOrientation);
    const splitKey = [echo ?? '', temporalId ?? ''].join('|');
    const mosaicImages = imageType.includes('MOSAIC') ? us(ds, 'x0019100a') : undefined;
    if (pos && ori && mosaicImages && mosaicImages > 1 && numberOfFrames === 1) {
      // Siemens mosaic: N tiles in a perRow × perRow grid of one frame.
      const perRow = Math.ceil(Math.sqrt(mosaicImages));
      const tileRows = Math.floor(rows / perRow);
      const tileColumns = Math.floor(columns / perRow);
      const ps = spacingOf(topSpacing);
      if (tileRows < 1 || tileColumns < 1) return { ...base, kind: 'damaged', reason: `mosaic of ${mosaicImages} images does not fit ${columns}×${rows}` };
      mosaic = { tiles: mosaicImages, tileRows, tileColumns, perRow };
      // ImagePositionPatient is the corner of the whole mosaic; move it to the first tile's corner (as dcm2niix does).
      const [rs, cs] = ps ?? [1, 1];
      const shiftI = ((columns - tileColumns) / 2) * cs;
      const shiftJ = ((rows - tileRows) / 2) * rs;
      const first: Vec3 = [0, 1, 2].map((a) => (pos[a] as number) + ori[0][a]! * shiftI + ori[1][a]! * shiftJ) as Vec3;
      let normal = cross(ori[0], ori[1]);
      const csa = parseCsaHeader(ds, 'x00291010');
      const csaNormal = csa ? csaValue(csa, 'SliceNormalVector') : undefined;
      if (csaNormal && csaNormal.length === 3 && dot(csaNormal as Vec3, normal) < 0) normal = [-normal[0], -normal[1], -normal[2]];
      const step = spacingBetweenSlices ?? sliceThickness ?? 1;
      if (spacingBetweenSlices === undefined) warnings.push('mosaic without SpacingBetweenSlices: slice spacing taken from SliceThickness');
      for (let t = 0; t < mosaicImages; t++) {
        frames.push({
          frameIndex: 0,
          tile: t,
          position: [first[0] + normal[0] * step * t, first[1] + normal[1] * step * t, first[2] + normal[2] * step * t],
          rowDir: ori[0],
          colDir: ori[1],
          pixelSpacing: ps,
          slope: topSlope ?? 1,
          intercept: topIntercept ?? 0,
          splitKey: `${sopInstanceKey(ds)}|mosaic`,
          order: t,
        });
      }
    } else if (pos && ori) {
      // Single frame, or classic multi-frame: frames stacked along the normal.
      const normal = cross(ori[0], ori[1]);
      const gridOffsets = dsNumbers(ds, 'x3004000c');
      const step = spacingBetweenSlices ?? sliceThickness ?? 1;
      if (numberOfFrames > 1 && !gridOffsets) warnings.push(`classic multi-frame image: frame positions assumed ${step} mm apart along the slice normal`);
      for (let f = 0; f < numberOfFrames; f++) {
        const d = gridOffsets && gridOffsets.length === numberOfFrames ? (gridOffsets[f] as number) : f * step;
        frames.push({
          frameIndex: f,
          tile: -1,
          position: [pos[0] + normal[0] * d, pos[1] + normal[1] * d, pos[2] + normal[2] * d],
          rowDir: ori[0],
          colDir: ori[1],
          pixelSpacing: spacingOf(topSpacing),
          slope: topSlope ?? 1,
          intercept: topIntercept ?? 0,
          splitKey: numberOfFrames > 1 ? `${sopInstanceKey(ds)}|${splitKey}` : splitKey,
          order: numberOfFrames > 1 ? f : instanceNumber,
        });
      }
    } else {
      // No patient geometry (secondary capture, US, CR): stack frames on a unit grid.
      warnings.push('no ImagePositionPatient/ImageOrientationPatient: shown on an axial grid with unknown position');
      for (let f = 0; f < numberOfFrames; f++) {
        frames.push({
          frameIndex: f,
          tile: -1,
          position: [0, 0, f * (spacingBetweenSlices ?? sliceThickness ?? 1)],
          rowDir: [1, 0, 0],
          colDir: [0, 1, 0],
          pixelSpacing: spacingOf(topSpacing),
          slope: topSlope ?? 1,
          intercept: topIntercept ?? 0,
          // Images without geometry never stack with other files.
          splitKey: `${sopInstanceKey(ds)}|nogeometry`,
          order: f,
        });
      }
    }
  }
  void acquisition;

  let palette: PaletteLut | null = null;
  if (photometric === 'PALETTE COLOR') {
    palette = readPalette(ds);
    if (!palette) return { ...base, kind: 'unsupported', reason: 'PALETTE COLOR image with missing or segmented lookup tables' };
  }

  return {
    file,
    transferSyntax,
    sopClassUid,
    sopInstanceUid: str(ds, 'x00080018'),
    seriesInstanceUid: seriesInstanceUid || 'unknown-series',
    studyInstanceUid: str(ds, 'x0020000d'),
    modality,
    seriesDescription: str(ds, 'x0008103e'),
    seriesNumber: dsNumber(ds, 'x00200011'),
    patientName: str(ds, 'x00100010'),
    patientId: str(ds, 'x00100020'),
    studyDate: str(ds, 'x00080020'),
    bodyPart: str(ds, 'x00180015'),
    contrastAgent: str(ds, 'x00180010'),
    rows,
    columns,
    samplesPerPixel,
    bitsAllocated,
    bitsStored,
    pixelRepresentation,
    planarConfiguration,
    photometric,
    numberOfFrames,
    sliceThickness,
    spacingBetweenSlices,
    nativePixels,
    mosaic,
    frames,
    warnings,
    palette,
  };
}

function sopInstanceKey(ds: DataSet): string {
  return str(ds, 'x00080018') || 'no-sop-uid';
}

function readPalette(ds: DataSet): PaletteLut | null {
  const channel = (descTag: string, dataTag: string) => {
    const el = ds.elements[dataTag];
    const desc = ds.elements[descTag];
    if (!el || !desc || desc.length < 6) return null;
    const entries = safe(() => ds.uint16(descTag, 0)) || 65536;
    const first = safe(() => ds.uint16(descTag, 1)) ?? 0;
    const bits = safe(() => ds.uint16(descTag, 2)) ?? 16;
    const bytesPer = el.length >= entries * 2 ? 2 : 1;
    if (el.length < entries * bytesPer || el.dataOffset + entries * bytesPer > ds.byteArray.length) return null;
    const out = new Uint16Array(entries);
    const view = new DataView(ds.byteArray.buffer, ds.byteArray.byteOffset, ds.byteArray.byteLength);
    const le = ds.byteArrayParser === dicomParser.littleEndianByteArrayParser;
    for (let n = 0; n < entries; n++) out[n] = bytesPer === 2 ? view.getUint16(el.dataOffset + 2 * n, le) : (ds.byteArray[el.dataOffset + n] as number);
    return { out, first, bits };
  };
  const r = channel('x00281101', 'x00281201');
  const g = channel('x00281102', 'x00281202');
  const b = channel('x00281103', 'x00281203');
  if (!r || !g || !b) return null;
  return { first: r.first, red: r.out, green: g.out, blue: b.out, bits: r.bits };
}

/** The encapsulated frames' bytes (one Uint8Array per frame), from a fully parsed data set. */
export function encapsulatedFrames(ds: DataSet, image: DicomImage, name: string): Uint8Array[] {
  const el = ds.elements.x7fe00010;
  if (!el || !el.encapsulatedPixelData || !el.fragments) throw new VoxaError('CORRUPT_INPUT', `${name}: compressed pixel data has no fragments`);
  const fragments = el.fragments;
  const n = image.numberOfFrames;
  try {
    if (n === 1) return [dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, fragments.length)];
    if (fragments.length === n) return fragments.map((_f, k) => dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, k, 1));
    const table = el.basicOffsetTable && el.basicOffsetTable.length === n ? el.basicOffsetTable : dicomParser.createJPEGBasicOffsetTable(ds, el);
    if (table.length !== n) throw new Error(`${table.length} frames found in the fragments`);
    return table.map((_t, k) => dicomParser.readEncapsulatedImageFrame(ds, el, k, table));
  } catch (e) {
    if (e instanceof VoxaError) throw e;
    throw new VoxaError('CORRUPT_INPUT', `${name}: cannot split compressed pixel data into ${n} frames (${e instanceof Error ? e.message.slice(0, 80) : String(e).slice(0, 80)})`);
  }
}
