/**
 * Long jobs by key: one mechanism for "a newer request replaces an older one"
 * (segmentation prompts on a volume, task runs) and for jobs a client cancels
 * by id (imports, retrieves, tasks).
 *
 * - `start(key, fn)` runs `fn` with a signal of its own. With `ifRunning:
 *   'supersede'` (the default) a running job under the same key is cancelled
 *   (its signal aborts) and the new one starts; with `'refuse'` the new one is
 *   refused (BAD_REQUEST) while the old one runs.
 * - The job's signal also aborts when the caller's signal does (a cancelled
 *   call), and on `cancel(key)`.
 * - A job whose caller has already cancelled rejects with CANCELLED without
 *   running; a job that ends by the platform's AbortError rejects with
 *   CANCELLED too, so cancellation surfaces as one error (jobs/cancelled.ts).
 *   Every other error propagates unchanged.
 * - `fn` stops itself: the runner does not race it against the signal, so a
 *   superseded job settles when its own code sees the abort.
 */
import { VoxaError } from '../../../common/contract';
import { cancelledError } from './cancelled';

export interface StartOptions {
  /** The caller's signal: aborting it cancels the job. */
  signal?: AbortSignal | undefined;
  /** What a job already running under the key means for this one (default 'supersede'). */
  ifRunning?: 'supersede' | 'refuse';
  /** The BAD_REQUEST message when refused. */
  refusal?: string;
  /** The CANCELLED message when the caller had cancelled before the start. */
  cancelled?: string;
}

export class JobRunner {
  private readonly running = new Map<string, AbortController>();

  async start<T>(key: string, fn: (signal: AbortSignal) => Promise<T>, opts: StartOptions = {}): Promise<T> {
    const older = this.running.get(key);
    if (older && opts.ifRunning === 'refuse') throw new VoxaError('BAD_REQUEST', opts.refusal ?? `a job with id ${key} is already running`);
    older?.abort();
    const controller = new AbortController();
    this.running.set(key, controller);
    const outer = opts.signal;
    const onOuter = () => controller.abort();
    outer?.addEventListener('abort', onOuter, { once: true });
    try {
      if (outer?.aborted) throw cancelledError(opts.cancelled);
      return await fn(controller.signal);
    } catch (e) {
      if (e instanceof Error && e.name === 'AbortError') throw cancelledError(opts.cancelled);
      throw e;
    } finally {
      outer?.removeEventListener('abort', onOuter);
      if (this.running.get(key) === controller) this.running.delete(key);
    }
  }

  /** Cancels the job running under `key`; false when there is none. */
  cancel(key: string): boolean {
    const c = this.running.get(key);
    c?.abort();
    return !!c;
  }

  isRunning(key: string): boolean {
    return this.running.has(key);
  }
}
