/**
 * RadSAM propagation rules, pure: when a direction stops, and how the next
 * slice's crop is framed from the previous mask.
 */
import type { Prompt2dPostprocessing, Prompt2dPreprocessing } from '../models/manifest';
import { clamp } from './slicePlane';

export type StopReason = 'empty' | 'low-iou' | 'edge' | 'max-slices' | 'cancelled';

/**
 * The verdict on one predicted slice: keep it, or stop this direction (and
 * drop the slice). Empty means fewer than `minAreaPx` pixels on the crop grid
 * (so a one-voxel speck at a large FOV does not carry propagation on);
 * low-iou means the model's own predicted IoU fell below `iouStopThreshold`.
 */
export function sliceVerdict(areaPx: number, predictedIou: number, post: Prompt2dPostprocessing): { keep: true } | { keep: false; reason: StopReason } {
  if (areaPx === 0 || areaPx < post.minAreaPx) return { keep: false, reason: 'empty' };
  if (!(predictedIou >= post.iouStopThreshold)) return { keep: false, reason: 'low-iou' };
  return { keep: true };
}

/** FOV of a first click: the default, or marginFactor × the box's larger side; clamped to [min, max]. */
export function initialFovMm(pre: Prompt2dPreprocessing, boxExtentMm?: number): number {
  const f = pre.fovMm;
  return clamp(boxExtentMm !== undefined && boxExtentMm > 0 ? f.marginFactor * boxExtentMm : f.default, f.min, f.max);
}

/** FOV for a propagation step: marginFactor × the previous mask's larger extent, clamped to [min, max]. */
export function propagationFovMm(pre: Prompt2dPreprocessing, maskExtentMm: number): number {
  const f = pre.fovMm;
  return clamp(f.marginFactor * maskExtentMm, f.min, f.max);
}

/** Number of set pixels in a crop's logits above the threshold. */
export function areaAbove(logits: ArrayLike<number>, threshold: number): number {
  let n = 0;
  for (let p = 0; p < logits.length; p++) if ((logits[p] as number) > threshold) n++;
  return n;
}
