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
 * Written by tid1500Write.ts (codes and the lesion model: tid1500Model.ts).
 *
 * Read: any TID 1500 report (dcmqi, highdicom, dwv, Voxa): every Measurement
 * Group with its tracking ids, finding, finding site, NUM measurements (value,
 * unit, derivation/method modifiers, the SCOORD/SCOORD3D they were inferred
 * from), image regions, referenced segment and source images; then
 * {@link lesionFromGroup} picks out the RECIST quantities in mm and mL.
 */
import path from 'node:path';
import { VoxaError } from '../../../common/contract';
import type { Vec3 } from '../../../common/volume';
import { parseCode, type Code } from '../io/dicom/codeItems';
import type { NaturalDataset } from '../io/dicom/part10';
import { readObjectFile, readPart10Natural } from '../io/dicom/part10Read';
import { nNumber, nNumbers, nSeq, nText } from '../io/dicom/naturalValues';
import { code, CODES, isConcept, ROLE_CODES, SR_STORAGE_CLASSES, type SrLesion, type SrLine } from './tid1500Model';
import type { LesionRole } from '../../../common/recist/timepoints';

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
    if (vt === 'CODE' && isConcept(cc, CODES.derivation)) out.derivation = parseCode(nSeq(ch, 'ConceptCodeSequence')[0]);
    else if (vt === 'CODE' && isConcept(cc, CODES.measurementMethod)) out.method = parseCode(nSeq(ch, 'ConceptCodeSequence')[0]);
    else if (vt === 'UIDREF' && isConcept(cc, CODES.trackingUid)) out.trackingUid = nText(ch, 'UID');
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
    } else if (isConcept(c, CODES.trackingId)) out.trackingId = nText(it, 'TextValue') || nText(it, 'UID');
    else if (isConcept(c, CODES.trackingUid)) out.trackingUid = nText(it, 'UID');
    else if (isConcept(c, CODES.timePoint)) out.timePoint = nText(it, 'TextValue');
    else if (vt === 'CODE' && isConcept(c, CODES.finding)) out.finding = codeVal();
    else if (vt === 'CODE' && isConcept(c, CODES.findingSite)) out.findingSite = codeVal();
    else if (vt === 'CODE' && isConcept(c, CODES.recistRole)) out.roleCode = codeVal();
    else if (vt === 'CODE' && isConcept(c, CODES.processingType)) out.manual = isConcept(codeVal(), CODES.manualProcessing);
    else if (vt === 'UIDREF' && isConcept(c, CODES.sourceSeriesForSegmentation)) out.sourceSeriesUid = nText(it, 'UID');
    else if (vt === 'IMAGE') {
      const ref = nSeq(it, 'ReferencedSOPSequence')[0];
      const sop = nText(ref, 'ReferencedSOPInstanceUID');
      if (isConcept(c, CODES.referencedSegment)) {
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
    if (valueType(it) === 'CONTAINER' && isConcept(c, CODES.group)) out.push(it);
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
  if (!isConcept(title, CODES.report) && templateId !== '1500') {
    throw new VoxaError('UNSUPPORTED', `${name}: not a TID 1500 measurement report (document title "${title?.meaning ?? 'none'}")`);
  }
  if (templateId !== '1500') warnings.push('the document does not declare template 1500');
  const groupItems: NaturalDataset[] = [];
  findGroups(children(natural), groupItems, 0);
  const observerNames: string[] = [];
  for (const it of children(natural)) {
    if (isConcept(concept(it), code('121008', 'DCM', 'Person Observer Name'))) observerNames.push(nText(it, 'PersonName') || nText(it, 'TextValue'));
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
  const bytes = await readObjectFile(file);
  return parseTid1500(readPart10Natural(bytes, name).natural, name);
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
  const find = (want: Code, pred: (m: SrMeasurement) => boolean = () => true) => g.measurements.find((m) => isConcept(m.concept, want) && pred(m));
  const long = lengthMm(find(CODES.longAxis));
  const short = lengthMm(find(CODES.shortAxis));
  const d3 = lengthMm(find(CODES.diameter, (m) => isConcept(m.derivation, CODES.maximum)));
  const ruler = long ? undefined : lengthMm(find(CODES.length));
  const vol = find(CODES.volume);
  const volFactor = vol?.unit && vol.unit.scheme === 'UCUM' ? VOLUME_TO_ML[vol.unit.value] : undefined;
  const roleEntry = (Object.entries(ROLE_CODES) as [LesionRole, Code][]).find(([, c]) => g.roleCode && c.value === g.roleCode.value && c.scheme === g.roleCode.scheme);
  const lesion: SrLesion = {
    trackingId: g.trackingId ?? `group ${index + 1}`,
    trackingUid: g.trackingUid ?? '',
    isNode: isConcept(g.finding, CODES.lymphNode),
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
