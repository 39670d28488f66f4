/**
 * DICOM Segmentation (SEG) objects out. The SEG is built here (rather than
 * with dcmjs's derivations.Segmentation, which re-sorts the source frames) and
 * encoded by the one Part 10 writer (io/dicom/part10.ts): one frame per segment
 * per non-empty slice, in segment then slice order, each frame referencing its
 * source image and carrying its plane position, so other tools can place it
 * either way. Read by dicomSegRead.ts.
 */
import { VoxaError } from '../../../common/contract';
import type { Vec3 } from '../../../common/volume';
import { codeItem } from '../io/dicom/codeItems';
import { derivedObjectHeader, dicomDateTime, uidMaker } from '../io/dicom/headerBlocks';
import { ds, encodePart10, SEGMENTATION_STORAGE, type NaturalDataset } from '../io/dicom/part10';
import { writeFileAtomic } from '../io/atomicWrite';
import type { Segment, Segmentation } from './segmentation';
import { sameGrid } from './segmentation';
import { CATEGORY, DEFAULT_COLOURS, TYPE } from './segmentCodes';
import type { SourceSeries } from './sourceSeries';
import { rgbToCielab } from './cielab';

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
  const uid = uidMaker(options.uidSeed);
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
  const { date, time } = dicomDateTime();
  const dimensionOrg = uid('dimension-organization');
  const position = (k: number) => [g.originLps[0] + k * g.spacingMm[2] * d[6], g.originLps[1] + k * g.spacingMm[2] * d[7], g.originLps[2] + k * g.spacingMm[2] * d[8]].map(ds);
  const referenced = source.instances.filter((x): x is NonNullable<typeof x> => !!x);
  return {
    ...derivedObjectHeader({
      source: source.header,
      studyInstanceUid: source.studyInstanceUid,
      sopClassUid: SEGMENTATION_STORAGE,
      modality: 'SEG',
      seriesNumber: options.seriesNumber ?? 300,
      seriesDescription: options.seriesDescription ?? 'Voxa segmentation',
      uid,
      date,
      time,
    }),
    SeriesDate: date,
    SeriesTime: time,
    FrameOfReferenceUID: source.frameOfReferenceUid,
    PositionReferenceIndicator: '',
    DeviceSerialNumber: '1',
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
