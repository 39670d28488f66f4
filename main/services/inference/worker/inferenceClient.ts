/**
 * The service side of the inference worker: spawns the worker thread, loads
 * packs into it (once per pack), runs models with cancellation.
 *
 * Worker script: `inferenceWorker.cjs` beside the running bundle
 * (scripts/build.mjs emits it), or the TypeScript source through tsx when
 * running from sources (tests, tsx scripts).
 *
 * Execution providers: CUDA → DirectML → CoreML → CPU, keeping only those
 * onnxruntime-node lists for this platform; the worker falls back along the
 * list when a provider fails to create a session (e.g. CUDA listed but its
 * libraries are not installed). `VOXA_EXECUTION_PROVIDERS=cpu` (a comma list)
 * overrides the order.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ERROR_CODES, VoxaError, type ErrorCode } from '../../../../common/contract';
import type { ProviderAttempt, WireTensor, WorkerReply, WorkerRequest } from './protocol';
import { cancelledError, SUPERSEDED } from '../../jobs/cancelled';

export const PROVIDER_PREFERENCE = ['cuda', 'dml', 'coreml', 'cpu'] as const;

/** The preference order restricted to what onnxruntime-node lists for this platform; CPU always last. */
export function providerOrder(listed: readonly { name: string }[], override?: string): string[] {
  if (override) {
    const wanted = override.split(',').map((s) => s.trim()).filter(Boolean);
    return wanted.includes('cpu') ? wanted : [...wanted, 'cpu'];
  }
  const names = new Set(listed.map((b) => b.name));
  const order: string[] = PROVIDER_PREFERENCE.filter((p) => p !== 'cpu' && names.has(p));
  order.push('cpu');
  return order;
}

function workerUrl(): URL | string {
  const here = __filename;
  if (here.endsWith('.cjs') || here.endsWith('.js')) {
    const bundled = path.join(path.dirname(here), 'inferenceWorker.cjs');
    if (existsSync(bundled)) return bundled;
    throw new VoxaError('INTERNAL', 'inferenceWorker.cjs is missing beside the application bundle');
  }
  const source = path.join(path.dirname(here), 'inferenceWorker.ts');
  const req = createRequire(__filename);
  const api = req.resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs');
  const code = `import { tsImport } from ${JSON.stringify(pathToFileURL(api).href)}; await tsImport(${JSON.stringify(pathToFileURL(source).href)}, import.meta.url);`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

/** Is the shared library of a non-bundled provider (e.g. libonnxruntime_providers_cuda.so) beside the onnxruntime-node binding? */
function providerLibraryPresent(provider: string): boolean {
  try {
    const req = createRequire(__filename);
    const root = path.dirname(path.dirname(req.resolve('onnxruntime-node')));
    const binDir = path.join(root, 'bin');
    const lib = process.platform === 'win32' ? `onnxruntime_providers_${provider}.dll` : `libonnxruntime_providers_${provider}.so`;
    return readdirSync(binDir).some((napi) => existsSync(path.join(binDir, napi, process.platform, process.arch, lib)));
  } catch {
    return false;
  }
}

export interface LoadedModel {
  modelKey: string;
  provider: string;
  attempts: ProviderAttempt[];
  /** True when the session already existed (warm). */
  cached: boolean;
  loadMs: number;
}

interface Pending {
  resolve: (r: WorkerReply) => void;
  reject: (e: Error) => void;
}

export class InferenceClient {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  readonly threads: number;
  private providersCache: string[] | null = null;
  /** Number of `load` requests that created sessions (not served from the cache); for tests. */
  sessionsCreated = 0;

  constructor(opts: { threads?: number } = {}) {
    this.threads = opts.threads ?? Math.max(1, os.availableParallelism());
  }

  /** Providers skipped without a try (their libraries are not installed), with the reason. */
  skipped: ProviderAttempt[] = [];

  async providers(): Promise<string[]> {
    if (!this.providersCache) {
      const ort = await import('onnxruntime-node');
      const listed = ort.listSupportedBackends();
      const order = providerOrder(listed, process.env.VOXA_EXECUTION_PROVIDERS);
      // onnxruntime-node lists CUDA on Linux/Windows x64 but ships its provider library only on request
      // (ONNXRUNTIME_NODE_INSTALL_CUDA); probing it without the library only logs a native error.
      this.providersCache = order.filter((p) => {
        const b = listed.find((l) => l.name === p);
        if (!b || b.bundled || p === 'cpu' || providerLibraryPresent(p)) return true;
        this.skipped.push({ provider: p, error: 'provider library not installed' });
        return false;
      });
    }
    return this.providersCache;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(workerUrl());
    w.unref();
    w.on('message', (r: WorkerReply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (this.pending.size === 0) w.unref();
      p.resolve(r);
    });
    w.on('error', (e) => this.fail(new VoxaError('INTERNAL', `inference worker failed: ${e.message.slice(0, 200)}`)));
    w.on('exit', (code) => {
      if (this.worker === w) this.worker = null;
      this.fail(new VoxaError('INTERNAL', `inference worker exited (code ${code})`));
    });
    this.worker = w;
    return w;
  }

  private fail(e: Error) {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private request(msg: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    const w = this.ensureWorker();
    return new Promise<WorkerReply>((resolve, reject) => {
      this.pending.set(msg.id, { resolve, reject });
      w.ref();
      w.postMessage(msg, transfer);
    }).then((r) => {
      if (r.type === 'error') {
        const code = (ERROR_CODES as readonly string[]).includes(r.code) ? (r.code as ErrorCode) : 'INTERNAL';
        throw new VoxaError(code, r.message);
      }
      return r;
    });
  }

  /** Creates the model's sessions in the worker, or reuses them. */
  async load(modelKey: string, files: string[]): Promise<LoadedModel> {
    const r = await this.request({ type: 'load', id: this.nextId++, modelKey, files, providers: await this.providers(), threads: this.threads });
    if (r.type !== 'loaded') throw new VoxaError('INTERNAL', 'unexpected worker reply');
    if (!r.cached) this.sessionsCreated++;
    return { modelKey, provider: r.provider, attempts: [...this.skipped, ...r.attempts], cached: r.cached, loadMs: r.loadMs };
  }

  /**
   * Runs a loaded model. Feeds are transferred (the caller gives up their
   * buffers). An aborted signal rejects at once with CANCELLED; a run already
   * inside onnxruntime finishes in the worker and its result is dropped.
   */
  async run(modelKey: string, feeds: Record<string, WireTensor>, signal?: AbortSignal): Promise<{ outputs: Record<string, WireTensor>; runMs: number }> {
    if (signal?.aborted) throw cancelledError(SUPERSEDED);
    const transfer = Object.values(feeds).map((f) => f.data.buffer as ArrayBuffer);
    const reply = this.request({ type: 'run', id: this.nextId++, modelKey, feeds }, transfer);
    const r = signal
      ? await new Promise<WorkerReply>((resolve, reject) => {
          const onAbort = () => reject(cancelledError(SUPERSEDED));
          signal.addEventListener('abort', onAbort, { once: true });
          reply.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
        })
      : await reply;
    if (r.type !== 'result') throw new VoxaError('INTERNAL', 'unexpected worker reply');
    return { outputs: r.outputs, runMs: r.runMs };
  }

  async release(modelKey: string): Promise<void> {
    await this.request({ type: 'release', id: this.nextId++, modelKey });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}

let shared: InferenceClient | null = null;
/** The process-wide client: one worker, sessions shared by every caller. */
export function sharedInferenceClient(): InferenceClient {
  shared ??= new InferenceClient();
  return shared;
}
