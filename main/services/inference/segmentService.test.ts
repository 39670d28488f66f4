import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ijkToLps } from '../../../common/geometry/affine';
import { diceBy } from '../../../common/segmentation/dice';
import { maskFromDelta } from '../../../common/labelmap/labelmapDelta';
import type { Mat3, Vec3, Volume } from '../../../common/volume';
import { ModelRegistry } from './registry';
import { SegmentationService } from './segmentService';
import { HAS_ONNX_PYTHON, makeTestModels, writePack } from './testing/testModels';
import { InferenceClient, providerOrder } from './worker/inferenceClient';

const S = 32;
let models = '';
let builtin = '';
let client: InferenceClient;
let service: SegmentationService;

function makeVolume(dims: Vec3, spacing: Vec3, direction: Mat3, value: (i: number, j: number, k: number) => number): Volume {
  const [ni, nj, nk] = dims;
  const voxels = new Float32Array(ni * nj * nk);
  for (let k = 0; k < nk; k++) for (let j = 0; j < nj; j++) for (let i = 0; i < ni; i++) voxels[i + ni * (j + nj * k)] = value(i, j, k);
  return {
    geometry: { dimensions: dims, spacingMm: spacing, originLps: [-20, 30, 5], direction },
    dtype: 'float32',
    voxels,
    meta: { modality: 'CT', sourceFormat: 'nifti', description: '', patientName: '', patientId: '', studyDate: '', seriesInstanceUid: '', warnings: [] },
  };
}

// A cylinder along k of radius 8 mm: value 1.0 on slices 10–20, 0.8 on 21–25, 0 elsewhere.
const cylinder = makeVolume([48, 48, 40], [1, 1, 2], [1, 0, 0, 0, 1, 0, 0, 0, 1], (i, j, k) =>
  (i - 24) ** 2 + (j - 23) ** 2 <= 64 && k >= 10 && k <= 25 ? (k <= 20 ? 1 : 0.8) : 0,
);
const inCylinder = (q: number, kMax: number) => {
  const i = q % 48;
  const j = Math.floor(q / 48) % 48;
  const k = Math.floor(q / (48 * 48));
  return (i - 24) ** 2 + (j - 23) ** 2 <= 64 && k >= 10 && k <= kMax;
};
const diceWith = (mask: Uint8Array, ref: (q: number) => boolean): number => diceBy(mask.length, (q) => mask[q] !== 0, ref);

beforeAll(() => {
  if (!HAS_ONNX_PYTHON) return;
  models = makeTestModels(S, 5, 0.9);
  builtin = mkdtempSync(path.join(os.tmpdir(), 'voxa-builtin-'));
  writePack(models, builtin, { id: 'disc', s: S, fovMm: { default: 64, min: 8, max: 240, marginFactor: 2 } });
  writePack(models, builtin, { id: 'thresh', s: S, modelFile: 'threshold.onnx' });
  writePack(models, builtin, { id: 'thresh-strict', s: S, modelFile: 'threshold.onnx', post: { maskThreshold: 0, iouStopThreshold: 0.9, minAreaPx: 1 } });
  writePack(models, builtin, { id: 'thresh-split', s: S, split: true });
  client = new InferenceClient({ threads: 1 });
  service = new SegmentationService({ registry: new ModelRegistry({ builtinDir: builtin }), client });
});
afterAll(async () => {
  await client?.close();
  for (const d of [models, builtin]) if (d) rmSync(d, { recursive: true, force: true });
});

describe('execution providers', () => {
  it('keeps the CUDA → DirectML → CoreML → CPU order, restricted to what the platform lists', () => {
    expect(providerOrder([{ name: 'cpu' }, { name: 'webgpu' }, { name: 'cuda' }, { name: 'tensorrt' }])).toEqual(['cuda', 'cpu']);
    expect(providerOrder([{ name: 'cpu' }, { name: 'dml' }, { name: 'cuda' }])).toEqual(['cuda', 'dml', 'cpu']);
    expect(providerOrder([{ name: 'coreml' }, { name: 'cpu' }])).toEqual(['coreml', 'cpu']);
    expect(providerOrder([{ name: 'cuda' }], 'coreml')).toEqual(['coreml', 'cpu']);
  });
});

describe.skipIf(!HAS_ONNX_PYTHON)('segment.prompt2d through the inference worker', () => {
  it('puts the disc model\'s mask around the click in patient mm, on a flipped grid, and stops at the empty neighbours', async () => {
    // RAS-stored grid: i runs to patient right, j to anterior.
    const vol = makeVolume([64, 64, 12], [1, 1, 3], [-1, 0, 0, 0, -1, 0, 0, 0, 1], () => 0);
    const clickIjk: Vec3 = [30.4, 20.7, 6];
    const click = ijkToLps(vol.geometry, clickIjk);
    const r = await service.segment(vol, { modelId: 'disc', points: [{ lps: click, positive: true }] });
    expect(r.provider).toBe('cpu');
    expect(r.stops).toEqual({ minus: 'empty', plus: 'empty' });
    expect(r.slicesSpanned).toBe(1);
    expect(r.steps.map((s) => s.slice)).toEqual([6, 5, 7]);
    // Disc radius: 5 crop px × (64 mm / 32 px) = 10 mm.
    const m = maskFromDelta(r.delta);
    let wrong = 0;
    let count = 0;
    for (let q = 0; q < m.length; q++) {
      const ijk: Vec3 = [q % 64, Math.floor(q / 64) % 64, Math.floor(q / 4096)];
      const p = ijkToLps(vol.geometry, ijk);
      const d = Math.hypot(p[0] - click[0], p[1] - click[1]);
      const inside = ijk[2] === 6 && d < 9.8;
      const outside = ijk[2] !== 6 || d > 10.2;
      if ((m[q] && outside) || (!m[q] && inside)) wrong++;
      count += m[q]!;
    }
    expect(wrong).toBe(0);
    expect(count).toBeGreaterThan(Math.PI * 9.8 ** 2);
    expect(r.volumeMl).toBeCloseTo((count * 3) / 1000, 9);
  });

  it('propagates the threshold model through a cylinder until it ends (empty), Dice ≥ 0.95', async () => {
    const progress: number[] = [];
    const r = await service.segment(cylinder, { modelId: 'thresh', points: [{ ijk: [24, 23, 15], positive: true }] }, { onProgress: (p) => progress.push(p.slice) });
    expect(r.stops).toEqual({ minus: 'empty', plus: 'empty' });
    expect([r.delta.box.min[2], r.delta.box.max[2]]).toEqual([10, 25]);
    expect(r.slicesSpanned).toBe(16);
    expect(diceWith(maskFromDelta(r.delta), (q) => inCylinder(q, 25))).toBeGreaterThanOrEqual(0.95);
    // 16 kept slices + the two empty ones that stopped each direction.
    expect(progress.length).toBe(18);
    // Propagation crops: marginFactor 2 × the previous mask's extent (15–17 voxels of 1 mm across the 16 mm cylinder).
    expect(r.steps.filter((s) => s.direction !== 0).every((s) => s.fovMm >= 2 * 15 && s.fovMm <= 2 * 17)).toBe(true);
  });

  it('stops on a predicted IoU below the manifest threshold, dropping that slice, but keeps a prompted slice', async () => {
    const r = await service.segment(cylinder, { modelId: 'thresh-strict', points: [{ ijk: [24, 23, 15], positive: true }] });
    expect(r.stops).toEqual({ minus: 'empty', plus: 'low-iou' });
    expect([r.delta.box.min[2], r.delta.box.max[2]]).toEqual([10, 20]);
    expect(diceWith(maskFromDelta(r.delta), (q) => inCylinder(q, 20))).toBeGreaterThanOrEqual(0.95);
    const low = await service.segment(cylinder, { modelId: 'thresh-strict', points: [{ ijk: [24, 23, 23], positive: true }] });
    expect(low.stops).toEqual({ minus: 'low-iou', plus: 'low-iou' });
    expect([low.delta.box.min[2], low.delta.box.max[2]]).toEqual([23, 23]);
  });

  it('gives the same mask with a split encoder/decoder pack and on the coronal plane', async () => {
    const ref = maskFromDelta((await service.segment(cylinder, { modelId: 'thresh', points: [{ ijk: [24, 23, 15], positive: true }] })).delta);
    const split = maskFromDelta((await service.segment(cylinder, { modelId: 'thresh-split', points: [{ ijk: [24, 23, 15], positive: true }] })).delta);
    expect(diceWith(split, (q) => ref[q] === 1)).toBe(1);
    const cor = await service.segment(cylinder, { modelId: 'thresh', plane: 'coronal', points: [{ ijk: [24, 23, 15], positive: true }] });
    expect(cor.stops).toEqual({ minus: 'empty', plus: 'empty' });
    // Rows j = 15 and 31 hold a single voxel column (1 mm wide), below half a 2 mm crop pixel: they drop out.
    expect([cor.delta.box.min[1], cor.delta.box.max[1]]).toEqual([16, 30]);
    expect(diceWith(maskFromDelta(cor.delta), (q) => inCylinder(q, 25))).toBeGreaterThanOrEqual(0.93);
  });

  it('creates sessions once per model and reports warm reuse', async () => {
    const before = client.sessionsCreated;
    const a = await service.segment(cylinder, { modelId: 'thresh', points: [{ ijk: [24, 23, 15], positive: true }] });
    const b = await service.segment(cylinder, { modelId: 'thresh', points: [{ ijk: [24, 23, 12], positive: true }] });
    expect(a.warm && b.warm).toBe(true);
    expect(client.sessionsCreated).toBe(before);
  });

  it('cancels on an aborted signal, and a newer prompt with the same key cancels the stale one', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(service.segment(cylinder, { modelId: 'thresh', points: [{ ijk: [24, 23, 15], positive: true }] }, { signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    const stale = service.segment(cylinder, { modelId: 'thresh', points: [{ ijk: [24, 23, 15], positive: true }] }, { key: 'lesion-1' });
    const fresh = service.segment(cylinder, { modelId: 'thresh', points: [{ ijk: [24, 23, 18], positive: true }] }, { key: 'lesion-1' });
    await expect(stale).rejects.toMatchObject({ code: 'CANCELLED' });
    expect((await fresh).slicesSpanned).toBe(16);
  });

  it('refuses prompts outside the image and unknown models with specific errors', async () => {
    await expect(service.segment(cylinder, { modelId: 'thresh', points: [{ ijk: [24, 23, 55], positive: true }] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(service.segment(cylinder, { modelId: 'nope', points: [{ ijk: [24, 23, 15], positive: true }] })).rejects.toThrow(/no model pack "nope" \(available: disc, thresh/);
  });
});
