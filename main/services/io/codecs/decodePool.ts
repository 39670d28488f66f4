/**
 * A pool of worker threads that decode compressed frames, one worker per core
 * (os.availableParallelism()). Frames go to the least busy worker; results come
 * back as transferred buffers. When no worker script can be found (an unusual
 * packaging) or workers are disabled, frames decode in the calling thread:
 * slower, same result.
 *
 * Worker script: `decodeWorker.cjs` beside the running bundle (scripts/build.mjs
 * emits it), or, when running from TypeScript sources (tests, tsx), the .ts file
 * loaded through tsx.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ERROR_CODES, VoxaError, type ErrorCode } from '../../../../common/contract';
import { compileCodecModule, decodeFrameBytes } from './frameCodecs';
import type { FrameSpec, StoredPixels } from './storedPixels';

interface Pending {
  resolve: (p: StoredPixels) => void;
  reject: (e: Error) => void;
}
interface Slot {
  worker: Worker;
  busy: number;
  pending: Map<number, Pending>;
  /** Transfer syntaxes whose codec this worker was asked to instantiate. */
  warmed: Set<string>;
}
interface Reply {
  id: number;
  pixels?: StoredPixels;
  error?: { code: string; message: string };
}

function workerUrl(): URL | string | null {
  if (process.env.VOXA_DECODE_WORKERS === '0') return null;
  const here = __filename;
  if (here.endsWith('.cjs') || here.endsWith('.js')) {
    const bundled = path.join(path.dirname(here), 'decodeWorker.cjs');
    return existsSync(bundled) ? bundled : null;
  }
  const source = path.join(path.dirname(here), 'decodeWorker.ts');
  if (!existsSync(source)) return null;
  try {
    const req = createRequire(__filename);
    const api = req.resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs');
    const code = `import { tsImport } from ${JSON.stringify(pathToFileURL(api).href)}; await tsImport(${JSON.stringify(pathToFileURL(source).href)}, import.meta.url);`;
    return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
  } catch {
    return null;
  }
}

export class DecodePool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private readonly url: URL | string | null;
  private readonly warmed = new Set<string>();
  private readonly decodedHere = new Set<string>();
  private readonly modules = new Map<string, Promise<WebAssembly.Module | null>>();
  /** Most worker threads this pool starts (0: frames decode in the calling thread). */
  readonly size: number;

  /** Workers start lazily (on warm() or when frames arrive), up to `size`: a single small frame never pays for 16 thread start-ups. */
  constructor(size = Math.max(1, os.availableParallelism())) {
    this.url = workerUrl();
    this.size = this.url ? size : 0;
  }

  /** Starts up to `expectedFrames` workers (at most size) and has each instantiate the codec for `transferSyntax`, ahead of the frames. */
  warm(transferSyntax: string, expectedFrames = this.size): void {
    const want = Math.min(this.size, Math.max(1, expectedFrames));
    while (this.slots.length < want && this.url) this.slots.push(this.spawn(this.url));
    this.warmed.add(transferSyntax);
    for (const s of this.slots) this.warmSlot(s);
  }

  /** The codec module for `ts`, compiled once here (null when the syntax needs no WASM). */
  private moduleFor(ts: string): Promise<WebAssembly.Module | null> {
    let p = this.modules.get(ts);
    if (!p) this.modules.set(ts, (p = compileCodecModule(ts)));
    return p;
  }

  private warmSlot(slot: Slot): void {
    for (const ts of this.warmed) {
      if (slot.warmed.has(ts)) continue;
      slot.warmed.add(ts);
      // Posted before any frame of this syntax (decode() waits for the same promise), so the worker never compiles its own copy.
      void this.moduleFor(ts).then((module) => slot.worker.postMessage({ warm: ts, module }));
    }
  }

  private spawn(url: URL | string): Slot {
    const worker = new Worker(url);
    const slot: Slot = { worker, busy: 0, pending: new Map(), warmed: new Set() };
    worker.on('message', (r: Reply) => {
      const p = slot.pending.get(r.id);
      if (!p) return;
      slot.pending.delete(r.id);
      slot.busy--;
      if (slot.busy === 0) slot.worker.unref();
      if (r.pixels) p.resolve(r.pixels);
      else {
        const code = (ERROR_CODES as readonly string[]).includes(r.error?.code ?? '') ? (r.error?.code as ErrorCode) : 'INTERNAL';
        p.reject(new VoxaError(code, r.error?.message ?? 'decoder failed'));
      }
    });
    worker.on('error', (e) => {
      // A crashed worker fails its own jobs and leaves the pool; the others go on.
      for (const p of slot.pending.values()) p.reject(new VoxaError('INTERNAL', `decoder thread failed: ${e.message.slice(0, 120)}`));
      slot.pending.clear();
      const at = this.slots.indexOf(slot);
      if (at >= 0) this.slots.splice(at, 1);
    });
    // After the listeners: adding a 'message' listener refs the worker's port again.
    worker.unref();
    this.warmSlot(slot);
    return slot;
  }

  /** Decodes one frame; `bytes` is copied (the caller keeps its buffer). */
  decode(spec: FrameSpec, bytes: Uint8Array): Promise<StoredPixels> {
    if (!this.url || this.size === 0) return decodeFrameBytes(spec, bytes);
    if (!this.decodedHere.has(spec.transferSyntax)) {
      // The first frame of a syntax decodes here, on the module the workers get: it runs V8's tier-up of
      // the codec once, on a free core, while the workers start. Without it each worker runs the slow
      // baseline code for many frames while optimising compiles compete with it for the cores.
      this.decodedHere.add(spec.transferSyntax);
      return this.moduleFor(spec.transferSyntax).then(() => decodeFrameBytes(spec, bytes));
    }
    let slot = this.slots.find((s) => s.busy === 0);
    if (!slot && this.slots.length < this.size) this.slots.push((slot = this.spawn(this.url)));
    if (!slot) {
      slot = this.slots[0] as Slot;
      for (const s of this.slots) if (s.busy < slot.busy) slot = s;
    }
    const target = slot;
    const id = this.nextId++;
    const copy = new Uint8Array(bytes.length); // not bytes.slice(): on a Buffer that is a view, and transferring it would detach the caller's file
    copy.set(bytes);
    target.busy++;
    target.worker.ref();
    const ts = spec.transferSyntax;
    this.warmed.add(ts);
    this.warmSlot(target);
    return new Promise<StoredPixels>((resolve, reject) => {
      target.pending.set(id, { resolve, reject });
      // After the slot's warm message (same promise, resolved in order).
      void this.moduleFor(ts).then(() => target.worker.postMessage({ id, spec, bytes: copy }, [copy.buffer]));
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }
}

let shared: DecodePool | null = null;

/** The process-wide pool (created on first use; its idle workers do not keep the process alive). */
export function sharedDecodePool(): DecodePool {
  shared ??= new DecodePool();
  return shared;
}
