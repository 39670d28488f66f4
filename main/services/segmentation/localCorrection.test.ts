/**
 * Corrections that act where they are placed, on a phantom where the model's
 * first answer leaks from lesion A into a touching structure B of the same
 * density. The model stands in for RadSAM: it follows its mask prompt (the
 * bright voxels within 3 pixels of it), takes the bright component under a
 * positive click, and ignores negative clicks (the worst case).
 */
import { describe, expect, it } from 'vitest';
import { diceBy } from '../../../common/segmentation/dice';
import { readerCorrection } from '../../../common/segmentation/readerClick';
import type { SliceMask } from '../../../common/segmentation/slicePlane';
import type { Vec3, Volume } from '../../../common/volume';
import { localCorrection, type CorrectionClick } from './localCorrection';

const N: Vec3 = [48, 40, 24];
const idx = (i: number, j: number, k: number) => i + N[0] * (j + N[1] * k);
const ball = (c: Vec3, r: number) => (i: number, j: number, k: number) => (i - c[0]) ** 2 + (j - c[1]) ** 2 + ((k - c[2]) * 1.5) ** 2 <= r * r;
const A_C: Vec3 = [14, 20, 12];
const B_C: Vec3 = [27, 20, 12];
const C_C: Vec3 = [38, 8, 12];
const inA = ball(A_C, 7);
const inB = ball(B_C, 6.5);
const inC = ball(C_C, 3);

function volume(): Volume {
  const voxels = new Float32Array(N[0] * N[1] * N[2]);
  for (let k = 0; k < N[2]; k++) for (let j = 0; j < N[1]; j++) for (let i = 0; i < N[0]; i++) if (inA(i, j, k) || inB(i, j, k) || inC(i, j, k)) voxels[idx(i, j, k)] = 1;
  return {
    geometry: { dimensions: N, spacingMm: [1, 1, 1.5], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
    dtype: 'float32',
    voxels,
    meta: { modality: 'CT', sourceFormat: 'nifti', description: '', patientName: '', patientId: '', studyDate: '', seriesInstanceUid: '', warnings: [] },
  };
}
const V = volume();
const bright = (i: number, j: number, k: number) => (V.voxels[idx(i, j, k)] as number) > 0.5;

/** 3D mask of a predicate. */
function maskOf(f: (i: number, j: number, k: number) => boolean): Uint8Array {
  const m = new Uint8Array(N[0] * N[1] * N[2]);
  for (let k = 0; k < N[2]; k++) for (let j = 0; j < N[1]; j++) for (let i = 0; i < N[0]; i++) if (f(i, j, k)) m[idx(i, j, k)] = 1;
  return m;
}

/** The stand-in model on axial slice k (u = i, v = j). */
async function model(k: number, points: CorrectionClick[], prompt: SliceMask | null): Promise<SliceMask | null> {
  const w = N[0];
  const h = N[1];
  const bits = new Uint8Array(w * h);
  const pos = points.find((p) => p.positive);
  if (pos) {
    // Flood the bright component under the click.
    const start = Math.round(pos.ijk[0]) + Math.round(pos.ijk[1]) * w;
    if (!bright(start % w, Math.floor(start / w), k)) return null;
    const stack = [start];
    bits[start] = 1;
    while (stack.length) {
      const q = stack.pop() as number;
      const x = q % w;
      const y = (q - x) / w;
      for (const [nx, ny] of [[x - 1, y], [x + 1, y], [x, y - 1], [x, y + 1]] as const) {
        if (nx < 0 || ny < 0 || nx >= w || ny >= h || bits[nx + ny * w] || !bright(nx, ny, k)) continue;
        bits[nx + ny * w] = 1;
        stack.push(nx + ny * w);
      }
    }
  } else if (prompt) {
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        if (!bright(x, y, k)) continue;
        let near = false;
        for (let dy = -3; dy <= 3 && !near; dy++) for (let dx = -3; dx <= 3 && !near; dx++) near = !!prompt.bits[x + dx + (y + dy) * w] && x + dx >= 0 && x + dx < w;
        if (near) bits[x + y * w] = 1;
      }
  }
  return bits.some((b) => b) ? { width: w, height: h, bits } : null;
}

const dice = (a: Uint8Array, truth: Uint8Array) => diceBy(a.length, (q) => a[q] === 1, (q) => truth[q] === 1);
const subset = (a: Uint8Array, b: Uint8Array) => a.every((v, q) => !v || b[q]);

const correct = (current: Uint8Array, click: CorrectionClick, earlier: CorrectionClick[]) => localCorrection({ volume: V, plane: 'axial', current, click, earlier, runSlice: model });

describe('local corrections', () => {
  const truthA = maskOf(inA);
  const leak = maskOf((i, j, k) => inA(i, j, k) || inB(i, j, k));
  const first: CorrectionClick = { ijk: A_C, positive: true };

  it('a negative click on the leak removes the leak through the slices and keeps the lesion', async () => {
    const r = await correct(leak, { ijk: B_C, positive: false }, [first]);
    expect(r.voxelsAdded).toBe(0);
    expect(subset(r.mask, leak)).toBe(true);
    const before = dice(leak, truthA);
    const after = dice(r.mask, truthA);
    console.log(`negative click on the leak: Dice vs lesion ${before.toFixed(3)} → ${after.toFixed(3)}, ${r.voxelsRemoved} voxels removed on ${r.slicesChanged.length} slices`);
    expect(after).toBeGreaterThan(0.85);
    expect(after).toBeGreaterThan(before + 0.1);
    // Nearly all of A stays.
    const kept = truthA.reduce((n, v, q) => n + (v && r.mask[q] ? 1 : 0), 0) / truthA.reduce((n, v) => n + v, 0);
    expect(kept).toBeGreaterThan(0.97);
  });

  it('a negative click never empties a part of the segment it does not touch', async () => {
    const withC = maskOf((i, j, k) => inA(i, j, k) || inC(i, j, k));
    const r = await correct(withC, { ijk: C_C, positive: false }, [first]);
    expect(subset(truthA, r.mask)).toBe(true);
    expect(r.mask.reduce((n, v, q) => n + (v && inC(q % N[0], Math.floor(q / N[0]) % N[1], Math.floor(q / (N[0] * N[1]))) ? 1 : 0), 0)).toBe(0);
    // Even a negative click in the lesion's own core only takes the half nearer to it, never the core around the first click.
    const r2 = await correct(truthA, { ijk: [A_C[0] + 4, A_C[1], A_C[2]], positive: false }, [first]);
    expect(r2.mask[idx(...A_C)]).toBe(1);
    expect(r2.mask.reduce((a, b) => a + b, 0)).toBeGreaterThan(truthA.reduce((a, b) => a + b, 0) * 0.4);
  });

  it('a positive click only adds, and adds the missed part it is placed in', async () => {
    const truthAB = leak;
    const r = await correct(truthA, { ijk: B_C, positive: true }, [first]);
    expect(r.voxelsRemoved).toBe(0);
    expect(subset(truthA, r.mask)).toBe(true);
    expect(dice(r.mask, truthAB)).toBeGreaterThan(dice(truthA, truthAB) + 0.1);
  });

  it('click + 5 simulated corrections: no step lowers Dice by more than 0.02', async () => {
    let mask = leak;
    const clicks = [first];
    const dices = [dice(mask, truthA)];
    for (let n = 0; n < 5; n++) {
      const c = readerCorrection(mask, truthA, N);
      if (!c) break;
      const r = await correct(mask, c, clicks);
      clicks.push(c);
      mask = r.mask;
      dices.push(dice(mask, truthA));
    }
    console.log(`corrections: Dice ${dices.map((d) => d.toFixed(3)).join(' → ')}`);
    for (let n = 1; n < dices.length; n++) expect(dices[n]!).toBeGreaterThanOrEqual(dices[n - 1]! - 0.02);
    expect(dices.at(-1)!).toBeGreaterThan(0.9);
  });
});
