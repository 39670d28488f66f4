/**
 * `voxa classify`, `voxa vqa` and `voxa embed` in-process on torso phantoms the
 * training never saw (seed ≥ 1000), written as NIfTI with their lesion
 * labelmap: answers are checked against the phantom's ground truth (a lesion on
 * the slice or not), measured answers against measureLesion on the same mask.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lpsToIjk } from '../../../common/geometry/affine';
import { measureLesion } from '../../../common/geometry/recistAxes';
import { writeNifti } from '../../services/io/niftiWriter';
import { REPO_ROOT } from '../../testing/dataDir';
import { cli } from '../testing/captureCli';
import { recipePhantom } from '../../services/tasks/testing/recipePhantom';

const HAS_PACKS = ['voxa-encoder', 'voxa-vqa', 'voxa-abnormality'].every((id) => existsSync(path.join(REPO_ROOT, 'native-models', id, 'manifest.json')));

const phantom = recipePhantom;

const dir = mkdtempSync(path.join(os.tmpdir(), 'voxa-tasks-cli-'));
const withLesion = phantom(1402, 2);
const without = phantom(1402, 0);
const f = (name: string) => path.join(dir, name);
/** The axial slice through lesion 1's centre, and how many of its voxels the labelmap has there. */
const k = Math.round(lpsToIjk(withLesion.volume.geometry, withLesion.truth[0]!.centreLps)[2]);
const [ni, nj] = withLesion.volume.geometry.dimensions;
const lesionVoxelsOn = (labels: Uint8Array, slice: number) => labels.subarray(slice * ni * nj, (slice + 1) * ni * nj).reduce((n, v) => n + (v ? 1 : 0), 0);

beforeAll(async () => {
  await writeNifti(withLesion.volume, f('lesion.nii.gz'));
  await writeNifti(without.volume, f('clean.nii.gz'));
  await writeNifti({ ...withLesion.volume, dtype: 'uint8', voxels: withLesion.labels }, f('mask.nii.gz'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!HAS_PACKS)('voxa classify / vqa / embed on phantoms', () => {
  it('ground truth: lesion 1 crosses slice k of one phantom; the other has no lesion at all', () => {
    expect(lesionVoxelsOn(withLesion.labels, k)).toBeGreaterThan(20);
    expect(without.labels.every((v) => v === 0)).toBe(true);
  });

  it('vqa "Is there an abnormality?" answers yes on the lesion slice and no on the same slice without lesions', async () => {
    const q = 'Is there an abnormality in this image?';
    const yes = await cli(['vqa', f('lesion.nii.gz'), '--question', q, '--slice', String(k), '--json', '--user-data', dir]);
    expect(yes.code, yes.err).toBe(0);
    const a = JSON.parse(yes.out) as { source: string; answer: string; answerType: string; confidence: number; alternatives: { answer: string; probability: number }[]; slice: number; timingsMs: Record<string, number> };
    expect(a).toMatchObject({ source: 'model', answerType: 'yes/no', answer: 'yes', slice: k });
    expect(a.confidence + a.alternatives[0]!.probability).toBeCloseTo(1, 3);
    expect(Object.keys(a.timingsMs)).toEqual(expect.arrayContaining(['loadModel', 'preprocess', 'model', 'query', 'total']));
    const no = await cli(['vqa', f('clean.nii.gz'), '--question', q, '--slice', String(k), '--json', '--user-data', dir]);
    expect(JSON.parse(no.out)).toMatchObject({ source: 'model', answer: 'no' });
    // Plain text names the answer, its confidence and the model.
    const text = await cli(['vqa', f('clean.nii.gz'), '--question', q, '--slice', String(k), '--user-data', dir]);
    expect(text.out).toMatch(/^no \(\d+\.\d%, yes\/no; yes \d+\.\d%\) \[voxa-vqa, slice \d+\]/);
  }, 60_000);

  it('vqa measurement questions come from the mask (measureLesion), marked measured', async () => {
    const ref = measureLesion({ geometry: withLesion.volume.geometry, voxels: withLesion.labels }, { label: 2 })!;
    const r = await cli(['vqa', f('lesion.nii.gz'), '--question', 'How big is lesion 2?', '--lesion', '2', '--mask', f('mask.nii.gz'), '--json', '--user-data', dir]);
    expect(r.code, r.err).toBe(0);
    const a = JSON.parse(r.out) as { source: string; modelId: null; values: { longAxisMm: number; shortAxisMm: number } };
    expect(a).toMatchObject({ source: 'measured', modelId: null, intent: 'size' });
    expect(a.values.longAxisMm).toBeCloseTo(ref.longAxis.lengthMm, 1);
    expect(a.values.shortAxisMm).toBeCloseTo(ref.shortAxis.lengthMm, 1);
    const none = await cli(['vqa', f('lesion.nii.gz'), '--question', 'What is the volume of the lesion?', '--user-data', dir]);
    expect(none.out).toMatch(/no measurement \(measured by Voxa; Voxa has no measured lesion/);
    const usage = await cli(['vqa', f('lesion.nii.gz'), '--user-data', dir]);
    expect(usage.code).not.toBe(0);
    expect(usage.err).toMatch(/--question/);
  }, 60_000);

  it('classify with the abnormality head: present on the lesion slice and on the lesion crop, absent without lesions', async () => {
    const run = async (...args: string[]) => {
      const r = await cli(['classify', ...args, '--model', 'voxa-abnormality', '--json', '--user-data', dir]);
      expect(r.code, r.err).toBe(0);
      return JSON.parse(r.out) as { top: { label: string; probability: number }; scores: { label: string; probability: number }[]; scope: string; slices: number[] };
    };
    const present = await run(f('lesion.nii.gz'), '--slice', String(k));
    expect(present.top.label).toBe('present');
    expect(present.scores.reduce((s, x) => s + x.probability, 0)).toBeCloseTo(1, 3);
    expect((await run(f('clean.nii.gz'), '--slice', String(k))).top.label).toBe('absent');
    const crop = await run(f('lesion.nii.gz'), '--mask', f('mask.nii.gz'), '--label', '1');
    expect(crop.scope).toBe('lesion');
    // The crop is taken on the slice where lesion 1's section is largest: it holds the lesion.
    expect(withLesion.labels.subarray(crop.slices[0]! * ni * nj, (crop.slices[0]! + 1) * ni * nj).some((v) => v === 1)).toBe(true);
    const missing = await cli(['classify', f('lesion.nii.gz'), '--user-data', dir]);
    expect(missing.err).toMatch(/missing --model/);
  }, 60_000);

  it('embed writes the vector: 128 floats per slice, a series as [mean ‖ max] (max ≥ mean everywhere)', async () => {
    const one = await cli(['embed', f('lesion.nii.gz'), '--slice', String(k), '--out', f('slice.json'), '--json', '--user-data', dir]);
    expect(one.code, one.err).toBe(0);
    const s = JSON.parse(readFileSync(f('slice.json'), 'utf8')) as { dim: number; embedding: number[]; slices: number[] };
    expect(s).toMatchObject({ dim: 128, slices: [k] });
    expect(s.embedding.every(Number.isFinite)).toBe(true);
    const other = await cli(['embed', f('clean.nii.gz'), '--slice', String(k), '--out', f('clean.json'), '--user-data', dir]);
    expect(other.code, other.err).toBe(0);
    const c = JSON.parse(readFileSync(f('clean.json'), 'utf8')) as { embedding: number[] };
    // A lesion changes the image, so it changes the embedding.
    expect(Math.hypot(...s.embedding.map((v, n) => v - c.embedding[n]!))).toBeGreaterThan(1e-3);
    await cli(['embed', f('lesion.nii.gz'), '--series', '--out', f('series.json'), '--user-data', dir]);
    const se = JSON.parse(readFileSync(f('series.json'), 'utf8')) as { dim: number; embedding: number[]; slices: number[] };
    expect(se.dim).toBe(256);
    expect(se.slices).toHaveLength(60);
    for (let j = 0; j < 128; j++) expect(se.embedding[128 + j]!).toBeGreaterThanOrEqual(se.embedding[j]! - 1e-6);
    const bad = await cli(['embed', f('lesion.nii.gz'), '--slice', '999', '--out', f('x.json'), '--user-data', dir]);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/slice 999 is outside the image/);
  }, 60_000);
});
