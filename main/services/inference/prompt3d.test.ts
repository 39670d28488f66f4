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
import { clickMap, cropFrame, flipCrop, insideCrop, sampleCrop, toCrop } from './prompt3d';
import { ModelRegistry } from './registry';
import { SegmentationService } from './segmentService';
import { writePack3d } from './testing/testModel3d';
import { HAS_ONNX_PYTHON } from './testing/testModels';
import { InferenceClient } from './worker/inferenceClient';

const TRAINING = path.resolve(__dirname, '..', '..', '..', 'native-models', 'training');
const HAS_TORCH = hasPythonModules(['torch', 'numpy']);

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
    ];
    for (const [why, edit] of bad) {
      const m = base();
      edit(m);
      const r = parseManifest(m);
      expect(r.ok, why).toBe(false);
      if (!r.ok) expect(r.errors.join('\n')).toContain(why);
    }
  });
});
