/**
 * Corrections that act where they are placed (DESIGN §5, issue 14): a click on
 * slice k re-segments slice k — the segment's current mask there as the mask
 * prompt, plus every click of this segment on that slice — and the change is
 * carried to the neighbouring slices only as far as it reaches.
 *
 * - A positive click only adds: on slice k the component of the model's mask
 *   that holds the click; on each next slice the parts of the model's mask
 *   (prompted with the corrected slice before) that are new *and* overlap
 *   what was added on the slice before.
 * - A negative click only removes: on slice k the part of the segment the
 *   model no longer includes that holds the click, and never past the middle
 *   between the click and the segment's positive clicks (projected onto the
 *   slice) — when the model keeps the click, that near part is what goes; a
 *   part no positive click falls in goes whole; on each next slice the parts the model drops that overlap what was
 *   removed on the slice before, and never all of that slice's segment.
 *
 * So a negative click can never empty a part of the lesion it does not touch
 * (slice by slice, removal is confined to what is connected to the click), and
 * a positive one never takes voxels away. The walk stops where nothing changes.
 */
import type { PlaneName, SliceMask } from '../../../common/segmentation/slicePlane';
import { planeSize, planeToIjk, slicePlaneFor } from '../../../common/segmentation/slicePlane';
import type { Vec3, Volume } from '../../../common/volume';

export interface CorrectionClick {
  ijk: Vec3;
  positive: boolean;
}

export interface LocalCorrectionInput {
  volume: Volume;
  plane: PlaneName;
  /** The segment's current voxels (1 inside), the volume's grid. */
  current: Uint8Array;
  click: CorrectionClick;
  /** The segment's earlier clicks (any slice); those on the clicked slice go in with it. */
  earlier: CorrectionClick[];
  /** One model run on one slice: the clicks and the mask prompt in, the slice's mask out (null: nothing). */
  runSlice: (slice: number, points: CorrectionClick[], mask: SliceMask | null) => Promise<SliceMask | null>;
  /** Most slices the change is carried to on each side (default: the whole volume). */
  maxReach?: number;
}

export interface LocalCorrectionResult {
  /** The corrected segment (1 inside), the volume's grid. */
  mask: Uint8Array;
  /** Slices whose voxels changed. */
  slicesChanged: number[];
  voxelsAdded: number;
  voxelsRemoved: number;
}

/** 4-connected components of a slice mask: ids (0 outside) and their count. */
function components(bits: Uint8Array, w: number, h: number): { ids: Int32Array; count: number } {
  const ids = new Int32Array(w * h);
  let count = 0;
  const stack: number[] = [];
  for (let q = 0; q < bits.length; q++) {
    if (!bits[q] || ids[q]) continue;
    ids[q] = ++count;
    stack.push(q);
    while (stack.length) {
      const p = stack.pop() as number;
      const x = p % w;
      const y = (p - x) / w;
      for (const [nx, ny] of [[x - 1, y], [x + 1, y], [x, y - 1], [x, y + 1]] as const) {
        if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
        const n = nx + ny * w;
        if (bits[n] && !ids[n]) {
          ids[n] = count;
          stack.push(n);
        }
      }
    }
  }
  return { ids, count };
}

/** The components of `bits` that overlap `seed` (or hold pixel `at`). */
function componentsTouching(bits: Uint8Array, w: number, h: number, seed: Uint8Array | null, at?: number): Uint8Array {
  const { ids } = components(bits, w, h);
  const keep = new Set<number>();
  if (at !== undefined && ids[at]) keep.add(ids[at] as number);
  if (seed) for (let q = 0; q < seed.length; q++) if (seed[q] && ids[q]) keep.add(ids[q] as number);
  const out = new Uint8Array(bits.length);
  for (let q = 0; q < bits.length; q++) if (ids[q] && keep.has(ids[q] as number)) out[q] = 1;
  return out;
}

/** One pixel of growth (4-neighbourhood): the overlap test tolerates a one-pixel shift between slices. */
function dilate(bits: Uint8Array, w: number): Uint8Array {
  const out = bits.slice();
  for (let q = 0; q < bits.length; q++) {
    if (!bits[q]) continue;
    const x = q % w;
    if (x > 0) out[q - 1] = 1;
    if (x < w - 1) out[q + 1] = 1;
    if (q >= w) out[q - w] = 1;
    if (q + w < bits.length) out[q + w] = 1;
  }
  return out;
}

export async function localCorrection(input: LocalCorrectionInput): Promise<LocalCorrectionResult> {
  const { volume, current, click } = input;
  const g = volume.geometry;
  const plane = slicePlaneFor(g, input.plane);
  const { width: w, height: h, slices } = planeSize(g, plane);
  const [ni, nj] = g.dimensions;
  const index = (u: number, v: number, s: number) => {
    const ijk = planeToIjk(plane, u, v, s);
    return ijk[0] + ni * (ijk[1] + nj * ijk[2]);
  };
  const read = (s: number): Uint8Array => {
    const out = new Uint8Array(w * h);
    for (let v = 0; v < h; v++) for (let u = 0; u < w; u++) if (current[index(u, v, s)]) out[u + v * w] = 1;
    return out;
  };
  const mask = current.slice();
  const write = (s: number, bits: Uint8Array) => {
    for (let v = 0; v < h; v++) for (let u = 0; u < w; u++) mask[index(u, v, s)] = bits[u + v * w] ? 1 : 0;
  };
  const k = Math.round(click.ijk[plane.normalAxis]);
  const cu = Math.round(click.ijk[plane.colAxis]);
  const cv = Math.round(click.ijk[plane.rowAxis]);
  const at = cu + cv * w;
  const onSlice = input.earlier.filter((p) => Math.round(p.ijk[plane.normalAxis]) === k);
  const result: LocalCorrectionResult = { mask, slicesChanged: [], voxelsAdded: 0, voxelsRemoved: 0 };
  const sliceMask = (bits: Uint8Array): SliceMask | null => (bits.some((b) => b) ? { width: w, height: h, bits } : null);

  // Slice k: the correction itself.
  const before = read(k);
  const model = (await input.runSlice(k, [...onSlice, click], sliceMask(before)))?.bits ?? new Uint8Array(w * h);
  let change: Uint8Array;
  if (click.positive) {
    const grown = componentsTouching(model, w, h, null, at);
    change = grown.map((b, q) => (b && !before[q] ? 1 : 0));
  } else {
    // Never past the middle between the click and what the reader said is lesion (its positive clicks on
    // this slice, else the segment's deepest pixel): the core of the lesion always stays.
    // The segment's positive clicks from every slice, projected onto this one.
    const positives = input.earlier.filter((p) => p.positive).map((p) => Math.round(p.ijk[plane.colAxis]) + Math.round(p.ijk[plane.rowAxis]) * w);
    const near = nearerToClick(before, w, h, at, positives);
    const dropped = before.map((b, q) => (b && !model[q] && near[q] ? 1 : 0));
    change = componentsTouching(dropped, w, h, null, at);
    // The model kept the clicked pixel (it ignored the click): the reader's word wins, up to the middle.
    if (!change.some((b) => b)) change = near;
  }
  const apply = (s: number, base: Uint8Array, delta: Uint8Array): Uint8Array => {
    const n = delta.reduce((a, b) => a + b, 0);
    if (n === 0) return base;
    const next = base.map((b, q) => (click.positive ? (b || delta[q] ? 1 : 0) : b && !delta[q] ? 1 : 0));
    write(s, next);
    result.slicesChanged.push(s);
    if (click.positive) result.voxelsAdded += n;
    else result.voxelsRemoved += n;
    return next;
  };
  const corrected = apply(k, before, change);

  // Carry the change outwards while it still finds something to change.
  const reach = input.maxReach ?? slices;
  for (const dir of [-1, 1] as const) {
    let prevChange = change;
    let prevMask = corrected;
    for (let s = k + dir, step = 1; s >= 0 && s < slices && step <= reach && prevChange.some((b) => b); s += dir, step++) {
      const here = read(s);
      const prompt = sliceMask(prevMask);
      if (!prompt) break;
      const m = (await input.runSlice(s, [], prompt))?.bits ?? new Uint8Array(w * h);
      const seed = dilate(prevChange, w);
      const candidate = click.positive ? m.map((b, q) => (b && !here[q] ? 1 : 0)) : here.map((b, q) => (b && !m[q] ? 1 : 0));
      const delta = componentsTouching(candidate, w, h, seed);
      // A negative correction carried to a neighbour never takes all of that slice's segment.
      if (!click.positive && delta.some((b) => b) && here.every((b, q) => !b || delta[q])) break;
      prevMask = apply(s, here, delta);
      prevChange = delta;
    }
  }
  result.slicesChanged.sort((a, b) => a - b);
  return result;
}

/**
 * The part of the segment's component under a negative click that lies nearer the click than the
 * segment's positive clicks (projected onto this slice) that fall in it; the whole component when none does.
 */
function nearerToClick(before: Uint8Array, w: number, h: number, at: number, positives: number[]): Uint8Array {
  const comp = componentsTouching(before, w, h, null, at);
  const anchors = positives.filter((p) => comp[p]);
  // No positive click falls in this part: it is an island the reader rejects as a whole.
  if (anchors.length === 0) return comp;
  const ax = at % w;
  const ay = (at - ax) / w;
  const out = new Uint8Array(before.length);
  for (let q = 0; q < comp.length; q++) {
    if (!comp[q]) continue;
    const x = q % w;
    const y = (q - x) / w;
    const dClick = (x - ax) ** 2 + (y - ay) ** 2;
    const dKeep = Math.min(...anchors.map((a) => ((x - (a % w)) ** 2 + (y - Math.floor(a / w)) ** 2)));
    if (dClick < dKeep) out[q] = 1;
  }
  return out;
}
