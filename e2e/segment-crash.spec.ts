/**
 * Crash test: the host process is killed with SIGKILL in the middle of a
 * stream of edits; a new host on the same data folder reopens the same file
 * and must restore every edit acknowledged more than one second before the
 * kill (the journal commits within 250 ms; docs/editing.md). The restored
 * labelmap must equal the acknowledged deltas of that prefix, applied in
 * order, and the history must list exactly that prefix.
 * Needs `node scripts/build.mjs --only host`.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { applyEdit, type EditDelta } from '../common/labelmap/editDelta';
import { decodeEditDelta } from '../common/labelmap/editDeltaCodec';
import { DEFAULT_HISTORY_LIMITS } from '../common/editing/history';
import { connectHostApi } from './helpers/hostApi';
import { REPO_ROOT, startHost } from './helpers/hostProcess';
import { leakPhantom } from './helpers/segmentPhantoms';

const artifacts = path.join(REPO_ROOT, 'e2e-artifacts');
const dataDir = path.join(artifacts, 'data-segment-crash');
const userData = path.join(artifacts, 'userdata-segment-crash');

test('SIGKILL during a stream of edits: reopening restores everything acknowledged more than 1 s before the kill', async () => {
  test.setTimeout(180_000);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(userData, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const { file, phantom } = await leakPhantom(dataDir);
  const dims = phantom.volume.geometry.dimensions;

  let host = await startHost(['--root', dataDir, '--data-dir', userData]);
  let api = await connectHostApi(host.url);
  let h = await api.invoke('volume:open', { path: file });
  const seg = await api.invoke('segment:create', { volumeId: h.volumeId, name: 'Edited' });
  const acked: { at: number; delta: EditDelta; name: string }[] = [];
  const started = Date.now();
  const killAfterMs = 2500;
  let n = 0;
  // Edits back to back: strokes across the volume, every fifth an erase, every seventh an undo then a redo.
  while (Date.now() - started < killAfterMs) {
    const k = 10 + (n % 80);
    const centre: [number, number, number] = [20 + ((n * 7) % 150), 20 + ((n * 11) % 120), k];
    let r;
    if (n % 7 === 6) {
      r = await api.invoke('segment:undo', { volumeId: h.volumeId });
      acked.push({ at: Date.now(), delta: decodeEditDelta(new Uint8Array(r.delta)), name: 'undo' });
      r = await api.invoke('segment:redo', { volumeId: h.volumeId });
      acked.push({ at: Date.now(), delta: decodeEditDelta(new Uint8Array(r.delta)), name: 'redo' });
    } else {
      const mode = n % 5 === 4 ? 'erase' : 'paint';
      r = await api.invoke('segment:edit', { volumeId: h.volumeId, op: { tool: 'brush', mode, label: seg.label, points: [centre, [centre[0] + 6, centre[1] + 3, k]], radiusMm: 6, shape: 'sphere' } });
      acked.push({ at: Date.now(), delta: decodeEditDelta(new Uint8Array(r.delta)), name: mode });
    }
    n++;
  }
  const killedAt = Date.now();
  host.child.kill('SIGKILL');
  await host.stop();
  api.close();
  expect(acked.length).toBeGreaterThan(20);

  host = await startHost(['--root', dataDir, '--data-dir', userData]);
  api = await connectHostApi(host.url);
  h = await api.invoke('volume:open', { path: file });
  const state = await api.invoke('segment:state', { volumeId: h.volumeId });
  api.close();
  await host.stop();

  expect(state.restored.existed).toBe(true);
  expect(state.restored.warnings).toEqual([]);
  expect(state.segments.map((s) => s.name)).toEqual(['Edited']);
  // The restored state is a prefix of the acknowledged actions: find its length m by replaying.
  const mustHave = acked.filter((a) => a.at < killedAt - 1000).length;
  const labels = new Uint8Array(dims[0] * dims[1] * dims[2]);
  const restored = Buffer.from(state.labels);
  // An undo makes the labelmap equal to an earlier prefix's, so several prefixes can match: the history
  // (its steps, redo tail included, and its position) says which one was restored.
  const candidates: number[] = [];
  for (let p = 0; p <= acked.length; p++) {
    if (p > 0) applyEdit(labels, (acked[p - 1] as (typeof acked)[number]).delta);
    if (p >= mustHave && Buffer.from(labels.buffer).equals(restored)) candidates.push(p);
  }
  // History after prefix p: "New segment" plus one step per paint/erase that changed voxels (undo/redo
  // move the position), keeping the newest DEFAULT_HISTORY_LIMITS.maxEntries steps.
  const historyAfter = (p: number) => {
    const steps = acked.slice(0, p).filter((a) => (a.name === 'paint' || a.name === 'erase') && a.delta.changed > 0).length;
    const items = Math.min(1 + steps, DEFAULT_HISTORY_LIMITS.maxEntries);
    return { items, position: items - (acked[p - 1]?.name === 'undo' ? 1 : 0) };
  };
  const m = candidates.find((p) => {
    const e = historyAfter(p);
    return e.items === state.history.items.length && e.position === state.history.position;
  }) ?? -1;
  const lost = acked.slice(Math.max(m, 0));
  const oldestLostMs = lost.length > 0 ? killedAt - (lost[0] as (typeof acked)[number]).at : 0;
  console.log(`crash: ${acked.length} actions acknowledged in ${killAfterMs} ms, ${m} restored, ${mustHave} older than 1 s; oldest lost action ${oldestLostMs} ms before the kill`);
  expect(candidates.length, 'the restored labelmap is the state after a prefix holding every action older than 1 s').toBeGreaterThan(0);
  expect(m, `the restored history (${state.history.items.length} steps, position ${state.history.position}) is that of such a prefix (candidates ${candidates.join(', ')})`).toBeGreaterThanOrEqual(mustHave);
});
