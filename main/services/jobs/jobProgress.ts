/**
 * What a long service call is given (services know nothing of IPC): the
 * signal that cancels it and a sink for its progress. The IPC layer adapts a
 * call's context to it (main/ipc/handlers/deps.ts `jobOf`).
 */
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

/** Reports a job's progress: 0 at once, then at most every 100 ms, and done at the end. */
export function jobProgress(job: Pick<JobContext, 'progress'>, jobId: string, label: string) {
  job.progress({ jobId, label, fraction: 0, done: false });
  let lastSent = 0;
  return {
    update: (done: number, total: number) => {
      const now = Date.now();
      if (now - lastSent < 100 && done < total) return;
      lastSent = now;
      job.progress({ jobId, label, fraction: total > 0 ? Math.min(1, done / total) : null, done: false });
    },
    finish: () => job.progress({ jobId, label, fraction: 1, done: true }),
  };
}
