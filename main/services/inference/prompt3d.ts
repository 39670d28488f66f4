/**
 * `segment.prompt3d`: one forward pass of a native 3D promptable model on a
 * cubic crop around the prompt (DESIGN §5 "native 3D models take 3D prompts
 * directly"; the crop as native-models/training/lesion3d/crop.py defines it).
 *
 * - The crop: G³ voxels of side fov/G mm along the image's own i, j, k axes,
 *   centred on a continuous voxel index; the image is sampled trilinearly
 *   with clamped indices, the "inside" channel is the trilinear sample of an
 *   indicator that is 0 outside the image (separable: the product of the
 *   three axes' in-range weights).
 * - Channels: the image channels of the modality's rules, inside, positive
 *   and negative click maps (Gaussian, sigma in crop voxels), the prior mask
 *   (the segment being corrected, trilinear) and the box (its rectangle on
 *   the crop slice nearest the box's slice).
 * - A click climbs the field-of-view ladder from `firstFovMm` while the
 *   mask reaches the crop's border (the lesion is larger than the crop) or
 *   comes back empty; with `coarseFovMm` it runs there first and then at
 *   `boxFovFactor` × the extent found (coarse to fine); with `fillFraction`
 *   a mask spanning that fraction of the crop counts as reaching its border,
 *   and the fine pass may be larger than the coarse crop; with `leakCheck` a
 *   coarse mask whose edge is soft (`edgeSharpness`) gives way to the sharpest
 *   mask of a few smaller crops when each of them that holds its mask is sharp
 *   (a small lesion whose coarse mask leaked into the organ around it). A box sets the field
 *   of view from its side and bounds the mask in its plane; a correction (a
 *   prior) centres the crop on the segment and its clicks.
 * - Only the connected part of the mask that holds the seed (the first
 *   positive click, else the box centre, else the prior's nearest part) is
 *   kept; the crop's logits go back to the image grid trilinearly.
 */
import { VoxaError } from '../../../common/contract';
import { SUPERSEDED, throwIfCancelled } from '../jobs/cancelled';
import type { Prompt3dConfig } from '../../../common/models/manifest';
import { diceBy } from '../../../common/segmentation/dice';
import { floodFill6 } from '../../../common/segmentation/floodFill6';
import { intensityRange } from '../../../common/segmentation/intensity';
import { deltaFromBoxMask, emptyDelta, maskFromDelta, type LabelmapDelta } from '../../../common/labelmap/labelmapDelta';
import type { Vec3, Volume } from '../../../common/volume';
import type { ModelRunner } from './prompt2d';
import { boxChannel, clickMap, cropFrame, insideCrop, sampleCrop, toCrop, type CropFrame } from './prompt3dCrop';

export { boxChannel, clickMap, cropFrame, insideCrop, sampleCrop, toCrop, type CropFrame } from './prompt3dCrop';

export interface Prompt3dInput {
  /** Clicks in continuous voxel indices. */
  points: { ijk: Vec3; positive: boolean }[];
  /** Box corners in continuous voxel indices, on one slice of `boxAxis`. */
  box?: { a: Vec3; b: Vec3 };
  /** The grid axis the box's slice is normal to (default: the axis where the corners agree, else k). */
  boxAxis?: 0 | 1 | 2;
  /** The segment being corrected (1 inside), on the volume's grid. */
  prior?: Uint8Array;
  /**
   * The classical tool's region for the same click: `leakCheck.confirmDice` needs it (made dense only if the check
   * asks). A promise lets the caller grow it while the first pass runs in the inference worker.
   */
  classical?: LabelmapDelta | Promise<LabelmapDelta>;
}

export interface Prompt3dRun {
  fovMm: number;
  centre: Vec3;
  voxels: number;
  touchesBorder: boolean;
  modelMs: number;
  /** Passes the leak check looked at: the mask's `edgeSharpness`. */
  sharpness?: number;
}

export interface Prompt3dResult {
  delta: LabelmapDelta;
  runs: Prompt3dRun[];
  timings: { preprocessMs: number; modelMs: number; postprocessMs: number };
}

/** 6-connected components of `bits` (G³): ids (0 outside) and sizes (index = id). */
export function components3d(bits: Uint8Array, dims: Vec3): { ids: Int32Array; sizes: number[] } {
  const ids = new Int32Array(bits.length);
  const sizes = [0];
  const seen = new Uint8Array(bits.length);
  for (let q0 = 0; q0 < bits.length; q0++) {
    const part = floodFill6(bits, dims, q0, { seen });
    if (part.length === 0) continue;
    for (const q of part) ids[q] = sizes.length;
    sizes.push(part.length);
  }
  return { ids, sizes };
}

/** The component holding `seed` (crop voxel), else the one nearest to it; null when there is none. */
function seedComponent(bits: Uint8Array, G: number, seed: Vec3): { keep: Uint8Array; count: number } | null {
  const { ids, sizes } = components3d(bits, [G, G, G]);
  if (sizes.length === 1) return null;
  const s = seed.map((v) => Math.min(G - 1, Math.max(0, Math.round(v)))) as Vec3;
  let id = ids[(s[2] * G + s[1]) * G + s[0]] as number;
  if (!id) {
    let best = Infinity;
    for (let q = 0; q < ids.length; q++) {
      if (!ids[q]) continue;
      const d = (q % G - s[0]) ** 2 + (Math.floor(q / G) % G - s[1]) ** 2 + (Math.floor(q / (G * G)) - s[2]) ** 2;
      if (d < best) {
        best = d;
        id = ids[q] as number;
      }
    }
  }
  const keep = new Uint8Array(bits.length);
  for (let q = 0; q < ids.length; q++) if (ids[q] === id) keep[q] = 1;
  return { keep, count: sizes[id] as number };
}

/** The farthest a crop component reaches from the crop's centre along any axis, in mm (crop voxel = fov / G mm). */
function reachMm(keep: Uint8Array, G: number, fovMm: number): number {
  const c = G / 2 - 0.5;
  let far = 0;
  for (let z = 0, q = 0; z < G; z++)
    for (let y = 0; y < G; y++)
      for (let x = 0; x < G; x++, q++) if (keep[q]) far = Math.max(far, Math.abs(x - c), Math.abs(y - c), Math.abs(z - c));
  return (far + 0.5) * (fovMm / G);
}

/** The component's largest bounding-box side in mm (crop voxel = fov / G mm). */
function extentMm(keep: Uint8Array, G: number, fovMm: number): number {
  const b = maskBox(keep, [G, G, G]);
  return b.count === 0 ? 0 : Math.max(...[0, 1, 2].map((a) => (b.max[a] as number) - (b.min[a] as number) + 1)) * (fovMm / G);
}

/** One axis of the paste back to the image grid: crop taps A, B and weight w per image index, and the span that can be set. */
type AxisTap = { A: Int32Array; B: Int32Array; w: Float64Array; first: number; last: number };

type Flip = readonly [boolean, boolean, boolean];
/** Mirrorings of a crop along its x (i), y (j), z (k) axes, in the order `testTimeFlips` takes them. */
const FLIPS: readonly Flip[] = [
  [false, false, false], [true, false, false], [false, true, false], [true, true, false],
  [false, false, true], [true, false, true], [false, true, true], [true, true, true],
];

/** A [C, G, G, G] crop mirrored along the flagged axes (its own inverse). */
export function flipCrop(data: Float32Array, channels: number, G: number, f: Flip): Float32Array {
  const out = new Float32Array(data.length);
  const V = G * G * G;
  for (let c = 0; c < channels; c++)
    for (let z = 0; z < G; z++) {
      const zs = f[2] ? G - 1 - z : z;
      for (let y = 0; y < G; y++) {
        const ys = f[1] ? G - 1 - y : y;
        const dst = c * V + (z * G + y) * G;
        const src = c * V + (zs * G + ys) * G;
        if (f[0]) for (let x = 0; x < G; x++) out[dst + x] = data[src + G - 1 - x] as number;
        else out.set(data.subarray(src, src + G), dst);
      }
    }
  return out;
}

/**
 * How sure the model is of a crop mask's edge: the mean |p − ½| (p = sigmoid of the logit) over the voxels on
 * either side of it (6-neighbours that differ), 0…½; 0 when the mask is empty or fills the crop. On the tuning
 * phantoms a leak into the organ around a small lesion has a soft edge (0.05–0.08) where the lesion's own mask at
 * a small crop is sharp (0.3–0.45).
 */
export function edgeSharpness(logits: Float32Array, keep: Uint8Array, G: number): number {
  let sum = 0, n = 0;
  const G2 = G * G;
  for (let z = 0, q = 0; z < G; z++)
    for (let y = 0; y < G; y++)
      for (let x = 0; x < G; x++, q++) {
        const v = keep[q];
        const edge =
          (x > 0 && keep[q - 1] !== v) || (x < G - 1 && keep[q + 1] !== v) ||
          (y > 0 && keep[q - G] !== v) || (y < G - 1 && keep[q + G] !== v) ||
          (z > 0 && keep[q - G2] !== v) || (z < G - 1 && keep[q + G2] !== v);
        if (!edge) continue;
        sum += Math.abs(1 / (1 + Math.exp(-(logits[q] as number))) - 0.5);
        n++;
      }
  return n === 0 ? 0 : sum / n;
}

/** Mask voxels on the crop's outer shell where the crop lies inside the image. */
function borderVoxels(keep: Uint8Array, inside: Float32Array, G: number): number {
  let n = 0;
  for (let z = 0; z < G; z++)
    for (let y = 0; y < G; y++)
      for (let x = 0; x < G; x++) {
        if (x !== 0 && x !== G - 1 && y !== 0 && y !== G - 1 && z !== 0 && z !== G - 1) continue;
        const q = (z * G + y) * G + x;
        if (keep[q] && (inside[q] as number) > 0.5) n++;
      }
  return n;
}

/**
 * The highest Dice with the region `region` (> ½ on a G³ crop) that a crop mask inside that crop can reach: one with
 * at most `shellAllowed` voxels on the crop's outer shell and, if `maxSide` < G, a bounding box no larger than
 * `maxSide` voxels a side. Such a mask holds at most m of the region's c voxels (the region's inner part plus the
 * shell allowance, or the most of it any `maxSide`³ box holds), and 2|A ∩ C| / (|A| + |C|) ≤ 2m / (m + c).
 * 0 when the region misses the crop.
 */
export function bestDiceInside(region: Float32Array, G: number, maxSide: number, shellAllowed: number): number {
  const G1 = G + 1;
  const useBox = maxSide < G;
  // Summed-volume table for the box bound, S[(z·G1 + y)·G1 + x] = count over [0, x) × [0, y) × [0, z).
  const S = useBox ? new Int32Array(G1 * G1 * G1) : null;
  let c = 0, inner = 0;
  for (let z = 0, q = 0; z < G; z++)
    for (let y = 0; y < G; y++)
      for (let x = 0; x < G; x++, q++) {
        const v = (region[q] as number) > 0.5 ? 1 : 0;
        c += v;
        if (v && x > 0 && x < G - 1 && y > 0 && y < G - 1 && z > 0 && z < G - 1) inner++;
        if (S) {
          const o = ((z + 1) * G1 + (y + 1)) * G1 + (x + 1);
          S[o] = v + (S[o - 1] as number) + (S[o - G1] as number) + (S[o - G1 * G1] as number)
            - (S[o - 1 - G1] as number) - (S[o - 1 - G1 * G1] as number) - (S[o - G1 - G1 * G1] as number)
            + (S[o - 1 - G1 - G1 * G1] as number);
        }
      }
  if (c === 0) return 0;
  let m = Math.min(c, inner + shellAllowed);
  if (S) {
    const s = Math.max(1, maxSide);
    const at = (x: number, y: number, z: number) => S[(z * G1 + y) * G1 + x] as number;
    let most = 0;
    for (let z = 0; z + s <= G; z++)
      for (let y = 0; y + s <= G; y++)
        for (let x = 0; x + s <= G; x++) {
          const n = at(x + s, y + s, z + s) - at(x, y + s, z + s) - at(x + s, y, z + s) - at(x + s, y + s, z)
            + at(x, y, z + s) + at(x, y + s, z) + at(x + s, y, z) - at(x, y, z);
          if (n > most) most = n;
        }
    m = Math.min(m, most);
  }
  return (2 * m) / (m + c);
}

/**
 * The leak check's choice among the smaller crops whose masks stay inside them and are sharp: the sharpest, or with
 * `pick: 'agreeing'` the one that agrees best with the classical region; with `confirmDice` the choice must agree with
 * it from that Dice, or none is taken (the coarse mask stands).
 */
export function pickSmallerCrop<T extends { sharpness: number }>(
  sharp: readonly T[],
  check: { confirmDice?: number | undefined; pick?: 'sharpest' | 'agreeing' | undefined },
  agreement: (c: T) => number,
): T | null {
  if (sharp.length === 0) return null;
  if (check.confirmDice === undefined) return sharp.reduce((a, b) => (b.sharpness > a.sharpness ? b : a));
  const scored = sharp.map((c) => ({ c, agree: agreement(c) }));
  const by = check.pick === 'agreeing' ? (x: { c: T; agree: number }) => x.agree : (x: { c: T; agree: number }) => x.c.sharpness;
  const choice = scored.reduce((a, b) => (by(b) > by(a) ? b : a));
  return choice.agree >= check.confirmDice ? choice.c : null;
}

function boxAxisOf(box: { a: Vec3; b: Vec3 }): 0 | 1 | 2 {
  let best: 0 | 1 | 2 = 2;
  let d = Infinity;
  for (const a of [2, 1, 0] as const) {
    const v = Math.abs((box.a[a] as number) - (box.b[a] as number));
    if (v < d) {
      d = v;
      best = a;
    }
  }
  return best;
}

/** Bounding box (voxel indices, inclusive) of a mask on the volume's grid. */
function maskBox(mask: Uint8Array, dims: Vec3): { min: Vec3; max: Vec3; count: number } {
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-1, -1, -1];
  let count = 0;
  const [ni, nj] = dims;
  for (let q = 0; q < mask.length; q++) {
    if (!mask[q]) continue;
    count++;
    const i = q % ni, j = Math.floor(q / ni) % nj, k = Math.floor(q / (ni * nj));
    if (i < min[0]) min[0] = i;
    if (j < min[1]) min[1] = j;
    if (k < min[2]) min[2] = k;
    if (i > max[0]) max[0] = i;
    if (j > max[1]) max[1] = j;
    if (k > max[2]) max[2] = k;
  }
  return { min, max, count };
}

export async function runPrompt3d(
  volume: Volume,
  config: Prompt3dConfig,
  input: Prompt3dInput,
  runner: ModelRunner,
  opts: { signal?: AbortSignal; label?: number } = {},
): Promise<Prompt3dResult> {
  const { pre, post } = config;
  const G = pre.cropSizeVox;
  const g = volume.geometry;
  const dims = g.dimensions;
  const sp = g.spacingMm;
  const rules = pre.imageChannels[volume.meta.modality] ?? pre.imageChannels.default;
  if (!rules) throw new VoxaError('CORRUPT_INPUT', 'the pack has no image channel rules for this modality and no default');
  const timings = { preprocessMs: 0, modelMs: 0, postprocessMs: 0 };
  const runs: Prompt3dRun[] = [];
  const positives = input.points.filter((p) => p.positive).map((p) => p.ijk);
  const negatives = input.points.filter((p) => !p.positive).map((p) => p.ijk);
  const ladder = pre.fovLadderMm;
  const fovMin = ladder[0] as number;
  const fovMax = ladder[ladder.length - 1] as number;
  const clampFov = (f: number) => Math.min(fovMax, Math.max(fovMin, f));
  const priorBox = input.prior ? maskBox(input.prior, dims) : null;
  const hasPrior = !!priorBox && priorBox.count > 0;

  // Where the crop goes and how large it starts; what seeds the kept component.
  let centre: Vec3;
  let fovs: number[];
  let seedIjk: Vec3;
  const box = input.box;
  const boxAxis = box ? (input.boxAxis ?? boxAxisOf(box)) : 2;
  if (hasPrior && priorBox) {
    const lo = [...priorBox.min] as Vec3;
    const hi = [...priorBox.max] as Vec3;
    for (const p of input.points) for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a] as number, p.ijk[a] as number);
      hi[a] = Math.max(hi[a] as number, p.ijk[a] as number);
    }
    centre = [0, 1, 2].map((a) => ((lo[a] as number) + (hi[a] as number)) / 2) as Vec3;
    const extent = Math.max(...[0, 1, 2].map((a) => ((hi[a] as number) - (lo[a] as number) + 1) * (sp[a] as number)));
    const f0 = clampFov(extent * pre.correctionFovFactor);
    fovs = [f0, clampFov(f0 * 1.5)];
    seedIjk = positives[0] ?? centre;
  } else if (box) {
    centre = [0, 1, 2].map((a) => ((box.a[a] as number) + (box.b[a] as number)) / 2) as Vec3;
    const side = Math.max(...[0, 1, 2].filter((a) => a !== boxAxis).map((a) => (Math.abs((box.a[a] as number) - (box.b[a] as number)) + 1) * (sp[a] as number)));
    const f0 = clampFov(side * pre.boxFovFactor);
    fovs = [f0, clampFov(f0 * 2)];
    seedIjk = positives[0] ?? centre;
  } else {
    const first = positives[0];
    if (!first) throw new VoxaError('BAD_REQUEST', 'a prompt needs a positive point, a box or a mask to correct');
    centre = first;
    fovs = ladder.filter((f) => f >= pre.firstFovMm);
    seedIjk = first;
  }

  const flips = Math.min(post.testTimeFlips, FLIPS.length);
  const V = G * G * G;
  /** The model's logits for one crop, checked. */
  const logitsOf = (out: Awaited<ReturnType<typeof runner>>): Float32Array => {
    const logits = out.outputs.logits?.data as Float32Array | undefined;
    if (!logits || logits.length !== V) throw new VoxaError('CORRUPT_INPUT', `the model returned no logits of ${G}³`);
    return logits;
  };
  /** The part of the thresholded logits that holds the seed. */
  const seedPart = (logits: Float32Array, frame: CropFrame) => {
    const bits = new Uint8Array(V);
    for (let q = 0; q < V; q++) if ((logits[q] as number) > post.maskThreshold) bits[q] = 1;
    return seedComponent(bits, G, toCrop(frame, seedIjk));
  };
  /** One forward pass on the crop of side `fov` mm centred on `at`: the seed's component and whether it reaches the border. */
  const runAt = async (at: Vec3, fov: number) => {
    throwIfCancelled(opts.signal, SUPERSEDED);
    const t0 = performance.now();
    const frame = cropFrame(volume, at, fov, G);
    const raw = sampleCrop(volume.voxels as ArrayLike<number>, dims, frame, true);
    const inside = insideCrop(dims, frame);
    const nImg = rules.length;
    const x = new Float32Array((nImg + 5) * V);
    const insideValues: number[] = [];
    for (let q = 0; q < V; q++) if ((inside[q] as number) > 0.5) insideValues.push(raw[q] as number);
    const values = insideValues.length >= 16 ? insideValues : Array.from(raw);
    // Channels with the same rule (MR's two percentile channels) share one range.
    const ranges = new Map<string, [number, number]>();
    rules.forEach((rule, c) => {
      const key = JSON.stringify(rule);
      const range = ranges.get(key) ?? intensityRange(values, rule);
      ranges.set(key, range);
      const [lo, hi] = range;
      const span = hi - lo;
      const off = c * V;
      for (let q = 0; q < V; q++) {
        const t = span > 0 ? ((raw[q] as number) - lo) / span : 0;
        x[off + q] = t < 0 || !Number.isFinite(t) ? 0 : t > 1 ? 1 : t;
      }
    });
    x.set(inside, nImg * V);
    clickMap(positives.map((p) => toCrop(frame, p)), G, pre.clickSigmaVox, x.subarray((nImg + 1) * V, (nImg + 2) * V));
    clickMap(negatives.map((p) => toCrop(frame, p)), G, pre.clickSigmaVox, x.subarray((nImg + 2) * V, (nImg + 3) * V));
    if (hasPrior && input.prior) x.set(sampleCrop(input.prior, dims, frame, false), (nImg + 3) * V);
    if (box) x.set(boxChannel(frame, box, boxAxis), (nImg + 4) * V);
    timings.preprocessMs += performance.now() - t0;
    const kept = flips > 1 ? x.slice() : x; // the runner may transfer x's buffer to its worker
    const out = await runner({ input: { dtype: 'float32', dims: [1, nImg + 5, G, G, G], data: x } }, opts.signal);
    timings.modelMs += out.runMs;
    const t1 = performance.now();
    const logits = logitsOf(out);
    const comp = seedPart(logits, frame);
    const touches = comp ? borderVoxels(comp.keep, inside, G) > post.borderVoxels : false;
    runs.push({ fovMm: fov, centre: at, voxels: comp?.count ?? 0, touchesBorder: touches, modelMs: out.runMs });
    timings.postprocessMs += performance.now() - t1;
    return { frame, logits, comp, touches, x: kept };
  };
  type Pass = Awaited<ReturnType<typeof runAt>>;
  type Chosen = { frame: CropFrame; logits: Float32Array; keep: Uint8Array; x: Float32Array };
  let chosen: Chosen | null = null;
  /** The lesion is larger than this crop: its mask reaches the border, or (with `fillFraction`) spans that much of the crop. */
  const reaches = (r: Pass, fov: number) =>
    r.touches || (pre.fillFraction !== undefined && !!r.comp && extentMm(r.comp.keep, G, fov) >= pre.fillFraction * fov);
  type Found = { keep: Uint8Array; fov: number; reaches: boolean };
  /** Runs the fields of view in turn until the mask no longer reaches the crop's border; the last pass that found a mask. */
  const climb = async (at: Vec3, list: number[]): Promise<Found | null> => {
    let last: Found | null = null;
    for (let n = 0; n < list.length; n++) {
      const fov = list[n] as number;
      if (n > 0 && fov <= (list[n - 1] as number)) break;
      const r = await runAt(at, fov);
      if (!r.comp) continue;
      chosen = { frame: r.frame, logits: r.logits, keep: r.comp.keep, x: r.x };
      last = { keep: r.comp.keep, fov, reaches: reaches(r, fov) };
      if (!last.reaches) break;
    }
    return last;
  };
  const coarse = !hasPrior && !box && pre.coarseFovMm !== undefined ? clampFov(pre.coarseFovMm) : null;
  /** The classical region (awaited by the leak check) and its dense copy, made once for the crops that compare with it. */
  let classical: LabelmapDelta | undefined;
  let classicalDense: Uint8Array | null = null;
  /** The classical region sampled on a crop as the prior is; null without one. */
  const classicalOnCrop = (frame: CropFrame): Float32Array | null => {
    if (!classical) return null;
    classicalDense ??= maskFromDelta(classical);
    return sampleCrop(classicalDense, dims, frame, false);
  };
  /** Dice, on the crop, of a crop mask with the classical region; 0 without one. */
  const agreementWithClassical = (keep: Uint8Array, frame: CropFrame): number => {
    const c = classicalOnCrop(frame);
    return c ? diceBy(V, (q) => keep[q] !== 0, (q) => (c[q] as number) > 0.5) : 0;
  };
  /** Whether a mask of the crop of side `fov` at the click that does not reach its border could agree with the classical region from `from`. */
  const mayAgreeWithClassical = (fov: number, from: number): boolean => {
    const c = classicalOnCrop(cropFrame(volume, centre, fov, G));
    if (!c) return false;
    const maxSide = pre.fillFraction === undefined ? G : Math.min(G, Math.ceil(pre.fillFraction * G));
    return bestDiceInside(c, G, maxSide, post.borderVoxels) >= from;
  };
  /** The coarse pass; with `leakCheck`, a soft-edged coarse mask gives way to a sharp one from a smaller crop. */
  const firstPass = async (fov: number): Promise<{ r: Pass; fov: number }> => {
    const r = await runAt(centre, fov);
    const check = pre.leakCheck;
    if (!check || !r.comp) return { r, fov };
    /** The pass's edge sharpness, recorded on its run (the last one pushed). */
    const sharpness = (p: Pass) => {
      const s = p.comp ? edgeSharpness(p.logits, p.comp.keep, G) : 0;
      const run = runs.at(-1);
      if (run) run.sharpness = s;
      return s;
    };
    if (sharpness(r) >= check.softBelow) return { r, fov };
    // A small lesion looks the same at each smaller crop that holds it: every one whose mask stays inside it must be
    // sharp, or the coarse mask stands (inside a large lesion the small crops find inner blobs that disagree).
    const smaller = [...new Set(check.fovsMm.map(clampFov))].filter((f) => f < fov);
    if (check.confirmDice !== undefined) classical = await input.classical;
    // With confirmDice, a switch needs the classical region's agreement on the smaller crop; where no crop mask that
    // stays inside its crop could reach it (bestDiceInside), the coarse mask stands without running them.
    if (check.confirmDice !== undefined && !smaller.some((f) => mayAgreeWithClassical(f, check.confirmDice as number))) return { r, fov };
    const sharp: { r: Pass; fov: number; sharpness: number }[] = [];
    for (const f of smaller) {
      const p = await runAt(centre, f);
      const s = sharpness(p);
      if (p.comp && reaches(p, f)) continue;
      if (s < check.sharpFrom) return { r, fov };
      sharp.push({ r: p, fov: f, sharpness: s });
    }
    return pickSmallerCrop(sharp, check, (c) => (c.r.comp ? agreementWithClassical(c.r.comp.keep, c.r.frame) : 0)) ?? { r, fov };
  };
  if (coarse === null) await climb(centre, fovs);
  else {
    // Coarse to fine: the lesion's reach from the click at the coarse field of view sets the crop of a
    // second pass (boxFovFactor × its extent, as a box would), so the lesion fills the crop as in training
    // whatever its size; a lesion larger than the coarse crop climbs on from there. With `fillFraction`
    // the second pass also follows a climb, and may be larger than the crop it refines.
    const { r, fov: coarseFov } = await firstPass(coarse);
    if (!r.comp) await climb(centre, fovs);
    else {
      chosen = { frame: r.frame, logits: r.logits, keep: r.comp.keep, x: r.x };
      const both = pre.fillFraction !== undefined;
      let last: Found = { keep: r.comp.keep, fov: coarseFov, reaches: reaches(r, coarseFov) };
      if (last.reaches) last = (await climb(centre, ladder.filter((f) => f > coarseFov))) ?? last;
      if (!last.reaches && (both || last.fov === coarseFov)) {
        const f1 = clampFov(2 * reachMm(last.keep, G, last.fov) * pre.boxFovFactor);
        if (f1 < last.fov || (both && f1 > last.fov * 1.15)) await climb(centre, [f1, clampFov(f1 * 2)]);
      }
    }
  }

  const t2 = performance.now();
  const label = opts.label ?? 1;
  if (!chosen) {
    timings.postprocessMs += performance.now() - t2;
    return { delta: emptyDelta(dims, label), runs, timings };
  }
  // Test-time flips: the chosen crop again, mirrored, its logits mirrored back and averaged.
  if (flips > 1) {
    const c0: Chosen = chosen;
    const mean = Float32Array.from(c0.logits);
    const channels = c0.x.length / V;
    for (let v = 1; v < flips; v++) {
      const f = FLIPS[v] as Flip;
      const out = await runner({ input: { dtype: 'float32', dims: [1, channels, G, G, G], data: flipCrop(c0.x, channels, G, f) } }, opts.signal);
      timings.modelMs += out.runMs;
      const back = flipCrop(logitsOf(out), 1, G, f);
      for (let q = 0; q < V; q++) mean[q] = (mean[q] as number) + (back[q] as number);
    }
    for (let q = 0; q < V; q++) mean[q] = (mean[q] as number) / flips;
    const comp = seedPart(mean, c0.frame);
    if (comp) chosen = { ...c0, logits: mean, keep: comp.keep };
  }
  // Back to the image grid: the kept component's logits (others forced below threshold), trilinear.
  const { frame, logits, keep } = chosen;
  const field = new Float32Array(logits.length);
  for (let q = 0; q < field.length; q++) field[q] = keep[q] ? (logits[q] as number) : Math.min(logits[q] as number, post.maskThreshold) - 1;
  const lo: number[] = [], hi: number[] = [];
  for (let a = 0; a < 3; a++) {
    const half = (G / 2) * (frame.step[a] as number);
    lo.push(Math.max(0, Math.ceil((frame.centre[a] as number) - half)));
    hi.push(Math.min((dims[a] as number) - 1, Math.floor((frame.centre[a] as number) + half)));
  }
  // A box bounds the mask in its plane.
  if (box) {
    for (let a = 0; a < 3; a++) {
      if (a === boxAxis) continue;
      const b0 = Math.min(box.a[a] as number, box.b[a] as number), b1 = Math.max(box.a[a] as number, box.b[a] as number);
      const m = post.boxMarginFraction * (b1 - b0 + 1) + 1;
      lo[a] = Math.max(lo[a] as number, Math.floor(b0 - m));
      hi[a] = Math.min(hi[a] as number, Math.ceil(b1 + m));
    }
  }
  const bmin = lo as unknown as Vec3;
  const bmax = hi as unknown as Vec3;
  const bx = (bmax[0] - bmin[0] + 1), by = (bmax[1] - bmin[1] + 1), bz = (bmax[2] - bmin[2] + 1);
  if (bx <= 0 || by <= 0 || bz <= 0) return { delta: emptyDelta(dims, label), runs, timings };
  const boxMask = new Uint8Array(bx * by * bz);
  const G2 = G * G;
  // Per axis, each image index's two crop taps (clamped) and weight; only indices whose taps reach the kept
  // component's bounding box can come out above the threshold (elsewhere every tap is forced below it).
  const kb = maskBox(keep, [G, G, G]);
  const taps = [0, 1, 2].map((a) => {
    const n = (bmax[a] as number) - (bmin[a] as number) + 1;
    const A = new Int32Array(n), B = new Int32Array(n), w = new Float64Array(n);
    let first = n, last = -1;
    for (let t = 0; t < n; t++) {
      const c = ((bmin[a] as number) + t - (frame.centre[a] as number)) / (frame.step[a] as number) + G / 2 - 0.5;
      const c0 = Math.floor(c);
      w[t] = c - c0;
      A[t] = Math.min(G - 1, Math.max(0, c0));
      B[t] = Math.min(G - 1, Math.max(0, c0 + 1));
      if ((B[t] as number) >= (kb.min[a] as number) && (A[t] as number) <= (kb.max[a] as number)) {
        if (first === n) first = t;
        last = t;
      }
    }
    return { A, B, w, first, last };
  }) as [AxisTap, AxisTap, AxisTap];
  const [tx, ty, tz] = taps;
  for (let z = tz.first; z <= tz.last; z++) {
    const zA = tz.A[z] as number, zB = tz.B[z] as number, wz = tz.w[z] as number;
    for (let y = ty.first; y <= ty.last; y++) {
      const yA = ty.A[y] as number, yB = ty.B[y] as number, wy = ty.w[y] as number;
      let o = (z * by + y) * bx + tx.first;
      for (let x = tx.first; x <= tx.last; x++) {
        const xA = tx.A[x] as number, xB = tx.B[x] as number, wx = tx.w[x] as number;
        const v =
          (1 - wz) * ((1 - wy) * ((1 - wx) * (field[zA * G2 + yA * G + xA] as number) + wx * (field[zA * G2 + yA * G + xB] as number)) + wy * ((1 - wx) * (field[zA * G2 + yB * G + xA] as number) + wx * (field[zA * G2 + yB * G + xB] as number))) +
          wz * ((1 - wy) * ((1 - wx) * (field[zB * G2 + yA * G + xA] as number) + wx * (field[zB * G2 + yA * G + xB] as number)) + wy * ((1 - wx) * (field[zB * G2 + yB * G + xA] as number) + wx * (field[zB * G2 + yB * G + xB] as number)));
        boxMask[o++] = v > post.maskThreshold ? 1 : 0;
      }
    }
  }
  const delta = deltaFromBoxMask(boxMask, bmin, bmax, dims, label);
  timings.postprocessMs += performance.now() - t2;
  return { delta, runs, timings };
}
