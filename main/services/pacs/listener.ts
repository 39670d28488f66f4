/**
 * Voxa's DICOM listener: a C-STORE SCP (and C-ECHO), off by default, bound to
 * one configured interface (loopback unless told otherwise; never all
 * interfaces unless "0.0.0.0" is asked for), accepting associations only
 * from configured calling AE titles and only when they call Voxa's AE title.
 * It is the destination of C-MOVE and where a PACS pushes studies; what it
 * receives is written unchanged (File Meta + the data set as received) into
 * the instance store, and each series it touched is indexed once the
 * association ends.
 */
import net from 'node:net';
import { Scp, constants, responses, type Dataset, type association, type requests } from 'dcmjs-dimse';
import type { Writable } from 'node:stream';
import { VoxaError } from '../../../common/contract';
import type { ListenerStatus } from '../../../common/contract/channels/pacs';
import { rawDataset, rawDatasetFromStream } from './dimse';
import type { InstanceStore, StoredInstance } from './instanceStore';

const { Status, PresentationContextResult, RejectResult, RejectSource, RejectReason, SopClass } = constants;

/** Transfer syntaxes Voxa's reader decodes, in the order it prefers them when a context proposes several. */
export const ACCEPTED_TRANSFER_SYNTAXES = [
  '1.2.840.10008.1.2.1', // Explicit VR Little Endian
  '1.2.840.10008.1.2', // Implicit VR Little Endian
  '1.2.840.10008.1.2.4.90', // JPEG 2000 lossless
  '1.2.840.10008.1.2.4.80', // JPEG-LS lossless
  '1.2.840.10008.1.2.4.70', // JPEG lossless SV1
  '1.2.840.10008.1.2.4.57', // JPEG lossless
  '1.2.840.10008.1.2.5', // RLE lossless
  '1.2.840.10008.1.2.4.201', // HTJ2K lossless
  '1.2.840.10008.1.2.1.99', // Deflated Explicit VR LE
  '1.2.840.10008.1.2.2', // Explicit VR Big Endian (retired)
  '1.2.840.10008.1.2.4.91', // JPEG 2000
  '1.2.840.10008.1.2.4.81', // JPEG-LS near-lossless
  '1.2.840.10008.1.2.4.50', // JPEG baseline
  '1.2.840.10008.1.2.4.51', // JPEG extended
  '1.2.840.10008.1.2.4.203', // HTJ2K
];
/** Storage SOP classes all sit below this root (PS3.4 Annex B); Voxa files any of them. */
const STORAGE_ROOT = '1.2.840.10008.5.1.4.1.1.';

export interface ListenerOptions {
  host: string;
  port: number;
  aet: string;
  /** Calling AE titles accepted (asked each time, so nodes added later are known). */
  allowedCallers: () => string[];
  store: InstanceStore;
  /** A series received instances during an association that has now ended. */
  onSeriesReceived?: (studyUid: string, seriesUid: string) => void;
  timeoutMs?: number;
  maxAssociations?: number;
}

export class DicomListener {
  private server: net.Server | null = null;
  private readonly subscribers = new Set<(s: StoredInstance) => void>();
  private received = 0;
  private refused = 0;
  private boundPort: number | null = null;
  private readonly sockets = new Set<net.Socket>();

  constructor(readonly options: ListenerOptions) {}

  get aet(): string {
    return this.options.aet;
  }

  /** Instances as they are filed (C-MOVE progress). */
  subscribe(onStored: (s: StoredInstance) => void): () => void {
    this.subscribers.add(onStored);
    return () => this.subscribers.delete(onStored);
  }

  status(): ListenerStatus {
    return {
      listening: this.server !== null,
      host: this.server ? this.options.host : null,
      port: this.boundPort,
      aet: this.server ? this.options.aet : null,
      allowedCallers: this.options.allowedCallers(),
      received: this.received,
      refused: this.refused,
    };
  }

  async start(): Promise<number> {
    if (this.server) return this.boundPort!;
    // The SCP class below is instantiated by the connection handler; it reaches this listener through `owner`.
    const owner = { listener: this as DicomListener };
    const opts = { connectTimeout: this.options.timeoutMs ?? 30_000, associationTimeout: this.options.timeoutMs ?? 30_000, pduTimeout: this.options.timeoutMs ?? 30_000 };

    class VoxaScp extends Scp {
      private touched = new Map<string, [string, string]>();
      private calling = '';
      associationRequested(a: association.Association): void {
        this.calling = a.getCallingAeTitle().trim();
        const called = a.getCalledAeTitle().trim();
        if (called !== owner.listener.options.aet) {
          owner.listener.refused++;
          return this.sendAssociationReject(RejectResult.Permanent, RejectSource.ServiceUser, RejectReason.CalledAeNotRecognized);
        }
        if (!owner.listener.options.allowedCallers().includes(this.calling)) {
          owner.listener.refused++;
          return this.sendAssociationReject(RejectResult.Permanent, RejectSource.ServiceUser, RejectReason.CallingAeNotRecognized);
        }
        for (const c of a.getPresentationContexts()) {
          const context = a.getPresentationContext(c.id);
          const abstract = context.getAbstractSyntaxUid();
          if (abstract !== SopClass.Verification && !abstract.startsWith(STORAGE_ROOT)) {
            context.setResult(PresentationContextResult.RejectAbstractSyntaxNotSupported);
            continue;
          }
          const proposed = context.getTransferSyntaxUids();
          const ts = ACCEPTED_TRANSFER_SYNTAXES.find((t) => proposed.includes(t));
          if (ts) context.setResult(PresentationContextResult.Accept, ts);
          else context.setResult(PresentationContextResult.RejectTransferSyntaxesNotSupported);
        }
        this.sendAssociationAccept();
      }
      createDatasetFromStoreWritableStream(writable: Writable, pc: association.PresentationContext, callback: (dataset: Dataset) => void): void {
        rawDatasetFromStream(writable, pc, callback);
      }
      cEchoRequest(request: requests.CEchoRequest, callback: (r: responses.CEchoResponse) => void): void {
        const r = responses.CEchoResponse.fromRequest(request);
        r.setStatus(Status.Success);
        callback(r);
      }
      cStoreRequest(request: requests.CStoreRequest, callback: (r: responses.CStoreResponse) => void): void {
        const respond = (status: number) => {
          const r = responses.CStoreResponse.fromRequest(request);
          r.setStatus(status);
          callback(r);
        };
        const raw = rawDataset(request.getDataset());
        if (!raw) return respond(0xa900);
        owner.listener.options.store.putDataset(raw, request.getAffectedSopClassUid(), request.getAffectedSopInstanceUid(), this.calling).then(
          (stored) => {
            owner.listener.received++;
            this.touched.set(`${stored.studyUid}|${stored.seriesUid}`, [stored.studyUid, stored.seriesUid]);
            for (const s of owner.listener.subscribers) s(stored);
            respond(Status.Success);
          },
          (e: unknown) => respond(e instanceof VoxaError && e.code === 'CORRUPT_INPUT' ? 0xa900 : 0xa700), // not what it said it was / could not write it
        );
      }
      associationReleaseRequested(): void {
        this.sendAssociationReleaseResponse();
        this.flush();
      }
      abort(): void {
        this.flush();
      }
      flush(): void {
        for (const [studyUid, seriesUid] of this.touched.values()) owner.listener.options.onSeriesReceived?.(studyUid, seriesUid);
        this.touched.clear();
      }
    }

    const server = net.createServer((socket) => {
      if (this.sockets.size >= (this.options.maxAssociations ?? 16)) {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      const scp = new VoxaScp(socket, opts);
      scp.on('networkError', () => socket.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(new VoxaError(e.code === 'EADDRINUSE' ? 'EXISTS' : 'FORBIDDEN', `the DICOM listener cannot listen on ${this.options.host}:${this.options.port} (${e.code ?? e.message})`)),
      );
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    this.server = server;
    this.boundPort = (server.address() as net.AddressInfo).port;
    return this.boundPort;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = null;
    this.boundPort = null;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
