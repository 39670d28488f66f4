/**
 * One DICOM file → a plain description of its image frames (geometry, rescale,
 * grouping keys, where the pixel bytes are), or the reason it is not an image.
 *
 * Parsing is dicom-parser's (lazy: element offsets, no copies; dicomParse.ts).
 * This module names non-image SOP classes and unsupported pixel formats, checks
 * the claimed pixel size, and takes per-frame geometry from frameGeometry.ts.
 */
import * as dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import { isSupportedSyntax, TS } from '../codecs/frameCodecs';
import type { FrameSpec } from '../codecs/storedPixels';
import { DEFAULT_IO_LIMITS } from '../limits';
import { dsNumber, safe, str, us } from './dicomParse';
import { frameGeometries, type FrameGeometry, type MosaicLayout } from './frameGeometry';
import { nonImageReason } from './sopClasses';

/** A DICOM image file's header: the frame layout decoders need (FrameSpec) and the rest. */
export interface DicomImage extends FrameSpec {
  file: string;
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
  photometric: string;
  numberOfFrames: number;
  sliceThickness: number | undefined;
  spacingBetweenSlices: number | undefined;
  /** Native pixel data's place in the (possibly inflated) file bytes; null for encapsulated data. */
  nativePixels: { offset: number; length: number } | null;
  /** Mosaic layout when the file is a Siemens mosaic. */
  mosaic: MosaicLayout | null;
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

  const layout = frameGeometries(ds, rows, columns, numberOfFrames, warnings);
  if (typeof layout === 'string') return { ...base, kind: 'damaged', reason: layout };
  const { frames, mosaic, sliceThickness, spacingBetweenSlices } = layout;

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
