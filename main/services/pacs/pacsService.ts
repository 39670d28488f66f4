/**
 * The PACS service behind the `pacs:*` channels and the `voxa pacs` / `voxa
 * listen` commands: configured nodes, a peer per node (DICOMweb or DIMSE),
 * retrieve into the instance store with study-database indexing of each
 * complete series, send back, and the optional listener.
 */
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { issueLines, VoxaError } from '../../../common/contract';
import { aeTitleSchema, type PacsNode, type PacsQuery, type RetrieveMethod, type RetrieveReport } from '../../../common/contract/channels/pacs';
import { deidentifyPath, projectDeidKey } from '../deid/deidentify';
import { DicomWebPeer } from './dicomWebPeer';
import { DimsePeer } from './dimsePeer';
import { InstanceStore } from './instanceStore';
import { DicomListener } from './listener';
import { FileSecretStore, MemorySecretStore, PacsNodeStore, readJson, type SecretStore } from './nodeStore';
import type { PacsPeer, SendReport } from './peer';
import { retrieveStudy, type RetrieveProgress } from './retrieve';

export const listenerConfigSchema = z.object({
  /** Interface to bind: loopback unless set; "0.0.0.0" only when a department wants every interface. */
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(1).max(65535).default(11112),
  aet: aeTitleSchema.default('VOXA'),
  /** Calling AE titles accepted besides those of the configured DIMSE nodes. */
  allow: z.array(aeTitleSchema).default([]),
});
export type ListenerConfig = z.output<typeof listenerConfigSchema>;

/** Listener settings from the command line: "[HOST:]PORT", an AE title, extra calling AE titles. */
export function listenerConfig(address: string, aet: string | null, allow: string[]): ListenerConfig {
  const m = /^(?:(.+):)?(\d{1,5})$/.exec(address.trim());
  if (!m) throw new VoxaError('BAD_REQUEST', `--listen / --dicom-listen takes [HOST:]PORT, not "${address}"`);
  const parsed = listenerConfigSchema.safeParse({ ...(m[1] ? { host: m[1] } : {}), port: Number(m[2]), ...(aet ? { aet } : {}), allow });
  if (!parsed.success) throw new VoxaError('BAD_REQUEST', `listener settings: ${issueLines(parsed.error).join('; ')}`);
  return parsed.data;
}

export interface PacsServiceOptions {
  /** `<data-dir>`: nodes, credentials and retrieved studies live in `<data-dir>/pacs`; null keeps nodes in memory and retrieves nothing to disk. */
  dataDir: string | null;
  /** Where credentials are kept; default: a 0600 file in `<data-dir>/pacs` (host mode, CLI). */
  secrets?: SecretStore;
  /** Root of retrieved instances (default `<data-dir>/pacs/studies`; `voxa pacs get --out` sets its own). */
  storeRoot?: string;
  /** Indexes a folder of retrieved files in the study database; returns the series now indexed from it. */
  index?: (folder: string) => Promise<number>;
}

export class PacsService {
  readonly nodes: PacsNodeStore;
  readonly store: InstanceStore | null;
  private listener: DicomListener | null = null;
  private listenerAllow: string[] = [];
  private dimseAets: string[] = [];
  /** Folder → number of files when it was last indexed: a series both moved and received is indexed once. */
  private readonly indexedFiles = new Map<string, number>();

  constructor(private readonly options: PacsServiceOptions) {
    const dir = options.dataDir ? path.join(options.dataDir, 'pacs') : null;
    const secrets = options.secrets ?? (dir ? new FileSecretStore(path.join(dir, 'credentials.json')) : new MemorySecretStore());
    this.nodes = new PacsNodeStore(dir ? path.join(dir, 'nodes.json') : null, secrets);
    const root = options.storeRoot ?? (dir ? path.join(dir, 'studies') : null);
    this.store = root ? new InstanceStore(root) : null;
  }

  /** The listener settings in `<data-dir>/pacs/listener.json` (absent: the listener stays off). */
  async savedListenerConfig(): Promise<ListenerConfig | null> {
    if (!this.options.dataDir) return null;
    const file = path.join(this.options.dataDir, 'pacs', 'listener.json');
    const json = await readJson(file);
    if (json === null) return null;
    const parsed = listenerConfigSchema.extend({ enabled: z.boolean().default(false) }).safeParse(json);
    if (!parsed.success) throw new VoxaError('BAD_REQUEST', `${file}: ${issueLines(parsed.error).join('; ')}`);
    return parsed.data.enabled ? parsed.data : null;
  }

  async listNodes(): Promise<PacsNode[]> {
    const nodes = await this.nodes.list();
    this.dimseAets = nodes.flatMap((n) => (n.kind === 'dimse' ? [n.calledAet.trim()] : []));
    return nodes;
  }

  async addNode(node: PacsNode, secret?: string): Promise<{ replaced: boolean }> {
    const r = await this.nodes.put(node, secret);
    await this.listNodes();
    return r;
  }

  async removeNode(name: string): Promise<boolean> {
    const r = await this.nodes.remove(name);
    await this.listNodes();
    return r;
  }

  async peer(name: string): Promise<PacsPeer> {
    const node = await this.nodes.get(name);
    if (node.kind === 'dicomweb') return new DicomWebPeer(node, node.auth === 'none' ? null : await this.nodes.secrets.get(name));
    return new DimsePeer(node, () => (this.listener?.status().listening ? this.listener : null));
  }

  async echo(name: string, signal: AbortSignal): Promise<number> {
    const peer = await this.peer(name);
    const t0 = performance.now();
    await peer.echo(signal);
    return performance.now() - t0;
  }

  async findStudies(name: string, query: PacsQuery, signal: AbortSignal) {
    return (await this.peer(name)).findStudies(query, signal);
  }

  async findSeries(name: string, studyUid: string, signal: AbortSignal) {
    return (await this.peer(name)).findSeries(studyUid, signal);
  }

  /** WADO-RS for DICOMweb; C-MOVE when the listener runs, else C-GET, for DIMSE. */
  defaultMethod(peer: PacsPeer): RetrieveMethod {
    if (peer.methods.includes('wado')) return 'wado';
    return this.listener?.status().listening ? 'c-move' : 'c-get';
  }

  async retrieve(
    name: string,
    studyUid: string,
    o: { seriesUids?: string[] | undefined; method?: RetrieveMethod | undefined; signal: AbortSignal; onProgress?: (p: RetrieveProgress) => void; onSeriesIndexed?: (seriesUid: string) => void },
  ): Promise<RetrieveReport> {
    const store = this.store;
    if (!store) throw new VoxaError('UNSUPPORTED', 'retrieving needs a data folder to keep the files (host: --data-dir)');
    const peer = await this.peer(name);
    const method = o.method ?? this.defaultMethod(peer);
    if (!peer.methods.includes(method)) throw new VoxaError('BAD_REQUEST', `${name} cannot retrieve with ${method} (it offers ${peer.methods.join(', ')})`);
    let indexed = 0;
    const result = await retrieveStudy(peer, store, {
      studyUid,
      seriesUids: o.seriesUids,
      method,
      signal: o.signal,
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      onSeriesComplete: async (seriesUid) => {
        indexed += await this.indexFolder(store.seriesFolder(studyUid, seriesUid));
        o.onSeriesIndexed?.(seriesUid);
      },
    });
    return { ...result, node: name, folder: path.dirname(store.seriesFolder(studyUid, 'x')), indexed };
  }

  /** Indexes a series folder unless it was indexed with the same number of files already. */
  private async indexFolder(folder: string): Promise<number> {
    if (!this.options.index) return 0;
    const files = (await readdir(folder).catch(() => [] as string[])).filter((f) => f.endsWith('.dcm')).length;
    if (this.indexedFiles.get(folder) === files) return 1;
    this.indexedFiles.set(folder, files);
    return this.options.index(folder);
  }

  /**
   * Sends files to a node. With `deidentify`, de-identified copies (PS3.15 basic profile, UIDs
   * mapped with this installation's key, as de-identified exports are) are sent instead; the
   * copies are removed afterwards and the originals are never changed.
   */
  async send(name: string, files: string[], signal: AbortSignal, onSent: (done: number, total: number) => void = () => {}, o: { deidentify?: boolean } = {}): Promise<SendReport> {
    const peer = await this.peer(name);
    if (!o.deidentify) return peer.send(files, signal, onSent);
    const base = this.options.dataDir ? path.join(this.options.dataDir, 'pacs', 'outgoing') : os.tmpdir();
    await mkdir(base, { recursive: true, mode: 0o700 });
    const dir = await mkdtemp(path.join(base, 'deid-'));
    try {
      const copies: string[] = [];
      const failed: SendReport['failed'] = [];
      const uidKey = projectDeidKey(this.options.dataDir);
      for (const [n, f] of files.entries()) {
        const r = await deidentifyPath(f, path.join(dir, String(n)), { uidKey, signal });
        for (const x of r.files) {
          if (x.status === 'written' && x.output) copies.push(x.output);
          else failed.push({ file: path.basename(x.input), reason: `not de-identified: ${x.reason ?? x.status}` });
        }
      }
      const sent = await peer.send(copies, signal, onSent);
      return { ...sent, failed: [...failed, ...sent.failed] };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Starts the listener (C-STORE SCP) with these settings; received series are indexed. */
  async startListener(config: ListenerConfig): Promise<DicomListener> {
    const store = this.store;
    if (!store) throw new VoxaError('UNSUPPORTED', 'the DICOM listener needs a data folder to keep what it receives');
    if (this.listener) await this.listener.stop();
    await this.listNodes();
    this.listenerAllow = config.allow.map((a) => a.trim());
    const listener = new DicomListener({
      host: config.host,
      port: config.port,
      aet: config.aet.trim(),
      allowedCallers: () => this.allowedCallers(),
      store,
      onSeriesReceived: (studyUid, seriesUid) => {
        void this.indexFolder(store.seriesFolder(studyUid, seriesUid)).catch(() => 0);
      },
    });
    await listener.start();
    this.listener = listener;
    return listener;
  }

  async stopListener(): Promise<void> {
    await this.listener?.stop();
    this.listener = null;
  }

  listenerStatus() {
    return this.listener?.status() ?? { listening: false, host: null, port: null, aet: null, allowedCallers: this.allowedCallers(), received: 0, refused: 0 };
  }

  /** The listener's calling AE titles: those allowed in its settings and the configured DIMSE nodes'. */
  private allowedCallers(): string[] {
    return [...new Set([...this.listenerAllow, ...this.dimseAets])];
  }
}
