/**
 * The `segment.prompt3d` sections of a pack manifest (docs/model-packs.md § Native 3D packs): one
 * forward pass on a cubic crop around the prompt gives the 3D mask. The crop, its channels and the
 * field-of-view ladder are defined here and implemented by main/services/inference/prompt3d.ts;
 * native-models/training/lesion3d/crop.py is the training side of the same definition.
 */
import { z } from 'zod';
import { intensityRuleSchema } from './intensityRule';

export const prompt3dPreprocessingSchema = z
  .object({
    /** Crop side in voxels (the model's D = H = W); a multiple of 8 (three poolings). */
    cropSizeVox: z.number().int().min(8).refine((s) => s % 8 === 0, { message: 'cropSizeVox must be a multiple of 8' }),
    /** Fields of view (crop side, mm) a click climbs while the mask reaches the crop's border, ascending. */
    fovLadderMm: z.array(z.number().positive()).min(1).refine((l) => l.every((v, n) => n === 0 || v > (l[n - 1] as number)), { message: 'fovLadderMm must ascend' }),
    /** The rung a click starts on (a value of the ladder). */
    firstFovMm: z.number().positive(),
    /** Coarse to fine: a click runs first at this field of view, then at boxFovFactor × the extent the mask reaches (absent: the ladder alone). */
    coarseFovMm: z.number().positive().optional(),
    /**
     * A click's mask spanning at least this fraction of the crop side (on some axis) counts as reaching the border: a
     * model stops short of a border it cannot see. With it, the coarse-to-fine pass also runs after a climb and may be
     * larger than the crop it refines (absent: only border voxels count, and the fine pass only shrinks).
     */
    fillFraction: z.number().gt(0).max(1).optional(),
    /**
     * Leak check for a click's coarse pass: when the coarse mask's edge is soft (edge sharpness below `softBelow`,
     * 0…½: the mean |p − ½| on both sides of the mask's edge), the click also runs at each smaller crop of `fovsMm`;
     * if every one of them whose mask stays inside it (does not reach its border) has a sharp mask (at least
     * `sharpFrom`), the sharpest replaces the coarse one (a small lesion whose coarse mask leaked into the organ
     * around it looks the same at each small scale; inside a large lesion the small crops disagree). Absent: the
     * coarse pass stands. With `confirmDice`, the smaller crop's mask must also agree with the classical tool's
     * region for the same click (Dice at least `confirmDice`, on the crop): two independent methods have to find the
     * same small object before the model's larger answer is dropped (without a classical region the coarse pass stands).
     * `pick: 'agreeing'` (with `confirmDice`) takes, among the sharp smaller crops, the one that agrees best with the
     * classical region instead of the sharpest (absent: the sharpest).
     */
    leakCheck: z
      .object({
        softBelow: z.number().gt(0).max(0.5),
        sharpFrom: z.number().gt(0).max(0.5),
        fovsMm: z.array(z.number().positive()).min(1),
        confirmDice: z.number().gt(0).max(1).optional(),
        pick: z.enum(['sharpest', 'agreeing']).optional(),
      })
      .refine((c) => c.sharpFrom >= c.softBelow, { message: 'leakCheck.sharpFrom must be at least softBelow' })
      .refine((c) => c.pick !== 'agreeing' || c.confirmDice !== undefined, { message: 'leakCheck.pick "agreeing" needs confirmDice' })
      .optional(),
    /** Box prompt: crop side = this × the box's longer side. */
    boxFovFactor: z.number().min(1),
    /** Correction: crop side = this × the extent of the current mask and the clicks. */
    correctionFovFactor: z.number().min(1),
    /** Click maps: Gaussian sigma in crop voxels. */
    clickSigmaVox: z.number().positive(),
    /** The image channels by modality, with a `default`: one intensity rule per channel. */
    imageChannels: z
      .record(z.string(), z.array(intensityRuleSchema).min(1))
      .refine((r) => 'default' in r, { message: 'imageChannels needs a "default" entry' })
      .refine((r) => new Set(Object.values(r).map((v) => v.length)).size === 1, { message: 'every modality needs the same number of image channels' }),
  })
  .refine((p) => p.fovLadderMm.includes(p.firstFovMm), { message: 'firstFovMm must be a rung of fovLadderMm' });
export type Prompt3dPreprocessing = z.infer<typeof prompt3dPreprocessingSchema>;

export const prompt3dPostprocessingSchema = z.object({
  maskThreshold: z.number().default(0),
  /** The mask reaches the crop border when more than this many of its voxels lie on the crop's outer shell inside the image. */
  borderVoxels: z.number().int().min(0).default(4),
  /** A box bounds the mask in its plane: at most this fraction of the box side (plus one voxel) beyond it. */
  boxMarginFraction: z.number().min(0).default(0.1),
  /** The chosen crop is run this many times, mirrored (none; i; j; i and j; then k), and the logits averaged (1: once). */
  testTimeFlips: z.number().int().min(1).max(8).default(1),
  /**
   * Fusion with the classical tool on a first click (one positive click; no box, no negative click, no prior): the
   * classical region grown from the same click replaces the model's mask when the two agree (3D Dice at least
   * `agreeFrom`). The region follows the image's own intensity edge where the model's mask, upsampled from its crop,
   * is smooth; where they disagree the model's mask stands. Absent: the model's mask alone.
   */
  classicalFusion: z.object({ agreeFrom: z.number().gt(0).max(1) }).optional(),
});
export type Prompt3dPostprocessing = z.infer<typeof prompt3dPostprocessingSchema>;

export interface Prompt3dConfig {
  pre: Prompt3dPreprocessing;
  post: Prompt3dPostprocessing;
}

/** The channels after the image ones, in order. */
export const PROMPT3D_PROMPT_CHANNELS = ['inside', 'positive', 'negative', 'prior', 'box'] as const;

export function prompt3dChannelCount(pre: Prompt3dPreprocessing): number {
  return (Object.values(pre.imageChannels)[0]?.length ?? 0) + PROMPT3D_PROMPT_CHANNELS.length;
}

/** The problems of a prompt3d manifest's sections and interface (empty when sound). */
export function checkPrompt3d(preprocessing: unknown, postprocessing: unknown, inputs: { name: string; shape: number[] }[], outputs: { name: string; shape: number[] }[]): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  const pre = prompt3dPreprocessingSchema.safeParse(preprocessing);
  if (!pre.success) for (const i of pre.error.issues) issues.push({ path: ['preprocessing', ...i.path.map(String)], message: i.message });
  const post = prompt3dPostprocessingSchema.safeParse(postprocessing);
  if (!post.success) for (const i of post.error.issues) issues.push({ path: ['postprocessing', ...i.path.map(String)], message: i.message });
  const input = inputs.find((t) => t.name === 'input');
  const logits = outputs.find((t) => t.name === 'logits');
  if (!input) issues.push({ path: ['onnx', 'inputs'], message: 'segment.prompt3d needs input "input"' });
  if (!logits) issues.push({ path: ['onnx', 'outputs'], message: 'segment.prompt3d needs output "logits"' });
  if (pre.success) {
    const s = pre.data.cropSizeVox;
    const c = prompt3dChannelCount(pre.data);
    const same = (a: number[], b: number[]) => a.length === b.length && a.every((d, n) => d === -1 || d === b[n]);
    if (input && !same(input.shape, [1, c, s, s, s])) issues.push({ path: ['onnx', 'inputs'], message: `input "input" must be [1, ${c}, ${s}, ${s}, ${s}], not [${input.shape.join(', ')}]` });
    if (logits && !same(logits.shape, [1, 1, s, s, s])) issues.push({ path: ['onnx', 'outputs'], message: `output "logits" must be [1, 1, ${s}, ${s}, ${s}], not [${logits.shape.join(', ')}]` });
  }
  return issues;
}
