/**
 * `voxa segment --prompts`: the whole sequence (click, negative correction,
 * positive correction) gives the same mask as the same prompts sent one by
 * one to a segmentation session, which is what the UI's segment:prompt does;
 * bad sequence files are refused with the reason.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vec3, Volume } from '../../../common/volume';
import { loadVolume } from '../../services/io/volumeLoader';
import { writeNifti } from '../../services/io/niftiWriter';
import { ModelRegistry } from '../../services/inference/registry';
import { SegmentationService } from '../../services/inference/segmentService';
import { writePack3d } from '../../services/inference/testing/testModel3d';
import { HAS_ONNX_PYTHON } from '../../services/inference/testing/testModels';
import { InferenceClient } from '../../services/inference/worker/inferenceClient';
import { SegmentSessions } from '../../services/segmentation/segmentSessions';
import { VolumeStore } from '../../services/volumeStore';
import { cli } from '../testing/captureCli';

const N: Vec3 = [64, 48, 24];
const A: Vec3 = [24, 24, 12];
const B: Vec3 = [37, 24, 12];
let dir = '';
let volume: Volume;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'voxa-seq-'));
  const voxels = new Int16Array(N[0] * N[1] * N[2]);
  for (let k = 0; k < N[2]; k++)
    for (let j = 0; j < N[1]; j++)
      for (let i = 0; i < N[0]; i++) {
        const inA = (i - A[0]) ** 2 + (j - A[1]) ** 2 + ((k - A[2]) * 2) ** 2 <= 49;
        const inB = (i - B[0]) ** 2 + (j - B[1]) ** 2 + ((k - B[2]) * 2) ** 2 <= 42;
        if (inA || inB) voxels[i + N[0] * (j + N[1] * k)] = 100;
      }
  const v: Volume = {
    geometry: { dimensions: N, spacingMm: [1, 1, 2], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
    dtype: 'int16',
    voxels,
    meta: { modality: 'CT', sourceFormat: 'nifti', description: '', patientName: '', patientId: '', studyDate: '', seriesInstanceUid: '', warnings: [] },
  };
  await writeNifti(v, path.join(dir, 'leak.nii.gz'));
  volume = await loadVolume(path.join(dir, 'leak.nii.gz'));
  if (HAS_ONNX_PYTHON) writePack3d(path.join(dir, 'user', 'models'), { ladder: [16, 32, 64, 128], firstFovMm: 32 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('voxa segment --prompts', () => {
  it.skipIf(!HAS_ONNX_PYTHON)('gives the mask the session gives for the same prompts, one by one', async () => {
    const steps = [{ voxel: A }, { voxel: B, negative: true }, { voxel: [A[0] - 6, A[1], A[2]] }];
    writeFileSync(path.join(dir, 'seq.json'), JSON.stringify({ model: 'thresh3d', steps }));
    const out = path.join(dir, 'seq.nii.gz');
    const r = await cli(['segment', path.join(dir, 'leak.nii.gz'), '--prompts', path.join(dir, 'seq.json'), '--out', out, '--json', '--user-data', path.join(dir, 'user')]);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { voxelCount: number; steps: { voxels: number }[] };
    expect(j.steps).toHaveLength(3);
    // The negative correction removed the neighbour: fewer voxels than the first (leaking) answer.
    expect(j.steps[1]!.voxels).toBeLessThan(j.steps[0]!.voxels * 0.75);
    const cliMask = (await loadVolume(out)).voxels;

    const client = new InferenceClient({ threads: 1 });
    try {
      const volumes = new VolumeStore();
      const volumeId = volumes.add(volume, null).volumeId;
      const sessions = new SegmentSessions({ volumes, dataDir: null, segmenter: new SegmentationService({ registry: new ModelRegistry({ userData: path.join(dir, 'user') }), client }) });
      const s = sessions.open(volumeId);
      const first = await s.prompt({ target: { kind: 'new' }, modelId: 'thresh3d', plane: 'axial', points: [{ ijk: A, positive: true }] });
      await s.prompt({ target: { kind: 'refine', label: first.label }, modelId: 'thresh3d', plane: 'axial', points: [{ ijk: B, positive: false }] });
      await s.prompt({ target: { kind: 'refine', label: first.label }, modelId: 'thresh3d', plane: 'axial', points: [{ ijk: [A[0] - 6, A[1], A[2]], positive: true }] });
      const ui = Uint8Array.from(s.state.labels, (v) => (v === first.label ? 1 : 0));
      sessions.closeAll();
      expect(ui.reduce((a, v) => a + v, 0)).toBe(j.voxelCount);
      expect(Array.from(cliMask as ArrayLike<number>).every((v, q) => (v ? 1 : 0) === ui[q])).toBe(true);
    } finally {
      await client.close();
    }
  }, 60_000);

  it('refuses a bad sequence with the reason, and prompts given twice', async () => {
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ steps: [{ voxel: [1, 2, 3], box: [[0, 0, 0], [1, 1, 0]] }] }));
    const bad = await cli(['segment', path.join(dir, 'leak.nii.gz'), '--prompts', path.join(dir, 'bad.json'), '--out', path.join(dir, 'x.nii.gz')]);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/exactly one of voxel, point, boxVoxel or box/);
    writeFileSync(path.join(dir, 'neg.json'), JSON.stringify({ steps: [{ boxVoxel: [[0, 0, 0], [1, 1, 0]], negative: true }] }));
    expect((await cli(['segment', path.join(dir, 'leak.nii.gz'), '--prompts', path.join(dir, 'neg.json'), '--out', path.join(dir, 'x.nii.gz')])).err).toMatch(/"negative" goes with a click/);
    writeFileSync(path.join(dir, 'ok.json'), JSON.stringify({ steps: [{ voxel: A }] }));
    expect((await cli(['segment', path.join(dir, 'leak.nii.gz'), '--prompts', path.join(dir, 'ok.json'), '--voxel', '1,2,3', '--out', path.join(dir, 'x.nii.gz')])).err).toMatch(/--prompts holds the whole sequence/);
    expect((await cli(['segment', path.join(dir, 'leak.nii.gz'), '--prompts', path.join(dir, 'missing.json'), '--out', path.join(dir, 'x.nii.gz')])).err).toMatch(/--prompts .*missing\.json/);
  });
});
