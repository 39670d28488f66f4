/**
 * The tasks channels through the router (schemas) and their handlers on the
 * built-in packs, with phantoms the training never saw (seeds ≥ 1000) whose
 * lesions are known: VQA by slice point, lesion and series; measured answers
 * from the labelmap (compared with measureLesion) that never reach a model;
 * few-shot tagging, the refusal below 4 per class, training and applying.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHANNELS, type EventName } from '../../../common/contract';
import { lpsToIjk } from '../../../common/geometry/affine';
import { measureLesion } from '../../../common/geometry/recistAxes';
import { Router, type CallContext, type Handlers } from '../router';
import { PathGrants } from '../../services/access/pathGrants';
import { ModelRegistry } from '../../services/inference/registry';
import type { InferenceClient } from '../../services/inference/worker/inferenceClient';
import { sharedInferenceClient } from '../../services/inference/worker/inferenceClient';
import { REPO_ROOT } from '../../testing/dataDir';
import { VolumeStore } from '../../services/volumeStore';
import { measuredIntent } from '../../services/tasks/measuredAnswers';
import { createTaskHandlers, MEASURED_QUESTIONS } from './tasks';
import { TaskService } from '../../services/tasks/taskService';
import { recipePhantom } from '../../services/tasks/testing/recipePhantom';

const BUILTIN = path.join(REPO_ROOT, 'native-models');
const HAS_PACKS = ['voxa-encoder', 'voxa-vqa'].every((id) => existsSync(path.join(BUILTIN, id, 'manifest.json')));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-taskh-'));
afterAll(async () => {
  await sharedInferenceClient().close();
  rmSync(tmp, { recursive: true, force: true });
});

const phantom = recipePhantom;

function setup(opts: { client?: InferenceClient; dataDir?: string } = {}) {
  const volumes = new VolumeStore();
  const labelmaps = new Map<string, Uint8Array>();
  const service = new TaskService({ registry: new ModelRegistry({ builtinDir: BUILTIN, userData: opts.dataDir ?? null }), ...(opts.client ? { client: opts.client } : {}) });
  const deps = { grants: new PathGrants(), volumes, shell: { info: () => ({ version: '0', mode: 'host' as const, platform: 'linux', nativeDialogs: false, demoPath: null }) }, dataDir: opts.dataDir ?? null };
  const h = createTaskHandlers(deps, { service, labelmap: (id) => labelmaps.get(id) ?? null, ...(opts.client ? { client: opts.client } : {}) });
  const open = (p: ReturnType<typeof phantom>, withLabels = true) => {
    const id = volumes.add(p.volume).volumeId;
    if (withLabels) labelmaps.set(id, p.labels);
    return id;
  };
  return { h, open, volumes };
}

function ctx(onEvent: (name: EventName, payload: unknown) => void = () => undefined, signal = new AbortController().signal): CallContext {
  return { sender: { kind: 'internal' }, emit: (n, p) => onEvent(n, p), signal };
}

/** An inference client that fails the test if anything reaches a model. */
const noModels = {
  load: () => Promise.reject(new Error('a model was loaded')),
  run: () => Promise.reject(new Error('a model was run')),
  providers: () => Promise.resolve(['cpu']),
  release: () => Promise.resolve(),
} as unknown as InferenceClient;

describe('tasks channels: schemas (router)', () => {
  const { h } = setup({ client: noModels });
  const fail = () => {
    throw new Error('not used');
  };
  const all = { ...(Object.fromEntries(CHANNELS.map((c) => [c, fail])) as unknown as Handlers), ...h };
  const router = new Router(all, { isTrustedSender: () => true });

  it('rejects a bad scope, a too-long question and a malformed pack id with BAD_REQUEST naming the field', async () => {
    const scope = await router.dispatch('task:vqa', { volumeId: 'v', question: 'Is there an abnormality?', scope: { kind: 'slab' } }, ctx());
    expect(scope).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(!scope.ok && scope.error.details?.join(' ')).toMatch(/scope/);
    const long = await router.dispatch('task:vqa', { volumeId: 'v', question: 'x'.repeat(501), scope: { kind: 'series' } }, ctx());
    expect(!long.ok && long.error.details?.join(' ')).toMatch(/question/);
    const extra = await router.dispatch('task:classify', { volumeId: 'v', modelId: 'voxa-region', scope: { kind: 'slice', label: 2 } }, ctx());
    expect(extra).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const pack = await router.dispatch('fewshot:train', { finding: 'nodule', packId: 'Bad Id!' }, ctx());
    expect(!pack.ok && pack.error.details?.join(' ')).toMatch(/packId/);
    const empty = await router.dispatch('fewshot:tag', { volumeId: 'v', finding: '   ', positive: true, scope: { kind: 'series' } }, ctx());
    expect(!empty.ok && empty.error.details?.join(' ')).toMatch(/finding/);
  });

  it('an unknown volume is NOT_FOUND; an empty question BAD_REQUEST', async () => {
    expect(await router.dispatch('task:vqa', { volumeId: 'nope', question: 'Is there an abnormality?', scope: { kind: 'series' } }, ctx())).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('measured questions never reach a model', () => {
  const p = phantom(1301, 2);

  it('every suggested measurement question is recognised as one', () => {
    for (const q of MEASURED_QUESTIONS) expect(measuredIntent(q)).not.toBeNull();
  });

  it('size and volume of a lesion from the labelmap = measureLesion on the same mask', async () => {
    const { h, open } = setup({ client: noModels });
    const id = open(p);
    const mask = { geometry: p.volume.geometry, voxels: p.labels };
    for (const label of [1, 2]) {
      const ref = measureLesion(mask, { label });
      if (!ref) throw new Error('phantom lesion is empty');
      const size = await h['task:vqa']({ volumeId: id, question: 'How big is this lesion?', scope: { kind: 'lesion', label } }, ctx());
      expect(size).toMatchObject({ source: 'measured', modelId: null, intent: 'size', measuredFrom: 'labelmap' });
      if (size.source !== 'measured') return;
      expect(size.values.longAxisMm).toBeCloseTo(ref.longAxis.lengthMm, 1);
      expect(size.values.shortAxisMm).toBeCloseTo(ref.shortAxis.lengthMm, 1);
      // And the phantom's analytic ellipsoid agrees within two voxels (2 mm grid).
      expect(Math.abs((size.values.longAxisMm as number) - p.truth[label - 1]!.axialLongAxisMm)).toBeLessThan(4);
      const vol = await h['task:vqa']({ volumeId: id, question: 'What is the volume of this lesion?', scope: { kind: 'lesion', label } }, ctx());
      expect(vol.source === 'measured' && vol.values.volumeMl).toBeCloseTo(ref.volumeMl, 6);
    }
  });

  it('uses the lesion table sent with the request, and says what is missing otherwise', async () => {
    const { h, open } = setup({ client: noModels });
    const id = open(p);
    const sent = await h['task:vqa'](
      { volumeId: id, question: 'What is the size of lesion 7?', scope: { kind: 'lesion', label: 7 }, measurements: { lesions: [{ lesion: 7, longAxisMm: 31.24, shortAxisMm: 12.5, volumeMl: 4.2 }] } },
      ctx(),
    );
    expect(sent).toMatchObject({ source: 'measured', measuredFrom: 'request', answer: 'long axis 31.2 mm, short axis 12.5 mm' });
    // A lesion named in the question, asked about the slice: that lesion of the labelmap.
    const ref2 = measureLesion({ geometry: p.volume.geometry, voxels: p.labels }, { label: 2 })!;
    const named = await h['task:vqa']({ volumeId: id, question: 'How big is lesion 2?', scope: { kind: 'slice' } }, ctx());
    expect(named.source === 'measured' && named.values.longAxisMm).toBeCloseTo(ref2.longAxis.lengthMm, 1);
    const which = await h['task:vqa']({ volumeId: id, question: 'How big is the lesion?', scope: { kind: 'slice' } }, ctx());
    expect(which.source === 'measured' && which.message).toMatch(/several lesions are measured \(1, 2\)/);
    const change = await h['task:vqa']({ volumeId: id, question: 'How has it changed since baseline?', scope: { kind: 'series' } }, ctx());
    expect(change).toMatchObject({ source: 'measured', answer: null, measuredFrom: 'none' });
    expect(change.source === 'measured' && change.message).toMatch(/no follow-up assessment/);
    const bare = setup({ client: noModels });
    const noSeg = bare.open(p, false);
    const none = await bare.h['task:vqa']({ volumeId: noSeg, question: 'How big is the lesion?', scope: { kind: 'slice' } }, ctx());
    expect(none).toMatchObject({ source: 'measured', answer: null });
    expect(none.source === 'measured' && none.message).toMatch(/segment the lesion first/);
  });
});

describe.skipIf(!HAS_PACKS)('tasks channels on the built-in packs', () => {
  it('models:list shows the packs with their tasks, check status and the provider', async () => {
    const { h } = setup();
    const r = await h['models:list']({}, ctx());
    const byId = new Map(r.models.map((m) => [m.id, m]));
    expect(byId.get('voxa-vqa')).toMatchObject({ task: 'vqa', source: 'builtin', status: 'ok' });
    expect(byId.get('voxa-encoder')).toMatchObject({ task: 'embed', status: 'ok' });
    expect(r.providers).toContain('cpu');
    expect(r.activeProvider).toBe(r.providers[0]);
    expect((await h['models:list']({ task: 'classify' }, ctx())).models.every((m) => m.task === 'classify')).toBe(true);
  });

  it('"Is there an abnormality?" on the slice through a lesion centre (crosshair point), its lesion, and the series; "no" without lesions', async () => {
    const { h, open } = setup();
    const withLesion = phantom(1302, 1);
    const without = phantom(1302, 0);
    const a = open(withLesion);
    const b = open(without);
    const centre = withLesion.truth[0]!.centreLps;
    // The ground truth: the labelmap holds the lesion on that slice, and nothing on the other phantom.
    const k = Math.round(lpsToIjk(withLesion.volume.geometry, centre)[2]);
    const [ni, nj] = withLesion.volume.geometry.dimensions;
    const onSlice = (labels: Uint8Array) => labels.subarray(k * ni * nj, (k + 1) * ni * nj).reduce((n, v) => n + (v ? 1 : 0), 0);
    expect(onSlice(withLesion.labels)).toBeGreaterThan(20);
    expect(onSlice(without.labels)).toBe(0);

    const q = 'Is there an abnormality in this image?';
    const events: unknown[] = [];
    const yes = await h['task:vqa']({ volumeId: a, question: q, scope: { kind: 'slice', pointLps: centre }, jobId: 'q1' }, ctx((n, p) => n === 'job:progress' && events.push(p)));
    expect(yes).toMatchObject({ source: 'model', answerType: 'yes/no', answer: 'yes', slice: k, modelId: 'voxa-vqa' });
    expect(events.at(-1)).toMatchObject({ jobId: 'q1', done: true });
    if (yes.source !== 'model') return;
    expect(yes.confidence).toBeGreaterThan(0.5);
    expect(yes.alternatives.map((x) => x.answer)).toEqual(['no']);
    expect(yes.confidence + yes.alternatives[0]!.probability).toBeCloseTo(1, 6);

    const no = await h['task:vqa']({ volumeId: b, question: q, scope: { kind: 'slice', pointLps: centre } }, ctx());
    expect(no).toMatchObject({ source: 'model', answer: 'no', slice: k });
    const lesion = await h['task:vqa']({ volumeId: a, question: q, scope: { kind: 'lesion', label: 1 } }, ctx());
    expect(lesion).toMatchObject({ source: 'model', scope: 'lesion', answer: 'yes' });
    const seriesYes = await h['task:vqa']({ volumeId: a, question: q, scope: { kind: 'series' } }, ctx());
    const seriesNo = await h['task:vqa']({ volumeId: b, question: q, scope: { kind: 'series' } }, ctx());
    expect(seriesYes).toMatchObject({ source: 'model', scope: 'series', answer: 'yes' });
    expect(seriesNo).toMatchObject({ source: 'model', scope: 'series', answer: 'no' });
    if (seriesYes.source !== 'model') return;
    expect(seriesYes.slices.length).toBe(16);
    // The deciding slice holds the lesion.
    expect(withLesion.labels.subarray(seriesYes.slice * ni * nj, (seriesYes.slice + 1) * ni * nj).some((v) => v > 0)).toBe(true);

    await expect(h['task:vqa']({ volumeId: b, question: q, scope: { kind: 'lesion', label: 1 } }, ctx())).rejects.toThrow(/no voxel with label 1/);
    await expect(h['task:vqa']({ volumeId: a, question: q, scope: { kind: 'slice', pointLps: [0, 0, 5000] } }, ctx())).rejects.toThrow(/outside the volume/);
    const questions = await h['task:questions']({}, ctx());
    expect(questions.questions.filter((x) => x.kind === 'model').map((x) => x.text)).toContain(q);
  }, 120_000);

  it('a cancelled call rejects with CANCELLED; task:cancel of an unknown job says so', async () => {
    const { h, open } = setup();
    const id = open(phantom(1303, 0));
    const c = new AbortController();
    c.abort();
    await expect(h['task:vqa']({ volumeId: id, question: 'Which body region is shown?', scope: { kind: 'series' } }, ctx(undefined, c.signal))).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await h['task:cancel']({ jobId: 'nothing' }, ctx())).toEqual({ cancelled: false });
    // Cancelled while it runs (16 slices of a series, one model call each).
    const running = h['task:vqa']({ volumeId: id, question: 'Which body region is shown?', scope: { kind: 'series' }, jobId: 'slow' }, ctx());
    await new Promise((r) => setTimeout(r, 0));
    expect(await h['task:cancel']({ jobId: 'slow' }, ctx())).toEqual({ cancelled: true });
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('few-shot: refuses 3 positives, trains on 4 + 4, saves a user pack that task:classify applies with a calibrated score', async () => {
    const dataDir = path.join(tmp, 'data');
    const { h, open } = setup({ dataDir });
    const tag = (seed: number, lesions: number, positive: boolean) => h['fewshot:tag']({ volumeId: open(phantom(seed, lesions)), finding: 'Phantom lesion', positive, scope: { kind: 'series' } }, ctx());
    for (let n = 0; n < 3; n++) await tag(1310 + n, 2 + (n % 2), true);
    for (let n = 0; n < 4; n++) await tag(1320 + n, 0, false);
    await expect(h['fewshot:train']({ finding: 'phantom lesion' }, ctx())).rejects.toThrow(
      'few-shot training needs at least 4 positive and 4 negative cases; got 3 positive and 4 negative (tag 1 more positive)',
    );
    // Tagging the same series again replaces its tag (still 4 negatives).
    const again = await h['fewshot:tag']({ volumeId: open(phantom(1320, 0)), finding: 'phantom  LESION', positive: false, scope: { kind: 'series' } }, ctx());
    expect(again.counts).toEqual({ positive: 3, negative: 5 });
    const set = await tag(1313, 3, true);
    expect(set).toMatchObject({ finding: 'Phantom lesion', scope: 'series', encoderId: 'voxa-encoder', counts: { positive: 4, negative: 5 } });
    await expect(h['fewshot:tag']({ volumeId: open(phantom(1314, 1)), finding: 'Phantom lesion', positive: true, scope: { kind: 'lesion', label: 1 } }, ctx())).rejects.toThrow(/tagged on whole series/);

    const r = await h['fewshot:train']({ finding: 'Phantom lesion', jobId: 'train1' }, ctx());
    expect(r.packId).toBe('fewshot-phantom-lesion');
    expect(r.counts).toEqual({ positive: 4, negative: 5 });
    expect(r.cv.meanAuroc).toBeGreaterThanOrEqual(0);
    expect(r.cv.meanAuroc).toBeLessThanOrEqual(1);
    expect(r.cv.sdAuroc).toBeGreaterThanOrEqual(0);
    expect(existsSync(path.join(dataDir, 'models', r.packId, 'manifest.json'))).toBe(true);
    const listed = (await h['models:list']({}, ctx())).models.find((m) => m.id === r.packId);
    expect(listed).toMatchObject({ task: 'classify', source: 'user', status: 'ok' });
    await expect(h['fewshot:train']({ finding: 'Phantom lesion' }, ctx())).rejects.toThrow(/already exists/);

    const score = async (seed: number, lesions: number) => {
      const c = await h['task:classify']({ volumeId: open(phantom(seed, lesions)), modelId: r.packId, scope: { kind: 'series' } }, ctx());
      expect(c.encoderId).toBe('voxa-encoder');
      return c.scores.find((s) => s.label === 'Phantom lesion')!.probability;
    };
    const pos = await score(1330, 3);
    const neg = await score(1331, 0);
    console.log(`few-shot via channels (4 + 5 tags): CV AUROC ${r.cv.meanAuroc.toFixed(3)} ± ${r.cv.sdAuroc.toFixed(3)}; new phantom with lesions ${pos.toFixed(3)}, without ${neg.toFixed(3)}`);
    expect(pos).toBeGreaterThan(neg);

    // Tags survive a restart (kept in the data folder).
    const restarted = setup({ dataDir });
    expect((await restarted.h['fewshot:tags']({}, ctx())).sets[0]?.counts).toEqual({ positive: 4, negative: 5 });
    const tagId = set.tags[0]!.id;
    expect((await restarted.h['fewshot:untag']({ finding: 'phantom lesion', tagId }, ctx())).counts.positive).toBe(3);
  }, 300_000);
});
