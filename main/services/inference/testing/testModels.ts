/**
 * Test fixture: tiny ONNX models with known outputs (make_test_models.py, run
 * with Debian's python3-onnx) wrapped into model packs with real sha256s.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PY = '/usr/bin/python3';
export const HAS_ONNX_PYTHON = (() => {
  try {
    execFileSync(PY, ['-c', 'import onnx, numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Generates every test model for crop size `s` into a fresh temp folder. */
export function makeTestModels(s: number, discRadiusPx = 5, discIou = 0.9): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'voxa-models-'));
  execFileSync(PY, [path.join(__dirname, 'make_test_models.py'), dir, String(s), String(discRadiusPx), String(discIou)], { stdio: 'pipe' });
  return dir;
}

export const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

export function promptSpec(s: number, imageName = 'image') {
  return {
    inputs: [
      ...(imageName ? [{ name: imageName, dtype: 'float32', shape: [1, 1, s, s] }] : []),
      { name: 'point_coords', dtype: 'float32', shape: [1, -1, 2] },
      { name: 'point_labels', dtype: 'float32', shape: [1, -1] },
      { name: 'mask_input', dtype: 'float32', shape: [1, 1, s / 4, s / 4] },
      { name: 'has_mask_input', dtype: 'float32', shape: [1] },
    ],
    outputs: [
      { name: 'masks', dtype: 'float32', shape: [1, 1, s, s] },
      { name: 'iou_predictions', dtype: 'float32', shape: [1, 1] },
    ],
  };
}

export interface PackOptions {
  id: string;
  s: number;
  /** Model file in `modelsDir` to ship as the pack's `model`. */
  modelFile?: string;
  /** Ship encoder.onnx + decoder.onnx instead. */
  split?: boolean;
  fovMm?: { default: number; min: number; max: number; marginFactor: number };
  intensity?: Record<string, unknown>;
  post?: Record<string, unknown>;
  /** Edit the manifest before it is written. */
  mutate?: (m: Record<string, unknown>) => void;
}

/** Writes a pack folder `<root>/<id>` and returns its path. */
export function writePack(modelsDir: string, root: string, o: PackOptions): string {
  const dir = path.join(root, o.id);
  mkdirSync(dir, { recursive: true });
  const files: Record<string, unknown>[] = [];
  const spec = promptSpec(o.s);
  if (o.split) {
    copyFileSync(path.join(modelsDir, 'encoder.onnx'), path.join(dir, 'encoder.onnx'));
    copyFileSync(path.join(modelsDir, 'decoder.onnx'), path.join(dir, 'decoder.onnx'));
    files.push({
      path: 'encoder.onnx', sha256: sha256(path.join(dir, 'encoder.onnx')), role: 'encoder',
      io: { inputs: [spec.inputs[0]], outputs: [{ name: 'image_embeddings', dtype: 'float32', shape: [1, 1, o.s, o.s] }] },
    });
    const dec = promptSpec(o.s, '');
    files.push({
      path: 'decoder.onnx', sha256: sha256(path.join(dir, 'decoder.onnx')), role: 'decoder',
      io: { inputs: [{ name: 'image_embeddings', dtype: 'float32', shape: [1, 1, o.s, o.s] }, ...dec.inputs], outputs: dec.outputs },
    });
  } else {
    const name = o.modelFile ?? 'disc.onnx';
    copyFileSync(path.join(modelsDir, name), path.join(dir, 'model.onnx'));
    files.push({ path: 'model.onnx', sha256: sha256(path.join(dir, 'model.onnx')), role: 'model' });
  }
  const manifest: Record<string, unknown> = {
    schemaVersion: 1,
    id: o.id,
    name: `Test ${o.id}`,
    version: '0.0.1',
    task: 'segment.prompt2d',
    licence: 'test fixture',
    intendedUse: 'tests only',
    files,
    onnx: { opset: 17, ...(o.split ? promptSpec(o.s, '') : spec) },
    preprocessing: {
      cropSizePx: o.s,
      fovMm: o.fovMm ?? { default: 64, min: 8, max: 240, marginFactor: 2 },
      intensity: o.intensity ?? { default: { type: 'window', minHu: 0, maxHu: 1 } },
    },
    postprocessing: o.post ?? { maskThreshold: 0, iouStopThreshold: 0.5, minAreaPx: 1 },
    labels: ['object'],
  };
  o.mutate?.(manifest);
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(path.join(dir, 'MODEL_CARD.md'), `# ${o.id}\n\nA test fixture.\n`);
  return dir;
}
