/**
 * Model-pack manifest (schemaVersion 1), as fixed by docs/model-packs.md.
 *
 * A pack is data: nothing in it is loaded before this schema has accepted
 * `manifest.json` and every file's sha256 has been checked
 * (main/services/inference/packVerify.ts). Task-specific sections
 * (`preprocessing`, `postprocessing`) are validated here too for the tasks the
 * engine runs (`segment.prompt2d`, `segment.prompt3d`); other tasks keep them as free objects
 * until their engines exist.
 */
import { z } from 'zod';
import { issueLines } from '../contract/errors';
import { intensityRuleSchema } from './intensityRule';
import { checkPrompt3d, prompt3dPostprocessingSchema, prompt3dPreprocessingSchema, type Prompt3dConfig } from './prompt3dManifest';
import { checkSamPack, samPreprocessingSchema, type SamPreprocessing } from './samPreprocessing';

export const MODEL_TASKS = ['segment.prompt2d', 'segment.prompt3d', 'segment.auto', 'classify', 'regress', 'vqa', 'embed'] as const;
export type ModelTask = (typeof MODEL_TASKS)[number];

export const FILE_ROLES = ['model', 'encoder', 'decoder', 'vocab', 'head'] as const;
export type FileRole = (typeof FILE_ROLES)[number];

/** ONNX tensor element types a manifest may name (ONNX's own names for them). */
export const TENSOR_DTYPES = ['float32', 'float16', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'bool', 'string'] as const;
export type TensorDType = (typeof TENSOR_DTYPES)[number];

/** Dimensions: positive integers, −1 for a dynamic one. */
const dim = z.number().int().refine((d) => d > 0 || d === -1, { message: 'a dimension is a positive integer or -1 (dynamic)' });

export const tensorSpecSchema = z.object({
  name: z.string().min(1),
  dtype: z.enum(TENSOR_DTYPES),
  shape: z.array(dim),
});
export type TensorSpec = z.infer<typeof tensorSpecSchema>;

const ioSchema = z.object({
  inputs: z.array(tensorSpecSchema).min(1),
  outputs: z.array(tensorSpecSchema).min(1),
});

/** A relative path inside the pack: no absolute paths, no `..`, no backslashes. */
const packPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !/^[a-zA-Z]:/.test(p) && !p.includes('\\') && !p.split('/').includes('..'), {
    message: 'file paths must be relative to the pack folder, without ".." or backslashes',
  });

export const packFileSchema = z.object({
  path: packPath,
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lowercase hex digits'),
  role: z.enum(FILE_ROLES),
  /**
   * For packs of several ONNX files (encoder + decoder): this file's own
   * interface. A single-file pack describes its model in `onnx` instead.
   */
  io: ioSchema.optional(),
});
export type PackFile = z.infer<typeof packFileSchema>;

export { intensityRuleSchema, type IntensityRule } from './intensityRule';

export const prompt2dPreprocessingSchema = z.object({
  cropSizePx: z.number().int().min(8).refine((s) => s % 4 === 0, { message: 'cropSizePx must be a multiple of 4 (mask_input is S/4)' }),
  fovMm: z
    .object({
      default: z.number().positive(),
      min: z.number().positive(),
      max: z.number().positive(),
      marginFactor: z.number().min(1),
    })
    .refine((f) => f.min <= f.default && f.default <= f.max, { message: 'fovMm must satisfy min ≤ default ≤ max' }),
  /** Rules by modality (CT, MR, PT...) with a `default`. */
  intensity: z.record(z.string(), intensityRuleSchema).refine((r) => 'default' in r, { message: 'intensity needs a "default" rule' }),
});
export type Prompt2dPreprocessing = z.infer<typeof prompt2dPreprocessingSchema>;

export const prompt2dPostprocessingSchema = z.object({
  maskThreshold: z.number().default(0),
  iouStopThreshold: z.number().min(0).max(1).default(0.5),
  minAreaPx: z.number().int().min(0).default(4),
});
export type Prompt2dPostprocessing = z.infer<typeof prompt2dPostprocessingSchema>;

/** The prompt inputs every prompt2d pack takes (docs/model-packs.md). */
export const PROMPT2D_INPUTS = ['point_coords', 'point_labels', 'mask_input', 'has_mask_input'] as const;
export const PROMPT2D_OUTPUTS = ['masks', 'iou_predictions'] as const;

export { prompt3dPreprocessingSchema, prompt3dPostprocessingSchema, type Prompt3dConfig, type Prompt3dPreprocessing, type Prompt3dPostprocessing } from './prompt3dManifest';

export const manifestSchema = z
  .object({
    schemaVersion: z.literal(1),
    id: z.string().regex(/^[a-z0-9-]+$/, 'id must match [a-z0-9-]+').max(64),
    name: z.string().min(1),
    version: z.string().min(1),
    task: z.enum(MODEL_TASKS),
    licence: z.string().min(1),
    intendedUse: z.string().min(1),
    files: z.array(packFileSchema).min(1),
    onnx: z.object({ opset: z.number().int().min(1) }).and(ioSchema),
    preprocessing: z.record(z.string(), z.unknown()),
    postprocessing: z.record(z.string(), z.unknown()).default({}),
    labels: z.array(z.string()).default([]),
  })
  .superRefine((m, ctx) => {
    const paths = new Set<string>();
    for (const f of m.files) {
      if (paths.has(f.path)) ctx.addIssue({ code: 'custom', path: ['files'], message: `file ${f.path} is listed twice` });
      paths.add(f.path);
    }
    const onnxFiles = m.files.filter((f) => f.role === 'model' || f.role === 'encoder' || f.role === 'decoder');
    if (onnxFiles.length === 0) ctx.addIssue({ code: 'custom', path: ['files'], message: 'a pack needs a file with role "model" (or "encoder" + "decoder")' });
    const roles = new Set(m.files.map((f) => f.role));
    if (roles.has('encoder') !== roles.has('decoder')) {
      ctx.addIssue({ code: 'custom', path: ['files'], message: 'roles "encoder" and "decoder" come together' });
    }
    if (roles.has('encoder') && roles.has('model')) {
      ctx.addIssue({ code: 'custom', path: ['files'], message: 'a pack has either one "model" file or an "encoder" + "decoder" pair' });
    }
    if (roles.has('encoder')) {
      for (const f of onnxFiles) {
        if (!f.io) ctx.addIssue({ code: 'custom', path: ['files'], message: `${f.path}: encoder/decoder files must describe their own inputs and outputs ("io")` });
      }
    }
    if (m.task === 'segment.prompt3d') {
      for (const issue of checkPrompt3d(m.preprocessing, m.postprocessing, m.onnx.inputs, m.onnx.outputs)) ctx.addIssue({ code: 'custom', ...issue });
    }
    if (m.task === 'segment.prompt2d') {
      const sam = m.preprocessing.layout === 'sam';
      const pre = (sam ? samPreprocessingSchema : prompt2dPreprocessingSchema).safeParse(m.preprocessing);
      if (!pre.success) {
        for (const issue of pre.error.issues) ctx.addIssue({ code: 'custom', path: ['preprocessing', ...issue.path.map(String)], message: issue.message });
      }
      if (sam && pre.success) {
        for (const message of checkSamPack(pre.data as SamPreprocessing, m.files)) ctx.addIssue({ code: 'custom', path: ['preprocessing'], message });
      }
      const post = prompt2dPostprocessingSchema.safeParse(m.postprocessing);
      if (!post.success) {
        for (const issue of post.error.issues) ctx.addIssue({ code: 'custom', path: ['postprocessing', ...issue.path.map(String)], message: issue.message });
      }
      const inputs = new Set(m.onnx.inputs.map((t) => t.name));
      const outputs = new Set(m.onnx.outputs.map((t) => t.name));
      for (const name of PROMPT2D_INPUTS) {
        if (!inputs.has(name)) ctx.addIssue({ code: 'custom', path: ['onnx', 'inputs'], message: `segment.prompt2d needs input "${name}"` });
      }
      if (!roles.has('encoder') && !inputs.has('image')) ctx.addIssue({ code: 'custom', path: ['onnx', 'inputs'], message: 'segment.prompt2d needs input "image"' });
      for (const name of PROMPT2D_OUTPUTS) {
        if (!outputs.has(name)) ctx.addIssue({ code: 'custom', path: ['onnx', 'outputs'], message: `segment.prompt2d needs output "${name}"` });
      }
      if (pre.success && !sam) {
        const s = (pre.data as Prompt2dPreprocessing).cropSizePx;
        const img = m.onnx.inputs.find((t) => t.name === 'image');
        if (img && !shapeMatches(img.shape, [1, 1, s, s])) {
          ctx.addIssue({ code: 'custom', path: ['onnx', 'inputs'], message: `input "image" must be [1, 1, ${s}, ${s}] (cropSizePx), not [${img.shape.join(', ')}]` });
        }
        const mask = m.onnx.inputs.find((t) => t.name === 'mask_input');
        if (mask && !shapeMatches(mask.shape, [1, 1, s / 4, s / 4])) {
          ctx.addIssue({ code: 'custom', path: ['onnx', 'inputs'], message: `input "mask_input" must be [1, 1, ${s / 4}, ${s / 4}] (cropSizePx / 4), not [${mask.shape.join(', ')}]` });
        }
      }
    }
  });
export type ModelManifest = z.infer<typeof manifestSchema>;

/** A manifest shape accepts a concrete shape when ranks agree and every fixed dimension matches. */
export function shapeMatches(declared: readonly number[], actual: readonly number[]): boolean {
  return declared.length === actual.length && declared.every((d, n) => d === -1 || actual[n] === -1 || d === actual[n]);
}

export type ManifestResult = { ok: true; manifest: ModelManifest } | { ok: false; errors: string[] };

/** Parses a manifest (already JSON-decoded) into a typed value or readable errors (`path: message`). */
export function parseManifest(json: unknown): ManifestResult {
  const r = manifestSchema.safeParse(json);
  if (r.success) return { ok: true, manifest: r.data };
  return { ok: false, errors: issueLines(r.error, '(root)') };
}

export interface Prompt2dConfig {
  pre: Prompt2dPreprocessing;
  post: Prompt2dPostprocessing;
}

export interface SamConfig {
  pre: SamPreprocessing;
  post: Prompt2dPostprocessing;
}

/** Does this prompt2d manifest describe a SAM-family encoder + decoder pack? */
export function isSamLayout(m: ModelManifest): boolean {
  return m.preprocessing.layout === 'sam';
}

/** The typed prompt2d sections of a (crop-layout) manifest already accepted by {@link manifestSchema}. */
export function prompt2dConfig(m: ModelManifest): Prompt2dConfig {
  return { pre: prompt2dPreprocessingSchema.parse(m.preprocessing), post: prompt2dPostprocessingSchema.parse(m.postprocessing) };
}

/** The typed prompt3d sections of a manifest already accepted by {@link manifestSchema}. */
export function prompt3dConfig(m: ModelManifest): Prompt3dConfig {
  return { pre: prompt3dPreprocessingSchema.parse(m.preprocessing), post: prompt3dPostprocessingSchema.parse(m.postprocessing) };
}

/** The typed sections of a SAM-layout manifest already accepted by {@link manifestSchema}. */
export function samConfig(m: ModelManifest): SamConfig {
  return { pre: samPreprocessingSchema.parse(m.preprocessing), post: prompt2dPostprocessingSchema.parse(m.postprocessing) };
}
