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
import { decodeFrameBytes } from './frameCodecs';
import type { FrameSpec, StoredPixels } from './storedPixels';

interface Pending {
  resolve: (p: StoredPixels) => void;
  reject: (e: Error) => void;
}
interface Slot {
  worker: Worker;
  busy: number;
  pending: Map<number, Pending>;
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
  readonly size: number;

  constructor(size = Math.max(1, os.availableParallelism())) {
    const url = workerUrl();
    this.size = url ? size : 0;
    for (let n = 0; n < this.size && url; n++) this.slots.push(this.spawn(url));
  }

  private spawn(url: URL | string): Slot {
    const worker = new Worker(url);
    const slot: Slot = { worker, busy: 0, pending: new Map() };
    worker.on('message', (r: Reply) => {
      const p = slot.pending.get(r.id);
      if (!p) return;
      slot.pending.delete(r.id);
      slot.busy--;
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
    return slot;
  }

  /** Decodes one frame; `bytes` is copied (the caller keeps its buffer). */
  decode(spec: FrameSpec, bytes: Uint8Array): Promise<StoredPixels> {
    if (this.slots.length === 0) return decodeFrameBytes(spec, bytes);
    let slot = this.slots[0] as Slot;
    for (const s of this.slots) if (s.busy < slot.busy) slot = s;
    const id = this.nextId++;
    const copy = new Uint8Array(bytes.length); // not bytes.slice(): on a Buffer that is a view, and transferring it would detach the caller's file
    copy.set(bytes);
    slot.busy++;
    return new Promise<StoredPixels>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.ref();
      slot.worker.postMessage({ id, spec, bytes: copy }, [copy.buffer]);
    }).finally(() => {
      if (slot.busy === 0) slot.worker.unref();
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
