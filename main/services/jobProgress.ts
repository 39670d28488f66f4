import type { CallContext } from '../ipc/router';

/** Emits job:progress for a job: 0 at once, then at most every 100 ms, and done at the end. */
export function jobProgress(ctx: CallContext, jobId: string, label: string) {
  ctx.emit('job:progress', { jobId, label, fraction: 0, done: false });
  let lastSent = 0;
  return {
    update: (done: number, total: number) => {
      const now = Date.now();
      if (now - lastSent < 100 && done < total) return;
      lastSent = now;
      ctx.emit('job:progress', { jobId, label, fraction: total > 0 ? Math.min(1, done / total) : null, done: false });
    },
    finish: () => ctx.emit('job:progress', { jobId, label, fraction: 1, done: true }),
  };
}
