/**
 * DICOM SR TID 1500 ("Imaging Measurement Report") out: one Comprehensive 3D
 * SR whose Imaging Measurements container holds a Measurement Group per
 * lesion (see tid1500.ts for what a group carries), built here and encoded by
 * the one Part 10 writer (io/dicom/part10.ts), with the patient/study block of
 * the source images (io/dicom/headerBlocks.ts).
 */
import { VoxaError } from '../../../common/contract';
import { codeItem, type Code } from '../io/dicom/codeItems';
import { derivedObjectHeader, dicomDateTime, uidMaker } from '../io/dicom/headerBlocks';
import { ds, encodePart10, hashedUid, type NaturalDataset } from '../io/dicom/part10';
import { writeFileAtomic } from '../io/atomicWrite';
import { CODES, COMPREHENSIVE_3D_SR_STORAGE, ROLE_CODES, type SrImageRef, type SrLesion, type SrLine, type SrSubject, type SrWriteOptions } from './tid1500Model';

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

/** Builds the TID 1500 Comprehensive 3D SR data set for `lesions` measured on `subject`'s images. */
export function buildTid1500(lesions: SrLesion[], subject: SrSubject, options: SrWriteOptions = {}): NaturalDataset {
  if (lesions.length === 0) throw new VoxaError('BAD_REQUEST', 'no lesion to report');
  const uids = new Set<string>();
  for (const l of lesions) {
    if (uids.has(l.trackingUid)) throw new VoxaError('BAD_REQUEST', `tracking UID ${l.trackingUid} is used by two lesions`);
    uids.add(l.trackingUid);
  }
  const uid = uidMaker(options.uidSeed);
  const { date, time } = dicomDateTime();
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
    ...derivedObjectHeader({
      source: subject.header,
      studyInstanceUid: subject.studyInstanceUid,
      sopClassUid: COMPREHENSIVE_3D_SR_STORAGE,
      modality: 'SR',
      seriesNumber: options.seriesNumber ?? 400,
      seriesDescription: options.seriesDescription ?? 'Voxa RECIST measurements',
      uid,
      date,
      time,
    }),
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