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
import { Writable } from 'node:stream';
import { VoxaError } from '../../../common/contract';
import type { ListenerStatus } from '../../../common/contract/channels/pacs';
import { DEFAULT_IO_LIMITS } from '../io/limits';
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
/** The largest PDU Voxa accepts (what it announces in the association); a longer one is a protocol violation. */
const MAX_PDU = 256 * 1024;

/**
 * Watches the PDU headers (type, reserved, 4-byte length) on a socket and destroys it when one
 * announces more than `max` bytes, before dcmjs-dimse would buffer it.
 */
export function guardPduLengths(socket: net.Socket, max: number): void {
  let header = Buffer.alloc(0);
  let remaining = 0;
  socket.on('data', (chunk: Buffer) => {
    let at = 0;
    while (at < chunk.length) {
      if (remaining > 0) {
        const take = Math.min(remaining, chunk.length - at);
        remaining -= take;
        at += take;
        continue;
      }
      const need = 6 - header.length;
      header = Buffer.concat([header, chunk.subarray(at, at + need)]);
      at += Math.min(need, chunk.length - at);
      if (header.length < 6) return;
      const length = header.readUInt32BE(2);
      header = Buffer.alloc(0);
      if (length > max) {
        socket.destroy();
        return;
      }
      remaining = length;
    }
  });
}

/** The library's in-memory C-STORE buffer, with a cap: past `max` bytes the association is dropped. */
function cappedMemoryStream(max: number, onTooBig: () => void): Writable {
  const chunks: Buffer[] = [];
  let size = 0;
  const w = new Writable({
    highWaterMark: 64 * 1024 * 1024,
    write(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > max) {
        onTooBig();
        done(new Error('instance too large'));
        return;
      }
      chunks.push(chunk);
      done();
    },
  }) as Writable & { toBuffer(): Buffer };
  w.toBuffer = () => Buffer.concat(chunks);
  return w;
}

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
  private readonly acceptedSockets = new Set<net.Socket>();
  /** Largest data set one C-STORE may carry (the reader's voxel limit and headers); a bigger one drops the association. */
  readonly maxInstanceBytes = DEFAULT_IO_LIMITS.maxVoxelBytes + 64 * 1024 * 1024;

  /** The SCP accepted this socket's association (it no longer counts against the request deadline). */
  accepted(socket: net.Socket): void {
    this.acceptedSockets.add(socket);
  }

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
      /** Set only once the association was accepted: nothing is processed on a refused or pending one. */
      accepted = false;
      /** Storage SOP classes of the presentation contexts that were accepted. */
      private readonly storageClasses = new Set<string>();
      constructor(
        private readonly socketOf: net.Socket,
        o: typeof opts,
      ) {
        super(socketOf, o);
        // dcmjs-dimse arms its association and PDU timers only for sockets it connected itself.
        (this as unknown as { connected: boolean; connectedTime: number }).connected = true;
        (this as unknown as { connectedTime: number }).connectedTime = Date.now();
      }
      private refuse(reason: number): void {
        owner.listener.refused++;
        this.sendAssociationReject(RejectResult.Permanent, RejectSource.ServiceUser, reason);
        // A refused caller gets nothing more: the library would go on reading P-DATA on this socket.
        setTimeout(() => this.socketOf.destroy(), 100).unref();
      }
      associationRequested(a: association.Association): void {
        this.calling = a.getCallingAeTitle().trim();
        const called = a.getCalledAeTitle().trim();
        if (called !== owner.listener.options.aet) return this.refuse(RejectReason.CalledAeNotRecognized);
        if (!owner.listener.options.allowedCallers().includes(this.calling)) return this.refuse(RejectReason.CallingAeNotRecognized);
        for (const c of a.getPresentationContexts()) {
          const context = a.getPresentationContext(c.id);
          const abstract = context.getAbstractSyntaxUid();
          if (abstract !== SopClass.Verification && !abstract.startsWith(STORAGE_ROOT)) {
            context.setResult(PresentationContextResult.RejectAbstractSyntaxNotSupported);
            continue;
          }
          const proposed = context.getTransferSyntaxUids();
          const ts = ACCEPTED_TRANSFER_SYNTAXES.find((t) => proposed.includes(t));
          if (ts) {
            context.setResult(PresentationContextResult.Accept, ts);
            if (abstract !== SopClass.Verification) this.storageClasses.add(abstract);
          } else context.setResult(PresentationContextResult.RejectTransferSyntaxesNotSupported);
        }
        a.setMaxPduLength(MAX_PDU);
        this.accepted = true;
        owner.listener.accepted(this.socketOf);
        this.sendAssociationAccept();
      }
      createStoreWritableStream(_pc: association.PresentationContext, _request: requests.CStoreRequest): Writable {
        return cappedMemoryStream(owner.listener.maxInstanceBytes, () => this.socketOf.destroy());
      }
      createDatasetFromStoreWritableStream(writable: Writable, pc: association.PresentationContext, callback: (dataset: Dataset) => void): void {
        rawDatasetFromStream(writable, pc, callback);
      }
      cEchoRequest(request: requests.CEchoRequest, callback: (r: responses.CEchoResponse) => void): void {
        const r = responses.CEchoResponse.fromRequest(request);
        r.setStatus(this.accepted ? Status.Success : Status.NotAuthorized);
        callback(r);
      }
      cStoreRequest(request: requests.CStoreRequest, callback: (r: responses.CStoreResponse) => void): void {
        const respond = (status: number) => {
          const r = responses.CStoreResponse.fromRequest(request);
          r.setStatus(status);
          callback(r);
        };
        // Only on an accepted association, and only for a storage class whose context was accepted.
        if (!this.accepted) return respond(Status.NotAuthorized);
        if (!this.storageClasses.has(request.getAffectedSopClassUid())) return respond(Status.SopClassNotSupported);
        const raw = rawDataset(request.getDataset());
        if (!raw) return respond(0xa900);
        owner.listener.options.store.putDataset(raw, request.getAffectedSopClassUid(), request.getAffectedSopInstanceUid(), this.calling).then(
          (stored) => {
            owner.listener.received++;
            this.touched.set(`${stored.studyUid}|${stored.seriesUid}`, [stored.studyUid, stored.seriesUid]);
            for (const s of owner.listener.subscribers) s(stored);
            respond(Status.Success);
          },
          (e: unknown) => respond(e instanceof VoxaError && (e.code === 'CORRUPT_INPUT' || e.code === 'EXISTS') ? 0xa900 : 0xa700), // not what it said it was, or another instance's UID / could not write it
        );
      }
      // Voxa's listener serves storage only: queries and retrieves are refused (the library's defaults answer success).
      cFindRequest(request: requests.CFindRequest, callback: (r: responses.CFindResponse[]) => void): void {
        const r = responses.CFindResponse.fromRequest(request);
        r.setStatus(Status.SopClassNotSupported);
        callback([r]);
      }
      cMoveRequest(request: requests.CMoveRequest, callback: (r: responses.CMoveResponse[]) => void): void {
        const r = responses.CMoveResponse.fromRequest(request);
        r.setStatus(Status.SopClassNotSupported);
        callback([r]);
      }
      cGetRequest(request: requests.CGetRequest, callback: (r: responses.CGetResponse[]) => void): void {
        const r = responses.CGetResponse.fromRequest(request);
        r.setStatus(Status.SopClassNotSupported);
        callback([r]);
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
      // PDU lengths are checked before the library buffers them (it would hold up to 4 GiB per PDU).
      guardPduLengths(socket, MAX_PDU + 64 * 1024);
      // The association request must come soon: a silent or dripping peer does not hold a place.
      const deadline = setTimeout(() => {
        if (!this.acceptedSockets.has(socket)) socket.destroy();
      }, Math.min(10_000, this.options.timeoutMs ?? 30_000));
      deadline.unref();
      socket.on('close', () => {
        clearTimeout(deadline);
        this.acceptedSockets.delete(socket);
      });
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
