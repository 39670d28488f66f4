/**
 * Segmentation through host mode's API (the same contract the renderer
 * uses), on phantoms from the project's own generators, read back through
 * `segment:state` and checked against the generator's labels:
 * one click → 3D mask (Dice ≥ 0.9), a negative click removes a leak, brush and
 * eraser change the expected voxel counts, undo/redo restore them exactly,
 * and a DICOM SEG export re-imports to the identical labelmap.
 * Needs `node scripts/build.mjs --only host` (the host bundle and its workers).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { ChannelResponse } from '../common/contract';
import { applyEdit } from '../common/labelmap/editDelta';
import { decodeEditDelta } from '../common/labelmap/editDeltaCodec';
import type { TorsoPhantom } from '../main/services/phantom/torsoPhantom';
import type { HostApi } from './helpers/hostApi';
import { ballVoxels, countLabel, dice, LEAK_A, LEAK_B, leakPhantom, type TorsoStudy } from './helpers/segmentPhantoms';
import { startTorsoHost, type TorsoHost } from './helpers/torsoHost';

let fixture: TorsoHost;
let api: HostApi;
let study: TorsoStudy;
/** The generator's lesion labels, read through the API. */
let truthLabels: Uint8Array;
let leak: { file: string; phantom: TorsoPhantom };

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  fixture = await startTorsoHost('segment-api', async (dataDir) => {
    leak = await leakPhantom(path.join(dataDir, 'leak'));
  });
  ({ api, study, truthLabels } = fixture);
});

test.afterAll(async () => {
  await fixture?.stop();
});

const labelsOf = async (volumeId: string) => new Uint8Array((await api.invoke('segment:state', { volumeId })).labels);

test('one click on each phantom lesion → 3D mask with Dice ≥ 0.9 (classical; RadSAM-lite measured); deltas rebuild the labelmap', async () => {
  test.setTimeout(300_000);
  const h = await api.invoke('volume:open', { path: study.dicomDir });
  const state = await api.invoke('segment:state', { volumeId: h.volumeId });
  expect(state.segments).toEqual([]);
  const mirror = new Uint8Array(state.labels);
  const models = (await api.invoke('segment:models', {})).models;
  expect(models.map((m) => m.id)).toEqual(expect.arrayContaining(['classical', 'radsam-lite']));
  const rows: string[] = [];
  const modelDice: number[] = [];
  for (const modelId of ['classical', 'radsam-lite']) {
    for (const t of study.truth) {
      const progress: string[] = [];
      const off = api.on('job:progress', (p) => progress.push(p.label));
      const r = await api.invoke('segment:prompt', { volumeId: h.volumeId, jobId: `${modelId}-${t.label}`, target: { kind: 'new', name: `${modelId} ${t.name}` }, modelId, plane: 'axial', points: [{ lps: t.centreLps, positive: true }] });
      off();
      applyEdit(mirror, decodeEditDelta(new Uint8Array(r.delta)));
      const labels = await labelsOf(h.volumeId);
      const d = dice(labels, r.label, truthLabels, t.label);
      rows.push(`${modelId.padEnd(12)} ${t.name.padEnd(24)} Dice ${d.toFixed(3)}  ${r.totalMs.toFixed(0)} ms  delta ${r.delta.byteLength} B  (${r.provider})`);
      expect(progress.length).toBeGreaterThan(0);
      // The classical tool meets the 0.9 bar on every lesion. RadSAM-lite 1.2.0 runs in the host's
      // inference worker; its card reports 0.926 over the six bench phantom lesions, the smallest lung
      // lesion at 0.845, so each lesion here must reach 0.8 (numbers printed).
      if (modelId === 'classical') expect(d, `${modelId} on ${t.name}`).toBeGreaterThanOrEqual(0.9);
      else {
        expect(d, `${modelId} on ${t.name}`).toBeGreaterThanOrEqual(0.8);
        modelDice.push(d);
      }
      expect(Buffer.from(mirror).equals(Buffer.from(labels))).toBe(true);
      // The next model starts from an empty labelmap again.
      if (modelId === 'classical') {
        const del = await api.invoke('segment:delete', { volumeId: h.volumeId, label: r.label });
        applyEdit(mirror, decodeEditDelta(new Uint8Array(del.delta)));
      }
    }
  }
  console.log(`one click → 3D mask:\n${rows.join('\n')}`);
  // The shipped pack's level on these phantoms (1.2.0: 0.92 here; 1.1.0 scored 0.72 and 1.0.0 0.32 on
  // the bench's six lesions): a pack that falls back towards those levels fails here.
  const mean = modelDice.reduce((a, b) => a + b, 0) / modelDice.length;
  expect(mean, 'RadSAM-lite mean Dice on the phantom lesions').toBeGreaterThanOrEqual(0.88);
  await api.invoke('volume:close', { volumeId: h.volumeId });
});

test('a negative click removes a deliberately caused leak', async () => {
  const h = await api.invoke('volume:open', { path: leak.file });
  const truth = leak.phantom.labels;
  const inB = (labels: Uint8Array, label: number) => {
    let n = 0;
    for (let v = 0; v < labels.length; v++) if (truth[v] === 2 && labels[v] === label) n++;
    return n / countLabel(truth, 2);
  };
  const first = await api.invoke('segment:prompt', { volumeId: h.volumeId, target: { kind: 'new' }, modelId: 'classical', plane: 'axial', points: [{ lps: LEAK_A.centreLps, positive: true }] });
  let labels = await labelsOf(h.volumeId);
  const leakedBefore = inB(labels, first.label);
  const diceBefore = dice(labels, first.label, truth, 1);
  expect(leakedBefore, 'the click on A leaks into B').toBeGreaterThan(0.5);
  const second = await api.invoke('segment:prompt', { volumeId: h.volumeId, target: { kind: 'refine', label: first.label }, modelId: 'classical', plane: 'axial', points: [{ lps: LEAK_B.centreLps, positive: false }] });
  labels = await labelsOf(h.volumeId);
  const leakedAfter = inB(labels, first.label);
  const diceAfter = dice(labels, first.label, truth, 1);
  console.log(`leak: B covered ${(100 * leakedBefore).toFixed(1)}% → ${(100 * leakedAfter).toFixed(1)}%, Dice vs A ${diceBefore.toFixed(3)} → ${diceAfter.toFixed(3)}`);
  expect(second.history.items.map((i) => i.name)).toEqual(['Click +', 'Click −']);
  expect(leakedAfter).toBeLessThan(0.1);
  expect(diceAfter).toBeGreaterThanOrEqual(0.9);
  await api.invoke('volume:close', { volumeId: h.volumeId });
});

test('brush adds and eraser removes the expected voxel counts; undo/redo restore them exactly', async () => {
  const h = await api.invoke('volume:open', { path: study.ctNifti });
  const { dimensions: dims, spacingMm: sp } = h.geometry;
  const volumeId = h.volumeId;
  const seg = await api.invoke('segment:create', { volumeId, name: 'Brushed' });
  const c = [40, 40, 30] as [number, number, number];
  const ball10 = ballVoxels(dims, sp, c, 10);
  const ball5 = ballVoxels(dims, sp, [42, 40, 30], 5);
  const count = async () => countLabel(await labelsOf(volumeId), seg.label);
  const stat = (r: ChannelResponse<'segment:edit'>) => r.stats.find((s) => s.label === seg.label)?.voxels;

  const painted = await api.invoke('segment:edit', { volumeId, op: { tool: 'brush', mode: 'paint', label: seg.label, points: [c], radiusMm: 10, shape: 'sphere' } });
  expect(painted.changed).toBe(ball10);
  expect(await count()).toBe(ball10);
  expect(stat(painted)).toBe(ball10);
  const erased = await api.invoke('segment:edit', { volumeId, op: { tool: 'brush', mode: 'erase', label: seg.label, points: [[42, 40, 30]], radiusMm: 5, shape: 'sphere' } });
  // The eraser ball lies inside the painted ball (2 voxels × 2 mm + 5 mm < 10 mm).
  expect(erased.changed).toBe(ball5);
  expect(await count()).toBe(ball10 - ball5);
  const undone = await api.invoke('segment:undo', { volumeId });
  expect(undone.changed).toBe(ball5);
  expect(await count()).toBe(ball10);
  await api.invoke('segment:undo', { volumeId });
  expect(await count()).toBe(0);
  await api.invoke('segment:redo', { volumeId });
  expect(await count()).toBe(ball10);
  const redone = await api.invoke('segment:redo', { volumeId });
  expect(await count()).toBe(ball10 - ball5);
  expect(stat(redone)).toBe(ball10 - ball5);
  expect(redone.history.items.map((i) => `${i.name}${i.applied ? '' : ' (undone)'}`)).toEqual(['New segment', 'Brush', 'Erase']);
  console.log(`brush r 10 mm: +${ball10} voxels; eraser r 5 mm: −${ball5}; undo/redo exact`);
  await api.invoke('volume:close', { volumeId });
});

test('export DICOM SEG (de-identified), re-import → identical labelmap', async () => {
  const h = await api.invoke('volume:open', { path: study.dicomDir });
  const volumeId = h.volumeId;
  // The session of this series still holds the RadSAM-lite lesions of the first test (restored from the journal).
  const before = await api.invoke('segment:state', { volumeId });
  expect(before.restored.existed).toBe(true);
  expect(before.segments.length).toBe(study.truth.length);
  const original = Buffer.from(before.labels);
  const file = path.join(fixture.dataDir, 'export', 'lesions.seg.dcm');
  mkdirSync(path.dirname(file), { recursive: true });
  const out = await api.invoke('segment:export', { volumeId, format: 'dicom-seg', path: file, deidentify: true });
  expect(out.segments).toBe(study.truth.length);
  await expect(api.invoke('segment:export', { volumeId, format: 'dicom-seg', path: '/tmp/voxa-not-granted.seg.dcm' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  for (const s of before.segments) await api.invoke('segment:delete', { volumeId, label: s.label });
  expect(countLabel(await labelsOf(volumeId), 0)).toBe(original.length);
  const imported = await api.invoke('segment:import', { volumeId, path: file });
  expect(imported.added.length).toBe(study.truth.length);
  const after = Buffer.from((await api.invoke('segment:state', { volumeId })).labels);
  expect(after.equals(original)).toBe(true);
  console.log(`DICOM SEG: ${out.bytes} bytes, ${out.segments} segments, re-imported identical (${countLabel(after, 1) + countLabel(after, 2) + countLabel(after, 3)} voxels)`);
  await api.invoke('volume:close', { volumeId });
});
