/**
 * A DICOMweb node over dicomweb-client: QIDO-RS to search, WADO-RS to
 * retrieve (one instance per request, a few at a time, so progress is per
 * instance and a stopped retrieve resumes), STOW-RS to store. dicomweb-client
 * is written for browsers; in Node each request gets an `xhr2`
 * XMLHttpRequest, which is where the hospital CA, the timeout and
 * cancellation are set.
 */
import { readFile, stat } from 'node:fs/promises';
import { Agent as HttpsAgent } from 'node:https';
import path from 'node:path';
import { api } from 'dicomweb-client';
import XMLHttpRequest from 'xhr2';
import { VoxaError } from '../../../common/contract';
import { parseDataSet, str } from '../io/dicom/dicomParse';
import { DEFAULT_IO_LIMITS } from '../io/limits';
import { readWholeFile } from '../io/fileRange';
import type { DicomWebNode, PacsQuery, PacsSeries, PacsStudy, RetrieveMethod } from '../../../common/contract/channels/pacs';
import {
  instanceFromAttributes,
  peerError,
  seriesFromAttributes,
  studyFromAttributes,
  studyMatchKeys,
  type PacsInstance,
  type PacsPeer,
  type RetrieveContext,
  type RetrieveTarget,
  type SendReport,
} from './peer';

/** DICOM JSON tags of the attributes Voxa reads from QIDO answers. */
const KEYWORDS: Record<string, string> = {
  '0020000D': 'StudyInstanceUID',
  '0020000E': 'SeriesInstanceUID',
  '00080018': 'SOPInstanceUID',
  '00080016': 'SOPClassUID',
  '00100020': 'PatientID',
  '00100010': 'PatientName',
  '00080020': 'StudyDate',
  '00081030': 'StudyDescription',
  '00080050': 'AccessionNumber',
  '00080061': 'ModalitiesInStudy',
  '00201206': 'NumberOfStudyRelatedSeries',
  '00201208': 'NumberOfStudyRelatedInstances',
  '00080060': 'Modality',
  '0008103E': 'SeriesDescription',
  '00200011': 'SeriesNumber',
  '00201209': 'NumberOfSeriesRelatedInstances',
  '00200013': 'InstanceNumber',
  '00081198': 'FailedSOPSequence',
  '00081197': 'FailureReason',
  '00081155': 'ReferencedSOPInstanceUID',
};

type DicomJson = Record<string, { vr?: string; Value?: unknown[] }>;

/** DICOM JSON (tag → {vr, Value}) as keyword → Value, for the attributes above. */
export function keywordsOf(json: DicomJson): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [tag, el] of Object.entries(json)) {
    const kw = KEYWORDS[tag.toUpperCase()];
    if (kw && el && Array.isArray(el.Value)) out[kw] = el.Value;
  }
  return out;
}

interface RequestOptions {
  instance: unknown;
  progressCallback?: (e: { loaded: number }) => void;
}
interface DicomWebApi {
  searchForStudies(o: { queryParams?: Record<string, string>; request: RequestOptions }): Promise<DicomJson[]>;
  searchForSeries(o: { studyInstanceUID: string; queryParams?: Record<string, string>; request: RequestOptions }): Promise<DicomJson[]>;
  searchForInstances(o: { studyInstanceUID: string; seriesInstanceUID: string; queryParams?: Record<string, string>; request: RequestOptions }): Promise<DicomJson[]>;
  retrieveInstance(o: { studyInstanceUID: string; seriesInstanceUID: string; sopInstanceUID: string; request: RequestOptions }): Promise<ArrayBuffer>;
  storeInstances(o: { datasets: ArrayBuffer[]; request: RequestOptions }): Promise<unknown>;
}

/** The largest answer accepted: an instance within the reader's limit, or a long QIDO list. */
const MAX_ANSWER_BYTES = DEFAULT_IO_LIMITS.maxVoxelBytes + 64 * 1024 * 1024;

/** xhr2 follows redirects to any origin with every header, the Authorization included: Voxa refuses them. */
class NoRedirectXhr extends XMLHttpRequest {
  constructor(private readonly onRedirect: (location: string) => void) {
    super();
  }
  protected override _onHttpResponse(request: unknown, response: { statusCode?: number; headers: Record<string, string | string[] | undefined> }): void {
    const code = response.statusCode ?? 0;
    if ([301, 302, 303, 307, 308].includes(code)) {
      this.abort();
      this.onRedirect(String(response.headers.location ?? '?'));
      return;
    }
    super._onHttpResponse(request, response);
  }
}

/** Instances fetched at once during a retrieve (Orthanc and most archives serve a few parallel requests well). */
const PARALLEL = 4;
/** STOW-RS batch: this many files or this many bytes per request. */
const STOW_FILES = 50;
const STOW_BYTES = 64 * 1024 * 1024;

export class DicomWebPeer implements PacsPeer {
  readonly methods: RetrieveMethod[] = ['wado'];
  private readonly client: DicomWebApi;
  private agent: HttpsAgent | null | undefined;

  constructor(
    readonly node: DicomWebNode,
    secret: string | null,
  ) {
    const headers: Record<string, string> = {};
    if (node.auth === 'basic') headers.Authorization = `Basic ${Buffer.from(`${node.username ?? ''}:${secret ?? ''}`).toString('base64')}`;
    if (node.auth === 'bearer') headers.Authorization = `Bearer ${secret ?? ''}`;
    this.client = new api.DICOMwebClient({ url: node.url.replace(/\/+$/, ''), headers, verbose: false, singlepart: false }) as unknown as DicomWebApi;
  }

  get name(): string {
    return this.node.name;
  }

  /** The hospital CA as an https agent (read once); undefined for http or no CA. */
  private async httpsAgent(): Promise<HttpsAgent | null> {
    if (this.agent !== undefined) return this.agent;
    if (!this.node.caFile || !this.node.url.startsWith('https:')) return (this.agent = null);
    // A regular file of at most 1 MB (a FIFO or device would block or fill memory).
    const info = await stat(this.node.caFile).catch(() => null);
    if (!info?.isFile()) throw new VoxaError('NOT_FOUND', `${this.node.name}: the CA file is not a readable regular file`);
    const ca = await readWholeFile(this.node.caFile, 1024 * 1024);
    return (this.agent = new HttpsAgent({ ca, keepAlive: true }));
  }

  /**
   * Runs one dicomweb-client call on a fresh XMLHttpRequest that honours the node's timeout, CA and
   * the signal. The call settles on timeout, cancel, a redirect or an oversized answer even though
   * xhr2's abort leaves dicomweb-client's promise pending (it waits for a readyState that never comes).
   */
  private async call<T>(operation: string, signal: AbortSignal, run: (request: RequestOptions) => Promise<T>, maxBytes = MAX_ANSWER_BYTES): Promise<T> {
    if (signal.aborted) throw new VoxaError('CANCELLED', `${operation} on ${this.node.name} was cancelled`);
    let stop!: (e: VoxaError) => void;
    const stopped = new Promise<never>((_, reject) => (stop = reject));
    const xhr = new NoRedirectXhr((location) => stop(peerError(this.node.name, operation, `${this.node.url} redirected to ${location.slice(0, 200)}; Voxa does not follow redirects (the credentials would go along): configure the final URL`)));
    const agent = await this.httpsAgent();
    if (agent) xhr.nodejsSet({ httpsAgent: agent });
    xhr.timeout = this.node.timeoutMs;
    const timer = setTimeout(() => {
      xhr.abort();
      stop(new VoxaError('TIMEOUT', `${this.node.name}: ${operation}: no answer within ${Math.round(this.node.timeoutMs / 1000)} s from ${this.node.url}`));
    }, this.node.timeoutMs + 1000);
    const onAbort = () => {
      xhr.abort();
      stop(new VoxaError('CANCELLED', `${operation} on ${this.node.name} was cancelled`));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const progressCallback = (e: { loaded: number }) => {
      if (e.loaded <= maxBytes) return;
      xhr.abort();
      stop(new VoxaError('TOO_LARGE', `${this.node.name}: ${operation}: the answer exceeds ${Math.round(maxBytes / 1e6)} MB`));
    };
    stopped.catch(() => undefined);
    try {
      return await Promise.race([run({ instance: xhr, progressCallback }), stopped]);
    } catch (e) {
      if (e instanceof VoxaError) throw e;
      if (signal.aborted) throw new VoxaError('CANCELLED', `${operation} on ${this.node.name} was cancelled`);
      const status = (e as { status?: number }).status ?? 0;
      throw peerError(this.node.name, operation, status === 0 ? `no connection to ${this.node.url} (refused, unreachable, or TLS failed)` : `HTTP ${status}${describeBody((e as { response?: unknown }).response)}`);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  async echo(signal: AbortSignal): Promise<void> {
    await this.call('QIDO-RS echo', signal, (request) => this.client.searchForStudies({ queryParams: { limit: '1' }, request }));
  }

  async findStudies(query: PacsQuery, signal: AbortSignal): Promise<PacsStudy[]> {
    const queryParams: Record<string, string> = {
      ...studyMatchKeys(query),
      limit: String(query.limit),
      includefield: 'NumberOfStudyRelatedSeries,NumberOfStudyRelatedInstances,ModalitiesInStudy,StudyDescription',
    };
    const rows = await this.call('QIDO-RS studies', signal, (request) => this.client.searchForStudies({ queryParams, request }));
    return (rows ?? []).map((r) => studyFromAttributes(keywordsOf(r))).filter((s) => s.studyUid);
  }

  async findSeries(studyUid: string, signal: AbortSignal): Promise<PacsSeries[]> {
    const queryParams = { includefield: 'NumberOfSeriesRelatedInstances,SeriesDescription,SeriesNumber' };
    const rows = await this.call('QIDO-RS series', signal, (request) => this.client.searchForSeries({ studyInstanceUID: studyUid, queryParams, request }));
    return (rows ?? []).map((r) => seriesFromAttributes(studyUid, keywordsOf(r))).filter((s) => s.seriesUid);
  }

  async findInstances(studyUid: string, seriesUid: string, signal: AbortSignal): Promise<PacsInstance[]> {
    const rows = await this.call('QIDO-RS instances', signal, (request) =>
      this.client.searchForInstances({ studyInstanceUID: studyUid, seriesInstanceUID: seriesUid, queryParams: { includefield: 'InstanceNumber' }, request }),
    );
    return (rows ?? []).map((r) => instanceFromAttributes(keywordsOf(r))).filter((i) => i.sopUid);
  }

  async retrieve(target: RetrieveTarget, method: RetrieveMethod, ctx: RetrieveContext): Promise<void> {
    if (method !== 'wado') throw new VoxaError('BAD_REQUEST', `${this.node.name} is a DICOMweb node: retrieve with wado, not ${method}`);
    const sops = target.sopUids ?? (await this.findInstances(target.studyUid, target.seriesUid, ctx.signal)).map((i) => i.sopUid);
    let next = 0;
    const worker = async () => {
      while (next < sops.length) {
        const sop = sops[next++]!;
        const bytes = await this.call('WADO-RS instance', ctx.signal, (request) =>
          this.client.retrieveInstance({ studyInstanceUID: target.studyUid, seriesInstanceUID: target.seriesUid, sopInstanceUID: sop, request }),
        );
        if (!bytes || bytes.byteLength === 0) throw peerError(this.node.name, 'WADO-RS instance', `empty answer for instance ${sop}`);
        ctx.onStored(await ctx.store.putPart10(new Uint8Array(bytes), this.node.name, { studyUid: target.studyUid, seriesUid: target.seriesUid, sopUid: sop }));
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, sops.length) }, worker));
  }

  async send(files: string[], signal: AbortSignal, onSent: (done: number, total: number) => void): Promise<SendReport> {
    const failed: SendReport['failed'] = [];
    let sent = 0;
    let bytes = 0;
    let batch: { file: string; data: ArrayBuffer }[] = [];
    let batchBytes = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      const datasets = batch.map((b) => b.data);
      const answer = await this.call('STOW-RS', signal, (request) => this.client.storeInstances({ datasets, request }));
      const refused = failedSops(answer);
      for (const b of batch) {
        const reason = refused.get(sopOf(b.data));
        if (reason !== undefined) failed.push({ file: path.basename(b.file), reason: `${this.node.name}: STOW-RS refused it (failure reason ${reason})` });
        else {
          sent++;
          bytes += b.data.byteLength;
        }
      }
      onSent(sent + failed.length, files.length);
      batch = [];
      batchBytes = 0;
    };
    for (const f of files) {
      const buf = await readFile(f);
      batch.push({ file: f, data: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer });
      batchBytes += buf.byteLength;
      if (batch.length >= STOW_FILES || batchBytes >= STOW_BYTES) await flush();
    }
    await flush();
    return { sent, failed, bytes };
  }
}

/** A short, safe rendering of an error body: JSON messages (Orthanc's "Message"/"Details") or the first line of text. */
function describeBody(body: unknown): string {
  let textBody = '';
  if (typeof body === 'string') textBody = body;
  else if (body instanceof ArrayBuffer) textBody = new TextDecoder().decode(body.slice(0, 2000));
  else if (body && typeof body === 'object') textBody = JSON.stringify(body);
  if (!textBody) return '';
  try {
    const j = JSON.parse(textBody) as { Message?: string; Details?: string; HttpError?: string };
    const parts = [j.HttpError, j.Message, j.Details].filter(Boolean);
    if (parts.length) return ` (${parts.join(': ').slice(0, 200)})`;
  } catch {
    /* not JSON */
  }
  return ` (${textBody.split('\n')[0]!.slice(0, 200)})`;
}

/** SOP instance UID → failure reason from a STOW-RS answer's Failed SOP Sequence. */
function failedSops(answer: unknown): Map<string, string> {
  const out = new Map<string, string>();
  let json: unknown = answer;
  if (typeof answer === 'string') {
    try {
      json = JSON.parse(answer);
    } catch {
      return out;
    }
  }
  const failedSeq = (json as DicomJson | null)?.['00081198']?.Value;
  for (const item of Array.isArray(failedSeq) ? failedSeq : []) {
    const a = keywordsOf(item as DicomJson);
    const uid = Array.isArray(a.ReferencedSOPInstanceUID) ? String(a.ReferencedSOPInstanceUID[0]) : '';
    out.set(uid, Array.isArray(a.FailureReason) ? String(a.FailureReason[0]) : '?');
  }
  return out;
}

function sopOf(data: ArrayBuffer): string {
  try {
    return str(parseDataSet(new Uint8Array(data), 'outgoing', { headerOnly: true }), 'x00080018');
  } catch {
    return '';
  }
}
