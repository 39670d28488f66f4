/**
 * The vocabulary of Voxa's TID 1500 reports, shared by the writer
 * (tid1500Write.ts) and the reader (tid1500.ts): SR storage classes, concept
 * codes (old SNOMED-RT equivalents accepted on read), the RECIST role codes and
 * the lesion model both sides speak.
 */
import type { LesionRole } from '../../../common/recist/timepoints';
import type { Vec3 } from '../../../common/volume';
import type { Code } from '../io/dicom/codeItems';
import type { NaturalDataset } from '../io/dicom/part10';

export const COMPREHENSIVE_3D_SR_STORAGE = '1.2.840.10008.5.1.4.1.1.88.34';
export const SR_STORAGE_CLASSES = new Set([
  '1.2.840.10008.5.1.4.1.1.88.11', // Basic Text
  '1.2.840.10008.5.1.4.1.1.88.22', // Enhanced
  '1.2.840.10008.5.1.4.1.1.88.33', // Comprehensive
  COMPREHENSIVE_3D_SR_STORAGE,
  '1.2.840.10008.5.1.4.1.1.88.35', // Extensible
]);


export const code = (value: string, scheme: string, meaning: string): Code => ({ value, scheme, meaning });


/** Concept codes used (SCT = SNOMED CT, DCM = DICOM, UCUM units); old SRT equivalents are accepted on read. */
export const CODES = {
  report: code('126000', 'DCM', 'Imaging Measurement Report'),
  language: code('121049', 'DCM', 'Language of Content Item and Descendants'),
  english: code('eng', 'RFC5646', 'English'),
  observerType: code('121005', 'DCM', 'Observer Type'),
  device: code('121007', 'DCM', 'Device'),
  deviceUid: code('121012', 'DCM', 'Device Observer UID'),
  deviceName: code('121013', 'DCM', 'Device Observer Name'),
  procedure: code('121058', 'DCM', 'Procedure reported'),
  imagingProcedure: code('363679005', 'SCT', 'Imaging procedure'),
  imageLibrary: code('111028', 'DCM', 'Image Library'),
  imageLibraryGroup: code('126200', 'DCM', 'Image Library Group'),
  measurements: code('126010', 'DCM', 'Imaging Measurements'),
  group: code('125007', 'DCM', 'Measurement Group'),
  trackingId: code('112039', 'DCM', 'Tracking Identifier'),
  trackingUid: code('112040', 'DCM', 'Tracking Unique Identifier'),
  timePoint: code('C2348792', 'UMLS', 'Time Point'),
  finding: code('121071', 'DCM', 'Finding'),
  findingSite: code('363698007', 'SCT', 'Finding Site'),
  lesion: code('52988006', 'SCT', 'Lesion'),
  lymphNode: code('59441001', 'SCT', 'Lymph node'),
  referencedSegment: code('121191', 'DCM', 'Referenced Segment'),
  sourceSeriesForSegmentation: code('121232', 'DCM', 'Source series for segmentation'),
  processingType: code('111701', 'DCM', 'Processing type'),
  manualProcessing: code('123109', 'DCM', 'Manual Processing'),
  longAxis: code('103339001', 'SCT', 'Long Axis'),
  shortAxis: code('103340004', 'SCT', 'Short Axis'),
  diameter: code('81827009', 'SCT', 'Diameter'),
  length: code('410668003', 'SCT', 'Length'),
  volume: code('118565006', 'SCT', 'Volume'),
  derivation: code('121401', 'DCM', 'Derivation'),
  maximum: code('56851009', 'SCT', 'Maximum'),
  measurementMethod: code('370129005', 'SCT', 'Measurement Method'),
  sumOfVoxelVolumes: code('126030', 'DCM', 'Sum of segmented voxel volumes'),
  imageRegion: code('111030', 'DCM', 'Image Region'),
  recistRole: code('role', '99VOXA', 'RECIST lesion role'),
  mm: code('mm', 'UCUM', 'millimeter'),
  ml: code('ml', 'UCUM', 'milliliter'),
} as const;


export const ROLE_CODES: Record<LesionRole, Code> = {
  target: code('112074', 'DCM', 'Target Lesion at Baseline'),
  nonTarget: code('112075', 'DCM', 'Non-Target Lesion at Baseline'),
  new: code('new', '99VOXA', 'New lesion'),
};

/** Old SNOMED-RT (SRT) codes that mean the same as the SCT ones. */
const SRT_ALIASES: Record<string, string> = {
  'G-C0E3': '363698007',
  'G-A185': '103339001',
  'G-A186': '103340004',
  'G-D705': '118565006',
  'G-A22A': '81827009',
  'G-A437': '56851009',
  'G-C036': '370129005',
  'T-C4000': '59441001',
};

/** Whether `c` is the concept `want` (SRT and SNM3 codes read as their SCT equivalents). */
export function isConcept(c: Code | undefined, want: Code): boolean {
  if (!c) return false;
  const v = c.scheme === 'SRT' ? (SRT_ALIASES[c.value] ?? c.value) : c.value;
  return v === want.value && (c.scheme === want.scheme || (c.scheme === 'SRT' && want.scheme === 'SCT') || (c.scheme === 'SNM3' && want.scheme === 'SCT'));
}

// ---------------------------------------------------------------- model

/** A straight measurement: its length and, when known, its endpoints in LPS mm. */
export interface SrLine {
  lengthMm: number;
  startLps?: Vec3;
  endLps?: Vec3;
}

export interface SrImageRef {
  sopClassUid: string;
  sopInstanceUid: string;
}

/** One lesion's measurements as Voxa writes and reads them (mm and mL). */
export interface SrLesion {
  trackingId: string;
  trackingUid: string;
  isNode?: boolean;
  findingSite?: Code;
  role?: LesionRole;
  /** A reader's caliper replaced the automatic measurement. */
  manual?: boolean;
  longAxis?: SrLine;
  shortAxis?: SrLine;
  longest3d?: SrLine;
  volumeMl?: number;
  /** The SEG segment the lesion was measured on. */
  segment?: SrImageRef & { segmentNumber: number; seriesInstanceUid?: string };
  sourceSeriesUid?: string;
}

export interface SrSubject {
  /** The source images' header (patient and study modules are copied from it). */
  header: NaturalDataset;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  frameOfReferenceUid: string;
  images: SrImageRef[];
}

export interface SrWriteOptions {
  seriesDescription?: string;
  seriesNumber?: number;
  /** Protocol time point (e.g. "baseline"); written in every group. */
  timePoint?: string;
  /** Makes every new UID deterministic (tests); random otherwise. */
  uidSeed?: string;
}
