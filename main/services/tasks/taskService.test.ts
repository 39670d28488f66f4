/**
 * Task runners end to end on the built-in packs (native-models/voxa-*), phantoms
 * the training never saw (seeds ≥ 1000) and the shared real data; a tiny
 * regression model the test builds itself with python3-onnx.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { auroc } from '../../../common/fewshot/auroc';
import type { Volume } from '../../../common/volume';
import { ModelRegistry } from '../inference/registry';
import { HAS_ONNX_PYTHON, sha256 } from '../inference/testing/testModels';
import { sharedInferenceClient } from '../inference/worker/inferenceClient';
import { loadVolume } from '../io/volumeLoader';
import { dataPath, HAS_DATA, pythonJson, REFERENCE_PYTHON, REPO_ROOT } from '../../testing/dataDir';
import { trainFewShot } from './fewShotService';
import { lesionInput, sliceInput } from './imageInput';
import { measurementsFromMask } from './measuredAnswers';
import { slice2dPreprocessingSchema } from './taskConfig';
import { TaskService } from './taskService';
import { recipePhantom } from './testing/recipePhantom';

const BUILTIN = path.join(REPO_ROOT, 'native-models');
const HAS_PACKS = ['voxa-encoder', 'voxa-vqa', 'voxa-modality'].every((id) => existsSync(path.join(BUILTIN, id, 'manifest.json')));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-tasks-'));
afterAll(async () => {
  await sharedInferenceClient().close();
  rmSync(tmp, { recursive: true, force: true });
});

const PRE = slice2dPreprocessingSchema.parse({
  input: 'slice2d',
  sizePx: 96,
  lesionFov: { marginFactor: 2.5, minMm: 24, maxMm: 240 },
  intensity: { CT: { type: 'window', minHu: -1000, maxHu: 1000 }, default: { type: 'percentile', low: 0.5, high: 99.5 } },
});

const phantom = recipePhantom;

describe.skipIf(!HAS_DATA || !REFERENCE_PYTHON)('imageInput matches the training recipe (slices.py)', () => {
  const script = path.join(REPO_ROOT, 'native-models', 'training', 'encoder', 'slices.py');
  it('whole CT slice of a RAS NIfTI, and an MR lesion crop of an LPS one', async () => {
    const ct = dataPath('ct_nifti_totalseg_example', 'example_ct.nii.gz');
    const v = await loadVolume(ct);
    const mine = sliceInput(v, PRE, 100).data;
    const ref = JSON.parse(execFileSync('/usr/bin/python3', [script, ct, '100', 'CT'], { encoding: 'utf8', maxBuffer: 1 << 26 })) as { data: number[] };
    let maxDiff = 0;
    ref.data.forEach((x, n) => (maxDiff = Math.max(maxDiff, Math.abs(x - (mine[n] as number)))));
    expect(maxDiff).toBeLessThan(1e-4);

    const mr = dataPath('training', 'ibsi_sts', 'STS_012', 'MR_T1_image.nii.gz');
    const mrMask = dataPath('training', 'ibsi_sts', 'STS_012', 'MR_T1_mask.nii.gz');
    const vm = await loadVolume(mr);
    const mm = await loadVolume(mrMask);
    const crop = lesionInput(vm, mm, PRE, undefined, 20);
    const refCrop = JSON.parse(execFileSync('/usr/bin/python3', [script, mr, '20', 'MR', mrMask], { encoding: 'utf8', maxBuffer: 1 << 26 })) as { data: number[] };
    let d2 = 0;
    refCrop.data.forEach((x, n) => (d2 = Math.max(d2, Math.abs(x - (crop.data[n] as number)))));
    expect(d2).toBeLessThan(1e-4);
  });
});

describe.skipIf(!HAS_PACKS)('built-in packs', () => {
  const service = () => new TaskService({ registry: new ModelRegistry({ builtinDir: BUILTIN, userData: tmp }) });

  it('few-shot: 10 + 10 phantoms with vs without lesions → test AUROC ≥ 0.9 on 10 + 10 new ones', async () => {
    const s = service();
    const cases = Array.from({ length: 20 }, (_, n) => ({
      positive: n < 10,
      name: `phantom ${1000 + n}`,
      load: async () => ({ volume: phantom(1000 + n, n < 10 ? 2 + (n % 3) : 0).volume }),
    }));
    const res = await trainFewShot(s, cases, { finding: 'lesion', packId: 'phantom-lesion', encoderId: 'voxa-encoder', scope: 'series', userData: tmp });
    const scores: number[] = [];
    const labels: number[] = [];
    for (let n = 0; n < 20; n++) {
      const pos = n < 10;
      const r = await s.classify(phantom(1100 + n, pos ? 2 + (n % 3) : 0).volume, 'phantom-lesion', { kind: 'series' });
      scores.push(r.scores.find((x) => x.label === 'lesion')?.probability ?? Number.NaN);
      labels.push(pos ? 1 : 0);
    }
    const testAuroc = auroc(scores, labels);
    // Printed for docs/vqa-fewshot.md.
    console.log(`few-shot phantoms: CV AUROC ${res.probe.cv.meanAuroc.toFixed(3)} ± ${res.probe.cv.sdAuroc.toFixed(3)}, test AUROC ${testAuroc.toFixed(3)}`);
    expect(testAuroc).toBeGreaterThanOrEqual(0.9);
  }, 300_000);

  it('few-shot refuses 3 positives before embedding anything', async () => {
    const cases = Array.from({ length: 9 }, (_, n) => ({ positive: n < 3, load: () => Promise.reject(new Error('must not load')) }));
    await expect(trainFewShot(service(), cases, { finding: 'x', packId: 'too-few', encoderId: 'voxa-encoder', scope: 'series', userData: tmp })).rejects.toThrow(
      /needs at least 4 positive and 4 negative cases; got 3 positive and 6 negative \(tag 1 more positive\)/,
    );
  });

  it('VQA: "Is there an abnormality?" on a phantom slice with a lesion and on the same slice without', async () => {
    const s = service();
    const withLesion = phantom(1200, 1);
    const without = phantom(1200, 0);
    const k = lesionInput(withLesion.volume, withLesion.mask, PRE).slice;
    const q = 'Is there an abnormality in this image?';
    const yes = await s.vqa(withLesion.volume, 'voxa-vqa', q, { slice: k });
    const no = await s.vqa(without.volume, 'voxa-vqa', q, { slice: k });
    expect(yes.source).toBe('model');
    expect(no.source).toBe('model');
    if (yes.source !== 'model' || no.source !== 'model') return;
    expect(yes.answerType).toBe('yes/no');
    expect(yes.answer).toBe('yes');
    expect(no.answer).toBe('no');
    expect(yes.alternatives.map((a) => a.answer)).toEqual(['no']);
    expect(yes.confidence + (yes.alternatives[0]?.probability ?? 0)).toBeCloseTo(1, 6);
  }, 60_000);

  it('a measurement question returns the measured value, never the model', async () => {
    const p = phantom(1201, 2);
    const lesions = measurementsFromMask(p.mask);
    const a = await service().vqa(p.volume, 'voxa-vqa', 'How big is lesion 2?', { lesion: 2, measurements: { lesions: () => lesions, response: () => null } });
    expect(a.source).toBe('measured');
    expect(a.modelId).toBeNull();
    if (a.source !== 'measured') return;
    // Analytic long axis of the ellipsoid's central axial section, within two voxels (centre-to-centre on a 2 mm grid).
    const truth = p.truth[1]!;
    expect(Math.abs((a.values.longAxisMm as number) - truth.axialLongAxisMm)).toBeLessThan(4);
    const none = await service().vqa(p.volume, 'voxa-vqa', 'What is the volume of the lesion?', { measurements: null });
    expect(none).toMatchObject({ source: 'measured', answer: null });
  });

  it.skipIf(!HAS_DATA)('anatomy question on the TotalSegmentator CT agrees with its organ labels', async () => {
    const ct = await loadVolume(dataPath('ct_nifti_totalseg_example', 'example_ct.nii.gz'));
    // Slice 95 of example_ct (a held-out slab, 90–99) = slice 13 of example_seg: liver present, no lung (checked with nibabel).
    const labels = pythonJson<{ liver: number; lung: number }>(
      'import sys, json, nibabel as nib, numpy as np; s = np.asanyarray(nib.load(sys.argv[1]).dataobj)[:, :, 13]; print(json.dumps({"liver": int((s == 5).sum()), "lung": int(np.isin(s, [10, 11, 12, 13, 14]).sum())}))',
      [dataPath('ct_nifti_totalseg_example', 'example_seg.nii.gz')],
    );
    expect(labels.liver).toBeGreaterThan(500);
    expect(labels.lung).toBe(0);
    const a = await service().vqa(ct, 'voxa-vqa', 'Which body region is shown?', { slice: 95 });
    expect(a.source === 'model' && a.answerType).toBe('open');
    expect(a.source === 'model' && a.answer).toBe('abdomen');
  });

  it.skipIf(!HAS_DATA)('modality head tells CT from MR on a held-out IBSI patient (same anatomy)', async () => {
    const s = service();
    const ct = await loadVolume(dataPath('training', 'ibsi_sts', 'STS_012', 'CT_image.nii.gz'));
    const mr = await loadVolume(dataPath('training', 'ibsi_sts', 'STS_012', 'MR_T1_image.nii.gz'));
    expect((await s.classify(ct, 'voxa-modality', { kind: 'slice' })).top.label).toBe('CT');
    expect((await s.classify(mr, 'voxa-modality', { kind: 'slice' })).top.label).toBe('MR');
    await expect(s.classify(ct, 'voxa-encoder', { kind: 'slice' })).rejects.toThrow(/embed model; this needs a classify model/);
  });

  it('cancellation: an aborted signal rejects with CANCELLED', async () => {
    const c = new AbortController();
    c.abort();
    await expect(service().embed(phantom(1202, 0).volume, 'voxa-encoder', { kind: 'series' }, { signal: c.signal })).rejects.toThrow(/cancelled/);
  });
});

describe.skipIf(!HAS_ONNX_PYTHON)('regress: brain-age style preprocessing with a model the test builds', () => {
  it('resamples to RAS 4 mm 8³, windows, and the ramp model sees the bright half on the patient left', async () => {
    const dir = path.join(tmp, 'builtin', 'ramp-age');
    execFileSync('mkdir', ['-p', dir]);
    // value = Σ input · (i − 3.5): i runs to patient Right in RAS, so a left-bright image gives a negative sum.
    execFileSync('/usr/bin/python3', ['-c', `
import numpy as np, onnx, sys
from onnx import helper, numpy_helper, TensorProto
w = np.broadcast_to((np.arange(8) - 3.5).astype(np.float32), (1, 1, 8, 8, 8)).copy()
g = helper.make_graph([helper.make_node("Mul", ["volume", "w"], ["p"]), helper.make_node("ReduceSum", ["p", "axes"], ["value"], keepdims=0)], "ramp",
    [helper.make_tensor_value_info("volume", TensorProto.FLOAT, [1, 1, 8, 8, 8])], [helper.make_tensor_value_info("value", TensorProto.FLOAT, [1])],
    [numpy_helper.from_array(w, "w"), numpy_helper.from_array(np.array([1, 2, 3, 4], dtype=np.int64), "axes")])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]); m.ir_version = 8
onnx.checker.check_model(m); onnx.save(m, sys.argv[1])`, path.join(dir, 'model.onnx')]);
    const manifest = {
      schemaVersion: 1, id: 'ramp-age', name: 'ramp', version: '1', task: 'regress', licence: 'test', intendedUse: 'test',
      files: [{ path: 'model.onnx', sha256: sha256(path.join(dir, 'model.onnx')), role: 'model' }],
      onnx: { opset: 17, inputs: [{ name: 'volume', dtype: 'float32', shape: [1, 1, 8, 8, 8] }], outputs: [{ name: 'value', dtype: 'float32', shape: [1] }] },
      preprocessing: { input: 'volume3d', orientation: 'RAS', spacingMm: [4, 4, 4], shape: [8, 8, 8], skullStripped: true, intensity: { type: 'window', min: 0, max: 100 } },
      postprocessing: { unit: 'years', scale: 0.5, offset: 40 },
    };
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    writeFileSync(path.join(dir, 'MODEL_CARD.md'), '# ramp\n');
    // 40³ 1 mm LPS volume centred on the origin: patient-left half (LPS x > 0) = 100, right half = 0.
    const n = 40;
    const voxels = new Float32Array(n * n * n);
    for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) voxels[i + n * (j + n * k)] = i - 19.5 > 0 ? 100 : 0;
    const volume: Volume = {
      geometry: { dimensions: [n, n, n], spacingMm: [1, 1, 1], originLps: [-19.5, -19.5, -19.5], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
      dtype: 'float32', voxels,
      meta: { modality: 'MR', sourceFormat: 'nifti', description: '', patientName: '', patientId: '', studyDate: '', seriesInstanceUid: '', warnings: [] },
    };
    const s = new TaskService({ registry: new ModelRegistry({ builtinDir: path.join(tmp, 'builtin'), userData: null }) });
    const r = await s.regress(volume, 'ramp-age');
    // Left half = RAS i 0..3, each slab of 64 voxels at 1.0: Σ (i − 3.5) · 64 = −512; × 0.5 + 40 = −216.
    expect(r.value).toBeCloseTo(-216, 3);
    expect(r.unit).toBe('years');
    // Half the grid is zero: looks skull-stripped, no warning. An all-bright image gets one.
    expect(r.warnings).toEqual([]);
    const bright = await s.regress({ ...volume, voxels: new Float32Array(n * n * n).fill(50) }, 'ramp-age');
    expect(bright.warnings[0]).toMatch(/expects a skull-stripped image/);
  });
});
