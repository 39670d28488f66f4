/**
 * Through the segmentation session with a real ONNX pack (the threshold test
 * model: every voxel brighter than mid-window in its crop, whatever the
 * prompt, so its first answer leaks from lesion A into the touching B): a
 * negative click on B is a local correction — it only removes, it removes the
 * leak, the lesion stays — and a positive click only adds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diceBy } from '../../../common/segmentation/dice';
import type { Vec3, Volume } from '../../../common/volume';
import { ModelRegistry } from '../inference/registry';
import { SegmentationService } from '../inference/segmentService';
import { HAS_ONNX_PYTHON, makeTestModels, writePack } from '../inference/testing/testModels';
import { InferenceClient } from '../inference/worker/inferenceClient';
import { VolumeStore } from '../volumeStore';
import { SegmentSessions } from './segmentSessions';

const N: Vec3 = [64, 48, 24];
const A: Vec3 = [24, 24, 12];
const B: Vec3 = [37, 24, 12];
const inBall = (c: Vec3, r: number, i: number, j: number, k: number) => (i - c[0]) ** 2 + (j - c[1]) ** 2 + ((k - c[2]) * 2) ** 2 <= r * r;
let tmp = '';
let client: InferenceClient;
let sessions: SegmentSessions;
let volumeId = '';

beforeAll(() => {
  if (!HAS_ONNX_PYTHON) return;
  tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-corr-'));
  const models = makeTestModels(32);
  writePack(models, path.join(tmp, 'builtin'), { id: 'thresh', s: 32, modelFile: 'threshold.onnx', fovMm: { default: 64, min: 8, max: 240, marginFactor: 2 } });
  client = new InferenceClient({ threads: 1 });
  const voxels = new Float32Array(N[0] * N[1] * N[2]);
  for (let k = 0; k < N[2]; k++) for (let j = 0; j < N[1]; j++) for (let i = 0; i < N[0]; i++) if (inBall(A, 7, i, j, k) || inBall(B, 6.5, i, j, k)) voxels[i + N[0] * (j + N[1] * k)] = 1;
  const volume: Volume = {
    geometry: { dimensions: N, spacingMm: [1, 1, 2], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
    dtype: 'float32',
    voxels,
    meta: { modality: 'CT', sourceFormat: 'nifti', description: '', patientName: '', patientId: '', studyDate: '', seriesInstanceUid: '', warnings: [] },
  };
  const volumes = new VolumeStore();
  volumeId = volumes.add(volume, '/phantom/leak.nii').volumeId;
  sessions = new SegmentSessions({ volumes, dataDir: null, segmenter: new SegmentationService({ registry: new ModelRegistry({ builtinDir: path.join(tmp, 'builtin') }), client }) });
  rmSync(models, { recursive: true, force: true });
});

afterAll(async () => {
  await client?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(!HAS_ONNX_PYTHON)('model corrections in the session', () => {
  it('a negative click removes the leak locally and never adds; a positive click never removes', async () => {
    const s = sessions.open(volumeId);
    const first = await s.prompt({ target: { kind: 'new' }, modelId: 'thresh', plane: 'axial', points: [{ ijk: A, positive: true }] });
    const label = first.label;
    const snap = () => Uint8Array.from(s.state.labels, (v) => (v === label ? 1 : 0));
    const truthA = (q: number) => inBall(A, 7, q % N[0], Math.floor(q / N[0]) % N[1], Math.floor(q / (N[0] * N[1])));
    const d = (m: Uint8Array) => diceBy(m.length, (q) => m[q] === 1, truthA);
    const leak = snap();
    const neg = await s.prompt({ target: { kind: 'refine', label }, modelId: 'thresh', plane: 'axial', points: [{ ijk: B, positive: false }] });
    const after = snap();
    console.log(`session correction: Dice vs lesion ${d(leak).toFixed(3)} → ${d(after).toFixed(3)} (${neg.changed} voxels changed)`);
    expect(after.every((v, q) => !v || leak[q])).toBe(true);
    expect(d(after)).toBeGreaterThan(d(leak) + 0.05);
    expect(neg.history.items.at(-1)?.name).toBe('Click −');
    const pos = await s.prompt({ target: { kind: 'refine', label }, modelId: 'thresh', plane: 'axial', points: [{ ijk: [A[0], A[1], A[2] + 2], positive: true }] });
    expect(pos.label).toBe(label);
    const again = snap();
    expect(after.every((v, q) => !v || again[q])).toBe(true);
    // Undo takes the correction back exactly.
    s.undo();
    expect(snap()).toEqual(after);
  }, 60_000);
});
