/**
 * The image side of SAM-family packs (common/models/samPreprocessing.ts): a
 * whole slice in reading orientation, its 8-bit quantisation, Pillow's 8-bit
 * bilinear resize (what SAM's ResizeLongestSide.apply_image runs, through
 * torchvision on a PIL image), normalisation, padding and channel layout,
 * and the prompt-coordinate transform into the model's frame.
 */
import type { SamPreprocessing } from '../../../../common/models/samPreprocessing';
import { intensityRange, intensityRuleFor } from '../../../../common/segmentation/intensity';
import { planeSize, planeStrides, type SlicePlane } from '../../../../common/segmentation/slicePlane';
import type { Volume } from '../../../../common/volume';

/** One slice as the model sees it: x runs along the plane's columns as read (colSign), y along its rows. */
export interface SliceImage {
  width: number;
  height: number;
  /** Voxel values, row-major (y · width + x). */
  values: Float32Array;
}

/** Slice pixel x ↔ grid u (and y ↔ v): the plane's sign flips the axis so the image reads as radiologists see it. */
export function sliceToGrid(plane: SlicePlane, width: number, height: number, x: number, y: number): [number, number] {
  return [plane.colSign > 0 ? x : width - 1 - x, plane.rowSign > 0 ? y : height - 1 - y];
}

export function extractSlice(volume: Volume, plane: SlicePlane, slice: number): SliceImage {
  const g = volume.geometry;
  const { width, height } = planeSize(g, plane);
  const { su, sv, sk } = planeStrides(g, plane);
  const values = new Float32Array(width * height);
  const base = slice * sk;
  const vox = volume.voxels;
  for (let y = 0; y < height; y++) {
    const v = plane.rowSign > 0 ? y : height - 1 - y;
    for (let x = 0; x < width; x++) {
      const u = plane.colSign > 0 ? x : width - 1 - x;
      values[y * width + x] = vox[base + u * su + v * sv] as number;
    }
  }
  return { width, height, values };
}

/** floor(clip((v − lo) / (hi − lo), 0, 1) · 255 + 0.5); NaN and a flat range give 0. */
export function quantise8(values: Float32Array, lo: number, hi: number): Uint8Array {
  const out = new Uint8Array(values.length);
  const span = hi - lo;
  if (!(span > 0)) return out;
  for (let n = 0; n < values.length; n++) {
    const t = ((values[n] as number) - lo) / span;
    if (!(t > 0)) continue;
    out[n] = t >= 1 ? 255 : Math.floor(t * 255 + 0.5);
  }
  return out;
}

/** The [lo, hi] range the pack's intensity rule maps to [0, 1] for this slice and modality. */
export function sliceWindow(pre: SamPreprocessing, values: Float32Array, modality: string): [number, number] {
  return intensityRange(values, intensityRuleFor(pre.intensity, modality));
}

/** SAM's ResizeLongestSide.get_preprocess_shape, or both sides for `stretch`. */
export function resizedShape(pre: SamPreprocessing, width: number, height: number): { width: number; height: number } {
  if (pre.resize === 'stretch') return { width: pre.inputSize, height: pre.inputSize };
  const scale = pre.inputSize / Math.max(width, height);
  return { width: Math.floor(width * scale + 0.5), height: Math.floor(height * scale + 0.5) };
}

// Pillow's Resample.c, 8 bits per channel: coefficients in fixed point with 22 fraction bits.
const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;
const HALF = 2 ** (PRECISION_BITS - 1);

function bilinearFilter(x: number): number {
  const a = x < 0 ? -x : x;
  return a < 1 ? 1 - a : 0;
}

/** Per output pixel: first input index, tap count and fixed-point weights (Pillow's precompute_coeffs + normalize_coeffs_8bpc). */
function coefficients(inSize: number, outSize: number): { first: Int32Array; count: Int32Array; weights: Float64Array; ksize: number } {
  const scale = inSize / outSize;
  const filterscale = scale < 1 ? 1 : scale;
  const support = 1 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const w = bilinearFilter((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < xmax; x++) {
      const w = ww !== 0 ? (k[x] as number) / ww : (k[x] as number);
      weights[xx * ksize + x] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
    }
    first[xx] = xmin;
    count[xx] = xmax;
  }
  return { first, count, weights, ksize };
}

const clip8 = (acc: number) => (acc >= ONE * 256 ? 255 : acc <= 0 ? 0 : Math.floor(acc / ONE));

/**
 * Pillow's `Image.resize(size, BILINEAR)` of an 8-bit image, bit for bit:
 * the horizontal pass first (into 8 bits), then the vertical one.
 */
export function resizeBilinear8(src: Uint8Array, width: number, height: number, outW: number, outH: number): Uint8Array {
  if (outW === width && outH === height) return src.slice();
  const vert = coefficients(height, outH);
  // Rows of the source the vertical pass reads.
  const yFirst = vert.first[0] as number;
  const yLast = (vert.first[outH - 1] as number) + (vert.count[outH - 1] as number);
  let tmp: Uint8Array;
  let tmpH: number;
  let rowOffset: number;
  if (outW !== width) {
    const hor = coefficients(width, outW);
    tmpH = yLast - yFirst;
    tmp = new Uint8Array(outW * tmpH);
    for (let y = 0; y < tmpH; y++) {
      const row = (y + yFirst) * width;
      for (let xx = 0; xx < outW; xx++) {
        const x0 = hor.first[xx] as number;
        const n = hor.count[xx] as number;
        let acc = HALF;
        for (let t = 0; t < n; t++) acc += (src[row + x0 + t] as number) * (hor.weights[xx * hor.ksize + t] as number);
        tmp[y * outW + xx] = clip8(acc);
      }
    }
    rowOffset = yFirst;
  } else {
    tmp = src;
    tmpH = height;
    rowOffset = 0;
  }
  if (outH === height && rowOffset === 0) return tmp === src ? src.slice() : tmp;
  const out = new Uint8Array(outW * outH);
  for (let yy = 0; yy < outH; yy++) {
    const y0 = (vert.first[yy] as number) - rowOffset;
    const n = vert.count[yy] as number;
    for (let xx = 0; xx < outW; xx++) {
      let acc = HALF;
      for (let t = 0; t < n; t++) acc += (tmp[(y0 + t) * outW + xx] as number) * (vert.weights[yy * vert.ksize + t] as number);
      out[yy * outW + xx] = clip8(acc);
    }
  }
  return out;
}

/** OpenCV's INTER_NEAREST: output pixel x takes source pixel floor(x · width / outW). */
export function resizeNearest8(src: Uint8Array, width: number, height: number, outW: number, outH: number): Uint8Array {
  const out = new Uint8Array(outW * outH);
  const sx = width / outW;
  const sy = height / outH;
  for (let y = 0; y < outH; y++) {
    const row = Math.min(height - 1, Math.floor(y * sy)) * width;
    for (let x = 0; x < outW; x++) out[y * outW + x] = src[row + Math.min(width - 1, Math.floor(x * sx))] as number;
  }
  return out;
}

/** The pack's resize of the 8-bit slice. */
export function resize8(pre: SamPreprocessing, src: Uint8Array, width: number, height: number, outW: number, outH: number): Uint8Array {
  return pre.resample === 'nearest' ? resizeNearest8(src, width, height, outW, outH) : resizeBilinear8(src, width, height, outW, outH);
}

/**
 * The encoder's input [1, C, S, S] from the resized 8-bit image: normalised per
 * the pack, zeros right and below (bottom-right padding, after normalisation).
 */
export function encoderInput(pre: SamPreprocessing, resized: Uint8Array, width: number, height: number): Float32Array {
  const S = pre.inputSize;
  const C = pre.channels;
  const out = new Float32Array(C * S * S);
  let lo = 0;
  let span = 255;
  if (pre.normalize.type === 'minMax') {
    lo = 255;
    let hi = 0;
    for (const v of resized) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    span = Math.max(hi - lo, 1e-8);
  }
  for (let c = 0; c < C; c++) {
    const plane = c * S * S;
    const mean = pre.normalize.type === 'meanStd' ? (pre.normalize.pixelMean[c] as number) : lo;
    const std = pre.normalize.type === 'meanStd' ? (pre.normalize.pixelStd[c] as number) : span;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) out[plane + y * S + x] = ((resized[y * width + x] as number) - mean) / std;
    }
  }
  return out;
}

/** Slice pixel coordinates → the model's input frame (ResizeLongestSide.apply_coords). */
export function toModelFrame(pre: SamPreprocessing, width: number, height: number, x: number, y: number): [number, number] {
  const r = resizedShape(pre, width, height);
  return [x * (r.width / width), y * (r.height / height)];
}
