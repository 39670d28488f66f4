/**
 * Preprocessing of SAM-family `segment.prompt2d` packs (`preprocessing.layout: "sam"`):
 * SAM, MedSAM, SAM-Med2D, MobileSAM exported as an image encoder + a prompt decoder.
 *
 * The engine (main/services/inference/sam/) turns a whole slice into the encoder's
 * input as these models were trained:
 *
 * 1. `intensity` (per modality, with `default`) maps voxel values to [0, 1], which
 *    is quantised to 8 bits as `floor(t · 255 + 0.5)` (the models were trained on
 *    8-bit images);
 * 2. `resize`: `longestSide` scales the longest side to `inputSize` (SAM's
 *    ResizeLongestSide: new side = floor(side · inputSize / longest + 0.5)),
 *    `stretch` scales both sides to `inputSize` (MedSAM, SAM-Med2D); `resample`
 *    `bilinear` is Pillow's 8-bit bilinear (what SAM's `apply_image` uses),
 *    `nearest` OpenCV's INTER_NEAREST (SAM-Med2D);
 * 3. `normalize`: `meanStd` ((x − pixelMean) / pixelStd per channel, SAM),
 *    `unit` (x / 255) or `minMax` ((x − min) / (max − min) of the resized image, MedSAM);
 * 4. `pad`: `bottomRight` fills the square `inputSize` input with zeros right
 *    and below (after normalisation, as Sam.preprocess); `none` for `stretch`;
 * 5. `channels`: the grey image repeated into 1 or 3 channels.
 *
 * Prompts are in slice pixels (x along columns, y along rows, pixel centres at
 * integers) and are scaled by (new width / width, new height / height) into the
 * model's frame, boxes as two corner points (labels 2 and 3), a padding point
 * (label −1) when there is no box, as SAM's ONNX decoder expects. The
 * low-resolution mask prompt is `maskInputSize`² (inputSize / 4; 256 for SAM).
 * With `origImSize` the decoder takes `orig_im_size` and returns masks at the
 * slice's size (SAM's official export); without it, masks come at the
 * low-resolution grid and the engine maps them back (crop of the padding,
 * bilinear upsampling, as Sam.postprocess_masks). SAM's exported decoder crops
 * as if the image had been resized to the longest side, which is wrong for
 * `stretch` packs: for those the engine passes the square input size as
 * `orig_im_size` and resizes the square masks to the slice itself.
 */
import { z } from 'zod';
import { intensityRuleSchema } from './intensityRule';

const triple = z.array(z.number()).min(1).max(3);

export const samPreprocessingSchema = z.object({
  layout: z.literal('sam'),
  /** Side of the encoder's square input (1024 for SAM, MobileSAM, MedSAM; 256 for SAM-Med2D). */
  inputSize: z.number().int().min(16),
  resize: z.enum(['longestSide', 'stretch']),
  /** Resampling of the 8-bit image: Pillow's bilinear (SAM, MobileSAM, MedSAM) or OpenCV's nearest (SAM-Med2D). */
  resample: z.enum(['bilinear', 'nearest']).default('bilinear'),
  pad: z.enum(['bottomRight', 'none']),
  normalize: z.discriminatedUnion('type', [
    z.object({ type: z.literal('meanStd'), pixelMean: triple, pixelStd: triple.refine((s) => s.every((v) => v > 0), { message: 'pixelStd values must be > 0' }) }),
    z.object({ type: z.literal('unit') }),
    z.object({ type: z.literal('minMax') }),
  ]),
  channels: z.union([z.literal(1), z.literal(3)]),
  intensity: z.record(z.string(), intensityRuleSchema).refine((r) => 'default' in r, { message: 'intensity needs a "default" rule' }),
  /** Side of the decoder's `mask_input` (inputSize / 4). */
  maskInputSize: z.number().int().min(1),
  /** Choose among the decoder's multimask outputs (1..M−1) by best predicted IoU; false takes output 0. */
  multimaskOutput: z.boolean(),
  multimaskChoice: z.literal('bestIou').default('bestIou'),
  /** The decoder takes `orig_im_size` and returns masks at the slice's size. */
  origImSize: z.boolean(),
  /** How the decoder takes a mask prompt: logits (SAM, MedSAM, MobileSAM) or sigmoid probabilities (SAM-Med2D). */
  maskInputKind: z.enum(['logits', 'probability']).default('logits'),
  /** Name of the encoder's image input (SAM-Med2D's exporter calls it "input_image"). */
  encoderInputName: z.string().min(1).default('image'),
  /** Prompt of each propagation step: the previous slice's low-resolution logits, its box, or both. */
  propagationPrompt: z.enum(['mask', 'box', 'maskAndBox']).default('maskAndBox'),
});
export type SamPreprocessing = z.infer<typeof samPreprocessingSchema>;

interface Spec {
  name: string;
  shape: number[];
}
interface FileIo {
  role: string;
  path: string;
  io?: { inputs: Spec[]; outputs: Spec[] } | undefined;
}

const fixed = (d: number | undefined, want: number) => d === undefined || d === -1 || d === want;

/**
 * Cross-checks a SAM-layout pack: preprocessing against itself and against the
 * encoder's and decoder's declared interfaces. Each problem is one readable line.
 */
export function checkSamPack(pre: SamPreprocessing, files: FileIo[]): string[] {
  const problems: string[] = [];
  if (pre.resize === 'longestSide' && pre.pad !== 'bottomRight') problems.push('resize "longestSide" leaves a non-square image: pad must be "bottomRight"');
  if (pre.resize === 'stretch' && pre.pad !== 'none') problems.push('resize "stretch" already fills the square input: pad must be "none"');
  if (pre.inputSize % 4 !== 0 || pre.maskInputSize * 4 !== pre.inputSize) problems.push(`maskInputSize must be inputSize / 4 (${pre.inputSize / 4}), not ${pre.maskInputSize}`);
  if (pre.normalize.type === 'meanStd' && (pre.normalize.pixelMean.length !== pre.channels || pre.normalize.pixelStd.length !== pre.channels)) {
    problems.push(`pixelMean and pixelStd need one value per channel (${pre.channels})`);
  }
  const enc = files.find((f) => f.role === 'encoder');
  const dec = files.find((f) => f.role === 'decoder');
  if (!enc || !dec || !enc.io || !dec.io) return [...problems, 'layout "sam" needs an "encoder" and a "decoder" file, each with its "io"'];
  const image = enc.io.inputs.find((t) => t.name === pre.encoderInputName);
  if (!image) problems.push(`${enc.path}: the encoder needs input "${pre.encoderInputName}" (encoderInputName)`);
  else if (image.shape.length !== 4 || !fixed(image.shape[1], pre.channels) || !fixed(image.shape[2], pre.inputSize) || !fixed(image.shape[3], pre.inputSize)) {
    problems.push(`${enc.path}: input "${pre.encoderInputName}" must be [1, ${pre.channels}, ${pre.inputSize}, ${pre.inputSize}] (channels, inputSize), not [${image.shape.join(', ')}]`);
  }
  const emb = enc.io.outputs.find((t) => t.name === 'image_embeddings');
  const decEmb = dec.io.inputs.find((t) => t.name === 'image_embeddings');
  if (!emb) problems.push(`${enc.path}: the encoder needs output "image_embeddings"`);
  if (!decEmb) problems.push(`${dec.path}: the decoder needs input "image_embeddings"`);
  if (emb && decEmb && (emb.shape.length !== decEmb.shape.length || emb.shape.some((d, n) => !fixed(decEmb.shape[n], d) && d !== -1))) {
    problems.push(`image_embeddings is [${emb.shape.join(', ')}] out of the encoder but [${decEmb.shape.join(', ')}] into the decoder`);
  }
  const mask = dec.io.inputs.find((t) => t.name === 'mask_input');
  if (mask && (mask.shape.length !== 4 || !fixed(mask.shape[2], pre.maskInputSize) || !fixed(mask.shape[3], pre.maskInputSize))) {
    problems.push(`${dec.path}: input "mask_input" must be [1, 1, ${pre.maskInputSize}, ${pre.maskInputSize}] (maskInputSize), not [${mask.shape.join(', ')}]`);
  }
  const hasOrig = dec.io.inputs.some((t) => t.name === 'orig_im_size');
  if (pre.origImSize && !hasOrig) problems.push(`${dec.path}: origImSize is true but the decoder has no input "orig_im_size"`);
  if (!pre.origImSize && hasOrig) problems.push(`${dec.path}: the decoder takes "orig_im_size" but origImSize is false`);
  const masks = dec.io.outputs.find((t) => t.name === 'masks');
  if (masks && pre.multimaskOutput && masks.shape[1] === 1) problems.push(`${dec.path}: multimaskOutput is true but output "masks" holds one mask (exported with --return-single-mask?)`);
  const low = dec.io.outputs.find((t) => t.name === 'low_res_masks');
  if (!pre.origImSize && !low && masks && masks.shape.length === 4 && !(fixed(masks.shape[2], pre.maskInputSize) && fixed(masks.shape[3], pre.maskInputSize))) {
    problems.push(`${dec.path}: without orig_im_size the masks must come at the low-resolution grid (${pre.maskInputSize}²)`);
  }
  return problems;
}
