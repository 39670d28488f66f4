/**
 * segment.prompt3d engine: the crop equals the training side's definition
 * (native-models/training/lesion3d/crop.py, torch grid_sample) voxel for voxel;
 * the field-of-view ladder climbs while the mask reaches the crop border; only
 * the clicked object is kept; a box bounds the mask in its plane; the manifest
 * check refuses a mismatched interface.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../../../common/models/manifest';
import { diceBy } from '../../../common/segmentation/dice';
import { maskFromDelta } from '../../../common/labelmap/labelmapDelta';
import type { Vec3, Volume } from '../../../common/volume';
import { hasPythonModules, runPythonJson } from '../../testing/pythonReference';
import { bestDiceInside, clickMap, pickSmallerCrop, cropFrame, edgeSharpness, flipCrop, insideCrop, sampleCrop, toCrop } from './prompt3d';
import { ModelRegistry } from './registry';
import { SegmentationService } from './segmentService';
import { writePack3d } from './testing/testModel3d';
import { HAS_ONNX_PYTHON } from './testing/testModels';
import { InferenceClient } from './worker/inferenceClient';

const TRAINING = path.resolve(__dirname, '..', '..', '..', 'native-models', 'training');
const HAS_TORCH = hasPythonModules(['torch', 'numpy']);
/** The leak check of the test packs (the threshold model's edges are softer than a trained model's). */
const LEAK_CHECK = { softBelow: 0.33, sharpFrom: 0.38, fovsMm: [32, 48] };

function ctVolume(dims: Vec3, spacing: Vec3, hu: (i: number, j: number, k: number) => number): Volume {
  const voxels = new Int16Array(dims[0] * dims[1] * dims[2]);
  for (let k = 0; k < dims[2]; k++) for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++) voxels[i + dims[0] * (j + dims[1] * k)] = hu(i, j, k);
  return {
    geometry: { dimensions: dims, spacingMm: spacing, originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
    dtype: 'int16',
    voxels,
    meta: { modality: 'CT', sourceFormat: 'nifti', description: '', patientName: '', patientId: '', studyDate: '', seriesInstanceUid: '', warnings: [] },
  };
}

describe.skipIf(!HAS_TORCH)('the crop equals lesion3d/crop.py', () => {
  it('image (border-clamped), inside (zero outside) and click maps, off the image edge, anisotropic spacing', () => {
    const dims: Vec3 = [23, 17, 11];
    const spacing: Vec3 = [0.8, 1.1, 3.3];
    const f = (i: number, j: number, k: number) => Math.round(100 * Math.sin(0.3 * i) + 60 * Math.cos(0.2 * j) * (k - 5) + i * j);
    const v = ctVolume(dims, spacing, f);
    const centre: Vec3 = [2.3, 15.6, 9.2];
    const fov = 37;
    const G = 16;
    const frame = cropFrame(v, centre, fov, G);
    const raw = sampleCrop(v.voxels, dims, frame, true);
    const inside = insideCrop(dims, frame);
    const clicks: Vec3[] = [[3, 14, 8], [10.5, 12.2, 6]];
    const cm = clickMap(clicks.map((p) => toCrop(cropFrame(v, centre, fov, 48), p)), 48, 2);
    const ref = runPythonJson<{ raw: number[]; inside: number[]; clicks: number[] }>(
      `
import sys, json, math, torch
sys.path.insert(0, ${JSON.stringify(TRAINING)})
from lesion3d import crop as C
I, J, K = 23, 17, 11
v = torch.zeros(1, 1, K, J, I)
for k in range(K):
    for j in range(J):
        for i in range(I):
            v[0, 0, k, j, i] = round(100 * math.sin(0.3 * i) + 60 * math.cos(0.2 * j) * (k - 5) + i * j)
sp = (0.8, 1.1, 3.3)
co = C.crop_coords(torch.tensor([2.3, 15.6, 9.2]), 37.0, sp, G=16)
raw = C.sample(v, co, border=True)[0]
ins = C.sample(torch.ones_like(v), co, border=False)[0]
pts = [C.to_crop_voxel(p, [2.3, 15.6, 9.2], 37.0, sp) for p in ([3, 14, 8], [10.5, 12.2, 6])]
cm = C.click_map(pts)
print(json.dumps({"raw": raw.flatten().tolist(), "inside": ins.flatten().tolist(), "clicks": cm.flatten().tolist()}))
`,
    );
    const maxDiff = (a: ArrayLike<number>, b: number[]) => b.reduce((m, x, n) => Math.max(m, Math.abs(x - (a[n] as number))), 0);
    expect(ref.raw).toHaveLength(raw.length);
    expect(maxDiff(raw, ref.raw)).toBeLessThan(1e-3);
    expect(maxDiff(inside, ref.inside)).toBeLessThan(1e-5);
    expect(maxDiff(cm, ref.clicks)).toBeLessThan(1e-5);
    // The test is not trivial: the crop leaves the image, and the click maps are not empty.
    expect(Math.min(...inside)).toBe(0);
    expect(Math.max(...cm)).toBeGreaterThan(0.5);
  }, 60_000);
});

describe.skipIf(!HAS_ONNX_PYTHON)('runPrompt3d through the service (threshold test model)', () => {
  let tmp = '';
  let client: InferenceClient;
  let service: SegmentationService;
  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-p3d-'));
    writePack3d(path.join(tmp, 'builtin'));
    writePack3d(path.join(tmp, 'builtin'), { id: 'thresh3d-c2f', mutate: (m) => ((m.preprocessing as Record<string, unknown>).coarseFovMm = 192) });
    writePack3d(path.join(tmp, 'builtin'), { id: 'thresh3d-tta', mutate: (m) => ((m.postprocessing as Record<string, unknown>).testTimeFlips = 8) });
    writePack3d(path.join(tmp, 'builtin'), { id: 'thresh3d-c72', mutate: (m) => ((m.preprocessing as Record<string, unknown>).coarseFovMm = 72) });
    // Ladder up to 96 mm: a mask that leaks at the coarse crop cannot climb away from the leak.
    writePack3d(path.join(tmp, 'builtin'), { id: 'thresh3d-c96', ladder: [24, 48, 96], mutate: (m) => ((m.preprocessing as Record<string, unknown>).coarseFovMm = 96) });
    writePack3d(path.join(tmp, 'builtin'), {
      id: 'thresh3d-leak',
      ladder: [24, 48, 96],
      mutate: (m) => Object.assign(m.preprocessing as Record<string, unknown>, { coarseFovMm: 96, leakCheck: LEAK_CHECK }),
    });
    writePack3d(path.join(tmp, 'builtin'), {
      id: 'thresh3d-leak32',
      ladder: [24, 48, 96],
      mutate: (m) => Object.assign(m.preprocessing as Record<string, unknown>, { coarseFovMm: 96, leakCheck: { ...LEAK_CHECK, fovsMm: [32] } }),
    });
    writePack3d(path.join(tmp, 'builtin'), {
      id: 'thresh3d-leak32-confirm',
      ladder: [24, 48, 96],
      mutate: (m) => Object.assign(m.preprocessing as Record<string, unknown>, { coarseFovMm: 96, leakCheck: { ...LEAK_CHECK, fovsMm: [32], confirmDice: 0.7 } }),
    });
    // A check that calls softer edges soft (the large-cube scene's coarse edge is 0.34), asking 0.7 or 0.95 agreement.
    for (const confirmDice of [0.7, 0.95])
      writePack3d(path.join(tmp, 'builtin'), {
        id: `thresh3d-soft45-confirm${confirmDice * 100}`,
        ladder: [24, 48, 96],
        mutate: (m) => Object.assign(m.preprocessing as Record<string, unknown>, { coarseFovMm: 96, leakCheck: { ...LEAK_CHECK, softBelow: 0.45, sharpFrom: 0.45, fovsMm: [32], confirmDice } }),
      });
    writePack3d(path.join(tmp, 'builtin'), { id: 'thresh3d-fused', mutate: (m) => ((m.postprocessing as Record<string, unknown>).classicalFusion = { agreeFrom: 0.8 }) });
    writePack3d(path.join(tmp, 'builtin'), { id: 'thresh3d-fill', mutate: (m) => Object.assign(m.preprocessing as Record<string, unknown>, { coarseFovMm: 72, fillFraction: 0.8 }) });
    client = new InferenceClient({ threads: 1 });
    service = new SegmentationService({ registry: new ModelRegistry({ builtinDir: path.join(tmp, 'builtin') }), client });
  });
  afterAll(async () => {
    await client?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });
  // Two bright balls in soft tissue (100 HU → 0.65 on the [-160, 240] window; 0 HU → 0.4).
  const dims: Vec3 = [120, 120, 40];
  const sp: Vec3 = [1, 1, 2.5];
  const big: Vec3 = [50, 60, 20];
  const small: Vec3 = [100, 60, 20];
  const inBall = (c: Vec3, rMm: number, i: number, j: number, k: number) => ((i - c[0]) * sp[0]) ** 2 + ((j - c[1]) * sp[1]) ** 2 + ((k - c[2]) * sp[2]) ** 2 <= rMm * rMm;
  const volume = ctVolume(dims, sp, (i, j, k) => (inBall(big, 32, i, j, k) || inBall(small, 8, i, j, k) ? 100 : 0));
  const truth = (c: Vec3, r: number) => (q: number) => inBall(c, r, q % dims[0], Math.floor(q / dims[0]) % dims[1], Math.floor(q / (dims[0] * dims[1])));

  it('a click on a lesion larger than the first crop climbs the ladder until the mask is inside the crop', async () => {
    const r = await service.segment(volume, { modelId: 'thresh3d', points: [{ ijk: big, positive: true }] });
    expect(r.crops?.map((c) => c.fovMm)).toEqual([48, 96]);
    expect(r.crops?.[0]?.touchesBorder).toBe(true);
    expect(r.crops?.[1]?.touchesBorder).toBe(false);
    const m = maskFromDelta(r.delta);
    expect(diceBy(m.length, (q) => m[q] === 1, truth(big, 32))).toBeGreaterThan(0.95);
  }, 60_000);

  it('keeps only the clicked object: the small ball alone, at the first rung', async () => {
    const r = await service.segment(volume, { modelId: 'thresh3d', points: [{ ijk: small, positive: true }] });
    expect(r.crops?.map((c) => c.fovMm)).toEqual([48]);
    const m = maskFromDelta(r.delta);
    expect(diceBy(m.length, (q) => m[q] === 1, truth(small, 8))).toBeGreaterThan(0.9);
  }, 60_000);

  it('coarse to fine: the coarse crop finds the extent, the second crop is boxFovFactor × that extent, for large and small lesions', async () => {
    // The big ball (radius 32 mm) at 192 mm (6 mm crop voxels): the second crop is 2 × 2 × its reach, 4 × (32 ± 6) mm.
    const rb = await service.segment(volume, { modelId: 'thresh3d-c2f', points: [{ ijk: big, positive: true }] });
    const fb = rb.crops?.map((c) => c.fovMm) ?? [];
    expect(fb[0]).toBe(192);
    expect(fb[1]).toBeGreaterThanOrEqual(4 * 26);
    expect(fb[1]).toBeLessThanOrEqual(4 * 38);
    expect(rb.crops?.at(-1)?.touchesBorder).toBe(false);
    const mb = maskFromDelta(rb.delta);
    expect(diceBy(mb.length, (q) => mb[q] === 1, truth(big, 32))).toBeGreaterThan(0.95);
    // The small ball (radius 8 mm) gets a small second crop, and only itself.
    const rs = await service.segment(volume, { modelId: 'thresh3d-c2f', points: [{ ijk: small, positive: true }] });
    const fs = rs.crops?.map((c) => c.fovMm) ?? [];
    expect(fs[0]).toBe(192);
    expect(fs[1]).toBeLessThan(48);
    const ms = maskFromDelta(rs.delta);
    expect(diceBy(ms.length, (q) => ms[q] === 1, truth(small, 8))).toBeGreaterThan(0.9);
  }, 60_000);

  it('fillFraction: a mask spanning most of the coarse crop climbs, and the fine pass may be larger than the coarse crop', async () => {
    // The big ball (64 mm across) in a 72 mm coarse crop spans 0.89 of it without reaching the border.
    const plain = await service.segment(volume, { modelId: 'thresh3d-c72', points: [{ ijk: big, positive: true }] });
    expect(plain.crops?.map((c) => c.fovMm)).toEqual([72]);
    expect(plain.crops?.[0]?.touchesBorder).toBe(false);
    // With fillFraction 0.8 it climbs to the next rung (96: 0.67 of the crop), then refines at 2 × 2 × its reach (~128 mm).
    const r = await service.segment(volume, { modelId: 'thresh3d-fill', points: [{ ijk: big, positive: true }] });
    const f = r.crops?.map((c) => c.fovMm) ?? [];
    expect(f.slice(0, 2)).toEqual([72, 96]);
    expect(f).toHaveLength(3);
    expect(f[2]).toBeGreaterThanOrEqual(4 * 30);
    expect(f[2]).toBeLessThanOrEqual(4 * 36);
    const m = maskFromDelta(r.delta);
    expect(diceBy(m.length, (q) => m[q] === 1, truth(big, 32))).toBeGreaterThan(0.95);
    // A small lesion is unchanged by it: the fine pass shrinks as before.
    const rs = await service.segment(volume, { modelId: 'thresh3d-fill', points: [{ ijk: small, positive: true }] });
    expect(rs.crops?.[0]?.fovMm).toBe(72);
    expect(rs.crops?.[1]?.fovMm).toBeLessThan(48);
  }, 60_000);

  it('leak check: a soft-edged coarse mask gives way to the sharpest smaller crop when each that holds its mask is sharp; a sharp coarse mask stands', async () => {
    // A small bright cube (17 mm, 100 HU) in fat (−160 HU), its face 2 mm from a faint slab (42 HU), the gap between
    // them at the threshold (40 HU): the threshold model's logits are +3 in the cube, +0.1 in the slab, 0 in the gap
    // and −10 elsewhere. At 96 mm (3 mm crop voxels, none in the gap) the trilinear samples bridge the gap and the mask
    // leaks into the slab, whose edge is soft inside; at 32 and 48 mm a sample falls in the gap and the cube comes
    // alone: at 32 mm with a sharp edge, at 48 mm a soft one (more samples straddle its faces).
    // An isotropic 1 mm grid, so that the crop's own sampling is what bridges or resolves the gap.
    const ld: Vec3 = [100, 100, 60];
    const c: Vec3 = [40, 50, 30];
    const inB = (i: number, j: number, k: number) => Math.max(Math.abs(i - c[0]), Math.abs(j - c[1]), Math.abs(k - c[2])) <= 8;
    const inSlab = (i: number, j: number, k: number) => j >= 15 && j < 85 && k >= 5 && k < 55 && i >= 49 && i < 95;
    const leaky = ctVolume(ld, [1, 1, 1], (i, j, k) => (inB(i, j, k) ? 100 : inSlab(i, j, k) ? (i < 51 ? 40 : 42) : -160));
    const ball = (q: number) => inB(q % ld[0], Math.floor(q / ld[0]) % ld[1], Math.floor(q / (ld[0] * ld[1])));
    const plain = await service.segment(leaky, { modelId: 'thresh3d-c96', points: [{ ijk: c, positive: true }] });
    const mp = maskFromDelta(plain.delta);
    expect(diceBy(mp.length, (q) => mp[q] === 1, ball)).toBeLessThan(0.5);
    // Checking 32 mm alone: its sharp mask of the cube replaces the leak (its fine pass, 2 × 2 × the cube's reach,
    // would be larger than it, so the 32 mm crop's mask is the result).
    const r = await service.segment(leaky, { modelId: 'thresh3d-leak32', points: [{ ijk: c, positive: true }] });
    const crops = r.crops ?? [];
    expect(crops.map((x) => x.fovMm)).toEqual([96, 32]);
    expect(crops[0]?.sharpness).toBeLessThan(LEAK_CHECK.softBelow);
    expect(crops[1]?.sharpness).toBeGreaterThanOrEqual(LEAK_CHECK.sharpFrom);
    const m = maskFromDelta(r.delta);
    // The cube alone (the crop's half-voxel samples put its faces a voxel out: 17³ against 19³ is Dice 0.83), none of the slab.
    expect(diceBy(m.length, (q) => m[q] === 1, ball)).toBeGreaterThan(0.8);
    expect(m.some((v, q) => v === 1 && q % ld[0] >= 51)).toBe(false);
    // Checking 32 and 48 mm: the 48 mm mask stays inside its crop but is soft, the scales disagree, the coarse mask stands.
    const r2 = await service.segment(leaky, { modelId: 'thresh3d-leak', points: [{ ijk: c, positive: true }] });
    const crops2 = r2.crops ?? [];
    expect(crops2.map((x) => x.fovMm)).toEqual([96, 32, 48]);
    expect(crops2[2]?.touchesBorder).toBe(false);
    expect(crops2[2]?.sharpness).toBeLessThan(LEAK_CHECK.sharpFrom);
    const m2 = maskFromDelta(r2.delta);
    expect(diceBy(m2.length, (q) => m2[q] === 1, (q) => mp[q] === 1)).toBe(1);
    // Without the slab the cube's coarse mask is sharp: the check runs nothing more, the passes are coarse to fine's.
    const clean = ctVolume(ld, [1, 1, 1], (i, j, k) => (inB(i, j, k) ? 100 : -160));
    const rs = await service.segment(clean, { modelId: 'thresh3d-leak', points: [{ ijk: c, positive: true }] });
    const same = await service.segment(clean, { modelId: 'thresh3d-c96', points: [{ ijk: c, positive: true }] });
    expect(rs.crops?.[0]?.sharpness).toBeGreaterThanOrEqual(LEAK_CHECK.softBelow);
    expect(rs.crops?.map((x) => x.fovMm)).toEqual(same.crops?.map((x) => x.fovMm));
    expect(rs.crops?.[1]?.fovMm).not.toBe(32);
  }, 60_000);

  it('leak check with confirmDice: the smaller crop replaces the leak only where the classical region agrees with it', async () => {
    // The leak scene above; the cube alone is what the classical tool grows from the click (100 HU in fat), so the
    // 32 mm crop's mask is confirmed. With a bright core in the cube (the click on it), the classical region is the
    // core alone (Dice with the cube about 0.13), the two methods disagree, and the coarse mask stands.
    const ld: Vec3 = [100, 100, 60];
    const c: Vec3 = [40, 50, 30];
    const cheb = (i: number, j: number, k: number) => Math.max(Math.abs(i - c[0]), Math.abs(j - c[1]), Math.abs(k - c[2]));
    const inSlab = (i: number, j: number, k: number) => j >= 15 && j < 85 && k >= 5 && k < 55 && i >= 49 && i < 95;
    const scene = (core: boolean) => ctVolume(ld, [1, 1, 1], (i, j, k) => (core && cheb(i, j, k) <= 3 ? 300 : cheb(i, j, k) <= 8 ? 100 : inSlab(i, j, k) ? (i < 51 ? 40 : 42) : -160));
    const cube = (q: number) => cheb(q % ld[0], Math.floor(q / ld[0]) % ld[1], Math.floor(q / (ld[0] * ld[1]))) <= 8;
    const confirmed = await service.segment(scene(false), { modelId: 'thresh3d-leak32-confirm', points: [{ ijk: c, positive: true }] });
    expect(confirmed.crops?.map((x) => x.fovMm)).toEqual([96, 32]);
    const m = maskFromDelta(confirmed.delta);
    expect(diceBy(m.length, (q) => m[q] === 1, cube)).toBeGreaterThan(0.8);
    const cored = scene(true);
    const refused = await service.segment(cored, { modelId: 'thresh3d-leak32-confirm', points: [{ ijk: c, positive: true }] });
    const plain = await service.segment(cored, { modelId: 'thresh3d-c96', points: [{ ijk: c, positive: true }] });
    // The check ran (the 32 mm crop) and the coarse pass stood: the same mask as without any check, which leaks.
    expect(refused.crops?.map((x) => x.fovMm).slice(0, 2)).toEqual([96, 32]);
    const mr = maskFromDelta(refused.delta), mp = maskFromDelta(plain.delta);
    expect(diceBy(mr.length, (q) => mr[q] === 1, (q) => mp[q] === 1)).toBe(1);
    expect(diceBy(mr.length, (q) => mr[q] === 1, cube)).toBeLessThan(0.5);
  }, 60_000);

  it('leak check with confirmDice: the smaller crops are not run where no mask inside them could agree with the classical region', async () => {
    // A 35 mm cube (100 HU) in fat, 2 mm of 40 HU from a large faint slab (42 HU): the coarse mask leaks into the slab (soft
    // edge), and the classical region is the cube, which fills the 32 mm crop around the click. A 32 mm crop mask
    // that stays inside its crop (at most 4 voxels on its 32³ shell) holds at most 30³ + 4 of the region's 32³
    // voxels: Dice ≤ 0.904. Asked for 0.95 the check stands down before running the crop; asked for 0.7 it runs it.
    const ld: Vec3 = [110, 100, 60];
    const c: Vec3 = [40, 50, 30];
    const cheb = (i: number, j: number, k: number) => Math.max(Math.abs(i - c[0]), Math.abs(j - c[1]), Math.abs(k - c[2]));
    const inSlab = (i: number, j: number, k: number) => j >= 3 && j < 97 && k >= 2 && k < 58 && i >= 58 && i < 108;
    const big = ctVolume(ld, [1, 1, 1], (i, j, k) => (cheb(i, j, k) <= 17 ? 100 : inSlab(i, j, k) ? (i < 60 ? 40 : 42) : -160));
    const click = { points: [{ ijk: c, positive: true }] };
    const plain = await service.segment(big, { modelId: 'thresh3d-c96', ...click });
    const low = await service.segment(big, { modelId: 'thresh3d-soft45-confirm70', ...click });
    const high = await service.segment(big, { modelId: 'thresh3d-soft45-confirm95', ...click });
    expect(low.crops?.[0]?.sharpness).toBeLessThan(0.45);
    expect(low.crops?.map((x) => x.fovMm).slice(0, 2)).toEqual([96, 32]);
    expect(high.crops?.[0]?.fovMm).toBe(96);
    expect(high.crops?.some((x) => x.fovMm === 32)).toBe(false);
    // Either way the coarse mask stands: the same mask as without the check.
    const mp = maskFromDelta(plain.delta);
    for (const r of [low, high]) {
      const m = maskFromDelta(r.delta);
      expect(diceBy(m.length, (q) => m[q] === 1, (q) => mp[q] === 1)).toBe(1);
    }
  }, 60_000);

  it('classical fusion: on a first click the classical region replaces the mask where the two agree, and only there', async () => {
    // The small ball: the classical tool grows it exactly (a noise-free 100 HU ball in 0 HU), the model's mask comes
    // back from its crop trilinearly; they agree, so the result is the classical region, voxel for voxel.
    const fused = await service.segment(volume, { modelId: 'thresh3d-fused', points: [{ ijk: small, positive: true }] });
    const model = await service.segment(volume, { modelId: 'thresh3d', points: [{ ijk: small, positive: true }] });
    const classical = await service.segment(volume, { modelId: 'classical', points: [{ ijk: small, positive: true }] });
    const mf = maskFromDelta(fused.delta), mm = maskFromDelta(model.delta), mc = maskFromDelta(classical.delta);
    const agreement = diceBy(mm.length, (q) => mm[q] === 1, (q) => mc[q] === 1);
    expect(agreement).toBeGreaterThan(0.8);
    expect(agreement).toBeLessThan(1); // the two masks differ, so the choice is visible
    expect(fused.fusion?.used).toBe('classical');
    expect(fused.fusion?.agreement).toBeCloseTo(agreement, 6);
    expect(diceBy(mf.length, (q) => mf[q] === 1, (q) => mc[q] === 1)).toBe(1);
    expect(diceBy(mf.length, (q) => mf[q] === 1, truth(small, 8))).toBeGreaterThanOrEqual(diceBy(mm.length, (q) => mm[q] === 1, truth(small, 8)));
    // A bright core in a ball: the classical region is the core, the model's the ball; they disagree, the model's stands.
    const cored = ctVolume(dims, sp, (i, j, k) => (inBall(big, 10, i, j, k) ? 300 : inBall(big, 32, i, j, k) ? 100 : 0));
    const f2 = await service.segment(cored, { modelId: 'thresh3d-fused', points: [{ ijk: big, positive: true }] });
    const m2 = await service.segment(cored, { modelId: 'thresh3d', points: [{ ijk: big, positive: true }] });
    expect(f2.fusion?.used).toBe('model');
    expect(f2.fusion?.agreement).toBeLessThan(0.8);
    const a = maskFromDelta(f2.delta), b = maskFromDelta(m2.delta);
    expect(diceBy(a.length, (q) => a[q] === 1, (q) => b[q] === 1)).toBe(1);
    // Not a first click (a box, or a second click): no fusion.
    const boxed = await service.segment(volume, { modelId: 'thresh3d-fused', points: [], box: { a: { ijk: [92, 52, 20] }, b: { ijk: [108, 68, 20] } } });
    expect(boxed.fusion).toBeUndefined();
    const two = await service.segment(volume, { modelId: 'thresh3d-fused', points: [{ ijk: small, positive: true }, { ijk: [0, 0, 0], positive: false }] });
    expect(two.fusion).toBeUndefined();
    // A click on the last voxel's outer half is on the image for the model and for the classical region grown beside
    // it (it used to round off the image and fail the fused request).
    const edge = { points: [{ ijk: [119.5, 60, 20] as Vec3, positive: true }] };
    await expect(service.segment(volume, { modelId: 'thresh3d', ...edge })).resolves.toBeDefined();
    expect((await service.segment(volume, { modelId: 'thresh3d-fused', ...edge })).fusion).toBeDefined();
    await expect(service.segment(volume, { modelId: 'thresh3d-fused', points: [{ ijk: [120.6, 60, 20], positive: true }] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  }, 60_000);

  it('test-time flips mirror the logits back: an equivariant model gives the same mask, for an object off the crop centre', async () => {
    const at: Vec3 = [big[0] + 12, big[1] - 7, big[2] + 3];
    const once = await service.segment(volume, { modelId: 'thresh3d', points: [{ ijk: at, positive: true }] });
    const tta = await service.segment(volume, { modelId: 'thresh3d-tta', points: [{ ijk: at, positive: true }] });
    expect(tta.crops?.map((c) => c.fovMm)).toEqual(once.crops?.map((c) => c.fovMm));
    const a = maskFromDelta(once.delta), b = maskFromDelta(tta.delta);
    expect(diceBy(a.length, (q) => a[q] === 1, (q) => b[q] === 1)).toBeGreaterThan(0.995);
    expect(diceBy(b.length, (q) => b[q] === 1, truth(big, 32))).toBeGreaterThan(0.95);
  }, 60_000);

  it('a box bounds the mask in its plane (box side + 10 % + 1 voxel)', async () => {
    // A box over the left half of the big ball only.
    const a: Vec3 = [18, 40, 20];
    const b: Vec3 = [50, 80, 20];
    const r = await service.segment(volume, { modelId: 'thresh3d', points: [], box: { a: { ijk: a }, b: { ijk: b } } });
    expect(r.voxelCount).toBeGreaterThan(1000);
    const iMax = r.delta.box.max[0];
    expect(iMax).toBeLessThanOrEqual(50 + Math.ceil(0.1 * 33 + 1));
    expect(iMax).toBeGreaterThan(45);
  }, 60_000);
});

describe('pickSmallerCrop', () => {
  // Two sharp crops: the sharper one disagrees with the classical region, the other agrees.
  const crops = [{ fov: 32, sharpness: 0.4, agree: 0.9 }, { fov: 48, sharpness: 0.45, agree: 0.3 }];
  const agree = (c: (typeof crops)[number]) => c.agree;
  it('takes the sharpest without confirmDice, and none when no crop is sharp', () => {
    expect(pickSmallerCrop(crops, {}, agree)?.fov).toBe(48);
    expect(pickSmallerCrop([], { confirmDice: 0.8, pick: 'agreeing' }, agree)).toBeNull();
  });
  it('with confirmDice the sharpest must agree; with pick agreeing the best-agreeing is taken if it agrees enough', () => {
    expect(pickSmallerCrop(crops, { confirmDice: 0.8 }, agree)).toBeNull();
    expect(pickSmallerCrop(crops, { confirmDice: 0.8, pick: 'sharpest' }, agree)).toBeNull();
    expect(pickSmallerCrop(crops, { confirmDice: 0.25 }, agree)?.fov).toBe(48);
    expect(pickSmallerCrop(crops, { confirmDice: 0.8, pick: 'agreeing' }, agree)?.fov).toBe(32);
    expect(pickSmallerCrop(crops, { confirmDice: 0.95, pick: 'agreeing' }, agree)).toBeNull();
  });
});

describe('bestDiceInside', () => {
  const full = (G: number) => new Float32Array(G ** 3).fill(1);
  it('is 2m / (m + c) for the most of the region a mask inside the crop can hold, and 0 for a region off the crop', () => {
    // A region filling an 8³ crop: the 6³ inner part plus 4 shell voxels, or a 5³ box.
    expect(bestDiceInside(full(8), 8, 8, 0)).toBeCloseTo((2 * 216) / (216 + 512), 12);
    expect(bestDiceInside(full(8), 8, 8, 4)).toBeCloseTo((2 * 220) / (220 + 512), 12);
    expect(bestDiceInside(full(8), 8, 5, 4)).toBeCloseTo((2 * 125) / (125 + 512), 12);
    // … which a 5³ box mask inside the crop reaches.
    const box = Uint8Array.from({ length: 512 }, (_, q) => (q % 8 >= 1 && q % 8 < 6 && (q >> 3) % 8 >= 2 && (q >> 3) % 8 < 7 && q >> 6 >= 1 && q >> 6 < 6 ? 1 : 0));
    expect(diceBy(512, (q) => box[q] === 1, () => true)).toBeCloseTo(bestDiceInside(full(8), 8, 5, 4), 12);
    expect(bestDiceInside(new Float32Array(512), 8, 5, 4)).toBe(0);
    // A region inside the crop and inside a box of the allowed side: a mask can be the region itself.
    const blob = new Float32Array(512);
    for (let z = 2; z < 5; z++) for (let y = 3; y < 6; y++) for (let x = 1; x < 5; x++) blob[(z * 8 + y) * 8 + x] = 0.9;
    expect(bestDiceInside(blob, 8, 4, 0)).toBe(1);
    expect(bestDiceInside(blob, 8, 3, 0)).toBeCloseTo((2 * 27) / (27 + 36), 12);
  });
  it('bounds the Dice of every mask that keeps to the limits', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const G = 8;
    for (let t = 0; t < 40; t++) {
      const region = Float32Array.from({ length: G ** 3 }, () => (rand() < 0.6 ? 1 : 0));
      const side = 3 + Math.floor(rand() * 5), shell = Math.floor(rand() * 6);
      const bound = bestDiceInside(region, G, side, shell);
      let reached = 0;
      // Masks: the region within a box of the allowed side (at random places), plus up to `shell` shell voxels.
      for (let n = 0; n < 30; n++) {
        const o = [0, 1, 2].map(() => Math.floor(rand() * (G - side + 1)));
        const a = new Uint8Array(G ** 3);
        let onShell = 0;
        for (let z = o[2] as number; z < (o[2] as number) + side; z++)
          for (let y = o[1] as number; y < (o[1] as number) + side; y++)
            for (let x = o[0] as number; x < (o[0] as number) + side; x++) {
              const q = (z * G + y) * G + x;
              const isShell = x === 0 || y === 0 || z === 0 || x === G - 1 || y === G - 1 || z === G - 1;
              if ((region[q] as number) > 0.5 && (!isShell || onShell++ < shell)) a[q] = 1;
            }
        const d = diceBy(a.length, (q) => a[q] === 1, (q) => (region[q] as number) > 0.5);
        expect(d).toBeLessThanOrEqual(bound + 1e-12);
        reached = Math.max(reached, d);
      }
      expect(reached).toBeGreaterThan(0);
    }
  });
});

describe('edgeSharpness', () => {
  const G = 16, V = G * G * G;
  const ball = (r: number) => Uint8Array.from({ length: V }, (_, q) => (((q % G) - 7.5) ** 2 + ((Math.floor(q / G) % G) - 7.5) ** 2 + (Math.floor(q / (G * G)) - 7.5) ** 2 <= r * r ? 1 : 0));
  const logitsFor = (keep: Uint8Array, inside: number, outside: number) => Float32Array.from(keep, (k) => (k ? inside : outside));
  const sig = (x: number) => 1 / (1 + Math.exp(-x));
  it('is the mean |sigmoid − ½| over the voxels on both sides of the mask edge', () => {
    const keep = ball(5);
    expect(edgeSharpness(logitsFor(keep, 4, -4), keep, G)).toBeCloseTo(sig(4) - 0.5, 6);
    // A soft edge (a leak's) is lower than a sharp one.
    expect(edgeSharpness(logitsFor(keep, 0.3, -0.3), keep, G)).toBeCloseTo(sig(0.3) - 0.5, 6);
    // Only edge voxels count: logits far inside or far outside the mask do not move it.
    const far = logitsFor(keep, 4, -4);
    far[0] = -50; // a corner, 6+ voxels from the ball
    far[8 + G * (8 + G * 8)] = 50; // the ball's centre
    expect(edgeSharpness(far, keep, G)).toBeCloseTo(sig(4) - 0.5, 6);
    // Each side counts: a sharp inside and a soft outside average.
    const n = countEdge(keep, G);
    expect(n.inside).toBeGreaterThan(0);
    expect(edgeSharpness(logitsFor(keep, 4, -0.3), keep, G)).toBeCloseTo((n.inside * (sig(4) - 0.5) + n.outside * (0.5 - sig(-0.3))) / (n.inside + n.outside), 6);
    // No edge inside the crop (the mask fills it) or no mask: 0.
    const all = new Uint8Array(V).fill(1);
    expect(edgeSharpness(logitsFor(all, 4, -4), all, G)).toBe(0);
    expect(edgeSharpness(new Float32Array(V), new Uint8Array(V), G)).toBe(0);
  });
});

/** Mask voxels with a 6-neighbour outside the mask, and outside voxels with one inside (an independent count). */
function countEdge(keep: Uint8Array, G: number): { inside: number; outside: number } {
  const at = (x: number, y: number, z: number) => (x < 0 || y < 0 || z < 0 || x >= G || y >= G || z >= G ? -1 : (keep[x + G * (y + G * z)] as number));
  let inside = 0, outside = 0;
  for (let z = 0; z < G; z++) for (let y = 0; y < G; y++) for (let x = 0; x < G; x++) {
    const v = at(x, y, z);
    const ns = [at(x - 1, y, z), at(x + 1, y, z), at(x, y - 1, z), at(x, y + 1, z), at(x, y, z - 1), at(x, y, z + 1)];
    if (!ns.some((u) => u !== -1 && u !== v)) continue;
    if (v === 1) inside++;
    else outside++;
  }
  return { inside, outside };
}

describe('flipCrop', () => {
  it('mirrors each flagged axis of every channel and is its own inverse', () => {
    const G = 4, C = 2, V = G * G * G;
    const data = Float32Array.from({ length: C * V }, (_, n) => n);
    const f = [true, false, true] as const;
    const out = flipCrop(data, C, G, f);
    for (let c = 0; c < C; c++)
      for (let z = 0; z < G; z++)
        for (let y = 0; y < G; y++)
          for (let x = 0; x < G; x++) expect(out[c * V + (z * G + y) * G + x]).toBe(data[c * V + ((G - 1 - z) * G + y) * G + (G - 1 - x)]);
    expect(Array.from(flipCrop(out, C, G, f))).toEqual(Array.from(data));
    expect(Array.from(flipCrop(data, C, G, [false, false, false]))).toEqual(Array.from(data));
  });
});

describe('segment.prompt3d manifests', () => {
  const base = () => ({
    schemaVersion: 1,
    id: 'x3d',
    name: 'x',
    version: '1',
    task: 'segment.prompt3d',
    licence: 'l',
    intendedUse: 'u',
    files: [{ path: 'm.onnx', sha256: 'a'.repeat(64), role: 'model' }],
    onnx: { opset: 17, inputs: [{ name: 'input', dtype: 'float32', shape: [1, 7, 48, 48, 48] }], outputs: [{ name: 'logits', dtype: 'float32', shape: [1, 1, 48, 48, 48] }] },
    preprocessing: {
      cropSizeVox: 48,
      fovLadderMm: [24, 48, 96],
      firstFovMm: 48,
      boxFovFactor: 2,
      correctionFovFactor: 1.6,
      clickSigmaVox: 2,
      imageChannels: { CT: [{ type: 'window', minHu: -160, maxHu: 240 }, { type: 'window', minHu: -1000, maxHu: 400 }], default: [{ type: 'percentile', low: 0.5, high: 99.5 }, { type: 'percentile', low: 0.5, high: 99.5 }] },
    },
    postprocessing: {},
  });
  it('accepts a sound one and refuses each broken one with its reason', () => {
    expect(parseManifest(base()).ok).toBe(true);
    const bad: [string, (m: ReturnType<typeof base>) => void][] = [
      ['must be [1, 7, 48, 48, 48]', (m) => (m.onnx.inputs[0]!.shape = [1, 6, 48, 48, 48])],
      ['needs output "logits"', (m) => (m.onnx.outputs[0]!.name = 'masks')],
      ['fovLadderMm must ascend', (m) => (m.preprocessing.fovLadderMm = [48, 24, 96])],
      ['firstFovMm must be a rung', (m) => (m.preprocessing.firstFovMm = 50)],
      ['same number of image channels', (m) => (m.preprocessing.imageChannels.default = [{ type: 'percentile', low: 0.5, high: 99.5 }])],
      ['multiple of 8', (m) => (m.preprocessing.cropSizeVox = 44)],
      ['fillFraction', (m) => Object.assign(m.preprocessing, { fillFraction: 1.5 })],
      ['pick "agreeing" needs confirmDice', (m) => Object.assign(m.preprocessing, { leakCheck: { softBelow: 0.2, sharpFrom: 0.3, fovsMm: [32], pick: 'agreeing' } })],
    ];
    expect(parseManifest(Object.assign(base(), { preprocessing: { ...base().preprocessing, leakCheck: { softBelow: 0.2, sharpFrom: 0.3, fovsMm: [32], confirmDice: 0.8, pick: 'agreeing' } } })).ok).toBe(true);
    for (const [why, edit] of bad) {
      const m = base();
      edit(m);
      const r = parseManifest(m);
      expect(r.ok, why).toBe(false);
      if (!r.ok) expect(r.errors.join('\n')).toContain(why);
    }
  });
});
