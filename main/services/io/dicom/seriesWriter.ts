/**
 * {@link Volume} → a DICOM CT Image series (one single-frame file per k
 * slice, Explicit VR Little Endian, 16-bit signed pixels with rescale).
 *
 * Geometry: ImageOrientationPatient = the i and j direction cosines,
 * PixelSpacing = [spacing j (between rows), spacing i (between columns)],
 * ImagePositionPatient of slice k = origin + k·spacing k·direction k. Slice
 * k = 0 is written first. Files are written atomically. Used by `voxa convert`
 * and the phantoms; the one Part 10 writer and patient/study block are
 * part10.ts and headerBlocks.ts.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { VoxaError } from '../../../../common/contract';
import type { Volume } from '../../../../common/volume';
import { valueRange } from '../../../../common/volume';
import { patientStudyOf, uidMaker } from './headerBlocks';
import { CT_IMAGE_STORAGE, ds, encodePart10, type NaturalDataset } from './part10';
import { writeFileAtomic } from '../atomicWrite';

export interface DicomSeriesWriteOptions {
  /** Seeds every UID deterministically (same seed, same UIDs); random UIDs when absent. */
  uidSeed?: string;
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  frameOfReferenceUid?: string;
  seriesDescription?: string;
  seriesNumber?: number;
  patientName?: string;
  patientId?: string;
  studyDate?: string;
  studyId?: string;
  accessionNumber?: string;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface WrittenSeries {
  files: string[];
  studyInstanceUid: string;
  seriesInstanceUid: string;
  frameOfReferenceUid: string;
  sopInstanceUids: string[];
}

/** Chooses slope/intercept so every value fits int16 (identity when the values are integers that already fit). */
function rescaleFor(volume: Volume): { slope: number; intercept: number } {
  const [min, max] = valueRange(volume.voxels);
  const integral = volume.dtype !== 'float32' && volume.dtype !== 'float64';
  if (integral && min >= -32768 && max <= 32767) return { slope: 1, intercept: 0 };
  // Round to what DS can carry first, so the stored values use the written slope.
  const slope = Number(ds(max > min ? (max - min) / 65000 : 1));
  return { slope, intercept: Number(ds(min + 32000 * slope)) };
}

export async function writeDicomSeries(volume: Volume, dir: string, options: DicomSeriesWriteOptions = {}): Promise<WrittenSeries> {
  const { dimensions: dims, spacingMm: sp, originLps: o, direction: d } = volume.geometry;
  const [ni, nj, nk] = dims;
  if (ni > 65535 || nj > 65535) throw new VoxaError('UNSUPPORTED', `a ${ni}×${nj} slice exceeds DICOM's 65535 rows/columns`);
  const uid = uidMaker(options.uidSeed);
  const studyUid = options.studyInstanceUid ?? uid('study');
  const seriesUid = options.seriesInstanceUid ?? uid('series');
  const forUid = options.frameOfReferenceUid ?? uid('frame-of-reference');
  const { slope, intercept } = rescaleFor(volume);
  const date = options.studyDate ?? '20240101';
  await mkdir(dir, { recursive: true });
  const sliceVoxels = ni * nj;
  const files: string[] = [];
  const sops: string[] = [];
  const digits = Math.max(4, String(nk).length);
  let windowCentre = 40;
  let windowWidth = 400;
  if (volume.meta.modality !== 'CT') {
    const [min, max] = valueRange(volume.voxels);
    windowCentre = (min + max) / 2;
    windowWidth = Math.max(1, max - min);
  }
  const patientStudy = patientStudyOf(
    {
      PatientName: options.patientName ?? (volume.meta.patientName || 'PHANTOM^VOXA'),
      PatientID: options.patientId ?? (volume.meta.patientId || 'VOXA-PHANTOM'),
      PatientBirthDate: '',
      PatientSex: 'O',
      StudyDate: date,
      StudyTime: '120000',
      StudyID: options.studyId ?? '1',
      AccessionNumber: options.accessionNumber ?? '',
      ReferringPhysicianName: '',
      StudyDescription: 'Voxa synthetic study',
    },
    studyUid,
  );
  for (let k = 0; k < nk; k++) {
    options.signal?.throwIfAborted();
    const pixels = new Int16Array(sliceVoxels);
    const base = k * sliceVoxels;
    for (let n = 0; n < sliceVoxels; n++) {
      const stored = Math.round(((volume.voxels[base + n] as number) - intercept) / slope);
      pixels[n] = Math.max(-32768, Math.min(32767, Number.isFinite(stored) ? stored : 0));
    }
    const position = [o[0] + k * sp[2] * d[6], o[1] + k * sp[2] * d[7], o[2] + k * sp[2] * d[8]];
    const sop = uid(`instance ${k}`);
    const dataset: NaturalDataset = {
      SpecificCharacterSet: 'ISO_IR 100',
      ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'],
      SOPClassUID: CT_IMAGE_STORAGE,
      SOPInstanceUID: sop,
      ...patientStudy,
      SeriesDate: date,
      ContentDate: date,
      SeriesTime: '120000',
      ContentTime: '120000',
      Modality: volume.meta.modality === 'OT' ? 'CT' : volume.meta.modality,
      Manufacturer: 'Voxa',
      ManufacturerModelName: 'Voxa synthetic phantom',
      SeriesDescription: options.seriesDescription ?? (volume.meta.description || 'Voxa synthetic series'),
      BodyPartExamined: 'CHEST',
      SliceThickness: ds(sp[2]),
      KVP: '120',
      PatientPosition: 'HFS',
      SeriesInstanceUID: seriesUid,
      AcquisitionNumber: '1',
      SeriesNumber: String(options.seriesNumber ?? 1),
      InstanceNumber: String(k + 1),
      ImagePositionPatient: position.map(ds),
      ImageOrientationPatient: [d[0], d[1], d[2], d[3], d[4], d[5]].map(ds),
      FrameOfReferenceUID: forUid,
      PositionReferenceIndicator: '',
      SliceLocation: ds(position[0]! * d[6] + position[1]! * d[7] + position[2]! * d[8]),
      SamplesPerPixel: 1,
      PhotometricInterpretation: 'MONOCHROME2',
      Rows: nj,
      Columns: ni,
      PixelSpacing: [ds(sp[1]), ds(sp[0])],
      BitsAllocated: 16,
      BitsStored: 16,
      HighBit: 15,
      PixelRepresentation: 1,
      WindowCenter: ds(windowCentre),
      WindowWidth: ds(windowWidth),
      RescaleIntercept: ds(intercept),
      RescaleSlope: ds(slope),
      RescaleType: volume.meta.modality === 'CT' ? 'HU' : 'US',
      PixelData: pixels.buffer,
      _vrMap: { PixelData: 'OW' },
    };
    const file = path.join(dir, `IM_${String(k + 1).padStart(digits, '0')}.dcm`);
    await writeFileAtomic(file, encodePart10(dataset));
    files.push(file);
    sops.push(sop);
    options.onProgress?.(k + 1, nk);
  }
  return { files, studyInstanceUid: studyUid, seriesInstanceUid: seriesUid, frameOfReferenceUid: forUid, sopInstanceUids: sops };
}
