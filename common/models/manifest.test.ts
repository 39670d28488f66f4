import { describe, expect, it } from 'vitest';
import { parseManifest, prompt2dConfig, shapeMatches } from './manifest';

export function exampleManifest(): Record<string, unknown> {
  return {
    schemaVersion: 1,
    id: 'radsam-lite',
    name: 'RadSAM-lite',
    version: '1.0.0',
    task: 'segment.prompt2d',
    licence: 'CC BY 3.0 data; weights MIT',
    intendedUse: 'research',
    files: [{ path: 'radsam-lite.onnx', sha256: 'a'.repeat(64), role: 'model' }],
    onnx: {
      opset: 17,
      inputs: [
        { name: 'image', dtype: 'float32', shape: [1, 1, 128, 128] },
        { name: 'point_coords', dtype: 'float32', shape: [1, -1, 2] },
        { name: 'point_labels', dtype: 'float32', shape: [1, -1] },
        { name: 'mask_input', dtype: 'float32', shape: [1, 1, 32, 32] },
        { name: 'has_mask_input', dtype: 'float32', shape: [1] },
      ],
      outputs: [
        { name: 'masks', dtype: 'float32', shape: [1, 1, 128, 128] },
        { name: 'iou_predictions', dtype: 'float32', shape: [1, 1] },
      ],
    },
    preprocessing: {
      cropSizePx: 128,
      fovMm: { default: 96, min: 24, max: 240, marginFactor: 2.5 },
      intensity: { CT: { type: 'window', minHu: -500, maxHu: 1000 }, MR: { type: 'percentile', low: 0.5, high: 99.5 }, default: { type: 'percentile', low: 0.5, high: 99.5 } },
    },
    postprocessing: { maskThreshold: 0, iouStopThreshold: 0.5, minAreaPx: 4 },
    labels: ['lesion'],
  };
}

describe('model manifest schema', () => {
  it('accepts the docs/model-packs.md example and types its prompt2d sections', () => {
    const r = parseManifest(exampleManifest());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const cfg = prompt2dConfig(r.manifest);
    expect(cfg.pre.cropSizePx).toBe(128);
    expect(cfg.post.iouStopThreshold).toBe(0.5);
  });

  it('fills postprocessing defaults (threshold 0, IoU 0.5, 4 px)', () => {
    const m = exampleManifest();
    m.postprocessing = {};
    const r = parseManifest(m);
    expect(r.ok && prompt2dConfig(r.manifest).post).toEqual({ maskThreshold: 0, iouStopThreshold: 0.5, minAreaPx: 4 });
  });

  const bad: [string, (m: Record<string, unknown>) => void, RegExp][] = [
    ['bad id', (m) => (m.id = 'RadSAM Lite'), /^id: id must match/],
    ['short sha256', (m) => ((m.files as { sha256: string }[])[0]!.sha256 = 'abc'), /files\.0\.sha256: sha256 must be 64/],
    ['path escape', (m) => ((m.files as { path: string }[])[0]!.path = '../x.onnx'), /files\.0\.path: file paths must be relative/],
    ['unknown task', (m) => (m.task = 'segment.magic'), /^task:/],
    ['zero dimension', (m) => ((m.onnx as { inputs: { shape: number[] }[] }).inputs[0]!.shape = [1, 0, 128, 128]), /dimension is a positive integer or -1/],
    ['missing prompt input', (m) => ((m.onnx as { inputs: unknown[] }).inputs.splice(3, 1)), /needs input "mask_input"/],
    ['image size ≠ cropSizePx', (m) => ((m.preprocessing as { cropSizePx: number }).cropSizePx = 64), /input "image" must be \[1, 1, 64, 64\]/],
    ['fov order', (m) => ((m.preprocessing as { fovMm: { min: number } }).fovMm.min = 100), /preprocessing\.fovMm: fovMm must satisfy/],
    ['no default intensity', (m) => delete (m.preprocessing as { intensity: Record<string, unknown> }).intensity.default, /intensity needs a "default"/],
    ['encoder without decoder', (m) => ((m.files as { role: string }[])[0]!.role = 'encoder'), /"encoder" and "decoder" come together/],
    ['wrong schemaVersion', (m) => (m.schemaVersion = 2), /^schemaVersion:/],
  ];
  for (const [what, mutate, message] of bad) {
    it(`refuses a manifest with ${what}`, () => {
      const m = exampleManifest();
      mutate(m);
      const r = parseManifest(m);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.some((e) => message.test(e)), r.errors.join('\n')).toBe(true);
    });
  }

  it('matches shapes with dynamic dimensions', () => {
    expect(shapeMatches([1, -1, 2], [1, 5, 2])).toBe(true);
    expect(shapeMatches([1, -1, 2], [1, 5, 3])).toBe(false);
    expect(shapeMatches([1, 1, 128, 128], [1, 1, 128])).toBe(false);
    expect(shapeMatches([1, 1, 128, 128], [1, 1, -1, -1])).toBe(true);
  });
});
