/**
 * DICOM Segmentation (SEG) objects in and out.
 *
 * Read: BINARY (1-bit, packed across frame boundaries) and FRACTIONAL
 * (8-bit) segmentations, overlapping segments (one mask per segment). Each
 * frame is placed on the target grid by the source image it references
 * (DerivationImageSequence → SourceImageSequence) when a source series is
 * given, else by its PlanePositionSequence; without a source series the grid
 * is built from the frames' own plane positions.
 *
 * Write: the SEG is built here (rather than with dcmjs's
 * derivations.Segmentation, which re-sorts the source frames) and encoded
 * with dcmjs: one frame per segment per non-empty slice, in segment then
 * slice order, each frame referencing its source image and carrying its
 * plane position, so other tools can place it either way.
 */
import path from 'node:path';
import dcmjs, { type DicomDict } from 'dcmjs';
import { VoxaError } from '../../../common/contract';
import { cross, dot, lpsToIjk, normalize } from '../../../common/geometry/affine';
import type { Mat3, Vec3, VolumeGeometry } from '../../../common/volume';
import { ds, encodePart10, hashedUid, naturalize, patientStudyOf, randomUid, SEGMENTATION_STORAGE, writeFileAtomic, type NaturalDataset } from '../io/dicom/part10';
import { nFirst, nNumber, nNumbers, nSeq, nText } from './naturalValues';
import type { Code, Segment, SegmentInfo, Segmentation } from './segmentation';
import { sameGrid } from './segmentation';
import { CATEGORY, DEFAULT_COLOURS, TYPE } from './segmentCodes';
import type { SourceSeries } from './sourceSeries';
import { cielabToRgb, rgbToCielab } from './cielab';
import { MAX_OBJECT_BYTES, readWholeFile } from '../io/fileRange';

const NATIVE_SYNTAXES = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99']);
const MAX_SEG_BYTES = 2 * 1024 ** 3;

interface FrameInfo {
  segmentNumber: number;
  position?: Vec3;
  orientation?: number[];
  sourceSopUids: string[];
}

function parseCode(item: NaturalDataset | undefined): Code | undefined {
  if (!item) return undefined;
  const value = nText(item, 'CodeValue') || nText(item, 'LongCodeValue') || nText(item, 'URNCodeValue');
  if (!value) return undefined;
  return { value, scheme: nText(item, 'CodingSchemeDesignator'), meaning: nText(item, 'CodeMeaning') };
}

function codeItem(c: Code): NaturalDataset {
  return { CodeValue: c.value, CodingSchemeDesignator: c.scheme, CodeMeaning: c.meaning };
}

/** Concatenated native pixel bytes of a parsed data set. */
function pixelBytes(natural: NaturalDataset): Uint8Array | undefined {
  const v = natural.PixelData;
  const parts = (Array.isArray(v) ? v : [v]).filter((p): p is ArrayBuffer => p instanceof ArrayBuffer);
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return new Uint8Array(parts[0] as ArrayBuffer);
  const total = parts.reduce((s, p) => s + p.byteLength, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), o);
    o += p.byteLength;
  }
  return out;
}

function parseDicom(bytes: Uint8Array, name: string): { meta: DicomDict; natural: NaturalDataset } {
  if (bytes.length < 132 || Buffer.from(bytes.buffer, bytes.byteOffset + 128, 4).toString('latin1') !== 'DICM') {
    throw new VoxaError('CORRUPT_INPUT', `${name}: not a DICOM Part 10 file (no DICM preamble)`);
  }
  try {
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const { meta, dict } = dcmjs.data.DicomMessage.readFile(ab);
    return { meta, natural: naturalize(dict) };
  } catch (e) {
    throw new VoxaError('CORRUPT_INPUT', `${name}: damaged DICOM (${e instanceof Error ? e.message.slice(0, 120) : 'parse error'})`);
  }
}

/** Grid spanned by the frames themselves (no source series). */
function gridFromFrames(frames: FrameInfo[], rows: number, cols: number, shared: NaturalDataset | undefined, name: string): VolumeGeometry {
  const iop = frames.find((f) => f.orientation)?.orientation;
  if (!iop || iop.length !== 6) throw new VoxaError('CORRUPT_INPUT', `${name}: frames carry no ImageOrientationPatient; give the source image series`);
  const rowDir = normalize(iop.slice(0, 3) as Vec3);
  const colDir = normalize(iop.slice(3, 6) as Vec3);
  const normal = normalize(cross(rowDir, colDir));
  const measures = nFirst(shared, 'PixelMeasuresSequence');
  const ps = nNumbers(measures, 'PixelSpacing');
  if (!ps || ps.length !== 2) throw new VoxaError('CORRUPT_INPUT', `${name}: no PixelSpacing in the shared functional groups`);
  const positions = frames.map((f) => f.position);
  if (positions.some((p) => !p)) throw new VoxaError('CORRUPT_INPUT', `${name}: some frames have no PlanePositionSequence; give the source image series`);
  const heights = [...new Set((positions as Vec3[]).map((p) => Math.round(dot(p, normal) * 1e4) / 1e4))].sort((a, b) => a - b);
  let spacing = nNumber(measures, 'SpacingBetweenSlices') ?? nNumber(measures, 'SliceThickness') ?? 1;
  if (heights.length > 1) {
    const gaps = heights.slice(1).map((h, n) => h - (heights[n] as number)).filter((g) => g > 1e-3);
    spacing = Math.min(...gaps);
  }
  const span = (heights[heights.length - 1] as number) - (heights[0] as number);
  const nk = Math.round(span / spacing) + 1;
  if (nk > 4096) throw new VoxaError('UNSUPPORTED', `${name}: frame positions span ${nk} slices; give the source image series`);
  const low = (positions as Vec3[]).reduce((best, p) => (dot(p, normal) < dot(best, normal) ? p : best));
  return {
    dimensions: [cols, rows, nk],
    spacingMm: [ps[1] as number, ps[0] as number, spacing],
    originLps: [...low] as Vec3,
    direction: [...rowDir, ...colDir, ...normal] as Mat3,
  };
}

/**
 * Reads a DICOM SEG. With `source`, frames land on the source volume's grid;
 * without, on a grid built from the frames' plane positions.
 */
export function readDicomSeg(bytes: Uint8Array, name: string, source?: SourceSeries): Segmentation {
  try {
    return readDicomSegUnchecked(bytes, name, source);
  } catch (e) {
    if (e instanceof VoxaError) throw e;
    // Values that parse but make no sense (zero orientation vectors, non-numeric fields...).
    throw new VoxaError('CORRUPT_INPUT', `${name}: inconsistent SEG (${e instanceof Error ? e.message.slice(0, 120) : 'error'})`);
  }
}

function readDicomSegUnchecked(bytes: Uint8Array, name: string, source?: SourceSeries): Segmentation {
  const { meta, natural } = parseDicom(bytes, name);
  const sopClass = nText(natural, 'SOPClassUID');
  if (sopClass !== SEGMENTATION_STORAGE) throw new VoxaError('UNSUPPORTED', `${name}: not a DICOM Segmentation (SOP class ${sopClass || 'missing'})`);
  const ts = nText(naturalize(meta), 'TransferSyntaxUID');
  if (!NATIVE_SYNTAXES.has(ts)) throw new VoxaError('UNSUPPORTED', `${name}: SEG pixel data in transfer syntax ${ts} is not decoded`);
  const rows = nNumber(natural, 'Rows') ?? 0;
  const cols = nNumber(natural, 'Columns') ?? 0;
  const nFrames = nNumber(natural, 'NumberOfFrames') ?? 1;
  const bits = nNumber(natural, 'BitsAllocated') ?? 0;
  const segType = nText(natural, 'SegmentationType');
  if (!(rows > 0 && cols > 0 && nFrames > 0) || !Number.isInteger(nFrames)) throw new VoxaError('CORRUPT_INPUT', `${name}: invalid Rows/Columns/NumberOfFrames`);
  if (segType !== 'BINARY' && segType !== 'FRACTIONAL') throw new VoxaError('UNSUPPORTED', `${name}: SegmentationType "${segType}" is not supported (BINARY or FRACTIONAL)`);
  if ((segType === 'BINARY' && bits !== 1) || (segType === 'FRACTIONAL' && bits !== 8)) {
    throw new VoxaError('CORRUPT_INPUT', `${name}: ${segType} segmentation with BitsAllocated ${bits}`);
  }
  const frameSize = rows * cols;
  const needed = bits === 1 ? Math.ceil((frameSize * nFrames) / 8) : frameSize * nFrames;
  if (needed > MAX_SEG_BYTES) throw new VoxaError('TOO_LARGE', `${name}: ${nFrames} frames of ${cols}×${rows} exceed the limit`);
  const pixels = pixelBytes(natural);
  if (!pixels || pixels.length < needed) throw new VoxaError('CORRUPT_INPUT', `${name}: pixel data holds ${pixels?.length ?? 0} bytes, ${needed} needed for ${nFrames} frames`);
  const maxFractional = segType === 'FRACTIONAL' ? (nNumber(natural, 'MaximumFractionalValue') ?? 255) : 1;

  const infos: SegmentInfo[] = nSeq(natural, 'SegmentSequence').map((item, n) => {
    const lab = nNumbers(item, 'RecommendedDisplayCIELabValue');
    const category = parseCode(nFirst(item, 'SegmentedPropertyCategoryCodeSequence'));
    const type = parseCode(nFirst(item, 'SegmentedPropertyTypeCodeSequence'));
    const region = parseCode(nFirst(item, 'AnatomicRegionSequence')) ?? parseCode(nFirst(nFirst(item, 'SegmentedPropertyTypeCodeSequence'), 'AnatomicRegionSequence'));
    const algorithm = nText(item, 'SegmentAlgorithmType');
    const description = nText(item, 'SegmentDescription');
    const algorithmName = nText(item, 'SegmentAlgorithmName');
    return {
      number: nNumber(item, 'SegmentNumber') ?? n + 1,
      label: nText(item, 'SegmentLabel') || `Segment ${n + 1}`,
      ...(description ? { description } : {}),
      ...(lab && lab.length === 3 ? { colorRgb: cielabToRgb(lab as Vec3) } : {}),
      ...(category ? { category } : {}),
      ...(type ? { type } : {}),
      ...(region ? { anatomicRegion: region } : {}),
      ...(algorithm === 'MANUAL' || algorithm === 'SEMIAUTOMATIC' || algorithm === 'AUTOMATIC' ? { algorithmType: algorithm } : {}),
      ...(algorithmName ? { algorithmName } : {}),
    };
  });
  if (infos.length === 0) throw new VoxaError('CORRUPT_INPUT', `${name}: SegmentSequence is empty`);

  const shared = nFirst(natural, 'SharedFunctionalGroupsSequence');
  const perFrame = nSeq(natural, 'PerFrameFunctionalGroupsSequence');
  if (perFrame.length !== nFrames) throw new VoxaError('CORRUPT_INPUT', `${name}: ${perFrame.length} per-frame functional groups for ${nFrames} frames`);
  const frames: FrameInfo[] = perFrame.map((g) => {
    const segNumber = nNumber(nFirst(g, 'SegmentIdentificationSequence'), 'ReferencedSegmentNumber') ?? nNumber(nFirst(shared, 'SegmentIdentificationSequence'), 'ReferencedSegmentNumber') ?? 1;
    const ipp = nNumbers(nFirst(g, 'PlanePositionSequence'), 'ImagePositionPatient');
    const iop = nNumbers(nFirst(g, 'PlaneOrientationSequence'), 'ImageOrientationPatient') ?? nNumbers(nFirst(shared, 'PlaneOrientationSequence'), 'ImageOrientationPatient');
    const sopUids = nSeq(g, 'DerivationImageSequence').flatMap((d) => nSeq(d, 'SourceImageSequence').map((s) => nText(s, 'ReferencedSOPInstanceUID')));
    return {
      segmentNumber: segNumber,
      ...(ipp && ipp.length === 3 ? { position: ipp as Vec3 } : {}),
      ...(iop && iop.length === 6 ? { orientation: iop } : {}),
      sourceSopUids: sopUids.filter((u) => u !== ''),
    };
  });

  const warnings: string[] = [];
  let geometry: VolumeGeometry;
  const kBySop = new Map<string, number>();
  if (source) {
    geometry = source.volume.geometry;
    source.instances.forEach((inst) => inst && kBySop.set(inst.sopInstanceUid, inst.k));
    const forSeg = nText(natural, 'FrameOfReferenceUID');
    if (forSeg && source.frameOfReferenceUid && forSeg !== source.frameOfReferenceUid) warnings.push('the SEG and the image series have different frames of reference');
  } else {
    geometry = gridFromFrames(frames, rows, cols, shared, name);
  }
  const [ni, nj, nk] = geometry.dimensions;
  if (geometry.spacingMm.some((v) => !(v > 0) || !Number.isFinite(v))) throw new VoxaError('CORRUPT_INPUT', `${name}: invalid pixel spacing or slice spacing`);
  if (new Set(infos.map((s) => s.number)).size !== infos.length) throw new VoxaError('CORRUPT_INPUT', `${name}: duplicate SegmentNumber in SegmentSequence`);
  if (infos.length * ni * nj * nk > MAX_SEG_BYTES) throw new VoxaError('TOO_LARGE', `${name}: ${infos.length} segments on a ${ni}×${nj}×${nk} grid exceed the limit`);
  const masks = new Map<number, Uint8Array>(infos.map((s) => [s.number, new Uint8Array(ni * nj * nk)]));
  let offGrid = 0;
  let unknownSegment = 0;
  for (let f = 0; f < nFrames; f++) {
    const fr = frames[f] as FrameInfo;
    const mask = masks.get(fr.segmentNumber);
    if (!mask) {
      unknownSegment++;
      continue;
    }
    // Slice index: by referenced source image first, else by plane position.
    let k: number | undefined;
    let i0 = 0;
    let j0 = 0;
    for (const uid of fr.sourceSopUids) {
      const hit = kBySop.get(uid);
      if (hit !== undefined) {
        k = hit;
        break;
      }
    }
    if (fr.orientation) {
      const rowDir = normalize(fr.orientation.slice(0, 3) as Vec3);
      const colDir = normalize(fr.orientation.slice(3, 6) as Vec3);
      if (Math.abs(dot(rowDir, [geometry.direction[0], geometry.direction[1], geometry.direction[2]]) - 1) > 1e-3 || Math.abs(dot(colDir, [geometry.direction[3], geometry.direction[4], geometry.direction[5]]) - 1) > 1e-3) {
        offGrid++;
        continue;
      }
    }
    if (fr.position) {
      const ijk = lpsToIjk(geometry, fr.position);
      const ri = Math.round(ijk[0]);
      const rj = Math.round(ijk[1]);
      const rk = Math.round(ijk[2]);
      if (Math.abs(ijk[0] - ri) > 0.05 || Math.abs(ijk[1] - rj) > 0.05) {
        offGrid++;
        continue;
      }
      i0 = ri;
      j0 = rj;
      if (k === undefined) {
        if (Math.abs(ijk[2] - rk) > 0.1) {
          offGrid++;
          continue;
        }
        k = rk;
      } else if (Math.abs(ijk[2] - k) > 0.1) {
        warnings.push(`frame ${f + 1}: plane position disagrees with its referenced image; the reference was used`);
      }
    }
    if (k === undefined || k < 0 || k >= nk) {
      offGrid++;
      continue;
    }
    const base = f * frameSize;
    for (let r = 0; r < rows; r++) {
      const j = j0 + r;
      if (j < 0 || j >= nj) continue;
      for (let c = 0; c < cols; c++) {
        const i = i0 + c;
        if (i < 0 || i >= ni) continue;
        const p = base + r * cols + c;
        const v = bits === 1 ? ((pixels[p >> 3] as number) >> (p & 7)) & 1 : (pixels[p] as number);
        if (v !== 0) {
          const idx = i + ni * (j + nj * k);
          mask[idx] = Math.max(mask[idx] as number, v);
        }
      }
    }
  }
  if (offGrid > 0) warnings.push(`${offGrid} of ${nFrames} frames could not be placed on the image grid (no matching source image or plane position)`);
  if (unknownSegment > 0) warnings.push(`${unknownSegment} frames refer to segments not in SegmentSequence`);
  const segments: Segment[] = infos.map((s) => ({ ...s, mask: masks.get(s.number) as Uint8Array }));
  return { geometry, segments, kind: segType, maxFractionalValue: maxFractional, warnings };
}

export async function readDicomSegFile(file: string, source?: SourceSeries): Promise<Segmentation> {
  const bytes = await readWholeFile(file, MAX_OBJECT_BYTES).catch((e: unknown) => {
    if (e instanceof VoxaError) throw e;
    throw new VoxaError('NOT_FOUND', `cannot read ${path.basename(file)}`);
  });
  return readDicomSeg(bytes, path.basename(file), source);
}

export interface SegWriteOptions {
  seriesDescription?: string;
  seriesNumber?: number;
  contentLabel?: string;
  contentCreator?: string;
  /** Makes every new UID deterministic (tests, reproducible exports); random otherwise. */
  uidSeed?: string;
}

/** Builds the SEG data set for `seg` on the grid of `source`. */
export function buildDicomSeg(seg: Segmentation, source: SourceSeries, options: SegWriteOptions = {}): NaturalDataset {
  const g = source.volume.geometry;
  if (!sameGrid(seg.geometry, g)) throw new VoxaError('BAD_REQUEST', 'the segmentation is not on the source series grid (resample it first)');
  if (seg.segments.length === 0) throw new VoxaError('BAD_REQUEST', 'the segmentation has no segments');
  const [ni, nj, nk] = g.dimensions;
  const sliceSize = ni * nj;
  const uid = (what: string) => (options.uidSeed !== undefined ? hashedUid(`${options.uidSeed}|${what}`) : randomUid());
  const fractional = seg.kind === 'FRACTIONAL';
  const d = g.direction;
  // Frames: segment by segment (in SegmentSequence order), slice by slice (k ascending). No re-sorting.
  const frameList: { segIndex: number; k: number }[] = [];
  seg.segments.forEach((s, segIndex) => {
    if (s.mask.length !== sliceSize * nk) throw new VoxaError('BAD_REQUEST', `segment ${s.number} has ${s.mask.length} voxels, the grid ${sliceSize * nk}`);
    let any = false;
    for (let k = 0; k < nk; k++) {
      const base = k * sliceSize;
      let hit = false;
      for (let v = 0; v < sliceSize; v++) if (s.mask[base + v] !== 0) { hit = true; break; }
      if (hit) {
        frameList.push({ segIndex, k });
        any = true;
      }
    }
    if (!any) frameList.push({ segIndex, k: 0 }); // an empty frame keeps the segment's metadata
  });
  const nFrames = frameList.length;
  const frameBytes = fractional ? sliceSize : 0;
  const pixelData = new Uint8Array(fractional ? frameBytes * nFrames : Math.ceil((sliceSize * nFrames) / 8));
  frameList.forEach(({ segIndex, k }, f) => {
    const mask = (seg.segments[segIndex] as Segment).mask;
    const base = k * sliceSize;
    for (let v = 0; v < sliceSize; v++) {
      const value = mask[base + v] as number;
      if (value === 0) continue;
      if (fractional) pixelData[f * sliceSize + v] = Math.min(255, value);
      else {
        const bit = f * sliceSize + v;
        pixelData[bit >> 3] = (pixelData[bit >> 3] as number) | (1 << (bit & 7));
      }
    }
  });
  const h = source.header;
  const now = new Date();
  const date = `${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, '0')}${String(now.getUTCDate()).padStart(2, '0')}`;
  const time = `${String(now.getUTCHours()).padStart(2, '0')}${String(now.getUTCMinutes()).padStart(2, '0')}${String(now.getUTCSeconds()).padStart(2, '0')}`;
  const dimensionOrg = uid('dimension-organization');
  const position = (k: number) => [g.originLps[0] + k * g.spacingMm[2] * d[6], g.originLps[1] + k * g.spacingMm[2] * d[7], g.originLps[2] + k * g.spacingMm[2] * d[8]].map(ds);
  const referenced = source.instances.filter((x): x is NonNullable<typeof x> => !!x);
  return {
    SpecificCharacterSet: 'ISO_IR 192',
    ...patientStudyOf(h, source.studyInstanceUid),
    SOPClassUID: SEGMENTATION_STORAGE,
    SOPInstanceUID: uid('sop-instance'),
    Modality: 'SEG',
    SeriesInstanceUID: uid('series'),
    SeriesNumber: String(options.seriesNumber ?? 300),
    SeriesDescription: options.seriesDescription ?? 'Voxa segmentation',
    SeriesDate: date,
    SeriesTime: time,
    FrameOfReferenceUID: source.frameOfReferenceUid,
    PositionReferenceIndicator: '',
    Manufacturer: 'Voxa',
    ManufacturerModelName: 'Voxa workstation',
    DeviceSerialNumber: '1',
    SoftwareVersions: '0.1.0',
    InstanceNumber: '1',
    ContentDate: date,
    ContentTime: time,
    ContentLabel: (options.contentLabel ?? 'SEGMENTATION').toUpperCase().replace(/[^A-Z0-9_ ]/g, '_').slice(0, 16),
    ContentDescription: options.seriesDescription ?? 'Voxa segmentation',
    ContentCreatorName: options.contentCreator ?? 'Voxa^Workstation',
    ImageType: ['DERIVED', 'PRIMARY'],
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: nj,
    Columns: ni,
    BitsAllocated: fractional ? 8 : 1,
    BitsStored: fractional ? 8 : 1,
    HighBit: fractional ? 7 : 0,
    PixelRepresentation: 0,
    LossyImageCompression: '00',
    SegmentationType: seg.kind,
    ...(fractional ? { SegmentationFractionalType: 'PROBABILITY', MaximumFractionalValue: Math.min(255, seg.maxFractionalValue) } : {}),
    NumberOfFrames: String(nFrames),
    ReferencedSeriesSequence: [
      {
        SeriesInstanceUID: source.seriesInstanceUid,
        ReferencedInstanceSequence: referenced.map((r) => ({ ReferencedSOPClassUID: r.sopClassUid, ReferencedSOPInstanceUID: r.sopInstanceUid })),
      },
    ],
    DimensionOrganizationSequence: [{ DimensionOrganizationUID: dimensionOrg }],
    DimensionIndexSequence: [
      { DimensionOrganizationUID: dimensionOrg, DimensionIndexPointer: 0x0062000b, FunctionalGroupPointer: 0x0062000a, DimensionDescriptionLabel: 'ReferencedSegmentNumber' },
      { DimensionOrganizationUID: dimensionOrg, DimensionIndexPointer: 0x00200032, FunctionalGroupPointer: 0x00209113, DimensionDescriptionLabel: 'ImagePositionPatient' },
    ],
    SharedFunctionalGroupsSequence: [
      {
        PlaneOrientationSequence: [{ ImageOrientationPatient: [d[0], d[1], d[2], d[3], d[4], d[5]].map(ds) }],
        PixelMeasuresSequence: [{ PixelSpacing: [ds(g.spacingMm[1]), ds(g.spacingMm[0])], SliceThickness: ds(g.spacingMm[2]), SpacingBetweenSlices: ds(g.spacingMm[2]) }],
      },
    ],
    PerFrameFunctionalGroupsSequence: frameList.map(({ segIndex, k }) => {
      const inst = source.instances[k];
      return {
        FrameContentSequence: [{ DimensionIndexValues: [segIndex + 1, k + 1] }],
        PlanePositionSequence: [{ ImagePositionPatient: position(k) }],
        SegmentIdentificationSequence: [{ ReferencedSegmentNumber: (seg.segments[segIndex] as Segment).number }],
        ...(inst
          ? {
              DerivationImageSequence: [
                {
                  SourceImageSequence: [
                    {
                      ReferencedSOPClassUID: inst.sopClassUid,
                      ReferencedSOPInstanceUID: inst.sopInstanceUid,
                      PurposeOfReferenceCodeSequence: [{ CodeValue: '121322', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Source image for image processing operation' }],
                    },
                  ],
                  DerivationCodeSequence: [{ CodeValue: '113076', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Segmentation' }],
                },
              ],
            }
          : {}),
      };
    }),
    SegmentSequence: seg.segments.map((s, n) => {
      const algorithm = s.algorithmType ?? 'MANUAL';
      return {
        SegmentNumber: s.number,
        SegmentLabel: s.label.slice(0, 64),
        ...(s.description ? { SegmentDescription: s.description } : {}),
        SegmentAlgorithmType: algorithm,
        ...(algorithm !== 'MANUAL' ? { SegmentAlgorithmName: s.algorithmName ?? 'Voxa' } : {}),
        SegmentedPropertyCategoryCodeSequence: [codeItem(s.category ?? CATEGORY.tissue)],
        SegmentedPropertyTypeCodeSequence: [codeItem(s.type ?? TYPE.tissue)],
        ...(s.anatomicRegion ? { AnatomicRegionSequence: [codeItem(s.anatomicRegion)] } : {}),
        RecommendedDisplayCIELabValue: rgbToCielab(s.colorRgb ?? (DEFAULT_COLOURS[n % DEFAULT_COLOURS.length] as Vec3)),
      };
    }),
    PixelData: pixelData.buffer,
    _vrMap: { PixelData: 'OB' },
  };
}

export function encodeDicomSeg(seg: Segmentation, source: SourceSeries, options: SegWriteOptions = {}): Uint8Array {
  return encodePart10(buildDicomSeg(seg, source, options));
}

export async function writeDicomSeg(seg: Segmentation, source: SourceSeries, file: string, options: SegWriteOptions = {}): Promise<void> {
  await writeFileAtomic(file, encodeDicomSeg(seg, source, options));
}
