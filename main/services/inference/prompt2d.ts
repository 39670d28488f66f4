/**
 * `segment.prompt2d`: RadSAM propagation over a 2D promptable model.
 *
 * 1. The prompted slice: a crop centred on the first positive click (or the
 *    box centre), FOV `fovMm.default` (or marginFactor × box side), resampled
 *    to S × S, intensity-normalised, with the clicks/box as SAM prompts.
 * 2. Each neighbouring slice, in both directions: a crop re-centred on the
 *    previous slice's mask with FOV = marginFactor × its extent, and that
 *    binary mask as the mask prompt (logits ±10 at S/4, has_mask_input = 1).
 * 3. A direction stops when the mask is empty (< minAreaPx on the crop grid)
 *    or the predicted IoU < iouStopThreshold (that slice is dropped), or at
 *    the volume's edge. The prompted slice is kept whatever its IoU: the user
 *    asked for it.
 * 4. Every kept crop mask goes back to the image grid by the exact inverse of
 *    the crop transform; the slices become one labelmap delta.
 *
 * The slice plane is a parameter (axial first; coronal and sagittal use the
 * same code through common/segmentation/slicePlane.ts).
 */
import { VoxaError } from '../../../common/contract';
import { SUPERSEDED, throwIfCancelled } from '../jobs/cancelled';
import type { Prompt2dConfig } from '../../../common/models/manifest';
import { intensityRuleFor, normaliseIntensity } from '../../../common/segmentation/intensity';
import { deltaFromBoxMask, type LabelmapDelta } from '../../../common/labelmap/labelmapDelta';
import { areaAbove, initialFovMm, propagationFovMm, sliceVerdict, type StopReason } from '../../../common/segmentation/propagation';
import { encodePrompt, type CropPrompt } from '../../../common/segmentation/prompts';
import {
  cropLogitsToSlice,
  gridToCrop,
  planeSize,
  planeToIjk,
  sampleCrop,
  sliceMaskExtent,
  sliceMaskToCrop,
  slicePlaneFor,
  type Crop,
  type PlaneName,
  type SliceMask,
} from '../../../common/segmentation/slicePlane';
import type { Vec3, Volume } from '../../../common/volume';
import type { WireTensor } from './worker/protocol';

export interface Prompt2dInput {
  plane: PlaneName;
  /** Clicks in continuous voxel indices; all are taken on the first positive click's slice. */
  points: { ijk: Vec3; positive: boolean }[];
  /** Box corners in continuous voxel indices, on one slice. */
  box?: { a: Vec3; b: Vec3 };
  /**
   * Mask prompt (a rough stroke or the current mask) on one slice of the plane: it is the prompted
   * slice, the crop is centred on the mask (unless a positive point is given), and the mask goes in
   * as `mask_input`, encoded as during propagation.
   */
  mask?: { slice: number; mask: SliceMask };
}

export type ModelRunner = (feeds: Record<string, WireTensor>, signal?: AbortSignal) => Promise<{ outputs: Record<string, WireTensor>; runMs: number }>;

export interface SliceStep {
  slice: number;
  direction: -1 | 0 | 1;
  fovMm: number;
  areaPx: number;
  iou: number;
  kept: boolean;
  modelMs: number;
  /** Encoder + decoder packs: the two parts of modelMs, and whether the slice's embedding came from the cache. */
  encoderMs?: number;
  decoderMs?: number;
  embeddingCached?: boolean;
}

export interface Prompt2dProgress {
  steps: number;
  slice: number;
  direction: -1 | 0 | 1;
}

export interface Prompt2dResult {
  delta: LabelmapDelta;
  steps: SliceStep[];
  stops: { minus: StopReason | null; plus: StopReason | null };
  timings: { preprocessMs: number; modelMs: number; postprocessMs: number };
}

function f32(data: Float32Array, dims: number[]): WireTensor {
  return { dtype: 'float32', dims, data };
}

export async function runPrompt2d(
  volume: Volume,
  config: Prompt2dConfig,
  input: Prompt2dInput,
  runner: ModelRunner,
  opts: { signal?: AbortSignal; onProgress?: (p: Prompt2dProgress) => void; maxSlices?: number; label?: number } = {},
): Promise<Prompt2dResult> {
  const g = volume.geometry;
  const { pre, post } = config;
  const S = pre.cropSizePx;
  const plane = slicePlaneFor(g, input.plane);
  const { width, height, slices: nSlices } = planeSize(g, plane);
  const rule = intensityRuleFor(pre.intensity, volume.meta.modality);
  const timings = { preprocessMs: 0, modelMs: 0, postprocessMs: 0 };
  const steps: SliceStep[] = [];

  const maskExtent = input.mask ? sliceMaskExtent(input.mask.mask, g, plane) : null;
  if (input.mask && (!maskExtent || input.mask.mask.width !== width || input.mask.mask.height !== height)) throw new VoxaError('BAD_REQUEST', 'the mask prompt is empty or not on a slice of this plane');
  const anchor = input.points.find((p) => p.positive)?.ijk ?? input.box?.a ?? (input.mask && maskExtent ? planeToIjk(plane, maskExtent.centreU, maskExtent.centreV, input.mask.slice) : undefined);
  if (!anchor) throw new VoxaError('BAD_REQUEST', 'a prompt needs a positive point, a box or a mask');
  const slice0 = input.mask ? input.mask.slice : Math.round(anchor[plane.normalAxis]);
  if (slice0 < 0 || slice0 >= nSlices) throw new VoxaError('BAD_REQUEST', `the prompt lies outside the image (slice ${slice0} of ${nSlices})`);
  for (const p of input.points) {
    const u = p.ijk[plane.colAxis];
    const v = p.ijk[plane.rowAxis];
    if (u < -0.5 || v < -0.5 || u > width - 0.5 || v > height - 0.5) throw new VoxaError('BAD_REQUEST', 'a prompt point lies outside the image');
  }

  // Kept slice masks, by slice index.
  const kept = new Map<number, SliceMask>();

  async function step(crop: Crop, prompt: CropPrompt, direction: -1 | 0 | 1): Promise<{ mask: SliceMask | null; reason: StopReason | null }> {
    throwIfCancelled(opts.signal, SUPERSEDED);
    let t = performance.now();
    const image = normaliseIntensity(sampleCrop(volume.voxels, g, crop), rule);
    const e = encodePrompt(prompt, S / 4);
    const feeds: Record<string, WireTensor> = {
      image: f32(image, [1, 1, S, S]),
      point_coords: f32(e.pointCoords, [1, e.n, 2]),
      point_labels: f32(e.pointLabels, [1, e.n]),
      mask_input: f32(e.maskInput, [1, 1, S / 4, S / 4]),
      has_mask_input: f32(e.hasMaskInput, [1]),
    };
    timings.preprocessMs += performance.now() - t;
    const { outputs, runMs } = await runner(feeds, opts.signal);
    timings.modelMs += runMs;
    t = performance.now();
    const masks = outputs.masks;
    const ious = outputs.iou_predictions;
    if (!masks || !ious) throw new VoxaError('INTERNAL', 'the model did not return masks and iou_predictions');
    // Several candidate masks ([1, M, S, S]): take the one with the best predicted IoU.
    const m = masks.dims[1] ?? 1;
    let best = 0;
    for (let n = 1; n < m; n++) if ((ious.data[n] as number) > (ious.data[best] as number)) best = n;
    if (masks.data.length !== m * S * S) throw new VoxaError('INTERNAL', `masks output has ${masks.data.length} values, expected ${m}×${S}×${S}`);
    const logits = (masks.data as Float32Array).subarray(best * S * S, (best + 1) * S * S);
    const iou = Number(ious.data[best]);
    const areaPx = areaAbove(logits, post.maskThreshold);
    let verdict = sliceVerdict(areaPx, iou, post);
    // The prompted slice is kept whatever its predicted IoU, as long as it is not empty.
    if (direction === 0 && !verdict.keep && verdict.reason === 'low-iou') verdict = { keep: true };
    let mask: SliceMask | null = null;
    if (verdict.keep) {
      mask = cropLogitsToSlice(logits, g, crop, post.maskThreshold);
      if (!mask.bits.some((b) => b)) {
        mask = null;
        verdict = { keep: false, reason: 'empty' };
      }
    }
    steps.push({ slice: crop.slice, direction, fovMm: crop.fovMm, areaPx, iou, kept: verdict.keep, modelMs: runMs });
    timings.postprocessMs += performance.now() - t;
    opts.onProgress?.({ steps: steps.length, slice: crop.slice, direction });
    return { mask, reason: verdict.keep ? null : verdict.reason };
  }

  // 1. The prompted slice.
  const toCrop = (crop: Crop, ijk: Vec3) => gridToCrop(g, crop, ijk[plane.colAxis], ijk[plane.rowAxis]);
  let centreU = anchor[plane.colAxis];
  let centreV = anchor[plane.rowAxis];
  let boxExtentMm: number | undefined;
  if (input.box && !input.points.some((p) => p.positive)) {
    centreU = (input.box.a[plane.colAxis] + input.box.b[plane.colAxis]) / 2;
    centreV = (input.box.a[plane.rowAxis] + input.box.b[plane.rowAxis]) / 2;
  }
  if (input.box) {
    boxExtentMm = Math.max(
      Math.abs(input.box.a[plane.colAxis] - input.box.b[plane.colAxis]) * (g.spacingMm[plane.colAxis] as number),
      Math.abs(input.box.a[plane.rowAxis] - input.box.b[plane.rowAxis]) * (g.spacingMm[plane.rowAxis] as number),
    );
  }
  const crop0: Crop = {
    plane,
    slice: slice0,
    centreU,
    centreV,
    fovMm: maskExtent && boxExtentMm === undefined ? propagationFovMm(pre, maskExtent.extentMm) : initialFovMm(pre, boxExtentMm),
    sizePx: S,
  };
  const prompt0: CropPrompt = {
    points: input.points.map((p) => {
      const [x, y] = toCrop(crop0, p.ijk);
      return { x, y, positive: p.positive };
    }),
  };
  if (input.box) {
    const [x1, y1] = toCrop(crop0, input.box.a);
    const [x2, y2] = toCrop(crop0, input.box.b);
    prompt0.box = { x1, y1, x2, y2 };
  }
  if (input.mask) prompt0.mask = sliceMaskToCrop(input.mask.mask, g, crop0, S / 4);
  const first = await step(crop0, prompt0, 0);
  // 2–3. Propagate both ways: each next slice is cropped around the previous mask, which is its mask prompt.
  const stops = await propagateBothWays(first, slice0, nSlices, opts.maxSlices ?? nSlices, kept, async (prev, s, dir) => {
    const ext = sliceMaskExtent(prev.mask, g, plane);
    if (!ext) return { mask: null, reason: 'empty' };
    const crop: Crop = { plane, slice: s, centreU: ext.centreU, centreV: ext.centreV, fovMm: propagationFovMm(pre, ext.extentMm), sizePx: S };
    const t = performance.now();
    const maskPrompt = sliceMaskToCrop(prev.mask, g, crop, S / 4);
    timings.preprocessMs += performance.now() - t;
    return step(crop, { points: [], mask: maskPrompt }, dir);
  }, input.box ? boxBound(plane, input.box) : undefined);

  // 4. Assemble the delta over the kept slices' bounding box.
  const t = performance.now();
  const delta = assembleDelta(volume, plane, kept, opts.label ?? 1);
  timings.postprocessMs += performance.now() - t;
  return { delta, steps, stops, timings };
}

type Stepped<P> = (P & { mask: SliceMask; reason: null }) | { mask: null; reason: StopReason | null };

/**
 * RadSAM propagation from the prompted slice in both directions: `next` segments slice s from the
 * previous kept result; a direction stops at the edge, at `maxSlices` kept slices, or where `next`
 * keeps nothing (its reason). Kept masks go into `kept`. Shared by crop-layout and SAM-layout packs.
 */
export async function propagateBothWays<P extends { mask: SliceMask | null; reason: StopReason | null }>(
  first: P,
  slice0: number,
  nSlices: number,
  maxSlices: number,
  kept: Map<number, SliceMask>,
  next: (prev: P & { mask: SliceMask }, s: number, dir: -1 | 1) => Promise<P | Stepped<P>>,
  /** Bounds every slice's mask (a box prompt's in-plane extent); a mask it empties stops the direction. */
  bound?: (m: SliceMask) => SliceMask,
): Promise<Prompt2dResult['stops']> {
  if (first.mask && bound) first.mask = bound(first.mask);
  if (!first.mask || !first.mask.bits.some((b) => b)) return { minus: first.reason ?? 'empty', plus: first.reason ?? 'empty' };
  kept.set(slice0, first.mask);
  const stops: Prompt2dResult['stops'] = { minus: null, plus: null };
  for (const dir of [-1, 1] as const) {
    let prev = first as P & { mask: SliceMask };
    let s = slice0 + dir;
    let reason: StopReason | null = null;
    while (reason === null) {
      if (s < 0 || s >= nSlices) reason = 'edge';
      else if (kept.size >= maxSlices) reason = 'max-slices';
      else {
        const r = await next(prev, s, dir);
        if (r.mask && bound) r.mask = bound(r.mask);
        if (!r.mask || !r.mask.bits.some((b) => b)) reason = r.reason ?? 'empty';
        else {
          kept.set(s, r.mask);
          prev = r as P & { mask: SliceMask };
          s += dir;
        }
      }
    }
    if (dir < 0) stops.minus = reason;
    else stops.plus = reason;
  }
  return stops;
}

/** The fraction of a box's side (plus one voxel) a box-prompted mask may reach beyond the box in its plane. */
export const BOX_MARGIN_FRACTION = 0.1;

/**
 * A box prompt bounds the mask in the box's plane (DESIGN §5): every slice's mask is cut to the
 * box's in-plane extent plus a margin, so propagation cannot grow the lesion sideways past it.
 */
export function boxBound(plane: ReturnType<typeof slicePlaneFor>, box: { a: Vec3; b: Vec3 }): (m: SliceMask) => SliceMask {
  const lim = (axis: 0 | 1 | 2) => {
    const lo = Math.min(box.a[axis], box.b[axis]);
    const hi = Math.max(box.a[axis], box.b[axis]);
    const margin = BOX_MARGIN_FRACTION * (hi - lo + 1) + 1;
    return [Math.floor(lo - margin), Math.ceil(hi + margin)] as const;
  };
  const [u0, u1] = lim(plane.colAxis);
  const [v0, v1] = lim(plane.rowAxis);
  return (m) => {
    const bits = m.bits.slice();
    for (let v = 0; v < m.height; v++) for (let u = 0; u < m.width; u++) if ((u < u0 || u > u1 || v < v0 || v > v1) && bits[u + v * m.width]) bits[u + v * m.width] = 0;
    return { width: m.width, height: m.height, bits };
  };
}

/** The kept slice masks as one labelmap delta over their bounding box. */
export function assembleDelta(volume: Volume, plane: ReturnType<typeof slicePlaneFor>, kept: Map<number, SliceMask>, label: number): LabelmapDelta {
  const dims = volume.geometry.dimensions;
  let uMin = Infinity, uMax = -Infinity, vMin = Infinity, vMax = -Infinity, sMin = Infinity, sMax = -Infinity;
  for (const [s, m] of kept) {
    const e = sliceMaskExtent(m, volume.geometry, plane);
    if (!e) continue;
    uMin = Math.min(uMin, e.uMin);
    uMax = Math.max(uMax, e.uMax);
    vMin = Math.min(vMin, e.vMin);
    vMax = Math.max(vMax, e.vMax);
    sMin = Math.min(sMin, s);
    sMax = Math.max(sMax, s);
  }
  const min: Vec3 = [0, 0, 0];
  const max: Vec3 = [-1, -1, -1];
  if (sMin <= sMax) {
    min[plane.colAxis] = uMin;
    max[plane.colAxis] = uMax;
    min[plane.rowAxis] = vMin;
    max[plane.rowAxis] = vMax;
    min[plane.normalAxis] = sMin;
    max[plane.normalAxis] = sMax;
  }
  const bi = max[0] - min[0] + 1;
  const bj = max[1] - min[1] + 1;
  const bk = max[2] - min[2] + 1;
  if (bi <= 0) return deltaFromBoxMask(new Uint8Array(0), min, max, dims, label);
  const box = new Uint8Array(bi * bj * bk);
  for (const [s, m] of kept) {
    for (let v = vMin; v <= vMax; v++) {
      for (let u = uMin; u <= uMax; u++) {
        if (!m.bits[u + v * m.width]) continue;
        const ijk: Vec3 = [0, 0, 0];
        ijk[plane.colAxis] = u;
        ijk[plane.rowAxis] = v;
        ijk[plane.normalAxis] = s;
        box[ijk[0] - min[0] + bi * (ijk[1] - min[1] + bj * (ijk[2] - min[2]))] = 1;
      }
    }
  }
  return deltaFromBoxMask(box, min, max, dims, label);
}
