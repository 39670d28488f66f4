/**
 * Test fixture: a segment.prompt3d pack around a threshold model (make_test_model3d.py: every crop
 * voxel whose first image channel is above 0.5, whatever the prompt), with the crop definition of
 * the built-in Lesion3D pack (cropSizeVox, ladder, channels) unless told otherwise.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sha256 } from './testModels';

export function writePack3d(root: string, opts: { id?: string; G?: number; ladder?: number[]; firstFovMm?: number; mutate?: (m: Record<string, unknown>) => void } = {}): string {
  const id = opts.id ?? 'thresh3d';
  const G = opts.G ?? 32;
  const dir = path.join(root, id);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'model.onnx');
  execFileSync('/usr/bin/python3', [path.join(__dirname, 'make_test_model3d.py'), file, String(G), '7'], { stdio: 'pipe' });
  const ladder = opts.ladder ?? [24, 48, 96, 192];
  const manifest: Record<string, unknown> = {
    schemaVersion: 1,
    id,
    name: 'Threshold 3D (test)',
    version: '1.0.0',
    task: 'segment.prompt3d',
    licence: 'test',
    intendedUse: 'tests',
    files: [{ path: 'model.onnx', sha256: sha256(file), role: 'model' }],
    onnx: { opset: 17, inputs: [{ name: 'input', dtype: 'float32', shape: [1, 7, G, G, G] }], outputs: [{ name: 'logits', dtype: 'float32', shape: [1, 1, G, G, G] }] },
    preprocessing: {
      cropSizeVox: G,
      fovLadderMm: ladder,
      firstFovMm: opts.firstFovMm ?? ladder[1] ?? ladder[0],
      boxFovFactor: 2,
      correctionFovFactor: 1.6,
      clickSigmaVox: 2,
      imageChannels: {
        CT: [{ type: 'window', minHu: -160, maxHu: 240 }, { type: 'window', minHu: -1000, maxHu: 400 }],
        default: [{ type: 'percentile', low: 0.5, high: 99.5 }, { type: 'percentile', low: 0.5, high: 99.5 }],
      },
    },
    postprocessing: { maskThreshold: 0, borderVoxels: 4, boxMarginFraction: 0.1 },
    labels: ['lesion'],
  };
  opts.mutate?.(manifest);
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(path.join(dir, 'MODEL_CARD.md'), '# Threshold 3D (test)\nEvery voxel above mid-window of the first image channel.\n');
  return dir;
}
