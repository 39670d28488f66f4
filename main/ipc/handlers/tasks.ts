/**
 * Handlers of the tasks channels: model packs, classify / vqa on open volumes,
 * and few-shot tagging and training.
 *
 * - Scopes: a slice (index along the pack's plane normal, or the slice through
 *   an LPS point), a lesion of the volume's labelmap, or the series.
 * - Measured questions (size, volume, change, RECIST) are answered from the
 *   measurements sent with the request (the lesion table) or from the labelmap
 *   measured now with common/geometry measureLesion; they never reach a model.
 * - Slow calls report job:progress under their jobId and stop on task:cancel
 *   or when the call is cancelled; a newer question on the same volume
 *   supersedes a running one.
 */
import path from 'node:path';
import { VoxaError } from '../../../common/contract';
import type { TaskScope, tasksChannels, VqaAnswer } from '../../../common/contract/channels/tasks';
import { lpsToIjk } from '../../../common/geometry/affine';
import { slicePlaneFor } from '../../../common/segmentation/slicePlane';
import type { Volume } from '../../../common/volume';
import type { CallContext, DomainHandlers } from '../router';
import { jobOf, type ServiceDeps } from './deps';
import { ModelRegistry } from '../../services/inference/registry';
import { sharedInferenceClient, type InferenceClient } from '../../services/inference/worker/inferenceClient';
import { withProgress } from '../../services/jobs/jobProgress';
import { JobRunner } from '../../services/jobs/jobRunner';
import { fitAndSaveProbe } from '../../services/tasks/fewShotService';
import { FewShotTags } from '../../services/tasks/fewShotTags';
import { measurementsFromMask, measuredIntent, type LesionRecord, type MeasurementSource } from '../../services/tasks/measuredAnswers';
import { answerFromHeader, headerIntent } from '../../services/tasks/headerAnswers';
import { TaskService, type ImageTarget, type MaskInput, type ModelAnswer, type RunInfo } from '../../services/tasks/taskService';

export const DEFAULT_VQA_MODEL = 'voxa-vqa';
export const DEFAULT_ENCODER = 'voxa-encoder';

/** Questions about Voxa's own measurements, offered after the model's suggestions. */
export const MEASURED_QUESTIONS = ['How big is this lesion?', 'What is the volume of this lesion?', 'How has it changed since baseline?', 'What is the RECIST response category?'] as const;

export interface TaskHandlerOptions {
  /** The labelmap of an open volume (one label per voxel, on its grid), or null when it has none. */
  labelmap?: (volumeId: string) => ArrayLike<number> | null;
  /** For tests: a service on other packs or another inference client. */
  service?: TaskService;
  client?: InferenceClient;
}

const r1 = (v: number) => Math.round(v * 10) / 10;
const timingsMs = (t: RunInfo['timings']) => ({ loadModel: r1(t.loadMs), preprocess: r1(t.preprocessMs), model: r1(t.modelMs), total: r1(t.totalMs) });

export function createTaskHandlers(deps: ServiceDeps, opts: TaskHandlerOptions = {}): DomainHandlers<typeof tasksChannels> {
  const client = opts.client ?? sharedInferenceClient();
  let service = opts.service ?? null;
  const tasks = () => (service ??= new TaskService({ registry: deps.registry ?? new ModelRegistry({ userData: deps.dataDir ?? null }), client }));
  let tags: FewShotTags | null = null;
  const tagStore = () => (tags ??= new FewShotTags(deps.dataDir ?? null));
  const jobs = new JobRunner();
  let activeProvider: string | null = null;

  /** Runs `fn` as a job: progress under jobId, cancellable by task:cancel or by cancelling the call. */
  function job<T>(ctx: CallContext, jobId: string | undefined, label: string, fn: (signal: AbortSignal, progress: (done: number, total: number) => void) => Promise<T>): Promise<T> {
    const id = jobId ?? `${label}-${Date.now()}`;
    return jobs.start(id, (signal) => withProgress(jobOf(ctx), id, label, (progress) => fn(signal, progress.update), { finishOnError: true }), {
      signal: ctx.signal,
      ifRunning: 'refuse',
      refusal: `a task with job id ${id} is already running`,
    });
  }

  function labelmapOf(volumeId: string, volume: Volume): MaskInput | null {
    const labels = opts.labelmap?.(volumeId) ?? null;
    if (!labels) return null;
    if (labels.length !== volume.voxels.length) throw new VoxaError('INTERNAL', 'the labelmap is not on the volume grid');
    return { geometry: volume.geometry, voxels: labels };
  }

  function lesionMask(volumeId: string, volume: Volume): MaskInput {
    const mask = labelmapOf(volumeId, volume);
    if (!mask) throw new VoxaError('NOT_FOUND', 'this volume has no segmentation: segment the lesion first');
    return mask;
  }

  /** The image target of a scope, for a pack whose slices follow `modelId`'s plane. */
  async function target(volumeId: string, volume: Volume, modelId: string, scope: TaskScope): Promise<ImageTarget> {
    if (scope.kind === 'series') return { kind: 'series' };
    if (scope.kind === 'lesion') return { kind: 'lesion', mask: lesionMask(volumeId, volume), label: scope.label, ...(scope.slice !== undefined ? { slice: scope.slice } : {}) };
    if (scope.slice !== undefined) return { kind: 'slice', slice: scope.slice };
    if (scope.pointLps) return { kind: 'slice', slice: await sliceThrough(volume, modelId, scope.pointLps) };
    return { kind: 'slice' };
  }

  async function sliceThrough(volume: Volume, modelId: string, pointLps: [number, number, number]): Promise<number> {
    const pre = await tasks().slicePreprocessing(modelId);
    const plane = slicePlaneFor(volume.geometry, pre.plane);
    const k = Math.round(lpsToIjk(volume.geometry, pointLps)[plane.normalAxis]);
    const n = volume.geometry.dimensions[plane.normalAxis];
    if (!(k >= 0 && k < n)) throw new VoxaError('BAD_REQUEST', `the point lies outside the volume (slice ${k} of 0…${n - 1})`);
    return k;
  }

  return {
    'models:list': async ({ task }) => {
      const entries = await tasks().registry.list();
      const providers = await client.providers();
      return {
        models: entries
          .filter((e) => !task || e.task === task)
          .map((e) => ({ id: e.id, name: e.name, version: e.version, task: e.task, source: e.source, status: e.status, ...(e.error ? { error: e.error } : {}), ...(e.licence ? { licence: e.licence } : {}) })),
        providers,
        activeProvider: activeProvider ?? providers[0] ?? null,
      };
    },

    'task:classify': async ({ volumeId, modelId, scope, jobId }, ctx) => {
      const volume = deps.volumes.get(volumeId);
      return job(ctx, jobId, 'Classifying', async (signal) => {
        const t = await target(volumeId, volume, modelId, scope);
        const r = await tasks().classify(volume, modelId, t, { signal, key: `classify:${volumeId}` });
        activeProvider = r.provider;
        return { modelId: r.modelId, encoderId: r.encoderId ?? null, provider: r.provider, scope: r.scope, slices: r.slices, top: r.top, scores: r.scores, timingsMs: timingsMs(r.timings) };
      });
    },

    'task:vqa': async ({ volumeId, question, modelId = DEFAULT_VQA_MODEL, scope, options, measurements, jobId }, ctx): Promise<VqaAnswer> => {
      const volume = deps.volumes.get(volumeId);
      const q = question.trim();
      if (!q) throw new VoxaError('BAD_REQUEST', 'the question is empty');
      // The lesion a measured question is about: the scope's, else one named in the question ("How big is lesion 2?").
      const named = /\blesion\s*#?(\d{1,3})\b/i.exec(q)?.[1];
      const lesion = scope.kind === 'lesion' ? scope.label : named !== undefined ? Number(named) : undefined;
      // What the header says is not asked of a model.
      const field = headerIntent(q, volume.meta);
      if (field) {
        const h = answerFromHeader(field, volume, q);
        return { source: 'header', question: q, modelId: null, field: h.field, answer: h.answer, values: h.values, ...(h.message ? { message: h.message } : {}) };
      }
      if (measuredIntent(q)) {
        // Answered from measurements only: no model is resolved or run.
        let lesions: LesionRecord[] = [];
        let from: 'request' | 'labelmap' | 'none' = 'none';
        if (measurements && (measurements.lesions.length > 0 || measurements.response)) {
          lesions = measurements.lesions;
          from = 'request';
        } else {
          const mask = labelmapOf(volumeId, volume);
          lesions = mask ? measurementsFromMask(mask) : [];
          if (lesions.length) from = 'labelmap';
        }
        const response = measurements?.response ?? null;
        const source: MeasurementSource = { lesions: () => lesions, response: () => response };
        const a = await tasks().vqa(volume, modelId, q, { ...(lesion !== undefined ? { lesion } : {}), measurements: source });
        if (a.source !== 'measured') throw new VoxaError('INTERNAL', 'a measured question reached the model');
        return { source: 'measured', question: a.question, modelId: null, intent: a.intent, answer: a.answer, values: a.values, ...(a.message ? { message: a.message } : {}), measuredFrom: a.answer === null ? 'none' : from };
      }
      return job(ctx, jobId, 'Answering', async (signal) => {
        const key = `vqa:${volumeId}`;
        const s = tasks();
        if (scope.kind === 'series') {
          const a = await s.vqaSeries(volume, modelId, q, { ...(options ? { options } : {}) }, { signal, key });
          activeProvider = a.provider;
          return { ...modelAnswer(a, 'series'), slices: a.slices };
        }
        const req =
          scope.kind === 'lesion'
            ? { lesion: scope.label, mask: lesionMask(volumeId, volume), ...(scope.slice !== undefined ? { slice: scope.slice } : {}) }
            : { slice: scope.slice ?? (scope.pointLps ? await sliceThrough(volume, modelId, scope.pointLps) : undefined) };
        const a = await s.vqa(volume, modelId, q, { ...req, ...(options ? { options } : {}) }, { signal, key });
        if (a.source !== 'model') throw new VoxaError('INTERNAL', 'unexpected measured answer');
        activeProvider = a.provider;
        return { ...modelAnswer(a, scope.kind), slices: [a.slice] };
      });
    },

    'task:questions': async ({ modelId = DEFAULT_VQA_MODEL }) => {
      const fromModel = await tasks().suggestedQuestions(modelId);
      return { questions: [...fromModel.map((text) => ({ text, kind: 'model' as const })), ...MEASURED_QUESTIONS.map((text) => ({ text, kind: 'measured' as const }))] };
    },

    'task:cancel': ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),

    'fewshot:tag': async ({ volumeId, finding, positive, scope, encoderId, jobId }, ctx) => {
      const volume = deps.volumes.get(volumeId);
      const store = tagStore();
      const previous = store.settings(finding);
      const encoder = encoderId ?? previous?.encoderId ?? DEFAULT_ENCODER;
      const source = deps.volumes.sourcePath(volumeId) ?? `volume:${volumeId}`;
      const series = volume.meta.seriesInstanceUid || volume.meta.description;
      const name = `${volume.meta.description || path.basename(source)}${scope.kind === 'lesion' ? `, lesion ${scope.label}` : ''}`;
      return job(ctx, jobId, 'Embedding', async (signal) => {
        const t: ImageTarget = scope.kind === 'series' ? { kind: 'series' } : { kind: 'lesion', mask: lesionMask(volumeId, volume), label: scope.label };
        const e = await tasks().embed(volume, encoder, t, { signal, key: `fewshot:${volumeId}` });
        return store.add({ finding, positive, scope: scope.kind, encoderId: encoder, name, key: `${source}|${series}|${scope.kind === 'lesion' ? scope.label : ''}`, embedding: e.embedding });
      });
    },

    'fewshot:untag': ({ finding, tagId }) => tagStore().remove(finding, tagId),

    'fewshot:tags': () => ({ sets: tagStore().sets() }),

    'fewshot:train': async ({ finding, packId, overwrite, jobId }, ctx) => {
      if (!deps.dataDir) throw new VoxaError('UNSUPPORTED', 'no data folder: few-shot packs are saved there (start the host with --data-dir)');
      const set = tagStore().set(finding);
      if (!set) throw new VoxaError('NOT_FOUND', `nothing is tagged for "${finding}": tag positive and negative cases first`);
      const id = packId ?? `fewshot-${set.finding.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 48) || 'finding'}`;
      const cases = tagStore().cases(finding).map((t) => ({ embedding: t.embedding, positive: t.positive, name: t.name }));
      const userData = deps.dataDir;
      return job(ctx, jobId, 'Training', async () => {
        const s = tasks();
        const r = await fitAndSaveProbe(s, cases, { finding: set.finding, packId: id, encoderId: set.encoderId, scope: set.scope, userData, ...(overwrite ? { overwrite } : {}) });
        await s.forgetPack(id, r.dir);
        const cv = r.probe.cv;
        return {
          packId: r.packId,
          finding: set.finding,
          scope: set.scope,
          counts: set.counts,
          cv: { k: cv.k, repeats: cv.repeats, meanAuroc: cv.meanAuroc, sdAuroc: cv.sdAuroc, minAuroc: cv.minAuroc, maxAuroc: cv.maxAuroc, pooledAuroc: cv.pooledAuroc },
          fitMs: r1(r.fitMs),
        };
      });
    },
  };
}

function modelAnswer(
  a: ModelAnswer,
  scope: 'slice' | 'lesion' | 'series',
) {
  return {
    source: 'model' as const,
    question: a.question,
    modelId: a.modelId,
    provider: a.provider,
    scope,
    answerType: a.answerType,
    answer: a.answer,
    confidence: a.confidence,
    alternatives: a.alternatives,
    family: a.family,
    ...(a.uncertain !== undefined ? { uncertain: a.uncertain } : {}),
    slice: a.slice,
    unknownWords: a.unknownWords,
    notInVocabulary: a.notInVocabulary,
    timingsMs: timingsMs(a.timings),
  };
}
