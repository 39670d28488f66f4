/**
 * A box prompt bounds a 2D pack's propagation in the box's plane (DESIGN §5,
 * issue 14): with the threshold test model (every bright voxel in the crop,
 * whatever the prompt) on a bright bar that runs past the box and widens on
 * later slices, no slice's mask reaches more than the margin past the box.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskFromDelta } from '../../../common/labelmap/labelmapDelta';
import type { Vec3, Volume } from '../../../common/volume';
import { BOX_MARGIN_FRACTION } from './prompt2d';
import { ModelRegistry } from './registry';
import { SegmentationService } from './segmentService';
import { HAS_ONNX_PYTHON, makeTestModels, writePack } from './testing/testModels';
import { InferenceClient } from './worker/inferenceClient';

const N: Vec3 = [80, 60, 16];

describe.skipIf(!HAS_ONNX_PYTHON)('box prompts bound 2D propagation', () => {
  let tmp = '';
  let client: InferenceClient;
  let service: SegmentationService;
  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-box2d-'));
    const models = makeTestModels(32);
    writePack(models, path.join(tmp, 'builtin'), { id: 'thresh', s: 32, modelFile: 'threshold.onnx', fovMm: { default: 64, min: 8, max: 240, marginFactor: 2 } });
    rmSync(models, { recursive: true, force: true });
    client = new InferenceClient({ threads: 1 });
    service = new SegmentationService({ registry: new ModelRegistry({ builtinDir: path.join(tmp, 'builtin') }), client });
  });
  afterAll(async () => {
    await client?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('no slice reaches beyond the box side + 10 % + 1 voxel, while the slices above and below are still segmented', async () => {
    // A bar along i from 20 to 40 on slice 8, growing by 3 voxels per slice away from it.
    const voxels = new Float32Array(N[0] * N[1] * N[2]);
    for (let k = 2; k < 14; k++)
      for (let j = 25; j < 35; j++)
        for (let i = 20 - 3 * Math.abs(k - 8); i <= 40 + 3 * Math.abs(k - 8); i++) if (i >= 0 && i < N[0]) voxels[i + N[0] * (j + N[1] * k)] = 1;
    const volume: Volume = {
      geometry: { dimensions: N, spacingMm: [1, 1, 2], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
      dtype: 'float32',
      voxels,
      meta: { modality: 'CT', sourceFormat: 'nifti', description: '', patientName: '', patientId: '', studyDate: '', seriesInstanceUid: '', warnings: [] },
    };
    const box = { a: { ijk: [20, 25, 8] as Vec3 }, b: { ijk: [40, 34, 8] as Vec3 } };
    const r = await service.segment(volume, { modelId: 'thresh', points: [], box });
    const m = maskFromDelta(r.delta);
    const limit = 40 + Math.ceil(BOX_MARGIN_FRACTION * 21 + 1);
    let maxI = -1;
    const slices = new Set<number>();
    for (let q = 0; q < m.length; q++) {
      if (!m[q]) continue;
      maxI = Math.max(maxI, q % N[0]);
      slices.add(Math.floor(q / (N[0] * N[1])));
    }
    expect(maxI).toBeLessThanOrEqual(limit);
    expect(maxI).toBeGreaterThanOrEqual(40);
    expect(slices.size).toBeGreaterThan(6);
  }, 60_000);
});
