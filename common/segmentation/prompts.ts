/**
 * SAM-compatible prompt encoding for `segment.prompt2d` models
 * (docs/model-packs.md): points with labels (1 positive, 0 negative, 2/3 box
 * corners, −1 padding), and a low-resolution mask prompt as logits.
 *
 * As in SAM's own predictor, a prompt without a box gets one padding point
 * (0, 0) with label −1 appended, so an exported SAM decoder sees the input it
 * was traced with; a box is two corner points (top-left label 2,
 * bottom-right label 3) after the clicks.
 */

export const POINT_LABEL = { negative: 0, positive: 1, boxTopLeft: 2, boxBottomRight: 3, padding: -1 } as const;

/** Logit magnitude of a binary mask prompt: +10 inside, −10 outside (docs/model-packs.md). */
export const MASK_PROMPT_LOGIT = 10;

export interface CropPoint {
  /** Crop pixel coordinates (x along columns, y along rows; pixel centres at +0.5). */
  x: number;
  y: number;
  positive: boolean;
}

export interface CropBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface CropPrompt {
  points: CropPoint[];
  box?: CropBox;
  /** A binary mask prompt at (S/4)², row-major, non-zero = inside. */
  mask?: Uint8Array;
}

export interface EncodedPrompt {
  /** [1, N, 2] */
  pointCoords: Float32Array;
  /** [1, N] */
  pointLabels: Float32Array;
  n: number;
  /** [1, 1, S/4, S/4] */
  maskInput: Float32Array;
  /** [1] */
  hasMaskInput: Float32Array;
}

export function encodePrompt(p: CropPrompt, maskSize: number): EncodedPrompt {
  const coords: number[] = [];
  const labels: number[] = [];
  for (const pt of p.points) {
    coords.push(pt.x, pt.y);
    labels.push(pt.positive ? POINT_LABEL.positive : POINT_LABEL.negative);
  }
  if (p.box) {
    // Corners in crop orientation: a plane with a flipped axis may hand them over swapped.
    coords.push(Math.min(p.box.x1, p.box.x2), Math.min(p.box.y1, p.box.y2), Math.max(p.box.x1, p.box.x2), Math.max(p.box.y1, p.box.y2));
    labels.push(POINT_LABEL.boxTopLeft, POINT_LABEL.boxBottomRight);
  } else {
    coords.push(0, 0);
    labels.push(POINT_LABEL.padding);
  }
  const maskInput = new Float32Array(maskSize * maskSize).fill(p.mask ? -MASK_PROMPT_LOGIT : 0);
  if (p.mask) {
    if (p.mask.length !== maskSize * maskSize) throw new RangeError(`mask prompt has ${p.mask.length} pixels, expected ${maskSize}²`);
    for (let n = 0; n < p.mask.length; n++) if (p.mask[n]) maskInput[n] = MASK_PROMPT_LOGIT;
  }
  return {
    pointCoords: Float32Array.from(coords),
    pointLabels: Float32Array.from(labels),
    n: labels.length,
    maskInput,
    hasMaskInput: Float32Array.of(p.mask ? 1 : 0),
  };
}
