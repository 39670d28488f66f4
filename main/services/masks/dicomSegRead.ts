/**
 * DICOM Segmentation (SEG) objects in: BINARY (1-bit, packed across frame
 * boundaries) and FRACTIONAL (8-bit) segmentations, overlapping segments (one
 * mask per segment). Each frame is placed on the target grid by the source
 * image it references (DerivationImageSequence → SourceImageSequence) when a
 * source series is given, else by its PlanePositionSequence; without a source
 * series the grid is built from the frames' own plane positions.
 * Written by dicomSegWrite.ts.
 */
import path from 'node:path';
import { VoxaError } from '../../../common/contract';
import { cross, dot, lpsToIjk, normalize } from '../../../common/geometry/affine';
import type { Mat3, Vec3, VolumeGeometry } from '../../../common/volume';
import { NATIVE_SYNTAXES } from '../io/codecs/frameCodecs';
import { parseCode } from '../io/dicom/codeItems';
import { naturalize, SEGMENTATION_STORAGE, type NaturalDataset } from '../io/dicom/part10';
import { readObjectFile, readPart10Natural } from '../io/dicom/part10Read';
import { nFirst, nNumber, nNumbers, nSeq, nText } from '../io/dicom/naturalValues';
import type { Segment, SegmentInfo, Segmentation } from './segmentation';
import type { SourceSeries } from './sourceSeries';
import { cielabToRgb } from './cielab';

const MAX_SEG_BYTES = 2 * 1024 ** 3;

interface FrameInfo {
  segmentNumber: number;
  position?: Vec3;
  orientation?: number[];
  sourceSopUids: string[];
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
  const { meta, natural } = readPart10Natural(bytes, name);
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
  const bytes = await readObjectFile(file);
  return readDicomSeg(bytes, path.basename(file), source);
}
