/** A DIMSE node: C-ECHO, C-FIND (study, series, image level), C-MOVE to Voxa's listener, C-GET, C-STORE. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { requests } from 'dcmjs-dimse';
import type { DimseNode, PacsQuery, PacsSeries, PacsStudy, RetrieveMethod } from '../../../common/contract/channels/pacs';
import { VoxaError } from '../../../common/contract';
import { parseDataSet, str } from '../io/dicom/dicomParse';
import { failedStatus, runAssociation, Status, statusText, type RawDataset } from './dimse';
import type { StoredInstance } from './instanceStore';
import {
  instanceFromAttributes,
  peerError,
  seriesFromAttributes,
  studyFromAttributes,
  studyMatchKeys,
  text,
  type PacsInstance,
  type PacsPeer,
  type RetrieveContext,
  type RetrieveTarget,
  type SendReport,
} from './peer';

/** Voxa's listener as a C-MOVE destination: its AE title, and the instances it files while a move runs. */
export interface MoveDestination {
  aet: string;
  subscribe(onStored: (s: StoredInstance) => void): () => void;
}

type Attributes = Record<string, unknown>;

/** Most C-FIND results read (series and instances of one study; studies are capped by the query's limit). */
const MAX_FIND_RESULTS = 100_000;

export class DimsePeer implements PacsPeer {
  readonly methods: RetrieveMethod[] = ['c-move', 'c-get'];
  constructor(
    readonly node: DimseNode,
    private readonly destination: () => MoveDestination | null,
  ) {}

  get name(): string {
    return this.node.name;
  }

  async echo(signal: AbortSignal): Promise<void> {
    const req = new requests.CEchoRequest();
    let status: number | null = null;
    req.on('response', (r) => (status = r.getStatus()));
    await runAssociation(this.node, 'C-ECHO', [req], { signal });
    if (status === null) throw peerError(this.node.name, 'C-ECHO', 'no response');
    const err = failedStatus(this.node, 'C-ECHO', status);
    if (err) throw err;
  }

  /** C-FIND; at `limit` results the query is cancelled (C-CANCEL, then abort): a peer cannot send results forever. */
  private async find(level: string, req: requests.CFindRequest, signal: AbortSignal, limit = MAX_FIND_RESULTS): Promise<Attributes[]> {
    const found: Attributes[] = [];
    let final: { status: number; comment?: string } | null = null;
    const enough = new AbortController();
    const onAbort = () => enough.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('response', (r) => {
      const status = r.getStatus();
      if ((status === Status.Pending || status === 0xff01) && r.hasDataset()) {
        if (found.length < limit) found.push(r.getDataset()!.getElements());
        if (found.length >= limit) enough.abort();
      } else if (status !== Status.Pending && status !== 0xff01) final = { status, comment: text(r.getErrorComment()) };
    });
    try {
      await runAssociation(this.node, `C-FIND (${level})`, [req], { signal: enough.signal });
    } catch (e) {
      // Stopped at the limit (not by the caller): what came is the answer.
      if (!(e instanceof VoxaError && e.code === 'CANCELLED' && !signal.aborted && found.length >= limit)) throw e;
      return found;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    const f = final as { status: number; comment?: string } | null;
    if (f) {
      const err = failedStatus(this.node, `C-FIND (${level})`, f.status, f.comment);
      if (err) throw err;
    }
    return found;
  }

  async findStudies(query: PacsQuery, signal: AbortSignal): Promise<PacsStudy[]> {
    const keys = {
      StudyInstanceUID: '',
      PatientID: '',
      PatientName: '',
      StudyDate: '',
      StudyDescription: '',
      AccessionNumber: '',
      ModalitiesInStudy: '',
      NumberOfStudyRelatedSeries: '',
      NumberOfStudyRelatedInstances: '',
      ...studyMatchKeys(query),
    };
    const rows = await this.find('study', requests.CFindRequest.createStudyFindRequest(keys), signal, query.limit);
    return rows.map(studyFromAttributes).filter((s) => s.studyUid);
  }

  async findSeries(studyUid: string, signal: AbortSignal): Promise<PacsSeries[]> {
    const keys = { StudyInstanceUID: studyUid, SeriesInstanceUID: '', Modality: '', SeriesDescription: '', SeriesNumber: '', NumberOfSeriesRelatedInstances: '' };
    const rows = await this.find('series', requests.CFindRequest.createSeriesFindRequest(keys), signal);
    return rows.map((a) => seriesFromAttributes(studyUid, a)).filter((s) => s.seriesUid);
  }

  async findInstances(studyUid: string, seriesUid: string, signal: AbortSignal): Promise<PacsInstance[]> {
    const keys = { StudyInstanceUID: studyUid, SeriesInstanceUID: seriesUid, SOPInstanceUID: '', SOPClassUID: '', InstanceNumber: '' };
    const rows = await this.find('image', requests.CFindRequest.createImageFindRequest(keys), signal);
    return rows.map(instanceFromAttributes).filter((i) => i.sopUid);
  }

  async retrieve(target: RetrieveTarget, method: RetrieveMethod, ctx: RetrieveContext): Promise<void> {
    if (method === 'c-move') return this.move(target, ctx);
    if (method === 'c-get') return this.get(target, ctx);
    throw new VoxaError('BAD_REQUEST', `${this.node.name} is a DIMSE node: retrieve with c-move or c-get, not ${method}`);
  }

  /** The sub-operation outcome of a C-MOVE / C-GET: an error when the final status failed or any sub-operation did. */
  private async subOperations(operation: string, reqs: (requests.CMoveRequest | requests.CGetRequest)[], ctx: RetrieveContext, onStore?: (raw: RawDataset, sopClassUid: string, sopUid: string) => Promise<void>): Promise<void> {
    const failures: string[] = [];
    for (const r of reqs) {
      r.on('response', (resp: { getStatus(): number; getFailures(): number; getErrorComment(): string | undefined }) => {
        const status = resp.getStatus();
        if (status === Status.Pending) return;
        const err = failedStatus(this.node, operation, status, text(resp.getErrorComment()));
        if (err) failures.push(err.message);
        else if (resp.getFailures() > 0) failures.push(peerError(this.node.name, operation, `${resp.getFailures()} sub-operation(s) failed (${statusText(status)})`).message);
      });
    }
    await runAssociation(this.node, operation, reqs, { signal: ctx.signal, ...(onStore ? { onStore } : {}) });
    if (failures.length > 0) throw new VoxaError(/cancelled/.test(failures[0]!) ? 'CANCELLED' : 'PEER', failures[0]!);
  }

  private async move(target: RetrieveTarget, ctx: RetrieveContext): Promise<void> {
    const dest = this.destination();
    if (!dest) {
      throw new VoxaError('UNSUPPORTED', `C-MOVE from ${this.node.name} needs Voxa's DICOM listener running (voxa listen, or host --dicom-listen) and known to the PACS; retrieve with c-get instead`);
    }
    const unsubscribe = dest.subscribe((s) => {
      if (s.studyUid === target.studyUid && s.seriesUid === target.seriesUid) ctx.onStored(s);
    });
    try {
      const reqs = target.sopUids
        ? target.sopUids.map((sop) => requests.CMoveRequest.createImageMoveRequest(dest.aet, target.studyUid, target.seriesUid, sop))
        : [requests.CMoveRequest.createSeriesMoveRequest(dest.aet, target.studyUid, target.seriesUid)];
      await this.subOperations('C-MOVE', reqs, ctx);
    } finally {
      unsubscribe();
    }
  }

  private async get(target: RetrieveTarget, ctx: RetrieveContext): Promise<void> {
    const reqs = target.sopUids
      ? target.sopUids.map((sop) => requests.CGetRequest.createImageGetRequest(target.studyUid, target.seriesUid, sop))
      : [requests.CGetRequest.createSeriesGetRequest(target.studyUid, target.seriesUid)];
    // The library proposes every storage SOP class so the peer can send back on this association.
    for (const r of reqs) r.setAddStorageSopClassesToAssociation(true);
    await this.subOperations('C-GET', reqs, ctx, async (raw, sopClassUid, sopUid) => {
      ctx.onStored(await ctx.store.putDataset(raw, sopClassUid, sopUid, this.node.calledAet, { studyUid: target.studyUid, seriesUid: target.seriesUid }));
    });
  }

  async send(files: string[], signal: AbortSignal, onSent: (done: number, total: number) => void): Promise<SendReport> {
    const failed: SendReport['failed'] = [];
    let sent = 0;
    let bytes = 0;
    const reqs: requests.CStoreRequest[] = [];
    for (const f of files) {
      // Checked with Voxa's reader first: a file that is not DICOM is reported, not handed to the library (which throws).
      const content = await readFile(f);
      const size = content.byteLength;
      try {
        const ds = parseDataSet(content, path.basename(f), { headerOnly: true, maxInflatedBytes: 256 * 1024 * 1024 });
        if (!str(ds, 'x00080018') || !str(ds, 'x00080016')) throw new VoxaError('CORRUPT_INPUT', 'no SOP class or instance UID');
      } catch (e) {
        failed.push({ file: path.basename(f), reason: `not sent: ${e instanceof Error ? e.message.replace(`${path.basename(f)}: `, '') : 'not DICOM'}` });
        continue;
      }
      let req: requests.CStoreRequest;
      try {
        req = new requests.CStoreRequest(f);
      } catch (e) {
        failed.push({ file: path.basename(f), reason: `not sent: ${e instanceof Error ? e.message.slice(0, 120) : 'unreadable'}` });
        continue;
      }
      req.on('response', (r) => {
        const status = r.getStatus();
        const err = failedStatus(this.node, 'C-STORE', status, text(r.getErrorComment()));
        if (err) failed.push({ file: path.basename(f), reason: err.message });
        else {
          sent++;
          bytes += size;
        }
        onSent(sent + failed.length, files.length);
      });
      reqs.push(req);
    }
    if (reqs.length > 0) await runAssociation(this.node, 'C-STORE', reqs, { signal });
    return { sent, failed, bytes };
  }
}
