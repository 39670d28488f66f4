/**
 * One model registry per process: a pack imported into `<dataDir>/models` (as
 * `voxa models import --user-data <dataDir>` does) is listed by segment:models
 * and run by segment:prompt, the channels the UI's model list and clicks use.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Volume } from '../../../common/volume';
import type { CallContext } from '../router';
import { PathGrants } from '../../services/access/pathGrants';
import { createHandlers } from '.';
import { importPack } from '../../services/inference/importPack';
import { HAS_ONNX_PYTHON, makeTestModels, writePack } from '../../services/inference/testing/testModels';
import { sharedInferenceClient } from '../../services/inference/worker/inferenceClient';
import { VolumeStore } from '../../services/volumeStore';

const S = 32;
let tmp = '';
let builtin = '';

const ctx = (): CallContext => ({ sender: { kind: 'test' } as unknown as CallContext['sender'], emit: () => {}, signal: new AbortController().signal });

function disc(): Volume {
  const [ni, nj, nk] = [48, 48, 12];
  const voxels = new Float32Array(ni * nj * nk);
  for (let k = 3; k < 9; k++) for (let j = 0; j < nj; j++) for (let i = 0; i < ni; i++) if ((i - 24) ** 2 + (j - 24) ** 2 <= 49) voxels[i + ni * (j + nj * k)] = 1;
  return {
    geometry: { dimensions: [ni, nj, nk], spacingMm: [1, 1, 2], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
    dtype: 'float32',
    voxels,
    meta: { modality: 'CT', sourceFormat: 'nifti', description: '', patientName: '', patientId: '', studyDate: '', seriesInstanceUid: '1.2.3', warnings: [] },
  };
}

beforeAll(async () => {
  if (!HAS_ONNX_PYTHON) return;
  tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-seg-handlers-'));
  const models = makeTestModels(S, 5, 0.9);
  // An empty built-in folder: only the user pack and the classical tool exist.
  builtin = path.join(tmp, 'builtin');
  const staged = path.join(tmp, 'staged');
  writePack(models, staged, { id: 'user-disc', s: S, fovMm: { default: 64, min: 8, max: 240, marginFactor: 2 } });
  await importPack(path.join(staged, 'user-disc'), path.join(tmp, 'data'), { builtinDir: builtin });
  rmSync(models, { recursive: true, force: true });
}, 60_000);

afterAll(async () => {
  await sharedInferenceClient().close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(!HAS_ONNX_PYTHON)('user model packs in the segment channels', () => {
  it('segment:models lists the imported pack and segment:prompt segments with it', async () => {
    const prev = process.env.VOXA_BUILTIN_MODELS;
    process.env.VOXA_BUILTIN_MODELS = builtin;
    try {
      const volumes = new VolumeStore();
      const handlers = createHandlers({ grants: new PathGrants(), volumes, shell: { info: () => ({}) as never }, dataDir: path.join(tmp, 'data') });
      const listed = await handlers['segment:models']({}, ctx());
      expect(listed.models.map((m) => m.id)).toEqual(['user-disc', 'classical']);
      expect(listed.models[0]?.status).toBe('ok');

      const { volumeId } = volumes.add(disc());
      const r = await handlers['segment:prompt'](
        { volumeId, target: { kind: 'new' }, modelId: 'user-disc', plane: 'axial', points: [{ ijk: [24, 24, 5], positive: true }] },
        ctx(),
      );
      expect(r.provider).not.toMatch(/classical/);
      expect(r.changed).toBeGreaterThan(50);
      // Without the data folder the same pack is unknown: the registry really is the one behind dataDir.
      const bare = createHandlers({ grants: new PathGrants(), volumes, shell: { info: () => ({}) as never }, dataDir: null });
      expect((await bare['segment:models']({}, ctx())).models.map((m) => m.id)).toEqual(['classical']);
    } finally {
      if (prev === undefined) delete process.env.VOXA_BUILTIN_MODELS;
      else process.env.VOXA_BUILTIN_MODELS = prev;
    }
  }, 60_000);
});

describe('segment:state omitEmptyLabels', () => {
  it('nothing segmented: no labelmap bytes, emptyLabels; after a segment: the whole labelmap; without the flag: always the bytes', async () => {
    const volumes = new VolumeStore();
    const handlers = createHandlers({ grants: new PathGrants(), volumes, shell: { info: () => ({}) as never }, dataDir: null });
    const { volumeId } = volumes.add(disc());
    const empty = await handlers['segment:state']({ volumeId, omitEmptyLabels: true }, ctx());
    expect(empty.emptyLabels).toBe(true);
    expect(empty.labels.byteLength).toBe(0);
    expect((await handlers['segment:state']({ volumeId }, ctx())).labels.byteLength).toBe(48 * 48 * 12);
    await handlers['segment:prompt']({ volumeId, target: { kind: 'new' }, modelId: 'classical', plane: 'axial', points: [{ ijk: [24, 24, 5], positive: true }] }, ctx());
    const full = await handlers['segment:state']({ volumeId, omitEmptyLabels: true }, ctx());
    expect(full.emptyLabels).toBeUndefined();
    expect(new Uint8Array(full.labels).some((v) => v !== 0)).toBe(true);
  }, 60_000);
});
