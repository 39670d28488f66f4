/**
 * What Voxa asks of a PACS, whatever the protocol: echo, find at study /
 * series / instance level, retrieve instances into the store, and store files
 * back. `DicomWebPeer` (QIDO/WADO/STOW over dicomweb-client) and `DimsePeer`
 * (C-ECHO/FIND/MOVE/GET/STORE over dcmjs-dimse) implement it.
 */
import { VoxaError } from '../../../common/contract';
import type { PacsQuery, PacsSeries, PacsStudy, RetrieveMethod } from '../../../common/contract/channels/pacs';
import type { InstanceStore, StoredInstance } from './instanceStore';

export interface PacsInstance {
  sopUid: string;
  sopClassUid: string;
  instanceNumber: number | null;
}

export interface RetrieveTarget {
  studyUid: string;
  seriesUid: string;
  /** Only these SOP instances (resume); the whole series when absent. */
  sopUids?: string[];
}

export interface RetrieveContext {
  store: InstanceStore;
  signal: AbortSignal;
  /** Called for every instance written to the store. */
  onStored: (s: StoredInstance) => void;
}

export interface SendReport {
  sent: number;
  failed: { file: string; reason: string }[];
  bytes: number;
}

export interface PacsPeer {
  readonly name: string;
  readonly methods: RetrieveMethod[];
  echo(signal: AbortSignal): Promise<void>;
  findStudies(query: PacsQuery, signal: AbortSignal): Promise<PacsStudy[]>;
  findSeries(studyUid: string, signal: AbortSignal): Promise<PacsSeries[]>;
  findInstances(studyUid: string, seriesUid: string, signal: AbortSignal): Promise<PacsInstance[]>;
  retrieve(target: RetrieveTarget, method: RetrieveMethod, ctx: RetrieveContext): Promise<void>;
  send(files: string[], signal: AbortSignal, onSent: (done: number, total: number) => void): Promise<SendReport>;
}

/** A peer's failure, naming the node and the operation and quoting what it answered. */
export function peerError(node: string, operation: string, answer: string): VoxaError {
  return new VoxaError('PEER', `${node}: ${operation} failed: ${answer}`);
}

/** The DICOM range matching of a study date query: "from-to", either side open. */
export function dateRange(q: PacsQuery): string | undefined {
  if (!q.studyDateFrom && !q.studyDateTo) return undefined;
  if (q.studyDateFrom && q.studyDateFrom === q.studyDateTo) return q.studyDateFrom;
  return `${q.studyDateFrom ?? ''}-${q.studyDateTo ?? ''}`;
}

/** A patient name query: wildcards as typed, a plain word matches names that start with it. */
export function nameMatch(name: string | undefined): string | undefined {
  const n = name?.trim();
  if (!n) return undefined;
  return /[*?]/.test(n) ? n : `${n}*`;
}

/** The query keys both protocols send for a study search (DICOM keywords → match values). */
export function studyMatchKeys(q: PacsQuery): Record<string, string> {
  const keys: Record<string, string> = {};
  if (q.patientId?.trim()) keys.PatientID = q.patientId.trim();
  const name = nameMatch(q.patientName);
  if (name) keys.PatientName = name;
  if (q.modality) keys.ModalitiesInStudy = q.modality;
  const dates = dateRange(q);
  if (dates) keys.StudyDate = dates;
  if (q.accession?.trim()) keys.AccessionNumber = q.accession.trim();
  return keys;
}

/** Person name from either DICOM JSON ({Alphabetic}) or a plain string; '^' shown as a space-separated name. */
export function personName(v: unknown): string {
  const first = Array.isArray(v) ? v[0] : v;
  const text = typeof first === 'string' ? first : first && typeof first === 'object' && 'Alphabetic' in first ? String((first as { Alphabetic: unknown }).Alphabetic ?? '') : '';
  return text.trim();
}

export function intOrNull(v: unknown): number | null {
  const first = Array.isArray(v) ? v[0] : v;
  const n = typeof first === 'number' ? first : typeof first === 'string' && first.trim() !== '' ? Number(first) : NaN;
  return Number.isFinite(n) ? Math.trunc(n) : null;
}

export function text(v: unknown): string {
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined || first === null ? '' : String(first).trim();
}

export function textList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x) => String(x).trim()).filter(Boolean);
  const s = text(v);
  return s ? s.split('\\').map((x) => x.trim()).filter(Boolean) : [];
}

/** Study and series rows from keyword → value attributes (dcmjs-naturalized, or DICOM JSON mapped to keywords). */
export function studyFromAttributes(a: Record<string, unknown>): PacsStudy {
  return {
    studyUid: text(a.StudyInstanceUID),
    patientId: text(a.PatientID),
    patientName: personName(a.PatientName),
    studyDate: text(a.StudyDate),
    description: text(a.StudyDescription),
    accession: text(a.AccessionNumber),
    modalities: textList(a.ModalitiesInStudy),
    seriesCount: intOrNull(a.NumberOfStudyRelatedSeries),
    instanceCount: intOrNull(a.NumberOfStudyRelatedInstances),
  };
}

export function seriesFromAttributes(studyUid: string, a: Record<string, unknown>): PacsSeries {
  return {
    studyUid,
    seriesUid: text(a.SeriesInstanceUID),
    modality: text(a.Modality),
    description: text(a.SeriesDescription),
    seriesNumber: intOrNull(a.SeriesNumber),
    instanceCount: intOrNull(a.NumberOfSeriesRelatedInstances),
  };
}

export function instanceFromAttributes(a: Record<string, unknown>): PacsInstance {
  return { sopUid: text(a.SOPInstanceUID), sopClassUid: text(a.SOPClassUID), instanceNumber: intOrNull(a.InstanceNumber) };
}

/** Rejects at once when the signal is already aborted; otherwise runs `f`. */
export function throwIfAborted(signal: AbortSignal, what: string): void {
  if (signal.aborted) throw new VoxaError('CANCELLED', `${what} was cancelled`);
}
