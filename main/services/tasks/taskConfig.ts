/**
 * Task sections of a model pack's manifest for `classify`, `embed`, `vqa` and
 * `regress` (docs/vqa-fewshot.md). The manifest schema in common/models keeps
 * `preprocessing` free-form for these tasks; this module validates it before a
 * session is created, so a pack with a bad task section is refused with a
 * CORRUPT_INPUT that names the field.
 */
import { z } from 'zod';
import { VoxaError } from '../../../common/contract';
import { intensityRuleSchema, type ModelManifest } from '../../../common/models/manifest';

const intensityRules = z.record(z.string(), intensityRuleSchema).refine((r) => 'default' in r, { message: 'intensity needs a "default" rule' });

/** One axial (coronal, sagittal) slice: whole, or a crop around a lesion mask. */
export const slice2dPreprocessingSchema = z.object({
  input: z.literal('slice2d'),
  plane: z.enum(['axial', 'coronal', 'sagittal']).default('axial'),
  sizePx: z.number().int().min(8).max(1024),
  lesionFov: z
    .object({ marginFactor: z.number().min(1), minMm: z.number().positive(), maxMm: z.number().positive() })
    .refine((f) => f.minMm <= f.maxMm, { message: 'lesionFov.minMm must not exceed maxMm' }),
  intensity: intensityRules,
  /** Series-level inputs: at most this many evenly spaced slices. */
  seriesSlices: z.number().int().min(1).max(512).default(64),
  /** vqa: the question's tokenisation. */
  question: z.object({ vocab: z.string().min(1), maxTokens: z.number().int().min(1).max(512) }).optional(),
});
export type Slice2dPreprocessing = z.infer<typeof slice2dPreprocessingSchema>;

/** A head that takes another pack's embedding (few-shot probes). */
export const embeddingPreprocessingSchema = z.object({
  input: z.literal('embedding'),
  encoder: z.string().regex(/^[a-z0-9-]+$/),
  /** What was embedded when the head was trained: a whole series (pooled), one slice, or a lesion crop. */
  scope: z.enum(['series', 'slice', 'lesion']),
});
export type EmbeddingPreprocessing = z.infer<typeof embeddingPreprocessingSchema>;

/** A whole volume resampled to a fixed grid (brain-age style regression). */
export const volume3dPreprocessingSchema = z.object({
  input: z.literal('volume3d'),
  /** Array axis order the model expects, as NIfTI-style codes of where each axis points (RAS: i → right... ). */
  orientation: z.enum(['RAS', 'LPS']),
  spacingMm: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
  /** Model grid size along the three axes (i, j, k of the target orientation). */
  shape: z.tuple([z.number().int().min(1), z.number().int().min(1), z.number().int().min(1)]),
  /** The model assumes skull-stripped input: Voxa does not strip, it checks and warns. */
  skullStripped: z.boolean().default(false),
  intensity: z.discriminatedUnion('type', [
    z.object({ type: z.literal('zscoreNonzero') }),
    z.object({ type: z.literal('window'), min: z.number(), max: z.number() }),
  ]),
});
export type Volume3dPreprocessing = z.infer<typeof volume3dPreprocessingSchema>;

export const classifyPostprocessingSchema = z.object({
  activation: z.enum(['softmax', 'sigmoid', 'platt']).default('softmax'),
  /** For `platt`: P = 1 / (1 + exp(a·s + b)) of the model's single output s. */
  platt: z.object({ a: z.number(), b: z.number() }).optional(),
});

export const regressPostprocessingSchema = z.object({
  unit: z.string().default(''),
  scale: z.number().default(1),
  offset: z.number().default(0),
});

/**
 * vqa: calibration of the answer probabilities (temperature scaling per question family, fitted on
 * held-out real slices by scripts/calibrate-vqa.ts), and the calibrated confidence below which an
 * answer is shown as "uncertain".
 */
export const vqaPostprocessingSchema = z.object({
  calibration: z
    .object({
      /** Family ('yes/no', or a vocabulary family: anatomy, pathology, modality) → temperature; 1 when absent. */
      temperature: z.record(z.string(), z.number().positive()),
      uncertainBelow: z.number().min(0).max(1),
      /** Where the numbers come from (the calibration report). */
      source: z.string().optional(),
    })
    .optional(),
});
export type VqaPostprocessing = z.infer<typeof vqaPostprocessingSchema>;

export const vqaVocabSchema = z.object({
  maxTokens: z.number().int().positive(),
  words: z.record(z.string(), z.number().int().min(2)),
  answers: z.array(z.string()).min(2),
  families: z.record(z.string(), z.object({ answers: z.array(z.string()) })).default({}),
  suggestedQuestions: z.array(z.string()).default([]),
});
export type VqaVocab = z.infer<typeof vqaVocabSchema>;

function parseOr<T>(schema: z.ZodType<T>, value: unknown, id: string, section: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${section}${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`);
  throw new VoxaError('CORRUPT_INPUT', `model pack ${id}: ${issues[0]}`, issues);
}

export type TaskConfig =
  | { task: 'embed'; pre: Slice2dPreprocessing }
  | { task: 'classify'; pre: Slice2dPreprocessing | EmbeddingPreprocessing; post: z.infer<typeof classifyPostprocessingSchema> }
  | { task: 'vqa'; pre: Slice2dPreprocessing & { question: NonNullable<Slice2dPreprocessing['question']> }; post: VqaPostprocessing }
  | { task: 'regress'; pre: Volume3dPreprocessing; post: z.infer<typeof regressPostprocessingSchema> };

/** The validated task sections of a manifest (already accepted by the manifest schema). */
export function taskConfig(m: ModelManifest): TaskConfig {
  const pre = m.preprocessing as { input?: unknown };
  switch (m.task) {
    case 'embed':
      return { task: 'embed', pre: parseOr(slice2dPreprocessingSchema, pre, m.id, 'preprocessing') };
    case 'classify':
      return {
        task: 'classify',
        pre: pre.input === 'embedding' ? parseOr(embeddingPreprocessingSchema, pre, m.id, 'preprocessing') : parseOr(slice2dPreprocessingSchema, pre, m.id, 'preprocessing'),
        post: parseOr(classifyPostprocessingSchema, m.postprocessing, m.id, 'postprocessing'),
      };
    case 'vqa': {
      const p = parseOr(slice2dPreprocessingSchema, pre, m.id, 'preprocessing');
      if (!p.question) throw new VoxaError('CORRUPT_INPUT', `model pack ${m.id}: preprocessing.question (vocab file, maxTokens) is required for vqa`);
      if (!m.files.some((f) => f.path === p.question?.vocab && f.role === 'vocab')) {
        throw new VoxaError('CORRUPT_INPUT', `model pack ${m.id}: preprocessing.question.vocab ${p.question.vocab} is not listed in files with role "vocab"`);
      }
      return { task: 'vqa', pre: { ...p, question: p.question }, post: parseOr(vqaPostprocessingSchema, m.postprocessing ?? {}, m.id, 'postprocessing') };
    }
    case 'regress':
      return { task: 'regress', pre: parseOr(volume3dPreprocessingSchema, pre, m.id, 'preprocessing'), post: parseOr(regressPostprocessingSchema, m.postprocessing, m.id, 'postprocessing') };
    default:
      throw new VoxaError('UNSUPPORTED', `model ${m.id} is a ${m.task} model, not a classify, regress, vqa or embed model`);
  }
}
