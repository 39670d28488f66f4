/**
 * RadSAM propagation over a SAM-family pack: the whole slice goes to the
 * encoder (as SamPredictor.set_image), the prompts to the decoder; each
 * neighbouring slice is prompted with the previous slice's low-resolution
 * logits and/or its box (`propagationPrompt`), and a direction stops where the
 * mask is empty or its predicted IoU falls below `iouStopThreshold`, as for
 * crop-layout packs (prompt2d.ts). Visited slices' embeddings stay cached, so
 * a correction on a slice already seen costs one decoder run.
 */
import { VoxaError } from '../../../../common/contract';
import { SUPERSEDED, throwIfCancelled } from '../../jobs/cancelled';
import type { SamConfig } from '../../../../common/models/manifest';
import { sliceVerdict } from '../../../../common/segmentation/propagation';
import { planeSize, slicePlaneFor, type SliceMask, type SlicePlane } from '../../../../common/segmentation/slicePlane';
import type { Vec3, Volume } from '../../../../common/volume';
import { assembleDelta, boxBound, propagateBothWays, type Prompt2dInput, type Prompt2dProgress, type Prompt2dResult, type SliceStep } from '../prompt2d';
import type { SamEngine, SamPrompt, SamSliceResult } from './samEngine';
import { sliceToGrid } from './samImage';

interface Frame {
  plane: SlicePlane;
  width: number;
  height: number;
}

/** Continuous grid (u, v) ↔ slice pixel (x, y): the same flip both ways. */
const gridToSlice = (f: Frame, u: number, v: number): [number, number] => sliceToGrid(f.plane, f.width, f.height, u, v);

function gridMaskToSlice(f: Frame, m: SliceMask): Uint8Array {
  const out = new Uint8Array(f.width * f.height);
  for (let v = 0; v < f.height; v++) {
    for (let u = 0; u < f.width; u++) {
      if (!m.bits[u + v * f.width]) continue;
      const [x, y] = gridToSlice(f, u, v);
      out[y * f.width + x] = 1;
    }
  }
  return out;
}

/** Thresholded slice logits → a grid slice mask, its area and its box in slice pixels. */
function logitsToMask(f: Frame, r: SamSliceResult, threshold: number): { mask: SliceMask; area: number; box: SamPrompt['box'] } {
  const bits = new Uint8Array(f.width * f.height);
  let area = 0;
  let x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
  for (let y = 0; y < f.height; y++) {
    for (let x = 0; x < f.width; x++) {
      if (!((r.logits[y * f.width + x] as number) > threshold)) continue;
      const [u, v] = sliceToGrid(f.plane, f.width, f.height, x, y);
      bits[u + v * f.width] = 1;
      area++;
      if (x < x1) x1 = x;
      if (x > x2) x2 = x;
      if (y < y1) y1 = y;
      if (y > y2) y2 = y;
    }
  }
  return { mask: { width: f.width, height: f.height, bits }, area, box: area ? { x1, y1, x2, y2 } : undefined };
}

/** A box around the previous slice's mask for the next slice: 10 % of its side and 2 pixels more each way. */
function grownBox(f: Frame, b: NonNullable<SamPrompt['box']>): NonNullable<SamPrompt['box']> {
  const mx = (b.x2 - b.x1 + 1) * 0.1 + 2;
  const my = (b.y2 - b.y1 + 1) * 0.1 + 2;
  return { x1: Math.max(0, b.x1 - mx), y1: Math.max(0, b.y1 - my), x2: Math.min(f.width - 1, b.x2 + mx), y2: Math.min(f.height - 1, b.y2 + my) };
}

export async function runSam2d(
  volume: Volume,
  config: SamConfig,
  input: Prompt2dInput,
  engine: SamEngine,
  opts: { signal?: AbortSignal; onProgress?: (p: Prompt2dProgress) => void; maxSlices?: number; label?: number } = {},
): Promise<Prompt2dResult> {
  const g = volume.geometry;
  const { pre, post } = config;
  const plane = slicePlaneFor(g, input.plane);
  const { width, height, slices: nSlices } = planeSize(g, plane);
  const f: Frame = { plane, width, height };
  const timings = { preprocessMs: 0, modelMs: 0, postprocessMs: 0 };
  const steps: SliceStep[] = [];
  const fovMm = Math.max(width * (g.spacingMm[plane.colAxis] as number), height * (g.spacingMm[plane.rowAxis] as number));

  if (input.mask && (input.mask.mask.width !== width || input.mask.mask.height !== height || !input.mask.mask.bits.some((b) => b))) {
    throw new VoxaError('BAD_REQUEST', 'the mask prompt is empty or not on a slice of this plane');
  }
  const anchor: Vec3 | undefined = input.points.find((p) => p.positive)?.ijk ?? input.box?.a;
  const slice0 = input.mask ? input.mask.slice : anchor ? Math.round(anchor[plane.normalAxis]) : undefined;
  if (slice0 === undefined) throw new VoxaError('BAD_REQUEST', 'a prompt needs a positive point, a box or a mask');
  if (slice0 < 0 || slice0 >= nSlices) throw new VoxaError('BAD_REQUEST', `the prompt lies outside the image (slice ${slice0} of ${nSlices})`);
  const toSlice = (ijk: Vec3) => gridToSlice(f, ijk[plane.colAxis], ijk[plane.rowAxis]);
  const prompt0: SamPrompt = {
    points: input.points.map((p) => {
      const [x, y] = toSlice(p.ijk);
      if (x < -0.5 || y < -0.5 || x > width - 0.5 || y > height - 0.5) throw new VoxaError('BAD_REQUEST', 'a prompt point lies outside the image');
      return { x, y, positive: p.positive };
    }),
  };
  if (input.box) {
    const [xa, ya] = toSlice(input.box.a);
    const [xb, yb] = toSlice(input.box.b);
    prompt0.box = { x1: Math.min(xa, xb), y1: Math.min(ya, yb), x2: Math.max(xa, xb), y2: Math.max(ya, yb) };
  }
  if (input.mask) prompt0.maskBits = gridMaskToSlice(f, input.mask.mask);

  const kept = new Map<number, SliceMask>();
  async function step(slice: number, prompt: SamPrompt, direction: -1 | 0 | 1) {
    throwIfCancelled(opts.signal, SUPERSEDED);
    const r = await engine.predict(volume, plane, slice, prompt, opts.signal);
    timings.preprocessMs += r.preprocessMs;
    timings.modelMs += r.encoderMs + r.decoderMs;
    const t = performance.now();
    const m = logitsToMask(f, r, post.maskThreshold);
    let verdict = sliceVerdict(m.area, r.iou, post);
    // The prompted slice is kept whatever its predicted IoU, as long as it is not empty.
    if (direction === 0 && !verdict.keep && verdict.reason === 'low-iou') verdict = { keep: true };
    steps.push({ slice, direction, fovMm, areaPx: m.area, iou: r.iou, kept: verdict.keep, modelMs: r.encoderMs + r.decoderMs, encoderMs: r.encoderMs, decoderMs: r.decoderMs, embeddingCached: r.embeddingCached });
    timings.postprocessMs += performance.now() - t;
    opts.onProgress?.({ steps: steps.length, slice, direction });
    return verdict.keep ? { ...m, lowRes: r.lowRes, reason: null } : { mask: null, area: 0, box: undefined, lowRes: null, reason: verdict.reason };
  }

  const first = await step(slice0, prompt0, 0);
  const stops = await propagateBothWays(first, slice0, nSlices, opts.maxSlices ?? nSlices, kept, async (prev, s, dir) => {
    if (!prev.box) return { mask: null, area: 0, box: undefined, lowRes: null, reason: 'empty' as const };
    const next: SamPrompt = { points: [] };
    if (pre.propagationPrompt !== 'box') {
      if (prev.lowRes) next.maskLogits = prev.lowRes;
      else next.maskBits = gridMaskToSlice(f, prev.mask);
    }
    if (pre.propagationPrompt !== 'mask') next.box = grownBox(f, prev.box);
    return step(s, next, dir);
  }, input.box ? boxBound(plane, input.box) : undefined);
  const t = performance.now();
  const delta = assembleDelta(volume, plane, kept, opts.label ?? 1);
  timings.postprocessMs += performance.now() - t;
  return { delta, steps, stops, timings };
}
