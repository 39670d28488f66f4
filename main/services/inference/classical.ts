/**
 * Classical fallback (`--model classical`): adaptive region growing from the
 * click, so the tool always does something sensible without a model and the
 * model has a baseline to beat.
 *
 * Confidence-connected growing (after ITK's ConfidenceConnectedImageFilter):
 * the intensity mean μ and standard deviation σ of a small neighbourhood of
 * the seed set the interval μ ± k·σ; 6-connected voxels inside it join; μ and
 * σ are then re-estimated from the region's core (its erosion, so border
 * leaks do not widen the interval) and the growing repeats. Adaptive to
 * contrast: when the mean of a shell around the region lies within 2kσ of μ,
 * the bound on its side moves to the midpoint between the two. The region
 * is limited to a ball of `maxRadiusMm` around the seed (and to the box's
 * in-plane extent when a box is given); voxels within 2 mm of a negative click
 * are barriers. Clean-up: an opening-based cut of bridges into neighbours of
 * similar intensity (the region within one voxel of the opened core), the
 * component holding the seed, closing, and hole filling.
 *
 * All work happens in a box around the seed, so memory and time are bounded
 * by the radius, not by the image size.
 */
import { VoxaError } from '../../../common/contract';
import { deltaFromBoxMask, type LabelmapDelta } from '../../../common/labelmap/labelmapDelta';
import type { Vec3, Volume } from '../../../common/volume';

export interface ClassicalOptions {
  maxRadiusMm?: number;
  /** k in μ ± k·σ. */
  multiplier?: number;
  /** Re-estimations of μ, σ from the grown region. */
  iterations?: number;
  /** Seed neighbourhood half-size in voxels. */
  seedRadiusVox?: number;
  label?: number;
}

export interface ClassicalPrompt {
  points: { ijk: Vec3; positive: boolean }[];
  box?: { a: Vec3; b: Vec3 };
}

export interface ClassicalResult {
  delta: LabelmapDelta;
  interval: [number, number];
}

export function classicalSegment(volume: Volume, prompt: ClassicalPrompt, opts: ClassicalOptions = {}): ClassicalResult {
  const g = volume.geometry;
  const [ni, nj] = g.dimensions;
  const sp = g.spacingMm;
  const maxR = opts.maxRadiusMm ?? 50;
  const k = opts.multiplier ?? 2.5;
  const iterations = opts.iterations ?? 2;
  const sr = opts.seedRadiusVox ?? 1;
  const seedPt = prompt.points.find((p) => p.positive)?.ijk ?? (prompt.box ? ([0, 1, 2].map((a) => (prompt.box!.a[a]! + prompt.box!.b[a]!) / 2) as Vec3) : undefined);
  if (!seedPt) throw new VoxaError('BAD_REQUEST', 'a prompt needs a positive point or a box');
  // A point on a border voxel's outer half (…, n − 0.5] belongs to that voxel, as it does for the models.
  if (seedPt.some((v, a) => !(v >= -0.5 && v <= g.dimensions[a]! - 0.5))) throw new VoxaError('BAD_REQUEST', 'the prompt lies outside the image');
  const seed = seedPt.map((v, a) => Math.min(g.dimensions[a]! - 1, Math.max(0, Math.round(v)))) as Vec3;

  // Local box: the ball of maxR around the seed, intersected with the box prompt in-plane.
  const lo = [0, 1, 2].map((a) => Math.max(0, seed[a]! - Math.ceil(maxR / sp[a]!))) as Vec3;
  const hi = [0, 1, 2].map((a) => Math.min(g.dimensions[a]! - 1, seed[a]! + Math.ceil(maxR / sp[a]!))) as Vec3;
  if (prompt.box) {
    // The box spans two axes; the third (its slice axis, where the corners agree) stays free.
    for (let a = 0; a < 3; a++) {
      const x0 = Math.min(prompt.box.a[a]!, prompt.box.b[a]!);
      const x1 = Math.max(prompt.box.a[a]!, prompt.box.b[a]!);
      if (x1 - x0 < 0.5) continue;
      lo[a] = Math.max(lo[a] as number, Math.floor(x0));
      hi[a] = Math.min(hi[a] as number, Math.ceil(x1));
    }
  }
  const bi = hi[0] - lo[0] + 1;
  const bj = hi[1] - lo[1] + 1;
  const bk = hi[2] - lo[2] + 1;
  const n = bi * bj * bk;
  const vals = new Float32Array(n);
  const allowed = new Uint8Array(n);
  const negs = prompt.points.filter((p) => !p.positive).map((p) => p.ijk);
  for (let z = 0; z < bk; z++) {
    for (let y = 0; y < bj; y++) {
      for (let x = 0; x < bi; x++) {
        const gi = lo[0] + x;
        const gj = lo[1] + y;
        const gk = lo[2] + z;
        const q = x + bi * (y + bj * z);
        vals[q] = volume.voxels[gi + ni * (gj + nj * gk)] as number;
        const d2 = ((gi - seed[0]) * sp[0]) ** 2 + ((gj - seed[1]) * sp[1]) ** 2 + ((gk - seed[2]) * sp[2]) ** 2;
        let ok = d2 <= maxR * maxR && Number.isFinite(vals[q]!);
        for (const p of negs) if (((gi - p[0]) * sp[0]) ** 2 + ((gj - p[1]) * sp[1]) ** 2 + ((gk - p[2]) * sp[2]) ** 2 <= 4) ok = false;
        allowed[q] = ok ? 1 : 0;
      }
    }
  }
  const sx = seed[0] - lo[0];
  const sy = seed[1] - lo[1];
  const sz = seed[2] - lo[2];
  const seedQ = sx + bi * (sy + bj * sz);

  // Seed statistics, robust (median and MAD), so a seed neighbourhood that
  // straddles the border of a small lesion still describes the lesion.
  const near: number[] = [];
  for (let z = Math.max(0, sz - sr); z <= Math.min(bk - 1, sz + sr); z++)
    for (let y = Math.max(0, sy - sr); y <= Math.min(bj - 1, sy + sr); y++)
      for (let x = Math.max(0, sx - sr); x <= Math.min(bi - 1, sx + sr); x++) {
        const v = vals[x + bi * (y + bj * z)]!;
        if (Number.isFinite(v)) near.push(v);
      }
  const median = (a: number[]) => {
    const b = [...a].sort((p, q) => p - q);
    const m = b.length >> 1;
    return b.length % 2 ? b[m]! : (b[m - 1]! + b[m]!) / 2;
  };
  let mean = median(near);
  const seedSd = 1.4826 * median(near.map((v) => Math.abs(v - mean)));
  let sd = seedSd;
  let sum = 0;
  let sum2 = 0;
  let cnt = 0;
  const floorSd = (m: number, s: number) => Math.max(s, 1e-3 * Math.abs(m), 1e-6);
  let region: Uint8Array = new Uint8Array(n);
  let interval: [number, number] = [mean, mean];
  let outside: number | null = null;
  const stride = [1, bi, bi * bj];
  const queue = new Int32Array(n);
  for (let it = 0; it <= iterations; it++) {
    const s = floorSd(mean, sd);
    // The first pass, from a few seed voxels, is conservative; later passes use k.
    const kk = it === 0 && iterations > 0 ? Math.min(k, 2) : k;
    interval = [mean - kk * s, mean + kk * s];
    if (outside !== null && Math.abs(outside - mean) < 2 * kk * s) {
      const mid = (mean + outside) / 2;
      if (outside > mean) interval[1] = Math.min(interval[1], mid);
      else interval[0] = Math.max(interval[0], mid);
    }
    region = new Uint8Array(n);
    let head = 0;
    let tail = 0;
    if (!allowed[seedQ]) break;
    // The seed joins even when it is noisier than the interval: the click says it belongs.
    region[seedQ] = 1;
    queue[tail++] = seedQ;
    while (head < tail) {
      const q = queue[head++]!;
      const x = q % bi;
      const y = Math.floor(q / bi) % bj;
      const z = Math.floor(q / (bi * bj));
      for (let dir = 0; dir < 6; dir++) {
        const axis = dir >> 1;
        const step = dir & 1 ? 1 : -1;
        const c = axis === 0 ? x + step : axis === 1 ? y + step : z + step;
        const lim = axis === 0 ? bi : axis === 1 ? bj : bk;
        if (c < 0 || c >= lim) continue;
        const r = q + step * stride[axis]!;
        if (region[r] || !allowed[r]) continue;
        const v = vals[r]!;
        if (v < interval[0] || v > interval[1]) continue;
        region[r] = 1;
        queue[tail++] = r;
      }
    }
    if (it === iterations) break;
    // Re-estimate from the region's core (its erosion), so voxels that leaked in
    // along the border do not widen the interval and leak further.
    const dimsR: Vec3 = [bi, bj, bk];
    let core = erode(region, dimsR);
    let coreCount = 0;
    for (let q = 0; q < n; q++) coreCount += core[q]!;
    if (coreCount < 8) core = region;
    sum = 0;
    sum2 = 0;
    cnt = 0;
    for (let q = 0; q < n; q++) {
      if (!core[q]) continue;
      const v = vals[q]!;
      sum += v;
      sum2 += v * v;
      cnt++;
    }
    if (cnt < 8) break;
    mean = sum / cnt;
    // A small core underestimates σ (few samples, cut at the interval): never go below the seed's estimate.
    sd = Math.max(seedSd, Math.sqrt(Math.max(0, sum2 / cnt - mean * mean)));
    // The surroundings: a shell two voxels out. When they are closer than the
    // interval reaches, the bound on their side moves to the midpoint.
    const d1 = dilate(region, dimsR);
    const d2 = dilate(d1, dimsR);
    let ringSum = 0;
    let ringCnt = 0;
    for (let q = 0; q < n; q++) {
      if (!d2[q] || d1[q] || !allowed[q]) continue;
      ringSum += vals[q]!;
      ringCnt++;
    }
    outside = ringCnt > 0 ? ringSum / ringCnt : null;
  }

  const dims: Vec3 = [bi, bj, bk];
  let mask: Uint8Array = region;
  // Opening finds the core; the region's voxels within one voxel of the core's
  // seed component come back (so small lesions keep their rim), bridges into
  // neighbours of similar intensity do not.
  const opened = dilate(erode(mask, dims), dims);
  if (opened[seedQ]) {
    const near = dilate(keepComponent(opened, dims, seedQ), dims);
    for (let q = 0; q < n; q++) mask[q] = mask[q]! & near[q]!;
  }
  mask = keepComponent(mask, dims, seedQ);
  mask = erode(dilate(mask, dims), dims, true);
  mask = fillHoles(mask, dims);
  for (let q = 0; q < n; q++) mask[q] = mask[q]! & allowed[q]!;
  return { delta: deltaFromBoxMask(mask, lo, hi, g.dimensions, opts.label ?? 1), interval };
}

/** 6-neighbourhood erosion; outside the box counts as set when `borderSet` (so closing does not eat the box edge). */
function erode(m: Uint8Array, [bi, bj, bk]: Vec3, borderSet = false): Uint8Array {
  const out = new Uint8Array(m.length);
  for (let z = 0; z < bk; z++)
    for (let y = 0; y < bj; y++)
      for (let x = 0; x < bi; x++) {
        const q = x + bi * (y + bj * z);
        if (!m[q]) continue;
        const nb = (cond: boolean, r: number) => (cond ? m[r] === 1 : borderSet);
        if (nb(x > 0, q - 1) && nb(x < bi - 1, q + 1) && nb(y > 0, q - bi) && nb(y < bj - 1, q + bi) && nb(z > 0, q - bi * bj) && nb(z < bk - 1, q + bi * bj)) out[q] = 1;
      }
  return out;
}

function dilate(m: Uint8Array, [bi, bj, bk]: Vec3): Uint8Array {
  const out = new Uint8Array(m.length);
  for (let z = 0; z < bk; z++)
    for (let y = 0; y < bj; y++)
      for (let x = 0; x < bi; x++) {
        const q = x + bi * (y + bj * z);
        if (!m[q]) continue;
        out[q] = 1;
        if (x > 0) out[q - 1] = 1;
        if (x < bi - 1) out[q + 1] = 1;
        if (y > 0) out[q - bi] = 1;
        if (y < bj - 1) out[q + bi] = 1;
        if (z > 0) out[q - bi * bj] = 1;
        if (z < bk - 1) out[q + bi * bj] = 1;
      }
  return out;
}

function flood(m: Uint8Array, [bi, bj, bk]: Vec3, starts: number[], value: 0 | 1): Uint8Array {
  const seen = new Uint8Array(m.length);
  const queue = new Int32Array(m.length);
  let head = 0;
  let tail = 0;
  for (const s of starts) if (m[s] === value && !seen[s]) {
    seen[s] = 1;
    queue[tail++] = s;
  }
  while (head < tail) {
    const q = queue[head++]!;
    const x = q % bi;
    const y = Math.floor(q / bi) % bj;
    const z = Math.floor(q / (bi * bj));
    const visit = (cond: boolean, r: number) => {
      if (cond && !seen[r] && m[r] === value) {
        seen[r] = 1;
        queue[tail++] = r;
      }
    };
    visit(x > 0, q - 1);
    visit(x < bi - 1, q + 1);
    visit(y > 0, q - bi);
    visit(y < bj - 1, q + bi);
    visit(z > 0, q - bi * bj);
    visit(z < bk - 1, q + bi * bj);
  }
  return seen;
}

function keepComponent(m: Uint8Array, dims: Vec3, seed: number): Uint8Array {
  return m[seed] ? flood(m, dims, [seed], 1) : new Uint8Array(m.length);
}

/** Sets every background voxel not 6-connected to the box border. */
function fillHoles(m: Uint8Array, dims: Vec3): Uint8Array {
  const [bi, bj, bk] = dims;
  const border: number[] = [];
  for (let z = 0; z < bk; z++)
    for (let y = 0; y < bj; y++)
      for (let x = 0; x < bi; x++) if (x === 0 || y === 0 || z === 0 || x === bi - 1 || y === bj - 1 || z === bk - 1) border.push(x + bi * (y + bj * z));
  const outside = flood(m, dims, border, 0);
  const out = new Uint8Array(m.length);
  for (let q = 0; q < m.length; q++) out[q] = m[q] || !outside[q] ? 1 : 0;
  return out;
}
