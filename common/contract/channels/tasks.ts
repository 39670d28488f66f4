/**
 * Model packs and the classify / vqa / few-shot tasks (issue: classification,
 * VQA and few-shot adaptation).
 *
 * Every image task names an open volume and a scope: a slice (its index along
 * the pack's plane normal, or an LPS point on it — the viewer's crosshair), a
 * lesion (a label of the volume's labelmap) or the whole series. Slow calls
 * take a `jobId`: progress comes as job:progress under it and task:cancel stops
 * them (as does cancelling the call).
 */
import { z } from 'zod';
import { vec3 } from '../schemas';
import { channel } from './define';

const volumeRef = z.object({ volumeId: z.string().min(1) });
const modelId = z.string().min(1).max(100);
const jobId = z.string().min(1).max(200);
const probability = z.number().min(0).max(1);
const label = z.number().int().min(1).max(255);

export const taskScopeSchema = z.discriminatedUnion('kind', [
  /** A whole slice: `slice` along the pack's plane normal, or the slice through `pointLps`; neither = the middle slice. */
  z.object({ kind: z.literal('slice'), slice: z.number().int().nonnegative().optional(), pointLps: vec3.optional() }).strict(),
  /** A lesion of the volume's labelmap (segment:state); the slice where it is largest unless `slice` is given. */
  z.object({ kind: z.literal('lesion'), label, slice: z.number().int().nonnegative().optional() }).strict(),
  z.object({ kind: z.literal('series') }).strict(),
]);
export type TaskScope = z.infer<typeof taskScopeSchema>;

/** A lesion as the lesion table shows it (common/geometry measureLesion). */
export const lesionRecordSchema = z.object({
  lesion: z.number().int().positive(),
  name: z.string().max(200).optional(),
  longAxisMm: z.number().nonnegative(),
  shortAxisMm: z.number().nonnegative(),
  volumeMl: z.number().nonnegative(),
  longest3dMm: z.number().nonnegative().optional(),
  sliceIndex: z.number().int().optional(),
});

export const responseRecordSchema = z.object({
  timepointId: z.string(),
  sumMm: z.number(),
  baselineSumMm: z.number(),
  changeFromBaselinePct: z.number().nullable(),
  changeFromNadirPct: z.number().nullable(),
  category: z.string(),
  reasons: z.array(z.string()),
});

const timingsMs = z.object({ loadModel: z.number(), preprocess: z.number(), model: z.number(), total: z.number() });
const scored = z.object({ label: z.string(), probability });
const alternative = z.object({ answer: z.string(), probability });

export const modelAnswerSchema = z.object({
  source: z.literal('model'),
  question: z.string(),
  modelId: z.string(),
  provider: z.string(),
  scope: z.enum(['slice', 'lesion', 'series']),
  answerType: z.enum(['yes/no', 'multiple-choice', 'open']),
  answer: z.string(),
  confidence: probability,
  alternatives: z.array(alternative),
  /** RadImageNet-VQA family of the answer (abnormality, anatomy, pathology, modality); null for yes/no. */
  family: z.string().nullable(),
  /** With a calibrated pack: the calibrated confidence is below its "uncertain" threshold (show "uncertain"). */
  uncertain: z.boolean().optional(),
  /** The slice the answer is about (for a series: the slice that decided it). */
  slice: z.number().int(),
  /** Slices looked at (one, except for a series). */
  slices: z.array(z.number().int()),
  unknownWords: z.array(z.string()),
  notInVocabulary: z.array(z.string()),
  timingsMs,
});

/** An answer Voxa knows without a model: no model id; null when it has nothing to answer with (`message` says why or what to do). */
const knownAnswer = z.object({
  question: z.string(),
  modelId: z.null(),
  answer: z.string().nullable(),
  values: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
  message: z.string().optional(),
});

export const measuredAnswerSchema = knownAnswer.extend({
  source: z.literal('measured'),
  intent: z.enum(['size', 'volume', 'change', 'recist']),
  /** Where the numbers came from: the request's lesion table, or the labelmap measured now. */
  measuredFrom: z.enum(['request', 'labelmap', 'none']),
});

/** Answered from the image's own header (modality, study date, slice thickness/spacing, pixel spacing, body part, contrast agent), never by a model. */
export const headerAnswerSchema = knownAnswer.extend({
  source: z.literal('header'),
  field: z.enum(['modality', 'studyDate', 'sliceSpacing', 'pixelSpacing', 'bodyPart', 'contrast']),
});

export const vqaAnswerSchema = z.discriminatedUnion('source', [modelAnswerSchema, measuredAnswerSchema, headerAnswerSchema]);
export type VqaAnswer = z.infer<typeof vqaAnswerSchema>;

export const modelEntrySchema = z.object({
  id: z.string(),
  name: z.string(),
  version: z.string(),
  task: z.string(),
  source: z.enum(['builtin', 'user', 'classical']),
  /** Schema, sha256 and ONNX interface checks: ok, or invalid with the reason. */
  status: z.enum(['ok', 'invalid']),
  error: z.string().optional(),
  licence: z.string().optional(),
});

const fewShotScope = z.enum(['series', 'lesion']);
const finding = z.string().trim().min(1).max(100);

export const fewShotTagSchema = z.object({
  id: z.string(),
  finding: z.string(),
  positive: z.boolean(),
  scope: fewShotScope,
  encoderId: z.string(),
  /** What was tagged, for the list (series description, lesion label). */
  name: z.string(),
  taggedAt: z.string(),
});
export type FewShotTag = z.infer<typeof fewShotTagSchema>;

const fewShotSetSchema = z.object({
  finding: z.string(),
  scope: fewShotScope,
  encoderId: z.string(),
  counts: z.object({ positive: z.number().int(), negative: z.number().int() }),
  tags: z.array(fewShotTagSchema),
});

export const tasksChannels = {
  /** Model packs (built-in and the user's, few-shot probes included) with their tasks and check status, and the execution providers. */
  'models:list': channel(
    z.object({ task: z.string().max(50).optional() }),
    z.object({
      models: z.array(modelEntrySchema),
      /** Providers in the order sessions try them (CUDA → DirectML → CoreML → CPU, those present). */
      providers: z.array(z.string()),
      /** The provider the last session was created on; the first of `providers` before any. */
      activeProvider: z.string().nullable(),
    }),
  ),
  /** Class probabilities from a classify pack (a built-in head or a few-shot probe: calibrated score). */
  'task:classify': channel(
    volumeRef.extend({ modelId, scope: taskScopeSchema, jobId: jobId.optional() }),
    z.object({
      modelId: z.string(),
      encoderId: z.string().nullable(),
      provider: z.string(),
      scope: z.enum(['slice', 'lesion', 'series']),
      slices: z.array(z.number().int()),
      top: scored,
      scores: z.array(scored),
      timingsMs,
    }),
  ),
  /**
   * A question about the slice, a lesion or the series. Questions about size,
   * volume, change since baseline or RECIST category are answered from
   * measurements (`measurements` sent with the request — the lesion table — or
   * the volume's labelmap measured now), marked `source: "measured"`, and never
   * reach a model.
   */
  'task:vqa': channel(
    volumeRef.extend({
      question: z.string().max(500),
      modelId: modelId.optional(),
      scope: taskScopeSchema,
      /** Multiple choice: the options offered (answers of the model's vocabulary). */
      options: z.array(z.string().min(1).max(100)).max(20).optional(),
      measurements: z.object({ lesions: z.array(lesionRecordSchema).max(1000), response: responseRecordSchema.nullable().optional() }).optional(),
      jobId: jobId.optional(),
    }),
    vqaAnswerSchema,
  ),
  /** Suggested questions (chips): the VQA pack's, then measurement questions. */
  'task:questions': channel(
    z.object({ modelId: modelId.optional() }),
    z.object({ questions: z.array(z.object({ text: z.string(), kind: z.enum(['model', 'measured']) })) }),
  ),
  /** Stops a running task:classify / task:vqa / fewshot:tag / fewshot:train by job id. */
  'task:cancel': channel(z.object({ jobId }), z.object({ cancelled: z.boolean() })),
  /**
   * Tags the series (or a lesion of its labelmap) as positive or negative for a
   * finding: embeds it at once with the finding's encoder. Tagging the same
   * series/lesion again replaces its tag.
   */
  'fewshot:tag': channel(
    volumeRef.extend({
      finding,
      positive: z.boolean(),
      scope: z.discriminatedUnion('kind', [z.object({ kind: z.literal('series') }).strict(), z.object({ kind: z.literal('lesion'), label }).strict()]),
      encoderId: modelId.optional(),
      jobId: jobId.optional(),
    }),
    fewShotSetSchema,
  ),
  'fewshot:untag': channel(z.object({ finding, tagId: z.string().min(1) }), fewShotSetSchema),
  /** The tag sets, one per finding. */
  'fewshot:tags': channel(z.object({}), z.object({ sets: z.array(fewShotSetSchema) })),
  /**
   * Fits the probe on a finding's tags (refused below 4 per class), reports the
   * cross-validated AUROC with its spread and saves a user classify pack in the
   * data folder; apply it with task:classify (scope as tagged).
   */
  'fewshot:train': channel(
    z.object({ finding, packId: z.string().regex(/^[a-z0-9-]+$/).max(64).optional(), overwrite: z.boolean().optional(), jobId: jobId.optional() }),
    z.object({
      packId: z.string(),
      finding: z.string(),
      scope: fewShotScope,
      counts: z.object({ positive: z.number().int(), negative: z.number().int() }),
      cv: z.object({ k: z.number().int(), repeats: z.number().int(), meanAuroc: z.number(), sdAuroc: z.number(), minAuroc: z.number(), maxAuroc: z.number(), pooledAuroc: z.number() }),
      fitMs: z.number(),
    }),
  ),
} as const;

export const tasksEvents = {} as const;
