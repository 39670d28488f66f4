/**
 * Handlers of the pacs channels. A retrieve runs under its job id (pacs:cancel
 * stops it; the call's own abort does too), reports pacs:progress, and each
 * series indexed as it completes raises study:changed so the study list shows
 * it and the renderer can open it before the rest of the study has arrived.
 */
import type { pacsChannels } from '../../../common/contract/channels/pacs';
import type { DomainHandlers } from '../router';
import type { ServiceDeps } from './deps';
import { PROGRESS_INTERVAL_MS } from '../../services/jobs/jobProgress';
import { JobRunner } from '../../services/jobs/jobRunner';
import { throttle } from '../../services/jobs/throttle';
import type { PacsService } from '../../services/pacs/pacsService';
import type { RetrieveProgress } from '../../services/pacs/retrieve';

export function createPacsHandlers(deps: ServiceDeps, pacs: PacsService): DomainHandlers<typeof pacsChannels> {
  const jobs = new JobRunner();

  /** Runs `f` under a job id that pacs:cancel can stop; the call's abort (client gone) stops it too. */
  const asJob = <T>(jobId: string, signal: AbortSignal, f: (signal: AbortSignal) => Promise<T>): Promise<T> =>
    jobs.start(jobId, f, { signal, ifRunning: 'refuse', refusal: `a PACS job with id ${jobId} is already running` });

  return {
    'pacs:nodes': async () => {
      const nodes = await pacs.listNodes();
      const views = [];
      for (const n of nodes) views.push(n.kind === 'dicomweb' ? { ...n, hasSecret: (await pacs.nodes.secrets.get(n.name)) !== null } : n);
      return { nodes: views };
    },
    'pacs:addNode': async ({ node, secret }) => {
      // A CA file named by the renderer must be one this session may read (the CLI may name any).
      if (node.kind === 'dicomweb' && node.caFile) node = { ...node, caFile: await deps.grants.file(node.caFile) };
      return pacs.addNode(node, secret);
    },
    'pacs:removeNode': async ({ name }) => ({ removed: await pacs.removeNode(name) }),
    'pacs:echo': async ({ name }, ctx) => ({ ms: await pacs.echo(name, ctx.signal) }),
    'pacs:findStudies': async ({ name, query }, ctx) => ({ studies: await pacs.findStudies(name, query, ctx.signal) }),
    'pacs:findSeries': async ({ name, studyUid }, ctx) => ({ series: await pacs.findSeries(name, studyUid, ctx.signal) }),
    'pacs:retrieve': ({ name, studyUid, seriesUids, method, jobId }, ctx) =>
      asJob(jobId, ctx.signal, async (signal) => {
        // Per instance at most every 100 ms (the newest held back is sent when the interval ends); an event
        // that completes a series goes out at once, so none is lost and the renderer can open it.
        const progress = throttle((p: RetrieveProgress) => ctx.emit('pacs:progress', { jobId, ...p, done: false }), PROGRESS_INTERVAL_MS);
        try {
          const report = await pacs.retrieve(name, studyUid, {
            seriesUids,
            method,
            signal,
            onProgress: (p) => (p.seriesComplete.length > 0 ? progress.now(p) : progress.push(p)),
            onSeriesIndexed: () => ctx.emit('study:changed', { reason: 'import' }),
          });
          ctx.emit('pacs:progress', { jobId, received: report.series.reduce((n, s) => n + s.present, 0), expected: report.series.reduce((n, s) => n + s.expected, 0), bytes: report.bytes, mbPerSecond: report.seconds > 0 ? report.bytes / 1e6 / report.seconds : 0, seriesComplete: [], done: true });
          return report;
        } finally {
          // Synchronously after the last event: a value still held back is dropped, never sent after done.
          progress.close();
        }
      }),
    'pacs:cancel': ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),
    'pacs:send': async ({ name, paths, jobId, deidentify }, ctx) => {
      // Only files this session may read can be sent (the same path policy as opening them).
      const files: string[] = [];
      for (const p of paths) files.push(await deps.grants.file(p));
      const run = async (signal: AbortSignal) => {
        const t0 = performance.now();
        const r = await pacs.send(name, files, signal, undefined, { deidentify });
        return { ...r, seconds: (performance.now() - t0) / 1000 };
      };
      return jobId ? asJob(jobId, ctx.signal, run) : run(ctx.signal);
    },
    'pacs:listenerStatus': async () => {
      await pacs.listNodes();
      return pacs.listenerStatus();
    },
  };
}
