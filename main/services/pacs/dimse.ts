/**
 * dcmjs-dimse, typed once for Voxa: one association that runs a list of
 * requests and settles when it closes, with the peer's answers turned into
 * errors that name the node, the operation and the DIMSE status. The library
 * logs through loglevel; it is silenced here so no patient attribute reaches
 * a log.
 */
import { Client, Dataset, constants, log, responses, type association, type requests } from 'dcmjs-dimse';
import type { Writable } from 'node:stream';
import type { DimseNode } from '../../../common/contract/channels/pacs';
import { VoxaError } from '../../../common/contract';
import { peerError } from './peer';

log.setLevel('silent');

export const { Status } = constants;
type DimseRequest = requests.Request;

/** The DIMSE status as the standard writes it (0xA801) with its meaning when known. */
export function statusText(status: number, comment?: string): string {
  const hex = `0x${status.toString(16).toUpperCase().padStart(4, '0')}`;
  const known: Record<number, string> = {
    [Status.Cancel]: 'cancelled',
    [Status.MoveDestinationUnknown]: 'move destination unknown (the PACS does not know Voxa’s AE title)',
    [Status.OutOfResourcesNumberOfMatches]: 'out of resources (number of matches)',
    [Status.OutOfResourcesSubOperations]: 'out of resources (sub-operations)',
    [Status.ProcessingFailure]: 'processing failure',
    [Status.SopClassNotSupported]: 'SOP class not supported',
    [Status.NotAuthorized]: 'not authorized',
    0xa900: 'identifier does not match SOP class',
    0xc000: 'unable to process',
    0xb000: 'sub-operations complete, one or more failures',
  };
  const meaning = known[status];
  return `DIMSE status ${hex}${meaning ? ` (${meaning})` : ''}${comment ? `: ${comment}` : ''}`;
}

const REJECT_REASONS: Record<number, string> = {
  1: 'no reason given',
  2: 'application context name not supported',
  3: 'calling AE title not recognized',
  7: 'called AE title not recognized',
};

/** A received data set's bytes exactly as they came over the wire, and their transfer syntax. */
export interface RawDataset {
  bytes: Buffer;
  transferSyntaxUid: string;
}
const rawOf = new WeakMap<Dataset, RawDataset>();

/** The bytes behind a data set that {@link rawDatasetFromStream} made. */
export function rawDataset(ds: Dataset | undefined): RawDataset | undefined {
  return ds ? rawOf.get(ds) : undefined;
}

/**
 * In place of dcmjs-dimse's parse of every received instance: an empty Dataset that carries the
 * received bytes. Voxa writes those bytes unchanged and reads the UIDs it needs from them with
 * its own header parser; no dcmjs parse and re-encode of every pixel.
 */
export function rawDatasetFromStream(writable: Writable, pc: association.PresentationContext, callback: (dataset: Dataset) => void): void {
  const bytes = (writable as unknown as { toBuffer(): Buffer }).toBuffer();
  const transferSyntaxUid = pc.getAcceptedTransferSyntaxUid() ?? '';
  const ds = new Dataset({}, transferSyntaxUid);
  rawOf.set(ds, { bytes, transferSyntaxUid });
  callback(ds);
}

export interface AssociationOptions {
  signal: AbortSignal;
  /** C-GET: instances the peer sends back on this association (their bytes as received). */
  onStore?: (raw: RawDataset, sopClassUid: string, sopUid: string) => Promise<void>;
}

/**
 * Sends `reqs` on one association to `node` and resolves when it is released.
 * Rejected when the association is refused, the network fails or times out,
 * or the signal aborts (then a C-CANCEL is sent for running requests and the
 * association is aborted).
 */
export function runAssociation(node: DimseNode, operation: string, reqs: DimseRequest[], options: AssociationOptions): Promise<void> {
  if (options.signal.aborted) return Promise.reject(new VoxaError('CANCELLED', `${operation} on ${node.name} was cancelled`));
  return new Promise((resolve, reject) => {
    const client = new Client();
    let failure: VoxaError | null = null;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      options.signal.removeEventListener('abort', onAbort);
      if (failure) reject(failure);
      else resolve();
    };
    const onAbort = () => {
      failure ??= new VoxaError('CANCELLED', `${operation} on ${node.name} was cancelled`);
      for (const r of reqs) {
        try {
          client.cancel(r as requests.CFindRequest);
        } catch {
          /* not running any more */
        }
      }
      try {
        client.abort();
      } catch {
        finish();
      }
      setTimeout(finish, 2000).unref();
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    // Every request must get its final (non-pending) response; an association that closes before is a failure.
    const answered = new Set<DimseRequest>();
    for (const r of reqs) {
      r.on('response', (resp: { getStatus(): number }) => {
        const st = resp.getStatus();
        if (st !== Status.Pending && st !== 0xff01) answered.add(r);
      });
      client.addRequest(r);
    }
    client.on('associationRejected', (e: { result: number; source: number; reason: number }) => {
      failure ??= peerError(node.name, operation, `association rejected by ${node.calledAet}@${node.host}:${node.port}: ${REJECT_REASONS[e.reason] ?? `reason ${e.reason}`}`);
    });
    client.on('networkError', (e: Error) => {
      const timedOut = /timeout|timed out/i.test(e.message);
      const answer = timedOut ? `no answer within ${Math.round(node.timeoutMs / 1000)} s` : e.message.replace(/\s+/g, ' ').slice(0, 200);
      failure ??= timedOut
        ? new VoxaError('TIMEOUT', `${node.name}: ${operation}: ${answer} from ${node.host}:${node.port}`)
        : peerError(node.name, operation, `${answer} (${node.host}:${node.port})`);
      finish();
    });
    client.on('closed', () => {
      if (answered.size < reqs.length) failure ??= peerError(node.name, operation, `the connection to ${node.host}:${node.port} closed before the answer (${answered.size} of ${reqs.length} request(s) answered): the PACS stopped or the network failed`);
      finish();
    });
    if (options.onStore) {
      const onStore = options.onStore;
      client.on('cStoreRequest', (request: requests.CStoreRequest, callback: (r: unknown) => void) => {
        const raw = rawDataset(request.getDataset());
        const respond = (status: number) => {
          const response = responsesCStore(request);
          response.setStatus(status);
          callback(response);
        };
        if (!raw) return respond(0xa900);
        onStore(raw, request.getAffectedSopClassUid(), request.getAffectedSopInstanceUid()).then(
          () => respond(Status.Success),
          () => respond(Status.ProcessingFailure),
        );
      });
    }
    client.send(node.host, node.port, node.callingAet, node.calledAet, {
      connectTimeout: node.timeoutMs,
      associationTimeout: node.timeoutMs,
      pduTimeout: node.timeoutMs,
      associationLingerTimeout: 0,
    });
    // The client does not pass on a peer's A-ABORT (it would wait for the PDU timeout); its network does.
    const network = (
      client as unknown as {
        network?: { on(e: 'abort', f: (a: { source: number; reason: number }) => void): void; socket?: { destroy(): void }; createDatasetFromStoreWritableStream: typeof rawDatasetFromStream };
      }
    ).network;
    // C-GET: keep what arrives as bytes (the network is created by send(), before any data is read).
    if (network && options.onStore) network.createDatasetFromStoreWritableStream = rawDatasetFromStream;
    network?.on('abort', ({ source, reason }) => {
      failure ??= peerError(node.name, operation, `${node.calledAet} aborted the association (A-ABORT, source ${source}, reason ${reason}; often: Voxa's AE title ${node.callingAet} is not allowed to do this on the PACS)`);
      network.socket?.destroy();
      finish();
    });
  });
}

function responsesCStore(request: requests.CStoreRequest) {
  return responses.CStoreResponse.fromRequest(request);
}

/** A final (non-pending) response's status as an error, or null when it succeeded (warnings pass). */
export function failedStatus(node: DimseNode, operation: string, status: number, comment?: string): VoxaError | null {
  if (status === Status.Success || status === Status.Pending || status === 0xff01 || (status & 0xf000) === 0xb000) return null;
  if (status === Status.Cancel) return new VoxaError('CANCELLED', `${operation} on ${node.name} was cancelled`);
  return peerError(node.name, operation, statusText(status, comment));
}
