/**
 * DICOM SR TID 1500 ("Imaging Measurement Report") out and in.
 *
 * Write: one Comprehensive 3D SR whose Imaging Measurements container holds a
 * Measurement Group per lesion: tracking identifier and UID, finding (lesion
 * or lymph node), finding site, the RECIST role (a private 99VOXA code, since
 * DICOM has none for "target at follow-up"), manual processing when a reader's
 * caliper overrides the automatic value, and NUM items for long axis, short
 * axis, longest 3D diameter (Diameter with Derivation = Maximum) and volume.
 * Each line measurement is INFERRED FROM a SCOORD3D POLYLINE of its two LPS
 * endpoints in the image's frame of reference. Groups reference the SEG
 * segment they were measured on (Referenced Segment, TID 1411) and the source
 * series; the Image Library and the evidence sequence list the source images.
 * The data set is built here and encoded with dcmjs (as the SEG writer does).
 *
 * Read: any TID 1500 report (dcmqi, highdicom, dwv, Voxa): every Measurement
 * Group with its tracking ids, finding, finding site, NUM measurements (value,
 * unit, derivation/method modifiers, the SCOORD/SCOORD3D they were inferred
 * from), image regions, referenced segment and source images; then
 * {@link lesionFromGroup} picks out the RECIST quantities in mm and mL.
 */
import path from 'node:path';
import dcmjs from 'dcmjs';
import { VoxaError } from '../../../common/contract';
import type { LesionRole } from '../../../common/recist/timepoints';
import type { Vec3 } from '../../../common/volume';
import { ds, encodePart10, hashedUid, naturalize, patientStudyOf, randomUid, writeFileAtomic, type NaturalDataset } from '../io/dicom/part10';
import { nNumber, nNumbers, nSeq, nText } from '../masks/naturalValues';
import type { Code } from '../masks/segmentation';
import { MAX_OBJECT_BYTES, readWholeFile } from '../io/fileRange';

export const COMPREHENSIVE_3D_SR_STORAGE = '1.2.840.10008.5.1.4.1.1.88.34';
export const SR_STORAGE_CLASSES = new Set([
  '1.2.840.10008.5.1.4.1.1.88.11', // Basic Text
  '1.2.840.10008.5.1.4.1.1.88.22', // Enhanced
  '1.2.840.10008.5.1.4.1.1.88.33', // Comprehensive
  COMPREHENSIVE_3D_SR_STORAGE,
  '1.2.840.10008.5.1.4.1.1.88.35', // Extensible
]);

const code = (value: string, scheme: string, meaning: string): Code => ({ value, scheme, meaning });

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

const ROLE_CODES: Record<LesionRole, Code> = {
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

function is(c: Code | undefined, want: Code): boolean {
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

// ---------------------------------------------------------------- write

const codeItem = (c: Code): NaturalDataset => ({ CodeValue: c.value, CodingSchemeDesignator: c.scheme, CodeMeaning: c.meaning });

function item(rel: string, valueType: string, concept: Code, rest: NaturalDataset = {}): NaturalDataset {
  return { RelationshipType: rel, ValueType: valueType, ConceptNameCodeSequence: [codeItem(concept)], ...rest };
}
const codeValue = (rel: string, concept: Code, value: Code) => item(rel, 'CODE', concept, { ConceptCodeSequence: [codeItem(value)] });
const textValue = (rel: string, concept: Code, text: string) => item(rel, 'TEXT', concept, { TextValue: text });
const uidValue = (rel: string, concept: Code, uid: string) => item(rel, 'UIDREF', concept, { UID: uid });

function numValue(concept: Code, value: number, unit: Code, children: NaturalDataset[] = []): NaturalDataset {
  return item('CONTAINS', 'NUM', concept, {
    MeasuredValueSequence: [{ MeasurementUnitsCodeSequence: [codeItem(unit)], NumericValue: ds(value) }],
    ...(children.length ? { ContentSequence: children } : {}),
  });
}

function polyline3d(line: SrLine, frameOfReferenceUid: string): NaturalDataset[] {
  if (!line.startLps || !line.endLps) return [];
  return [
    {
      RelationshipType: 'INFERRED FROM',
      ValueType: 'SCOORD3D',
      ConceptNameCodeSequence: [codeItem(CODES.imageRegion)],
      GraphicType: 'POLYLINE',
      GraphicData: [...line.startLps, ...line.endLps],
      ReferencedFrameOfReferenceUID: frameOfReferenceUid,
    },
  ];
}

function container(rel: string | undefined, concept: Code, children: NaturalDataset[]): NaturalDataset {
  return {
    ...(rel ? { RelationshipType: rel } : {}),
    ValueType: 'CONTAINER',
    ConceptNameCodeSequence: [codeItem(concept)],
    ContinuityOfContent: 'SEPARATE',
    ContentSequence: children,
  };
}

function checkLine(what: string, line: SrLine | undefined): void {
  if (line && !(Number.isFinite(line.lengthMm) && line.lengthMm >= 0)) throw new VoxaError('BAD_REQUEST', `${what}: length must be a finite number ≥ 0 mm`);
}

function lesionGroup(l: SrLesion, subject: SrSubject, timePoint: string | undefined): NaturalDataset {
  if (!l.trackingId.trim()) throw new VoxaError('BAD_REQUEST', 'a lesion needs a tracking identifier');
  checkLine(`${l.trackingId} long axis`, l.longAxis);
  checkLine(`${l.trackingId} short axis`, l.shortAxis);
  checkLine(`${l.trackingId} 3D diameter`, l.longest3d);
  if (l.volumeMl !== undefined && !(Number.isFinite(l.volumeMl) && l.volumeMl >= 0)) throw new VoxaError('BAD_REQUEST', `${l.trackingId}: volume must be ≥ 0 mL`);
  const forUid = subject.frameOfReferenceUid;
  const children: NaturalDataset[] = [
    textValue('HAS OBS CONTEXT', CODES.trackingId, l.trackingId.slice(0, 64)),
    uidValue('HAS OBS CONTEXT', CODES.trackingUid, l.trackingUid),
    ...(timePoint ? [textValue('HAS OBS CONTEXT', CODES.timePoint, timePoint)] : []),
    codeValue('CONTAINS', CODES.finding, l.isNode ? CODES.lymphNode : CODES.lesion),
  ];
  if (l.segment) {
    children.push(
      item('CONTAINS', 'IMAGE', CODES.referencedSegment, {
        ReferencedSOPSequence: [{ ReferencedSOPClassUID: l.segment.sopClassUid, ReferencedSOPInstanceUID: l.segment.sopInstanceUid, ReferencedSegmentNumber: l.segment.segmentNumber }],
      }),
    );
  }
  const sourceSeries = l.sourceSeriesUid ?? subject.seriesInstanceUid;
  if (sourceSeries) children.push(uidValue('CONTAINS', CODES.sourceSeriesForSegmentation, sourceSeries));
  if (l.findingSite) children.push(codeValue('HAS CONCEPT MOD', CODES.findingSite, l.findingSite));
  if (l.role) children.push(codeValue('HAS CONCEPT MOD', CODES.recistRole, ROLE_CODES[l.role]));
  if (l.manual) children.push(codeValue('CONTAINS', CODES.processingType, CODES.manualProcessing));
  if (l.longAxis) children.push(numValue(CODES.longAxis, l.longAxis.lengthMm, CODES.mm, polyline3d(l.longAxis, forUid)));
  if (l.shortAxis) children.push(numValue(CODES.shortAxis, l.shortAxis.lengthMm, CODES.mm, polyline3d(l.shortAxis, forUid)));
  if (l.longest3d) {
    children.push(numValue(CODES.diameter, l.longest3d.lengthMm, CODES.mm, [codeValue('HAS CONCEPT MOD', CODES.derivation, CODES.maximum), ...polyline3d(l.longest3d, forUid)]));
  }
  if (l.volumeMl !== undefined) children.push(numValue(CODES.volume, l.volumeMl, CODES.ml, [codeValue('HAS CONCEPT MOD', CODES.measurementMethod, CODES.sumOfVoxelVolumes)]));
  return container('CONTAINS', CODES.group, children);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Builds the TID 1500 Comprehensive 3D SR data set for `lesions` measured on `subject`'s images. */
export function buildTid1500(lesions: SrLesion[], subject: SrSubject, options: SrWriteOptions = {}): NaturalDataset {
  if (lesions.length === 0) throw new VoxaError('BAD_REQUEST', 'no lesion to report');
  const uids = new Set<string>();
  for (const l of lesions) {
    if (uids.has(l.trackingUid)) throw new VoxaError('BAD_REQUEST', `tracking UID ${l.trackingUid} is used by two lesions`);
    uids.add(l.trackingUid);
  }
  const uid = (what: string) => (options.uidSeed !== undefined ? hashedUid(`${options.uidSeed}|${what}`) : randomUid());
  const h = subject.header;
  const now = new Date();
  const date = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}`;
  const time = `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
  const deviceUid = hashedUid('voxa-workstation');
  const imageItems = subject.images.map((r) =>
    item('CONTAINS', 'IMAGE', CODES.imageLibrary, { ReferencedSOPSequence: [{ ReferencedSOPClassUID: r.sopClassUid, ReferencedSOPInstanceUID: r.sopInstanceUid }] }),
  );
  // Image Library entries carry no concept name (TID 1601).
  for (const it of imageItems) delete it.ConceptNameCodeSequence;
  const segRefs = new Map<string, { sop: SrImageRef; series: string | undefined }>();
  for (const l of lesions) if (l.segment) segRefs.set(l.segment.sopInstanceUid, { sop: l.segment, series: l.segment.seriesInstanceUid });
  const evidenceSeries: NaturalDataset[] = [];
  if (subject.images.length) {
    evidenceSeries.push({
      SeriesInstanceUID: subject.seriesInstanceUid,
      ReferencedSOPSequence: subject.images.map((r) => ({ ReferencedSOPClassUID: r.sopClassUid, ReferencedSOPInstanceUID: r.sopInstanceUid })),
    });
  }
  for (const [, ref] of segRefs) {
    if (!ref.series) continue;
    evidenceSeries.push({ SeriesInstanceUID: ref.series, ReferencedSOPSequence: [{ ReferencedSOPClassUID: ref.sop.sopClassUid, ReferencedSOPInstanceUID: ref.sop.sopInstanceUid }] });
  }
  return {
    SpecificCharacterSet: 'ISO_IR 192',
    ...patientStudyOf(h, subject.studyInstanceUid),
    SOPClassUID: COMPREHENSIVE_3D_SR_STORAGE,
    SOPInstanceUID: uid('sop-instance'),
    Modality: 'SR',
    SeriesInstanceUID: uid('series'),
    SeriesNumber: String(options.seriesNumber ?? 400),
    SeriesDescription: options.seriesDescription ?? 'Voxa RECIST measurements',
    Manufacturer: 'Voxa',
    ManufacturerModelName: 'Voxa workstation',
    SoftwareVersions: '0.1.0',
    InstanceNumber: '1',
    ContentDate: date,
    ContentTime: time,
    ReferencedPerformedProcedureStepSequence: [],
    PerformedProcedureCodeSequence: [],
    CompletionFlag: 'COMPLETE',
    VerificationFlag: 'UNVERIFIED',
    ...(evidenceSeries.length ? { CurrentRequestedProcedureEvidenceSequence: [{ StudyInstanceUID: subject.studyInstanceUid, ReferencedSeriesSequence: evidenceSeries }] } : {}),
    CodingSchemeIdentificationSequence: [{ CodingSchemeDesignator: '99VOXA', CodingSchemeName: 'Voxa private codes', CodingSchemeResponsibleOrganization: 'Voxa' }],
    ValueType: 'CONTAINER',
    ConceptNameCodeSequence: [codeItem(CODES.report)],
    ContinuityOfContent: 'SEPARATE',
    ContentTemplateSequence: [{ MappingResource: 'DCMR', TemplateIdentifier: '1500' }],
    ContentSequence: [
      codeValue('HAS CONCEPT MOD', CODES.language, CODES.english),
      codeValue('HAS OBS CONTEXT', CODES.observerType, CODES.device),
      uidValue('HAS OBS CONTEXT', CODES.deviceUid, deviceUid),
      textValue('HAS OBS CONTEXT', CODES.deviceName, 'Voxa'),
      codeValue('HAS CONCEPT MOD', CODES.procedure, CODES.imagingProcedure),
      container('CONTAINS', CODES.imageLibrary, [container('CONTAINS', CODES.imageLibraryGroup, imageItems)]),
      container('CONTAINS', CODES.measurements, lesions.map((l) => lesionGroup(l, subject, options.timePoint))),
    ],
  };
}

export function encodeTid1500(lesions: SrLesion[], subject: SrSubject, options: SrWriteOptions = {}): Uint8Array {
  return encodePart10(buildTid1500(lesions, subject, options));
}

export async function writeTid1500(file: string, lesions: SrLesion[], subject: SrSubject, options: SrWriteOptions = {}): Promise<void> {
  await writeFileAtomic(file, encodeTid1500(lesions, subject, options));
}

// ---------------------------------------------------------------- read

export interface SrCoordinate {
  graphicType: string;
  points: number[];
  /** SCOORD3D: points are x,y,z in the frame of reference (LPS mm); SCOORD: column,row pixel coordinates of the image. */
  is3d: boolean;
  frameOfReferenceUid?: string;
  sourceImageUid?: string;
}

export interface SrMeasurement {
  concept: Code;
  /** Null when the item has no value (measurement not available). */
  value: number | null;
  unit?: Code;
  derivation?: Code;
  method?: Code;
  trackingUid?: string;
  coordinates: SrCoordinate[];
}

export interface SrGroup {
  trackingId?: string;
  trackingUid?: string;
  timePoint?: string;
  finding?: Code;
  findingSite?: Code;
  roleCode?: Code;
  manual: boolean;
  measurements: SrMeasurement[];
  /** Image regions (SCOORD / SCOORD3D) of the group itself. */
  regions: SrCoordinate[];
  segment?: { sopInstanceUid: string; sopClassUid: string; segmentNumber?: number };
  sourceSeriesUid?: string;
  sourceImageUids: string[];
}

export interface SrDocument {
  sopClassUid: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  patientId: string;
  title?: Code;
  templateId?: string;
  observerNames: string[];
  groups: SrGroup[];
  warnings: string[];
}

function parseCode(ds: NaturalDataset | undefined): Code | undefined {
  if (!ds) return undefined;
  const value = nText(ds, 'CodeValue') || nText(ds, 'LongCodeValue') || nText(ds, 'URNCodeValue');
  if (!value) return undefined;
  return { value, scheme: nText(ds, 'CodingSchemeDesignator'), meaning: nText(ds, 'CodeMeaning') };
}

const concept = (it: NaturalDataset) => parseCode(nSeq(it, 'ConceptNameCodeSequence')[0]);
const valueType = (it: NaturalDataset) => nText(it, 'ValueType').toUpperCase();
const children = (it: NaturalDataset) => nSeq(it, 'ContentSequence');

function coordinate(it: NaturalDataset): SrCoordinate | undefined {
  const vt = valueType(it);
  if (vt !== 'SCOORD' && vt !== 'SCOORD3D') return undefined;
  const points = nNumbers(it, 'GraphicData') ?? [];
  const src = children(it).find((c) => valueType(c) === 'IMAGE');
  const srcUid = src ? nText(nSeq(src, 'ReferencedSOPSequence')[0], 'ReferencedSOPInstanceUID') : '';
  return {
    graphicType: nText(it, 'GraphicType'),
    points,
    is3d: vt === 'SCOORD3D',
    ...(nText(it, 'ReferencedFrameOfReferenceUID') ? { frameOfReferenceUid: nText(it, 'ReferencedFrameOfReferenceUID') } : {}),
    ...(srcUid ? { sourceImageUid: srcUid } : {}),
  };
}

function measurement(it: NaturalDataset): SrMeasurement | undefined {
  const c = concept(it);
  if (!c) return undefined;
  const mv = nSeq(it, 'MeasuredValueSequence')[0];
  const value = mv ? (nNumber(mv, 'NumericValue') ?? null) : null;
  const unit = mv ? parseCode(nSeq(mv, 'MeasurementUnitsCodeSequence')[0]) : undefined;
  const out: SrMeasurement = { concept: c, value, ...(unit ? { unit } : {}), coordinates: [] };
  for (const ch of children(it)) {
    const cc = concept(ch);
    const vt = valueType(ch);
    if (vt === 'CODE' && is(cc, CODES.derivation)) out.derivation = parseCode(nSeq(ch, 'ConceptCodeSequence')[0]);
    else if (vt === 'CODE' && is(cc, CODES.measurementMethod)) out.method = parseCode(nSeq(ch, 'ConceptCodeSequence')[0]);
    else if (vt === 'UIDREF' && is(cc, CODES.trackingUid)) out.trackingUid = nText(ch, 'UID');
    else {
      const co = coordinate(ch);
      if (co) out.coordinates.push(co);
    }
  }
  return out;
}

function parseGroup(g: NaturalDataset): SrGroup {
  const out: SrGroup = { manual: false, measurements: [], regions: [], sourceImageUids: [] };
  for (const it of children(g)) {
    const c = concept(it);
    const vt = valueType(it);
    const codeVal = () => parseCode(nSeq(it, 'ConceptCodeSequence')[0]);
    if (vt === 'NUM') {
      const m = measurement(it);
      if (m) out.measurements.push(m);
    } else if (is(c, CODES.trackingId)) out.trackingId = nText(it, 'TextValue') || nText(it, 'UID');
    else if (is(c, CODES.trackingUid)) out.trackingUid = nText(it, 'UID');
    else if (is(c, CODES.timePoint)) out.timePoint = nText(it, 'TextValue');
    else if (vt === 'CODE' && is(c, CODES.finding)) out.finding = codeVal();
    else if (vt === 'CODE' && is(c, CODES.findingSite)) out.findingSite = codeVal();
    else if (vt === 'CODE' && is(c, CODES.recistRole)) out.roleCode = codeVal();
    else if (vt === 'CODE' && is(c, CODES.processingType)) out.manual = is(codeVal(), CODES.manualProcessing);
    else if (vt === 'UIDREF' && is(c, CODES.sourceSeriesForSegmentation)) out.sourceSeriesUid = nText(it, 'UID');
    else if (vt === 'IMAGE') {
      const ref = nSeq(it, 'ReferencedSOPSequence')[0];
      const sop = nText(ref, 'ReferencedSOPInstanceUID');
      if (is(c, CODES.referencedSegment)) {
        const n = nNumber(ref, 'ReferencedSegmentNumber');
        out.segment = { sopInstanceUid: sop, sopClassUid: nText(ref, 'ReferencedSOPClassUID'), ...(n !== undefined ? { segmentNumber: n } : {}) };
      } else if (sop) out.sourceImageUids.push(sop);
    } else {
      const co = coordinate(it);
      if (co) {
        out.regions.push(co);
        if (co.sourceImageUid && !out.sourceImageUids.includes(co.sourceImageUid)) out.sourceImageUids.push(co.sourceImageUid);
      }
    }
  }
  return out;
}

/** Every Measurement Group under the Imaging Measurements container(s), in document order. */
function findGroups(items: NaturalDataset[], out: NaturalDataset[], depth: number): void {
  if (depth > 16) return;
  for (const it of items) {
    const c = concept(it);
    if (valueType(it) === 'CONTAINER' && is(c, CODES.group)) out.push(it);
    else if (valueType(it) === 'CONTAINER') findGroups(children(it), out, depth + 1);
  }
}

/** Parses a TID 1500 SR data set (already read by dcmjs). */
export function parseTid1500(natural: NaturalDataset, name = 'SR'): SrDocument {
  const sopClassUid = nText(natural, 'SOPClassUID');
  if (!SR_STORAGE_CLASSES.has(sopClassUid)) throw new VoxaError('UNSUPPORTED', `${name}: not a structured report (SOP class ${sopClassUid || 'missing'})`);
  const title = concept(natural);
  const templateId = nText(nSeq(natural, 'ContentTemplateSequence')[0], 'TemplateIdentifier') || undefined;
  const warnings: string[] = [];
  if (!is(title, CODES.report) && templateId !== '1500') {
    throw new VoxaError('UNSUPPORTED', `${name}: not a TID 1500 measurement report (document title "${title?.meaning ?? 'none'}")`);
  }
  if (templateId !== '1500') warnings.push('the document does not declare template 1500');
  const groupItems: NaturalDataset[] = [];
  findGroups(children(natural), groupItems, 0);
  const observerNames: string[] = [];
  for (const it of children(natural)) {
    if (is(concept(it), code('121008', 'DCM', 'Person Observer Name'))) observerNames.push(nText(it, 'PersonName') || nText(it, 'TextValue'));
  }
  return {
    sopClassUid,
    sopInstanceUid: nText(natural, 'SOPInstanceUID'),
    studyInstanceUid: nText(natural, 'StudyInstanceUID'),
    seriesInstanceUid: nText(natural, 'SeriesInstanceUID'),
    patientId: nText(natural, 'PatientID'),
    ...(title ? { title } : {}),
    ...(templateId ? { templateId } : {}),
    observerNames,
    groups: groupItems.map(parseGroup),
    warnings,
  };
}

/** Reads a TID 1500 SR file. */
export async function readTid1500File(file: string): Promise<SrDocument> {
  const name = path.basename(file);
  const bytes = await readWholeFile(file, MAX_OBJECT_BYTES).catch((e: unknown) => {
    if (e instanceof VoxaError) throw e;
    throw new VoxaError('NOT_FOUND', `cannot read ${name}`);
  });
  if (bytes.length < 132 || bytes.toString('latin1', 128, 132) !== 'DICM') throw new VoxaError('CORRUPT_INPUT', `${name}: not a DICOM Part 10 file (no DICM preamble)`);
  let natural: NaturalDataset;
  try {
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    natural = naturalize(dcmjs.data.DicomMessage.readFile(ab).dict);
  } catch (e) {
    throw new VoxaError('CORRUPT_INPUT', `${name}: damaged DICOM (${e instanceof Error ? e.message.slice(0, 120) : 'parse error'})`);
  }
  return parseTid1500(natural, name);
}

const LENGTH_TO_MM: Record<string, number> = { mm: 1, cm: 10, m: 1000, um: 0.001 };
const VOLUME_TO_ML: Record<string, number> = { ml: 1, mL: 1, cm3: 1, mm3: 0.001, l: 1000, L: 1000 };

function lengthMm(m: SrMeasurement | undefined): SrLine | undefined {
  if (!m || m.value === null) return undefined;
  const factor = m.unit && m.unit.scheme === 'UCUM' ? LENGTH_TO_MM[m.unit.value] : undefined;
  if (factor === undefined) return undefined;
  const line: SrLine = { lengthMm: m.value * factor };
  const poly = m.coordinates.find((c) => c.is3d && c.points.length === 6);
  if (poly) {
    line.startLps = poly.points.slice(0, 3) as Vec3;
    line.endLps = poly.points.slice(3, 6) as Vec3;
  }
  return line;
}

/**
 * The RECIST quantities of a measurement group: long and short axis (lengths
 * in mm whatever the unit), longest 3D diameter (Diameter derived as Maximum),
 * volume in mL. A group holding only a Length (a ruler, e.g. dwv's) reads as a
 * manual long axis.
 */
export function lesionFromGroup(g: SrGroup, index: number): SrLesion {
  const find = (want: Code, pred: (m: SrMeasurement) => boolean = () => true) => g.measurements.find((m) => is(m.concept, want) && pred(m));
  const long = lengthMm(find(CODES.longAxis));
  const short = lengthMm(find(CODES.shortAxis));
  const d3 = lengthMm(find(CODES.diameter, (m) => is(m.derivation, CODES.maximum)));
  const ruler = long ? undefined : lengthMm(find(CODES.length));
  const vol = find(CODES.volume);
  const volFactor = vol?.unit && vol.unit.scheme === 'UCUM' ? VOLUME_TO_ML[vol.unit.value] : undefined;
  const roleEntry = (Object.entries(ROLE_CODES) as [LesionRole, Code][]).find(([, c]) => g.roleCode && c.value === g.roleCode.value && c.scheme === g.roleCode.scheme);
  const lesion: SrLesion = {
    trackingId: g.trackingId ?? `group ${index + 1}`,
    trackingUid: g.trackingUid ?? '',
    isNode: is(g.finding, CODES.lymphNode),
    manual: g.manual || ruler !== undefined,
  };
  if (g.findingSite) lesion.findingSite = g.findingSite;
  if (roleEntry) lesion.role = roleEntry[0];
  if (long ?? ruler) lesion.longAxis = (long ?? ruler) as SrLine;
  if (short) lesion.shortAxis = short;
  if (d3) lesion.longest3d = d3;
  if (vol && vol.value !== null && volFactor !== undefined) lesion.volumeMl = vol.value * volFactor;
  if (g.segment) lesion.segment = { sopInstanceUid: g.segment.sopInstanceUid, sopClassUid: g.segment.sopClassUid, segmentNumber: g.segment.segmentNumber ?? 1 };
  if (g.sourceSeriesUid) lesion.sourceSeriesUid = g.sourceSeriesUid;
  return lesion;
}
