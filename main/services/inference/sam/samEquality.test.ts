/**
 * Voxa's SAM-family engine equals the reference implementation: a SAM-architecture
 * model (tiny ViT encoder, random weights) is built with segment_anything.modeling,
 * its decoder exported with SAM's official exporter, packed, imported with
 * `voxa models import`, and run on a real axial CT slice and a non-square MR slice
 * with point, point + negative, box and mask prompts; SamPredictor (torch) gives
 * the reference masks for the same 8-bit image and prompts.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samConfig } from '../../../../common/models/manifest';
import { planeSize, planeStrides, slicePlaneFor } from '../../../../common/segmentation/slicePlane';
import type { Volume } from '../../../../common/volume';
import { cli } from '../../../cli/testing/captureCli';
import { dataPath, HAS_DATA } from '../../../testing/dataDir';
import { loadVolume } from '../../io/volumeLoader';
import { ModelRegistry } from '../registry';
import { SegmentationService } from '../segmentService';
import { InferenceClient } from '../worker/inferenceClient';
import type { SamPrompt } from './samEngine';
import { extractSlice, quantise8, resizeBilinear8, resizedShape, sliceToGrid, sliceWindow } from './samImage';
import { buildTinySamPack, HAS_SAM_REFERENCE, referencePredict, samManifest, TINY_SAM_ID, type ReferenceRequest, type ReferenceResult } from './testing/tinySam';

const RUN = HAS_SAM_REFERENCE && HAS_DATA;
let tmp = '';
let userData = '';
let checkpoint = '';
let packDir = '';
let client: InferenceClient;
let service: SegmentationService;

interface Case {
  name: string;
  file: string;
  slice: number;
  volume?: Volume;
  requests: { name: string; prompt: SamPrompt; maskFrom?: string }[];
}

const CASES: Case[] = [
  {
    name: 'ct',
    file: dataPath('seg_dicom_liver_ct3slice_dcmqi', 'ct'),
    slice: 1,
    requests: [
      { name: 'ct-point', prompt: { points: [{ x: 300, y: 260, positive: true }] } },
      { name: 'ct-points', prompt: { points: [{ x: 300, y: 260, positive: true }, { x: 340, y: 300, positive: false }] } },
      { name: 'ct-box', prompt: { points: [], box: { x1: 200, y1: 180, x2: 380, y2: 340 } } },
      { name: 'ct-mask', prompt: { points: [{ x: 300, y: 260, positive: true }] }, maskFrom: 'ct-point' },
    ],
  },
  {
    name: 'mr',
    file: dataPath('lesion_mr_nrrd_pyradiomics', 'breast1_image.nrrd'),
    slice: 10,
    requests: [
      { name: 'mr-point', prompt: { points: [{ x: 22, y: 60, positive: true }] } },
      { name: 'mr-box', prompt: { points: [{ x: 20, y: 64, positive: true }], box: { x1: 6, y1: 30, x2: 40, y2: 95 } } },
      { name: 'mr-mask', prompt: { points: [] }, maskFrom: 'mr-point' },
    ],
  },
];

const f32 = (file: string) => {
  const b = readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

function iouAbove0(a: Float32Array, b: Float32Array): number {
  let inter = 0;
  let union = 0;
  for (let n = 0; n < a.length; n++) {
    const x = (a[n] as number) > 0;
    const y = (b[n] as number) > 0;
    if (x && y) inter++;
    if (x || y) union++;
  }
  return union ? inter / union : 1;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let n = 0; n < a.length; n++) m = Math.max(m, Math.abs((a[n] as number) - (b[n] as number)));
  return m;
}

const reference = new Map<string, ReferenceResult>();
const windows = new Map<string, [number, number]>();

beforeAll(async () => {
  if (!RUN) return;
  tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-sam-eq-'));
  userData = path.join(tmp, 'user-data');
  const built = buildTinySamPack(tmp);
  checkpoint = built.checkpoint;
  packDir = built.packDir;
  const imported = await cli(['models', 'import', built.packDir, '--user-data', userData]);
  expect(imported.code, imported.err).toBe(0);
  client = new InferenceClient({ threads: 2 });
  service = new SegmentationService({ registry: new ModelRegistry({ userData }), client });
  const requests: ReferenceRequest[] = [];
  for (const c of CASES) {
    c.volume = await loadVolume(c.file);
    const plane = slicePlaneFor(c.volume.geometry, 'axial');
    const img = extractSlice(c.volume, plane, c.slice);
    const pre = samConfig((await service.registry.resolve(TINY_SAM_ID)).manifest).pre;
    const window = sliceWindow(pre, img.values, c.volume.meta.modality);
    windows.set(c.name, window);
    const raw = path.join(tmp, `${c.name}.f32`);
    writeFileSync(raw, Buffer.from(img.values.buffer));
    for (const r of c.requests) {
      requests.push({
        name: r.name,
        image: raw,
        width: img.width,
        height: img.height,
        window,
        points: r.prompt.points.map((p) => [p.x, p.y, p.positive ? 1 : 0]),
        box: r.prompt.box ? [r.prompt.box.x1, r.prompt.box.y1, r.prompt.box.x2, r.prompt.box.y2] : null,
        maskFrom: r.maskFrom ?? null,
        multimask: true,
      });
    }
  }
  for (const r of referencePredict(checkpoint, requests, tmp)) reference.set(r.name, r);
}, 240_000);

afterAll(async () => {
  await client?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(!RUN)('SAM-family pack equals SamPredictor', () => {
  it('the imported pack is listed as a user pack', async () => {
    const list = await cli(['models', 'list', '--json', '--user-data', userData]);
    const entry = (JSON.parse(list.out) as { id: string; source: string; status: string }[]).find((e) => e.id === TINY_SAM_ID);
    expect(entry).toMatchObject({ source: 'user', status: 'ok' });
  });

  it('8-bit image and its resize to the longest side equal SAM preprocessing bit for bit', () => {
    for (const c of CASES) {
      const v = c.volume as Volume;
      const img = extractSlice(v, slicePlaneFor(v.geometry, 'axial'), c.slice);
      const [lo, hi] = windows.get(c.name) as [number, number];
      const u8 = quantise8(img.values, lo, hi);
      const first = c.requests[0]?.name as string;
      expect(Buffer.compare(Buffer.from(u8), readFileSync(path.join(tmp, `${first}.u8`)))).toBe(0);
      const pre = { inputSize: 1024, resize: 'longestSide' } as Parameters<typeof resizedShape>[0];
      const r = resizedShape(pre, img.width, img.height);
      expect([r.height, r.width]).toEqual(reference.get(first)?.inputSize);
      const resized = resizeBilinear8(u8, img.width, img.height, r.width, r.height);
      const ref = readFileSync(path.join(tmp, `${first}.resized.u8`));
      let differ = 0;
      for (let n = 0; n < resized.length; n++) if (resized[n] !== ref[n]) differ++;
      expect(differ, `${c.name}: ${differ} of ${resized.length} resized pixels differ from Pillow`).toBe(0);
    }
  });

  it('masks, logits, IoU predictions and low-res logits match for point, box and mask prompts', async () => {
    const { engine } = await service.samEngine(TINY_SAM_ID);
    const rows: string[] = [];
    const checks: { name: string; ref: ReferenceResult; out: Awaited<ReturnType<typeof engine.predict>>; iou: number; dLogit: number; dLow: number; total: number; span: number; spanLow: number }[] = [];
    for (const c of CASES) {
      const v = c.volume as Volume;
      const plane = slicePlaneFor(v.geometry, 'axial');
      const lowRes = new Map<string, Float32Array>();
      for (const r of c.requests) {
        const prompt: SamPrompt = { ...r.prompt, ...(r.maskFrom ? { maskLogits: lowRes.get(r.maskFrom) as Float32Array } : {}) };
        const out = await engine.predict(v, plane, c.slice, prompt);
        const ref = reference.get(r.name) as ReferenceResult;
        const refLogits = f32(path.join(tmp, `${r.name}.masks.f32`));
        const refLow = f32(path.join(tmp, `${r.name}.lowres.f32`));
        expect(out.logits.length).toBe(refLogits.length);
        const iou = iouAbove0(out.logits, refLogits);
        const dLogit = maxAbsDiff(out.logits, refLogits);
        const dLow = maxAbsDiff(out.lowRes as Float32Array, refLow);
        const area = out.logits.reduce((a, x) => a + (x > 0 ? 1 : 0), 0);
        rows.push(`${r.name}: IoU ${iou.toFixed(5)}, max |Δlogit| ${dLogit.toExponential(2)} (logits within ±${maxAbsDiff(refLogits, new Float32Array(refLogits.length)).toFixed(1)}), low-res ${dLow.toExponential(2)}, chosen ${out.chosen}/${ref.best + 1}, area ${area}/${ref.area} of ${out.logits.length}`);
        const zero = (n: number) => new Float32Array(n);
        checks.push({ name: r.name, ref, out, iou, dLogit, dLow, total: out.logits.length, span: maxAbsDiff(refLogits, zero(refLogits.length)), spanLow: maxAbsDiff(refLow, zero(refLow.length)) });
        lowRes.set(r.name, out.lowRes as Float32Array);
      }
    }
    console.log(`SAM equality (tiny random-weight SAM, ${CASES.length} slices):\n  ${rows.join('\n  ')}`);
    // Tolerance: logits within 5e-4 of their own range (float32 ONNX vs torch; the range is ±60–150 here).
    for (const { ref, out, iou, dLogit, dLow, total, span, spanLow } of checks) {
      // The comparison means something only when the mask is neither empty nor everything.
      expect(ref.area).toBeGreaterThanOrEqual(40);
      expect(ref.area).toBeLessThan(total * 0.99);
      // SamPredictor's multimask output drops mask 0: its index n is the decoder's n + 1.
      expect(out.chosen).toBe(ref.best + 1);
      expect(iou).toBeGreaterThanOrEqual(0.99);
      expect(dLogit).toBeLessThanOrEqual(5e-4 * span);
      expect(dLow).toBeLessThanOrEqual(5e-4 * spanLow);
      for (let n = 0; n < 3; n++) expect(Math.abs((out.ious[n + 1] as number) - (ref.ious[n] as number))).toBeLessThan(1e-3);
    }
  }, 120_000);

  it('`voxa segment --model <user pack> --user-data` gives SamPredictor\'s mask on the prompted slice', async () => {
    const c = CASES[0] as Case;
    const v = c.volume as Volume;
    const plane = slicePlaneFor(v.geometry, 'axial');
    const { width, height } = planeSize(v.geometry, plane);
    const p = c.requests[0]?.prompt.points[0] as { x: number; y: number };
    const [u, vv] = sliceToGrid(plane, width, height, p.x, p.y);
    const ijk = [0, 0, 0];
    ijk[plane.colAxis] = u;
    ijk[plane.rowAxis] = vv;
    ijk[plane.normalAxis] = c.slice;
    const out = path.join(tmp, 'cli-mask.nii.gz');
    const r = await cli(['segment', c.file, '--voxel', ijk.join(','), '--model', TINY_SAM_ID, '--user-data', userData, '--out', out, '--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ model: TINY_SAM_ID });
    const mask = await loadVolume(out);
    const ref = f32(path.join(tmp, `${c.requests[0]?.name}.masks.f32`));
    const got = new Float32Array(width * height);
    const { su, sv, sk } = planeStrides(v.geometry, plane);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const [gu, gv] = sliceToGrid(plane, width, height, x, y);
        got[y * width + x] = (mask.voxels[gu * su + gv * sv + c.slice * sk] as number) > 0 ? 1 : -1;
      }
    }
    expect(iouAbove0(got, ref)).toBeGreaterThanOrEqual(0.99);
  }, 120_000);
});

describe.skipIf(!RUN)('SAM-family manifests that are incomplete or contradictory', () => {
  const cases: { name: string; edit: (pre: Record<string, unknown>) => void; message: RegExp }[] = [
    { name: 'no channels', edit: (p) => delete p.channels, message: /preprocessing\.channels/ },
    { name: 'longest-side resize without padding', edit: (p) => (p.pad = 'none'), message: /pad must be "bottomRight"/ },
    { name: 'stretch with padding', edit: (p) => (p.resize = 'stretch'), message: /pad must be "none"/ },
    { name: 'mask prompt size', edit: (p) => (p.maskInputSize = 128), message: /maskInputSize must be inputSize \/ 4 \(256\)/ },
    { name: 'one channel into a 3-channel encoder', edit: (p) => ((p.channels = 1), ((p.normalize as { pixelMean: number[] }).pixelMean = [120]), ((p.normalize as { pixelStd: number[] }).pixelStd = [58])), message: /input "image" must be \[1, 1, 1024, 1024\]/ },
    { name: 'mean/std per channel', edit: (p) => ((p.normalize as { pixelMean: number[] }).pixelMean = [123, 116]), message: /one value per channel \(3\)/ },
    { name: 'orig_im_size denied', edit: (p) => (p.origImSize = false), message: /takes "orig_im_size" but origImSize is false/ },
    { name: 'unknown normalisation', edit: (p) => (p.normalize = { type: 'zscore' }), message: /preprocessing\.normalize/ },
    { name: 'encoder input name', edit: (p) => (p.encoderInputName = 'input_image'), message: /needs input "input_image"/ },
  ];
  for (const c of cases) {
    it(`refuses at import: ${c.name}`, async () => {
      const dir = path.join(tmp, `bad-${c.name.replace(/[^a-z]+/g, '-')}`, TINY_SAM_ID);
      cpSync(packDir, dir, { recursive: true });
      writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(samManifest(dir, TINY_SAM_ID, c.edit)));
      const r = await cli(['models', 'import', dir, '--user-data', path.join(tmp, 'refused-user-data'), '--replace']);
      expect(r.code).not.toBe(0);
      expect(r.err).toMatch(c.message);
    });
  }
});
