/**
 * The PACS tab's actions: nodes (list, add, remove, echo), query (studies and
 * the series of one), retrieve with progress, cancel and open-on-first-series,
 * and sending the current segmentation (exported as DICOM SEG into the Exports
 * folder) to a node. Results and errors go to the PACS store; the panel only
 * renders it. Pure helpers (form → node, date, report lines) are exported for tests.
 */
import { VoxaError } from '../../../common/contract';
import type { PacsNodeInput, PacsQuery, PacsSeries, RetrieveReport } from '../../../common/contract/channels/pacs';
import type { VoxaClient } from '../client/voxaClient';
import type { PacsControl, PacsStore } from '../state/pacsStore';
import { exportAsking } from './exportAsking';

export interface NodeForm {
  name: string;
  kind: 'dicomweb' | 'dimse';
  url: string;
  auth: 'none' | 'basic' | 'bearer';
  username: string;
  /** Password (basic) or token (bearer): sent once to the credential store, never shown again. */
  secret: string;
  calledAet: string;
  host: string;
  port: string;
  callingAet: string;
}

export const emptyNodeForm: NodeForm = { name: '', kind: 'dicomweb', url: '', auth: 'none', username: '', secret: '', calledAet: '', host: '', port: '104', callingAet: 'VOXA' };

export interface SearchForm {
  patientName: string;
  patientId: string;
  /** `<input type="date">` values: YYYY-MM-DD or empty. */
  dateFrom: string;
  dateTo: string;
  modality: string;
  accession: string;
}

export const emptySearchForm: SearchForm = { patientName: '', patientId: '', dateFrom: '', dateTo: '', modality: '', accession: '' };

/** YYYY-MM-DD (a date input) → YYYYMMDD (DICOM); empty stays undefined. */
export function toDicomDate(v: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v.trim());
  return m ? `${m[1]}${m[2]}${m[3]}` : undefined;
}

/** YYYYMMDD → YYYY-MM-DD for display (anything else as it is). */
export function showDicomDate(v: string): string {
  return /^\d{8}$/.test(v) ? `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}` : v;
}

export function buildQuery(f: SearchForm, limit = 200): PacsQuery {
  const q: PacsQuery = { limit };
  const put = (k: 'patientName' | 'patientId' | 'accession', v: string) => {
    if (v.trim()) q[k] = v.trim();
  };
  put('patientName', f.patientName);
  put('patientId', f.patientId);
  put('accession', f.accession);
  if (f.modality.trim()) q.modality = f.modality.trim().toUpperCase();
  const from = toDicomDate(f.dateFrom);
  const to = toDicomDate(f.dateTo);
  if (from) q.studyDateFrom = from;
  if (to) q.studyDateTo = to;
  return q;
}

/** The node the form describes, or a line saying what is missing. */
export function buildNode(f: NodeForm): { node: PacsNodeInput; secret?: string } | { problem: string } {
  const name = f.name.trim();
  if (!name) return { problem: 'Give the node a name.' };
  if (f.kind === 'dicomweb') {
    const url = f.url.trim();
    if (!/^https?:\/\/\S+$/.test(url)) return { problem: 'The DICOMweb URL starts with http:// or https://.' };
    const node: PacsNodeInput = { kind: 'dicomweb', name, url, auth: f.auth };
    if (f.auth === 'basic') {
      if (!f.username.trim()) return { problem: 'Basic authentication needs a user name.' };
      node.username = f.username.trim();
    }
    return f.auth !== 'none' && f.secret ? { node, secret: f.secret } : { node };
  }
  const port = Number(f.port);
  if (!f.calledAet.trim()) return { problem: "Give the PACS's AE title (called AE)." };
  if (!f.host.trim()) return { problem: "Give the PACS's host name or address." };
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { problem: 'The port is a number from 1 to 65535.' };
  return { node: { kind: 'dimse', name, calledAet: f.calledAet.trim(), host: f.host.trim(), port, callingAet: f.callingAet.trim() || 'VOXA' } };
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0);

/** "12 / 19 instances · 3.4 MB/s" */
export function progressLine(p: { received: number; expected: number; mbPerSecond: number }): string {
  return `${p.received} / ${p.expected || '?'} instances · ${p.mbPerSecond.toFixed(1)} MB/s`;
}

/** The line after a retrieve, and whether it is incomplete (cancelled or a series short). */
export function retrieveSummary(r: RetrieveReport): { text: string; incomplete: boolean } {
  const present = r.series.reduce((n, s) => n + s.present, 0);
  const expected = r.series.reduce((n, s) => n + s.expected, 0);
  const short = r.series.filter((s) => !s.complete).length;
  const already = present - r.received;
  const base = `Retrieved ${r.received} instance${r.received === 1 ? '' : 's'} (${mb(r.bytes)} MB) in ${r.seconds.toFixed(1)} s${already > 0 ? `; ${already} were already here` : ''}.`;
  if (r.cancelled || short > 0) {
    const why = r.cancelled ? 'Cancelled' : `${short} series incomplete`;
    return { text: `${why}: ${present} of ${expected} instances are here. ${base} Press Retrieve again to resume (what is on disk is skipped).`, incomplete: true };
  }
  if (r.received === 0 && present > 0) return { text: `All ${present} instances were already here: nothing to retrieve.`, incomplete: false };
  return { text: base, incomplete: false };
}

function message(e: unknown, what: string): string {
  if (e instanceof VoxaError) return e.code === 'TIMEOUT' ? `${what} timed out: ${e.message}` : e.message;
  return `${what} failed.`;
}

/** Runs one control's call: its error line is cleared on success and set (with the peer's message) on failure. */
async function guarded<T>(pacs: PacsStore, control: PacsControl, what: string, run: () => Promise<T>): Promise<T | undefined> {
  try {
    const r = await run();
    pacs.getState().setError(control, null);
    return r;
  } catch (e) {
    pacs.getState().setError(control, message(e, what));
    return undefined;
  }
}

export async function loadNodes(client: VoxaClient, pacs: PacsStore): Promise<void> {
  const r = await guarded(pacs, 'nodes', 'Listing the PACS nodes', () => client.invoke('pacs:nodes', {}));
  if (r) pacs.getState().setNodes(r.nodes);
}

/** Adds (or replaces) a node; true when it was saved (the form can close). */
export async function addNode(client: VoxaClient, pacs: PacsStore, form: NodeForm): Promise<boolean> {
  const built = buildNode(form);
  if ('problem' in built) {
    pacs.getState().setError('add', built.problem);
    return false;
  }
  const r = await guarded(pacs, 'add', 'Adding the node', () => client.invoke('pacs:addNode', built));
  if (!r) return false;
  await loadNodes(client, pacs);
  pacs.getState().selectNode(built.node.name);
  return true;
}

export async function removeNode(client: VoxaClient, pacs: PacsStore, name: string): Promise<void> {
  const r = await guarded(pacs, 'remove', 'Removing the node', () => client.invoke('pacs:removeNode', { name }));
  if (r) {
    pacs.getState().selectNode(null);
    await loadNodes(client, pacs);
  }
}

export async function echoNode(client: VoxaClient, pacs: PacsStore, name: string): Promise<void> {
  pacs.getState().setEcho('…');
  const r = await guarded(pacs, 'echo', 'Echo', () => client.invoke('pacs:echo', { name }));
  pacs.getState().setEcho(r ? `ok in ${Math.round(r.ms)} ms` : null);
}

export async function searchStudies(client: VoxaClient, pacs: PacsStore, name: string, form: SearchForm): Promise<void> {
  const s = pacs.getState();
  s.setSearching(true);
  const r = await guarded(pacs, 'search', 'The search', () => client.invoke('pacs:findStudies', { name, query: buildQuery(form) }));
  pacs.getState().setSearching(false);
  if (r) pacs.getState().setResults(r.studies);
}

/** Expands a study (asking for its series the first time) or collapses it. */
export async function toggleStudy(client: VoxaClient, pacs: PacsStore, name: string, studyUid: string): Promise<void> {
  const s = pacs.getState();
  if (s.expanded === studyUid) return s.setExpanded(null);
  s.setExpanded(studyUid);
  const known = s.series[studyUid];
  if (known && known !== 'loading') return;
  s.setSeries(studyUid, 'loading');
  const r = await guarded(pacs, 'series', 'Listing the series', () => client.invoke('pacs:findSeries', { name, studyUid }));
  pacs.getState().setSeries(studyUid, r ? [...r.series].sort((a, b) => (a.seriesNumber ?? 1e9) - (b.seriesNumber ?? 1e9)) : null);
}

export function seriesLabel(se: Pick<PacsSeries, 'modality' | 'description' | 'seriesNumber'>): string {
  return `${se.modality} ${se.description || (se.seriesNumber !== null ? `series ${se.seriesNumber}` : 'series')}`.trim();
}

/**
 * Retrieves a study (or some of its series) into the study database. With "open when ready" on,
 * the first series reported complete (it is indexed by then) is opened through `onOpenSeries`.
 */
export async function retrieve(
  client: VoxaClient,
  pacs: PacsStore,
  o: { name: string; studyUid: string; seriesUids?: string[]; onOpenSeries: (seriesUid: string, label: string) => void },
): Promise<void> {
  const s = pacs.getState();
  if (s.retrieve) {
    s.setError('retrieve', 'A retrieve is already running: wait for it or cancel it.');
    return;
  }
  const jobId = `pacs-${Date.now()}`;
  s.setOutcome(null);
  s.setRetrieve({ jobId, node: o.name, studyUid: o.studyUid, ...(o.seriesUids ? { seriesUids: o.seriesUids } : {}), received: 0, expected: 0, bytes: 0, mbPerSecond: 0, cancelling: false });
  let opened = false;
  const off = client.on('pacs:progress', (p) => {
    if (p.jobId !== jobId) return;
    pacs.getState().patchRetrieve({ received: p.received, expected: p.expected, bytes: p.bytes, mbPerSecond: p.mbPerSecond });
    const first = p.seriesComplete[0];
    if (first && !opened && pacs.getState().openWhenReady) {
      opened = true;
      const known = pacs.getState().series[o.studyUid];
      const se = Array.isArray(known) ? known.find((x) => x.seriesUid === first) : undefined;
      o.onOpenSeries(first, se ? seriesLabel(se) : 'Retrieved series');
    }
  });
  try {
    const r = await guarded(pacs, 'retrieve', 'The retrieve', () =>
      client.invoke('pacs:retrieve', { name: o.name, studyUid: o.studyUid, jobId, ...(o.seriesUids ? { seriesUids: o.seriesUids } : {}) }),
    );
    const target = { studyUid: o.studyUid, ...(o.seriesUids?.length === 1 ? { seriesUid: o.seriesUids[0]! } : {}) };
    if (r) pacs.getState().setOutcome({ ...target, ...retrieveSummary(r) });
    else pacs.getState().setOutcome({ ...target, text: 'The retrieve stopped. Press Retrieve again to resume (what is on disk is skipped).', incomplete: true });
  } finally {
    off();
    pacs.getState().setRetrieve(null);
  }
}

export async function cancelRetrieve(client: VoxaClient, pacs: PacsStore): Promise<void> {
  const job = pacs.getState().retrieve;
  if (!job) return;
  pacs.getState().patchRetrieve({ cancelling: true });
  await client.invoke('pacs:cancel', { jobId: job.jobId }).catch(() => undefined);
}

/**
 * Exports the open volume's segmentation as DICOM SEG into the Exports folder (asking before
 * replacing a file) and sends it to the node; with `deidentify` the services send a de-identified
 * copy (the exported file stays as it is).
 */
export async function sendSegmentation(client: VoxaClient, pacs: PacsStore, o: { name: string; volumeId: string; fileStem: string; deidentify: boolean }): Promise<void> {
  const s = pacs.getState();
  s.setSending(true);
  s.setSendNote(null);
  try {
    const r = await guarded(pacs, 'send', 'Sending', async () => {
      const roots = await client.invoke('fs:roots', {});
      const exportsRoot = roots.roots.find((e) => e.name === 'Exports');
      if (!exportsRoot) throw new VoxaError('UNSUPPORTED', 'There is no Exports folder to write the DICOM SEG into.');
      const sep = exportsRoot.path.includes('\\') ? '\\' : '/';
      const path = `${exportsRoot.path.replace(/[\\/]$/, '')}${sep}${o.fileStem.replace(/[^A-Za-z0-9._-]+/g, '_') || 'segmentation'}.seg.dcm`;
      const exported = await exportAsking((overwrite) => client.invoke('segment:export', { volumeId: o.volumeId, path, format: 'dicom-seg', deidentify: false, overwrite }));
      const sent = await client.invoke('pacs:send', { name: o.name, paths: [exported.path], deidentify: o.deidentify });
      if (sent.failed.length > 0) throw new VoxaError('PEER', `${o.name} refused ${sent.failed[0]!.file}: ${sent.failed[0]!.reason}`);
      return { ...sent, segments: exported.segments };
    });
    if (r) pacs.getState().setSendNote(`Sent the segmentation (${r.segments} segment${r.segments === 1 ? '' : 's'}, ${Math.round(r.bytes / 1024)} KB${o.deidentify ? ', de-identified' : ''}) to ${o.name} in ${r.seconds.toFixed(1)} s.`);
  } finally {
    pacs.getState().setSending(false);
  }
}
