/**
 * The mask prompt of segment.prompt2d with a stand-in model (a runner
 * function, no ONNX): the prompted slice is the mask's slice, the mask goes
 * in as mask_input with has_mask_input = 1 and only SAM's padding point, and
 * a model that echoes its mask input gives back the prompted shape.
 */
import { describe, expect, it } from 'vitest';
import type { Prompt2dConfig } from '../../../common/models/manifest';
import { maskFromDelta } from '../../../common/labelmap/labelmapDelta';
import { planeSize, slicePlaneFor, type SliceMask } from '../../../common/segmentation/slicePlane';
import type { Vec3, Volume } from '../../../common/volume';
import { runPrompt2d, type ModelRunner } from './prompt2d';
import type { WireTensor } from './worker/protocol';

const S = 32;
const config: Prompt2dConfig = {
  pre: { cropSizePx: S, fovMm: { default: 32, min: 8, max: 128, marginFactor: 2 }, intensity: { default: { type: 'window', minHu: -500, maxHu: 1000 } } },
  post: { maskThreshold: 0, iouStopThreshold: 0.5, minAreaPx: 1 },
};
const dims: Vec3 = [40, 40, 6];
const volume: Volume = {
  geometry: { dimensions: dims, spacingMm: [1, 1, 2], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
  dtype: 'float32',
  voxels: new Float32Array(40 * 40 * 6),
  meta: { modality: 'CT', sourceFormat: 'nifti', description: '', patientName: '', patientId: '', studyDate: '', seriesInstanceUid: '', warnings: [] },
};

/** Echoes mask_input (S/4) as S×S logits, nearest neighbour; IoU 0.9. */
function echoRunner(calls: Record<string, WireTensor>[]): ModelRunner {
  return async (feeds) => {
    calls.push(feeds);
    const m = feeds.mask_input?.data as Float32Array;
    const q = S / 4;
    const out = new Float32Array(S * S);
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) out[x + S * y] = m[Math.floor(x / 4) + q * Math.floor(y / 4)] as number;
    return { outputs: { masks: { dtype: 'float32', dims: [1, 1, S, S], data: out }, iou_predictions: { dtype: 'float32', dims: [1, 1], data: Float32Array.of(0.9) } }, runMs: 0 };
  };
}

describe('prompt2d mask prompt', () => {
  it('feeds the mask as mask_input on its slice and an echoing model returns that shape', async () => {
    const plane = slicePlaneFor(volume.geometry, 'axial');
    const { width, height } = planeSize(volume.geometry, plane);
    const bits = new Uint8Array(width * height);
    // A 12 × 12 mm square on slice 3.
    for (let v = 14; v < 26; v++) for (let u = 10; u < 22; u++) bits[u + width * v] = 1;
    const mask: SliceMask = { width, height, bits };
    const calls: Record<string, WireTensor>[] = [];
    const r = await runPrompt2d(volume, config, { plane: 'axial', points: [], mask: { slice: 3, mask } }, echoRunner(calls), { maxSlices: 1 });
    const first = calls[0] as Record<string, WireTensor>;
    expect(Array.from(first.has_mask_input?.data as Float32Array)).toEqual([1]);
    expect(Array.from(first.point_labels?.data as Float32Array)).toEqual([-1]); // padding only
    expect(r.steps[0]?.slice).toBe(3);
    const out = maskFromDelta(r.delta);
    let inter = 0;
    let a = 0;
    let b = 0;
    for (let v = 0; v < height; v++)
      for (let u = 0; u < width; u++) {
        const x = out[u + width * (v + height * 3)] as number;
        const y = bits[u + width * v] as number;
        a += x;
        b += y;
        inter += x & y;
      }
    // The S/4 mask input quantises the square to 4-pixel cells of the crop: close, not exact.
    expect((2 * inter) / (a + b)).toBeGreaterThan(0.85);
    expect(out.reduce((s, x, n) => s + (Math.floor(n / (width * height)) === 3 ? 0 : x), 0)).toBe(0);
  });

  it('refuses an empty mask prompt', async () => {
    const plane = slicePlaneFor(volume.geometry, 'axial');
    const { width, height } = planeSize(volume.geometry, plane);
    await expect(runPrompt2d(volume, config, { plane: 'axial', points: [], mask: { slice: 1, mask: { width, height, bits: new Uint8Array(width * height) } } }, echoRunner([]))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
