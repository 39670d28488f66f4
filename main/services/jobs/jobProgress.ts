/**
 * What a long service call is given (services know nothing of IPC): the
 * signal that cancels it and a sink for its progress. The IPC layer adapts a
 * call's context to it (main/ipc/handlers/deps.ts `jobOf`); `jobProgress`
 * turns a job's counts into the job:progress events clients see.
 */
import { throttle } from './throttle';

export interface JobProgressEvent {
  jobId: string;
  label: string;
  fraction: number | null;
  done: boolean;
}

export interface JobContext {
  signal: AbortSignal;
  progress: (p: JobProgressEvent) => void;
}

/** The progress of one job, as job:progress events. */
export interface JobProgress {
  /** `done` of `total` units: the fraction never goes below one already sent; reaching the total is sent at once. */
  update: (done: number, total: number) => void;
  /** A new label while the amount of work is unknown (fraction null). */
  status: (label: string) => void;
  /** The last event (fraction 1, done), sent at once; later calls send nothing. */
  finish: () => void;
  /** Ends without a last event (the job failed): a held event is dropped; later calls send nothing. */
  stop: () => void;
}

export const PROGRESS_INTERVAL_MS = 100;

/**
 * Reports a job's progress: a first event at once (fraction 0, or null with
 * `unknownAmount`), then at most every 100 ms (the newest value held back is
 * sent when the interval ends), and done at the end.
 */
export function jobProgress(job: Pick<JobContext, 'progress'>, jobId: string, label: string, opts: { unknownAmount?: boolean; intervalMs?: number } = {}): JobProgress {
  const out = throttle<JobProgressEvent>(job.progress, opts.intervalMs ?? PROGRESS_INTERVAL_MS);
  let best = 0;
  out.now({ jobId, label, fraction: opts.unknownAmount ? null : 0, done: false });
  return {
    update: (done, total) => {
      const fraction = total > 0 ? Math.max(best, Math.min(1, done / total)) : null;
      if (fraction !== null) best = fraction;
      const event = { jobId, label, fraction, done: false };
      if (total > 0 && done >= total) out.now(event);
      else out.push(event);
    },
    status: (text) => out.push({ jobId, label: text, fraction: null, done: false }),
    finish: () => {
      out.now({ jobId, label, fraction: 1, done: true });
      out.close();
    },
    stop: () => out.close(),
  };
}

/**
 * Runs `fn` with a job's progress: finished when `fn` resolves; when it
 * rejects, finished too with `finishOnError`, else stopped (no event after the
 * error). `fn` may finish earlier itself (finishing twice sends one event).
 */
export async function withProgress<T>(
  job: Pick<JobContext, 'progress'>,
  jobId: string,
  label: string,
  fn: (progress: JobProgress) => Promise<T>,
  opts: { unknownAmount?: boolean; finishOnError?: boolean } = {},
): Promise<T> {
  const progress = jobProgress(job, jobId, label, opts.unknownAmount ? { unknownAmount: true } : {});
  try {
    const result = await fn(progress);
    progress.finish();
    return result;
  } catch (e) {
    if (opts.finishOnError) progress.finish();
    else progress.stop();
    throw e;
  }
}
