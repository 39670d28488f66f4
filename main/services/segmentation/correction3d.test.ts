/**
 * 3D corrections are local and monotone: a positive click only adds the part
 * of the model's change it touches, a negative click only removes, and never
 * the part of the segment nearer to a positive click (so it cannot empty the
 * lesion); through the session with a segment.prompt3d pack, simulated reader
 * corrections never lower Dice by more than 0.02.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diceBy } from '../../../common/segmentation/dice';
import { readerCorrection } from '../../../common/segmentation/readerClick';
import type { Vec3, Volume } from '../../../common/volume';
import { ModelRegistry } from '../inference/registry';
import { SegmentationService } from '../inference/segmentService';
import { writePack3d } from '../inference/testing/testModel3d';
import { HAS_ONNX_PYTHON } from '../inference/testing/testModels';
import { InferenceClient } from '../inference/worker/inferenceClient';
import { VolumeStore } from '../volumeStore';
import { limitReach, mergeCorrection3d, REACH_PER_DEPTH } from './correction3d';
import { SegmentSessions } from './segmentSessions';

const N: Vec3 = [64, 48, 24];
const sp: Vec3 = [1, 1, 2];
const A: Vec3 = [24, 24, 12];
const B: Vec3 = [37, 24, 12];
const C: Vec3 = [50, 10, 5];
const ball = (c: Vec3, r: number) => {
  const m = new Uint8Array(N[0] * N[1] * N[2]);
  for (let k = 0; k < N[2]; k++) for (let j = 0; j < N[1]; j++) for (let i = 0; i < N[0]; i++) if ((i - c[0]) ** 2 + (j - c[1]) ** 2 + ((k - c[2]) * 2) ** 2 <= r * r) m[i + N[0] * (j + N[1] * k)] = 1;
  return m;
};
const or = (...ms: Uint8Array[]) => ms[0]!.map((_, q) => (ms.some((m) => m[q]) ? 1 : 0));
const dice = (m: Uint8Array, t: Uint8Array) => diceBy(m.length, (q) => m[q] === 1, (q) => t[q] === 1);
const at = (m: Uint8Array, p: Vec3) => m[p[0] + N[0] * (p[1] + N[1] * p[2])];
const subset = (a: Uint8Array, b: Uint8Array) => a.every((v, q) => !v || b[q]);

describe('mergeCorrection3d', () => {
  const lesion = ball(A, 7);
  const leak = or(lesion, ball(B, 6.5));
  it('a negative click on a leak the model keeps removes the leak side only', () => {
    const r = mergeCorrection3d({ current: leak, proposed: leak, dims: N, spacingMm: sp, click: { ijk: B, positive: false }, others: [{ ijk: A, positive: true }] });
    expect(r.fromModel).toBe(false);
    expect(subset(r.mask, leak)).toBe(true);
    expect(at(r.mask, A)).toBe(1);
    expect(at(r.mask, B)).toBe(0);
    expect(dice(r.mask, lesion)).toBeGreaterThan(dice(leak, lesion) + 0.1);
  });
  it('a negative click cannot empty the lesion even when the model proposes nothing', () => {
    const r = mergeCorrection3d({ current: leak, proposed: new Uint8Array(leak.length), dims: N, spacingMm: sp, click: { ijk: B, positive: false }, others: [{ ijk: A, positive: true }] });
    expect(r.fromModel).toBe(true);
    expect(at(r.mask, A)).toBe(1);
    expect(r.mask.reduce((s, v) => s + v, 0)).toBeGreaterThan(0.8 * lesion.reduce((s, v) => s + v, 0));
  });
  it('a positive click adds only the part of the change it touches, and removes nothing', () => {
    const missing = lesion.map((v, q) => (v && q % N[0] > A[0] + 3 ? 0 : v));
    const proposed = or(lesion, ball(C, 4));
    const click: Vec3 = [A[0] + 5, A[1], A[2]];
    expect(at(missing, click)).toBe(0);
    const r = mergeCorrection3d({ current: missing, proposed, dims: N, spacingMm: sp, click: { ijk: click, positive: true }, others: [{ ijk: A, positive: true }] });
    expect(subset(missing, r.mask)).toBe(true);
    expect(at(r.mask, C)).toBe(0);
    expect(dice(r.mask, lesion)).toBe(1);
  });
});

describe('limitReach', () => {
  const lesion = ball(A, 7);
  it('a positive click on a thin rim beside the mask cannot add a far leak', () => {
    const eroded = lesion.map((v, q) => (v && q % N[0] < A[0] + 6 ? v : 0));
    const rim: Vec3 = [A[0] + 6, A[1], A[2]];
    expect(at(eroded, rim)).toBe(0);
    const leaked = or(lesion, ball(B, 6.5), ball(C, 4)); // the proposal: the rim plus everything a region-grower escapes to
    const r = limitReach(eroded, leaked, N, sp, { ijk: rim, positive: true });
    expect(r.reachMm).toBeLessThanOrEqual(REACH_PER_DEPTH * 1 + 1e-9 + 4); // one voxel from the mask: a few mm
    expect(at(r.mask, rim)).toBe(1);
    expect(at(r.mask, B)).toBe(0);
    expect(at(r.mask, C)).toBe(0);
    expect(subset(eroded, r.mask)).toBe(true);
  });
  it('a click deep in a missed part still reaches all of it', () => {
    const half = lesion.map((v, q) => (v && q % N[0] <= A[0] ? v : 0));
    const deep: Vec3 = [A[0] + 4, A[1], A[2]];
    const r = limitReach(half, lesion, N, sp, { ijk: deep, positive: true });
    expect(r.dropped).toBe(0);
    expect(dice(r.mask, lesion)).toBe(1);
  });
  it('a negative click just inside the boundary removes a rim, not the lesion', () => {
    const edge: Vec3 = [A[0] + 6, A[1], A[2]];
    const r = limitReach(lesion, new Uint8Array(lesion.length), N, sp, { ijk: edge, positive: false });
    expect(at(r.mask, A)).toBe(1);
    expect(r.mask.reduce((a, v) => a + v, 0)).toBeGreaterThan(0.7 * lesion.reduce((a, v) => a + v, 0));
  });
});

describe.skipIf(!HAS_ONNX_PYTHON)('3D corrections through the session', () => {
  let tmp = '';
  let client: InferenceClient;
  let sessions: SegmentSessions;
  let volumeId = '';
  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-c3d-'));
    writePack3d(path.join(tmp, 'builtin'), { ladder: [16, 32, 64, 128], firstFovMm: 32 });
    client = new InferenceClient({ threads: 1 });
    const lesionAndNeighbour = or(ball(A, 7), ball(B, 6.5));
    const voxels = new Int16Array(lesionAndNeighbour.length);
    lesionAndNeighbour.forEach((v, q) => (voxels[q] = v ? 100 : 0));
    const volume: Volume = {
      geometry: { dimensions: N, spacingMm: sp, originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
      dtype: 'int16',
      voxels,
      meta: { modality: 'CT', sourceFormat: 'nifti', description: '', patientName: '', patientId: '', studyDate: '', seriesInstanceUid: '', warnings: [] },
    };
    const volumes = new VolumeStore();
    volumeId = volumes.add(volume, '/phantom/leak3d.nii').volumeId;
    sessions = new SegmentSessions({ volumes, dataDir: null, segmenter: new SegmentationService({ registry: new ModelRegistry({ builtinDir: path.join(tmp, 'builtin') }), client }) });
  });
  afterAll(async () => {
    await client?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('five simulated reader corrections on a leaking first mask: Dice rises, no step falls by more than 0.02, undo restores', async () => {
    const truth = ball(A, 7);
    const s = sessions.open(volumeId);
    const first = await s.prompt({ target: { kind: 'new' }, modelId: 'thresh3d', plane: 'axial', points: [{ ijk: A, positive: true }] });
    const snap = () => Uint8Array.from(s.state.labels, (v) => (v === first.label ? 1 : 0));
    const ds = [dice(snap(), truth)];
    for (let n = 0; n < 5; n++) {
      const before = snap();
      const k = readerCorrection(before, truth, N);
      if (!k) break;
      await s.prompt({ target: { kind: 'refine', label: first.label }, modelId: 'thresh3d', plane: 'axial', points: [{ ijk: k.ijk, positive: k.positive }] });
      const after = snap();
      if (k.positive) expect(subset(before, after)).toBe(true);
      else expect(subset(after, before)).toBe(true);
      ds.push(dice(after, truth));
    }
    console.log(`3D session corrections: ${ds.map((d) => d.toFixed(3)).join(' → ')}`);
    expect(ds[0]).toBeLessThan(0.8);
    expect(ds.at(-1)).toBeGreaterThan(0.9);
    for (let n = 1; n < ds.length; n++) expect(ds[n]!).toBeGreaterThan(ds[n - 1]! - 0.02);
    const last = snap();
    s.undo();
    expect(dice(snap(), truth)).toBeCloseTo(ds.at(-2)!, 6);
    s.redo();
    expect(snap()).toEqual(last);
  }, 60_000);
});
