/**
 * One slice through a SAM-family pack: the image embedding (computed once per
 * volume, plane, slice and pack, then cached), the prompt decoder, the
 * multimask choice, and the mask back on the slice.
 */
import { VoxaError } from '../../../../common/contract';
import { SUPERSEDED, throwIfCancelled } from '../../jobs/cancelled';
import type { SamConfig } from '../../../../common/models/manifest';
import { MASK_PROMPT_LOGIT, POINT_LABEL } from '../../../../common/segmentation/prompts';
import type { SlicePlane } from '../../../../common/segmentation/slicePlane';
import type { Volume } from '../../../../common/volume';
import type { WireTensor } from '../worker/protocol';
import { encoderInput, extractSlice, quantise8, resize8, resizedShape, sliceWindow, toModelFrame } from './samImage';

export type OnnxRun = (feeds: Record<string, WireTensor>, signal?: AbortSignal) => Promise<{ outputs: Record<string, WireTensor>; runMs: number }>;

/** A prompt on one slice, in slice pixels (x along columns, y along rows, pixel centres at integers). */
export interface SamPrompt {
  points: { x: number; y: number; positive: boolean }[];
  box?: { x1: number; y1: number; x2: number; y2: number };
  /** Low-resolution logits (maskInputSize²) from an earlier decoder run on this slice size. */
  maskLogits?: Float32Array;
  /** A binary mask on the slice (width × height, row-major), encoded as ±10 logits. */
  maskBits?: Uint8Array;
}

export interface SamSliceResult {
  width: number;
  height: number;
  /** Logits of the chosen mask on the slice (row-major). */
  logits: Float32Array;
  /** Low-resolution logits of the chosen mask (maskInputSize²), when the decoder returns them. */
  lowRes: Float32Array | null;
  iou: number;
  ious: number[];
  chosen: number;
  encoderMs: number;
  decoderMs: number;
  preprocessMs: number;
  embeddingCached: boolean;
}

interface Embedding {
  tensor: WireTensor;
  width: number;
  height: number;
}

/**
 * Image embeddings by (volume, plane, slice, pack), least recently used first
 * out once the byte budget is spent. Volumes are told apart by identity.
 */
export class EmbeddingCache {
  private readonly entries = new Map<string, Embedding>();
  private readonly volumeIds = new WeakMap<Volume, number>();
  private nextVolume = 1;
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(readonly maxBytes = 512 * 1024 ** 2) {}

  key(volume: Volume, plane: SlicePlane, slice: number, pack: string): string {
    let id = this.volumeIds.get(volume);
    if (id === undefined) {
      id = this.nextVolume++;
      this.volumeIds.set(volume, id);
    }
    return `${id}|${plane.name}|${slice}|${pack}`;
  }

  get(key: string): Embedding | undefined {
    const e = this.entries.get(key);
    if (e) {
      this.entries.delete(key);
      this.entries.set(key, e);
      this.hits++;
    } else this.misses++;
    return e;
  }

  set(key: string, e: Embedding): void {
    const size = e.tensor.data.byteLength;
    if (size > this.maxBytes) return;
    this.entries.set(key, e);
    this.bytes += size;
    for (const [k, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= old.tensor.data.byteLength;
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

const f32 = (data: Float32Array, dims: number[]): WireTensor => ({ dtype: 'float32', dims, data });

/** PyTorch's bilinear interpolation with align_corners = False (F.interpolate), one channel. */
export function interpolateBilinear(src: Float32Array, sw: number, sh: number, dw: number, dh: number): Float32Array {
  const out = new Float32Array(dw * dh);
  const sx = sw / dw;
  const sy = sh / dh;
  for (let y = 0; y < dh; y++) {
    const fy = Math.max((y + 0.5) * sy - 0.5, 0);
    const y0 = Math.min(Math.floor(fy), sh - 1);
    const y1 = Math.min(y0 + 1, sh - 1);
    const ty = fy - y0;
    for (let x = 0; x < dw; x++) {
      const fx = Math.max((x + 0.5) * sx - 0.5, 0);
      const x0 = Math.min(Math.floor(fx), sw - 1);
      const x1 = Math.min(x0 + 1, sw - 1);
      const tx = fx - x0;
      const a = (src[y0 * sw + x0] as number) * (1 - tx) + (src[y0 * sw + x1] as number) * tx;
      const b = (src[y1 * sw + x0] as number) * (1 - tx) + (src[y1 * sw + x1] as number) * tx;
      out[y * dw + x] = a * (1 - ty) + b * ty;
    }
  }
  return out;
}

/** The mask prompt as the decoder takes it: logits as they are, or their sigmoid. */
function maskFeed(logits: Float32Array, kind: 'logits' | 'probability'): Float32Array {
  const out = Float32Array.from(logits);
  if (kind === 'probability') for (let n = 0; n < out.length; n++) out[n] = 1 / (1 + Math.exp(-(out[n] as number)));
  return out;
}

export class SamEngine {
  constructor(
    /** Identifies the pack in the embedding cache (id@version). */
    readonly packKey: string,
    readonly config: SamConfig,
    private readonly encoder: OnnxRun,
    private readonly decoder: OnnxRun,
    private readonly cache: EmbeddingCache,
  ) {}

  private async embedding(volume: Volume, plane: SlicePlane, slice: number, signal?: AbortSignal): Promise<{ e: Embedding; ms: number; pre: number; cached: boolean }> {
    const key = this.cache.key(volume, plane, slice, this.packKey);
    const hit = this.cache.get(key);
    if (hit) return { e: hit, ms: 0, pre: 0, cached: true };
    const t = performance.now();
    const pre = this.config.pre;
    const img = extractSlice(volume, plane, slice);
    const [lo, hi] = sliceWindow(pre, img.values, volume.meta.modality);
    const r = resizedShape(pre, img.width, img.height);
    const resized = resize8(pre, quantise8(img.values, lo, hi), img.width, img.height, r.width, r.height);
    const input = encoderInput(pre, resized, r.width, r.height);
    const preMs = performance.now() - t;
    const { outputs, runMs } = await this.encoder({ [pre.encoderInputName]: f32(input, [1, pre.channels, pre.inputSize, pre.inputSize]) }, signal);
    const tensor = outputs.image_embeddings;
    if (!tensor) throw new VoxaError('INTERNAL', 'the encoder did not return image_embeddings');
    const e = { tensor, width: img.width, height: img.height };
    this.cache.set(key, e);
    return { e, ms: runMs, pre: preMs, cached: false };
  }

  /** The low-resolution mask prompt of a binary slice mask: ±10 logits at the centre of each low-res pixel. */
  encodeMask(bits: Uint8Array, width: number, height: number): Float32Array {
    const pre = this.config.pre;
    const m = pre.maskInputSize;
    const r = resizedShape(pre, width, height);
    const step = pre.inputSize / m;
    const out = new Float32Array(m * m).fill(-MASK_PROMPT_LOGIT);
    for (let Y = 0; Y < m; Y++) {
      const fy = (Y + 0.5) * step;
      if (fy >= r.height) break;
      const y = Math.min(height - 1, Math.floor((fy * height) / r.height));
      for (let X = 0; X < m; X++) {
        const fx = (X + 0.5) * step;
        if (fx >= r.width) break;
        const x = Math.min(width - 1, Math.floor((fx * width) / r.width));
        if (bits[y * width + x]) out[Y * m + X] = MASK_PROMPT_LOGIT;
      }
    }
    return out;
  }

  async predict(volume: Volume, plane: SlicePlane, slice: number, prompt: SamPrompt, signal?: AbortSignal): Promise<SamSliceResult> {
    const { pre } = this.config;
    const emb = await this.embedding(volume, plane, slice, signal);
    throwIfCancelled(signal, SUPERSEDED);
    const t = performance.now();
    const { width, height } = emb.e;
    const coords: number[] = [];
    const labels: number[] = [];
    for (const p of prompt.points) {
      coords.push(...toModelFrame(pre, width, height, p.x, p.y));
      labels.push(p.positive ? POINT_LABEL.positive : POINT_LABEL.negative);
    }
    if (prompt.box) {
      const b = prompt.box;
      coords.push(...toModelFrame(pre, width, height, Math.min(b.x1, b.x2), Math.min(b.y1, b.y2)), ...toModelFrame(pre, width, height, Math.max(b.x1, b.x2), Math.max(b.y1, b.y2)));
      labels.push(POINT_LABEL.boxTopLeft, POINT_LABEL.boxBottomRight);
    }
    const m = pre.maskInputSize;
    const mask = prompt.maskLogits ?? (prompt.maskBits ? this.encodeMask(prompt.maskBits, width, height) : null);
    if (!prompt.box && (prompt.points.length > 0 || !mask)) {
      // SAM pads points without a box with one "not a point"; a mask alone goes in with no point at all (as SamPredictor does).
      coords.push(0, 0);
      labels.push(POINT_LABEL.padding);
    }
    if (mask && mask.length !== m * m) throw new VoxaError('BAD_REQUEST', `a mask prompt must be ${m}×${m}`);
    const emTensor = emb.e.tensor;
    const feeds: Record<string, WireTensor> = {
      // A copy: the worker takes the buffers it is sent, and the cache keeps this one.
      image_embeddings: { ...emTensor, data: (emTensor.data as Float32Array).slice() },
      point_coords: f32(Float32Array.from(coords), [1, labels.length, 2]),
      point_labels: f32(Float32Array.from(labels), [1, labels.length]),
      mask_input: f32(mask ? maskFeed(mask, pre.maskInputKind) : new Float32Array(m * m), [1, 1, m, m]),
      has_mask_input: f32(Float32Array.of(mask ? 1 : 0), [1]),
    };
    // A stretched image has no padding to crop: ask for the square input size and resize here (see samPreprocessing.ts).
    if (pre.origImSize) feeds.orig_im_size = f32(pre.resize === 'stretch' ? Float32Array.of(pre.inputSize, pre.inputSize) : Float32Array.of(height, width), [2]);
    const preMs = performance.now() - t;
    const { outputs, runMs } = await this.decoder(feeds, signal);
    const masks = outputs.masks;
    const ious = outputs.iou_predictions;
    if (!masks || !ious) throw new VoxaError('INTERNAL', 'the decoder did not return masks and iou_predictions');
    const M = masks.dims[1] ?? 1;
    const iouList = Array.from(ious.data as Float32Array, Number);
    let chosen = 0;
    if (M > 1 && pre.multimaskOutput) {
      chosen = 1;
      for (let n = 2; n < M; n++) if ((iouList[n] as number) > (iouList[chosen] as number)) chosen = n;
    }
    const mh = masks.dims[2] as number;
    const mw = masks.dims[3] as number;
    const plane0 = (masks.data as Float32Array).subarray(chosen * mh * mw, (chosen + 1) * mh * mw);
    let logits: Float32Array;
    if (mh === height && mw === width && pre.origImSize && pre.resize === 'longestSide') logits = plane0.slice();
    else if (pre.resize === 'stretch' && (mh !== m || mw !== m)) logits = interpolateBilinear(plane0, mw, mh, width, height);
    else {
      // Sam.postprocess_masks: to the input size, drop the padding, to the slice size.
      const r = resizedShape(pre, width, height);
      const full = interpolateBilinear(plane0, mw, mh, pre.inputSize, pre.inputSize);
      const cropped = new Float32Array(r.width * r.height);
      for (let y = 0; y < r.height; y++) cropped.set(full.subarray(y * pre.inputSize, y * pre.inputSize + r.width), y * r.width);
      logits = interpolateBilinear(cropped, r.width, r.height, width, height);
    }
    const low = outputs.low_res_masks;
    const lowRes = low ? (low.data as Float32Array).slice(chosen * m * m, (chosen + 1) * m * m) : mh === m && mw === m ? plane0.slice() : null;
    return {
      width,
      height,
      logits,
      lowRes,
      iou: iouList[chosen] as number,
      ious: iouList,
      chosen,
      encoderMs: emb.ms,
      decoderMs: runMs,
      preprocessMs: emb.pre + preMs,
      embeddingCached: emb.cached,
    };
  }
}
