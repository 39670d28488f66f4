/**
 * Test fixture: a SAM-architecture pack (tiny ViT encoder, random weights)
 * built by the reference implementation and exported with SAM's official
 * decoder exporter (sam_reference.py), plus SamPredictor's outputs for the same
 * slices and prompts.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../../../testing/dataDir';
import { sha256 } from '../../testing/testModels';

const PY = '/usr/bin/python3';
export const SAM_REFERENCE_DIR = path.resolve(process.env.VOXA_SAM_REFERENCE ?? path.join(REPO_ROOT, '..', 'shared', 'reference', 'segment-anything'));
// From the repository root, so the benchmark's bundle (dist/main) finds it too.
const SCRIPT = path.join(REPO_ROOT, 'main', 'services', 'inference', 'sam', 'testing', 'sam_reference.py');

/** Debian's python3-torch and python3-torchvision, and the reference package beside the checkout. */
export const HAS_SAM_REFERENCE = (() => {
  if (!existsSync(path.join(SAM_REFERENCE_DIR, 'segment_anything'))) return false;
  try {
    execFileSync(PY, ['-c', 'import torch, torchvision, onnx'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const env = () => ({ ...process.env, PYTHONPATH: SAM_REFERENCE_DIR, SAM_REFERENCE_DIR });

export const TINY_SAM_ID = 'tiny-sam-test';
const EMB = [1, 64, 64, 64];

/** The manifest of a SAM-layout pack over encoder.onnx + decoder.onnx (SAM's preprocessing). */
export function samManifest(dir: string, id: string, edit?: (pre: Record<string, unknown>) => void): Record<string, unknown> {
  const prompts = [
    { name: 'point_coords', dtype: 'float32', shape: [1, -1, 2] },
    { name: 'point_labels', dtype: 'float32', shape: [1, -1] },
    { name: 'mask_input', dtype: 'float32', shape: [1, 1, 256, 256] },
    { name: 'has_mask_input', dtype: 'float32', shape: [1] },
    { name: 'orig_im_size', dtype: 'float32', shape: [2] },
  ];
  const outputs = [
    { name: 'masks', dtype: 'float32', shape: [-1, -1, -1, -1] },
    { name: 'iou_predictions', dtype: 'float32', shape: [-1, 4] },
    { name: 'low_res_masks', dtype: 'float32', shape: [-1, -1, -1, -1] },
  ];
  const preprocessing: Record<string, unknown> = {
    layout: 'sam',
    inputSize: 1024,
    resize: 'longestSide',
    pad: 'bottomRight',
    normalize: { type: 'meanStd', pixelMean: [123.675, 116.28, 103.53], pixelStd: [58.395, 57.12, 57.375] },
    channels: 3,
    intensity: { CT: { type: 'window', minHu: -160, maxHu: 240 }, default: { type: 'percentile', low: 0.5, high: 99.5 } },
    maskInputSize: 256,
    multimaskOutput: true,
    origImSize: true,
  };
  edit?.(preprocessing);
  return {
    schemaVersion: 1,
    id,
    name: 'Tiny SAM (test)',
    version: '0.0.1',
    task: 'segment.prompt2d',
    licence: 'test fixture (random weights); architecture: segment-anything, Apache-2.0',
    intendedUse: 'tests only',
    files: [
      { path: 'encoder.onnx', sha256: sha256(path.join(dir, 'encoder.onnx')), role: 'encoder', io: { inputs: [{ name: 'image', dtype: 'float32', shape: [1, 3, 1024, 1024] }], outputs: [{ name: 'image_embeddings', dtype: 'float32', shape: EMB }] } },
      { path: 'decoder.onnx', sha256: sha256(path.join(dir, 'decoder.onnx')), role: 'decoder', io: { inputs: [{ name: 'image_embeddings', dtype: 'float32', shape: EMB }, ...prompts], outputs } },
    ],
    onnx: { opset: 17, inputs: prompts, outputs },
    preprocessing,
    postprocessing: { maskThreshold: 0, iouStopThreshold: 0, minAreaPx: 1 },
    labels: ['object'],
  };
}

/** Builds the tiny SAM into `dir/<id>` (encoder, decoder, manifest, card) and returns the pack folder and checkpoint. */
export function buildTinySamPack(root: string, seed = 7): { packDir: string; checkpoint: string } {
  const work = path.join(root, 'export');
  mkdirSync(work, { recursive: true });
  const info = JSON.parse(execFileSync(PY, [SCRIPT, 'build', work, String(seed)], { env: env(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').pop() as string) as { checkpoint: string };
  const packDir = path.join(root, TINY_SAM_ID);
  mkdirSync(packDir, { recursive: true });
  for (const f of ['encoder.onnx', 'decoder.onnx']) copyFileSync(path.join(work, f), path.join(packDir, f));
  writeFileSync(path.join(packDir, 'manifest.json'), JSON.stringify(samManifest(packDir, TINY_SAM_ID), null, 2));
  writeFileSync(path.join(packDir, 'MODEL_CARD.md'), '# Tiny SAM (test)\n\nRandom weights, for the equality test with SamPredictor only.\n');
  return { packDir, checkpoint: info.checkpoint };
}

export interface ReferenceRequest {
  name: string;
  image: string;
  width: number;
  height: number;
  window: [number, number];
  points: [number, number, number][];
  box: [number, number, number, number] | null;
  maskFrom: string | null;
  multimask: boolean;
}

export interface ReferenceResult {
  name: string;
  ious: number[];
  best: number;
  inputSize: [number, number];
  area: number;
}

/** Runs SamPredictor (torch) on the requests; outputs land in `out` as <name>.masks.f32 / .lowres.f32 / .u8 / .resized.u8. */
export function referencePredict(checkpoint: string, requests: ReferenceRequest[], out: string): ReferenceResult[] {
  const req = path.join(out, 'requests.json');
  writeFileSync(req, JSON.stringify(requests));
  const text = execFileSync(PY, [SCRIPT, 'predict', checkpoint, req, out], { env: env(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 ** 2 });
  return JSON.parse(text.trim().split('\n').pop() as string) as ReferenceResult[];
}
