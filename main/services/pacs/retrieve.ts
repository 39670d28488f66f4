/**
 * Retrieving a study (or some of its series) into the instance store, series
 * by series: the instances the PACS lists are the expected ones, those
 * already on disk are skipped (a stopped or failed retrieve resumes where it
 * left off), and a series is reported complete once every expected instance
 * is on disk — only then is it handed on (indexed, opened).
 */
import type { RetrieveMethod, RetrieveReport } from '../../../common/contract/channels/pacs';
import { VoxaError } from '../../../common/contract';
import { uidFileName, type InstanceStore } from './instanceStore';
import type { PacsPeer } from './peer';

export interface RetrieveProgress {
  received: number;
  expected: number;
  bytes: number;
  mbPerSecond: number;
  seriesComplete: string[];
}

export interface RetrieveOptions {
  studyUid: string;
  seriesUids?: string[] | undefined;
  method: RetrieveMethod;
  signal: AbortSignal;
  onProgress?: (p: RetrieveProgress) => void;
  /** A series just became complete on disk (every expected instance present). */
  onSeriesComplete?: (seriesUid: string) => Promise<void>;
}

export type RetrieveResult = Omit<RetrieveReport, 'folder' | 'indexed' | 'node'>;

export async function retrieveStudy(peer: PacsPeer, store: InstanceStore, o: RetrieveOptions): Promise<RetrieveResult> {
  const started = performance.now();
  const listed = await peer.findSeries(o.studyUid, o.signal);
  if (o.seriesUids) {
    const unknown = o.seriesUids.filter((s) => !listed.some((l) => l.seriesUid === s));
    if (unknown.length) throw new VoxaError('NOT_FOUND', `${peer.name} has no series ${unknown[0]} in study ${o.studyUid}`);
  } else if (listed.length === 0) {
    throw new VoxaError('NOT_FOUND', `${peer.name} has no study ${o.studyUid} (or no series in it)`);
  }
  const wanted = listed.filter((s) => !o.seriesUids || o.seriesUids.includes(s.seriesUid)).sort((a, b) => (a.seriesNumber ?? 1e9) - (b.seriesNumber ?? 1e9));

  // Expected instances of every series first, so progress has one total.
  const plans: { seriesUid: string; expected: Set<string>; missing: string[]; presentBefore: number }[] = [];
  for (const s of wanted) {
    const instances = await peer.findInstances(o.studyUid, s.seriesUid, o.signal);
    const present = await store.present(o.studyUid, s.seriesUid);
    const expected = new Set(instances.map((i) => i.sopUid));
    const missing = [...expected].filter((sop) => !present.has(uidFileName(sop)));
    plans.push({ seriesUid: s.seriesUid, expected, missing, presentBefore: expected.size - missing.length });
  }
  const expectedTotal = plans.reduce((n, p) => n + p.expected.size, 0);
  let received = 0;
  const alreadyThere = plans.reduce((n, p) => n + p.presentBefore, 0);
  let bytes = 0;
  let lastSent = 0;
  const justCompleted: string[] = [];
  const progress = (force = false) => {
    const now = performance.now();
    if (!force && now - lastSent < 100) return;
    lastSent = now;
    const seconds = Math.max(1e-3, (now - started) / 1000);
    o.onProgress?.({ received: received + alreadyThere, expected: expectedTotal, bytes, mbPerSecond: bytes / 1e6 / seconds, seriesComplete: justCompleted.splice(0) });
  };
  progress(true);

  const report: RetrieveResult['series'] = [];
  let cancelled = false;
  for (const plan of plans) {
    let got = 0;
    if (plan.missing.length > 0 && !cancelled) {
      try {
        // One request for the series, unless only a few instances are missing (a resume): then those alone
        // (a DIMSE request per instance costs a round trip; re-sent instances only overwrite identical files).
        const few = plan.presentBefore > 0 && plan.missing.length <= plan.expected.size / 2;
        const target = { studyUid: o.studyUid, seriesUid: plan.seriesUid, ...(few ? { sopUids: plan.missing } : {}) };
        const missing = new Set(plan.missing);
        await peer.retrieve(target, o.method, {
          store,
          signal: o.signal,
          onStored: (s) => {
            // Only what was missing counts as received (a whole-series resume sends the present ones again).
            if (!missing.delete(s.sopUid)) return;
            got++;
            received++;
            bytes += s.bytes;
            progress();
          },
        });
      } catch (e) {
        if (!(e instanceof VoxaError && e.code === 'CANCELLED') && !o.signal.aborted) throw e;
        cancelled = true;
      }
    }
    const present = await store.present(o.studyUid, plan.seriesUid);
    const presentCount = [...plan.expected].filter((sop) => present.has(uidFileName(sop))).length;
    const complete = plan.expected.size > 0 && presentCount === plan.expected.size;
    report.push({ seriesUid: plan.seriesUid, expected: plan.expected.size, present: presentCount, received: got, complete });
    if (complete) {
      await o.onSeriesComplete?.(plan.seriesUid);
      justCompleted.push(plan.seriesUid);
      progress(true);
    }
  }
  progress(true);
  return { method: o.method, studyUid: o.studyUid, series: report, received, bytes, seconds: (performance.now() - started) / 1000, cancelled };
}
