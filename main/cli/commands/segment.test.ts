import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePhantomStudy } from '../../services/phantom/phantomStudy';
import { writeNifti } from '../../services/io/niftiWriter';
import { HAS_ONNX_PYTHON, makeTestModels, writePack } from '../../services/inference/testing/testModels';
import { pythonJson, REFERENCE_PYTHON } from '../../testing/dataDir';
import { cli } from '../testing/captureCli';

let dir = '';
const { phantom } = generatePhantomStudy({ seed: 1 });
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'voxa-seg-cli-'));
  await writeNifti(phantom.volume, path.join(dir, 'ct.nii.gz'));
});
afterAll(() => {
  delete process.env.VOXA_BUILTIN_MODELS;
  rmSync(dir, { recursive: true, force: true });
});

describe('voxa segment / voxa models', () => {
  it('writes the classical mask on the input grid and reports it in --json', async () => {
    const lesion = phantom.lesions[1]!;
    const out = path.join(dir, 'mask.nii.gz');
    const r = await cli(['segment', path.join(dir, 'ct.nii.gz'), '--point', lesion.centreLps.join(','), '--model', 'classical', '--out', out, '--json', '--user-data', dir]);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { voxelCount: number; volumeMl: number; slicesSpanned: number; provider: string; timingsMs: Record<string, number> };
    expect(j.provider).toBe('none (classical)');
    expect(Object.keys(j.timingsMs)).toEqual(expect.arrayContaining(['loadImage', 'model', 'postprocess', 'writeMask', 'total']));
    const ref = phantom.labels.reduce((a, v) => a + (v === 2 ? 1 : 0), 0);
    expect(Math.abs(j.voxelCount - ref) / ref).toBeLessThan(0.05);
    expect(j.volumeMl).toBeCloseTo((j.voxelCount * 2 * 2 * 2.5) / 1000, 2);
    if (REFERENCE_PYTHON) {
      // Independent reader: nibabel sees the same affine as the input and the reported voxel count.
      const py = pythonJson<{ same: boolean; count: number }>(
        'import sys, json, nibabel as nib, numpy as np; a = nib.load(sys.argv[1]); b = nib.load(sys.argv[2]); print(json.dumps({"same": bool(np.allclose(a.affine, b.affine, atol=1e-4)), "count": int((np.asarray(b.dataobj) > 0).sum())}))',
        [path.join(dir, 'ct.nii.gz'), out],
      );
      expect(py).toEqual({ same: true, count: j.voxelCount });
    }
  });

  it('refuses bad prompts with usage errors', async () => {
    expect((await cli(['segment', path.join(dir, 'ct.nii.gz'), '--out', path.join(dir, 'x.nii.gz')])).err).toMatch(/give a positive prompt/);
    expect((await cli(['segment', path.join(dir, 'ct.nii.gz'), '--point', '1,2', '--out', path.join(dir, 'x.nii.gz')])).err).toMatch(/--point needs 3 comma-separated numbers/);
    const outside = await cli(['segment', path.join(dir, 'ct.nii.gz'), '--point', '9999,0,0', '--model', 'classical', '--out', path.join(dir, 'x.nii.gz')]);
    expect(outside.code).toBe(1);
    expect(outside.err).toMatch(/BAD_REQUEST: prompt .* lies outside the image/);
  });

  it.skipIf(!HAS_ONNX_PYTHON)('runs a model pack on CPU, lists packs and refuses a bad import', async () => {
    const models = makeTestModels(32);
    const builtin = path.join(dir, 'builtin');
    writePack(models, builtin, { id: 'disc', s: 32 });
    process.env.VOXA_BUILTIN_MODELS = builtin;
    const lesion = phantom.lesions[0]!;
    const r = await cli(['segment', path.join(dir, 'ct.nii.gz'), '--point', lesion.centreLps.join(','), '--model', 'disc', '--out', path.join(dir, 'disc.nii.gz'), '--json', '--user-data', dir]);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { provider: string; slicesSpanned: number; perSliceModelMs: number };
    expect(j.provider).toBe('cpu');
    expect(j.slicesSpanned).toBe(1);
    const list = await cli(['models', 'list', '--json', '--user-data', dir]);
    expect((JSON.parse(list.out) as { id: string }[]).map((e) => e.id)).toEqual(['disc', 'classical']);
    const bad = writePack(models, path.join(dir, 'src'), { id: 'broken', s: 32, modelFile: 'bad-dtype.onnx' });
    const imp = await cli(['models', 'import', bad, '--user-data', dir]);
    expect(imp.code).toBe(1);
    expect(imp.err).toMatch(/CORRUPT_INPUT: model pack broken: model\.onnx: input "point_labels" is int64 in the model, float32 in manifest\.json/);
    // A user pack imported by the CLI is run by `voxa segment --model` from the same data folder
    // (one model registry: built-in and user packs), and only from that folder.
    const good = writePack(models, path.join(dir, 'src'), { id: 'user-disc', s: 32 });
    const ok = await cli(['models', 'import', good, '--user-data', dir]);
    expect(ok.code, ok.err).toBe(0);
    const listed = await cli(['models', 'list', '--json', '--user-data', dir]);
    expect((JSON.parse(listed.out) as { id: string }[]).map((e) => e.id)).toEqual(['disc', 'user-disc', 'classical']);
    const args = ['segment', path.join(dir, 'ct.nii.gz'), '--point', lesion.centreLps.join(','), '--model', 'user-disc', '--out', path.join(dir, 'user.nii.gz'), '--json'];
    const u = await cli([...args, '--user-data', dir]);
    expect(u.code, u.err).toBe(0);
    expect((JSON.parse(u.out) as { provider: string }).provider).toBe('cpu');
    const elsewhere = await cli([...args, '--user-data', path.join(dir, 'other-data')]);
    expect(elsewhere.code).not.toBe(0);
    expect(elsewhere.err).toMatch(/user-disc/);
    rmSync(models, { recursive: true, force: true });
  });
});
