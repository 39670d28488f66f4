/**
 * Visual question answering in host mode, checked against ground truth:
 * - UI: "Is there an abnormality?" on the axial slice through a phantom lesion
 *   → yes; on the same slice of the same phantom without lesions → no;
 * - UI: "How big is lesion 2?" after importing the phantom's labelmap → the
 *   value measureLesion gives on the same mask here, with the "measured" badge;
 * - UI: few-shot with one tagged series refuses to train and says what is missing;
 * - API: "Which body region is shown?" on the TotalSegmentator example CT
 *   agrees with its organ labels on that slice (skipped without the data folder).
 * Needs `node scripts/build.mjs --only host --only renderer`.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { lpsToIjk } from '../common/geometry/affine';
import { measureLesion } from '../common/geometry/recistAxes';
import { writeNifti } from '../main/services/io/niftiWriter';
import { dataPath, DATA_DIR, HAS_DATA } from '../main/testing/dataDir';
import { connectHostApi, type HostApi } from './helpers/hostApi';
import { REPO_ROOT, startHost, type HostProcess } from './helpers/hostProcess';
import { goToAxialSlice } from './helpers/viewerNav';
import { recipePhantom } from '../main/services/tasks/testing/recipePhantom';

const artifacts = path.join(REPO_ROOT, 'e2e-artifacts');
const dataDir = path.join(artifacts, 'data-vqa');
const userData = path.join(artifacts, 'userdata-vqa');
let host: HostProcess;
let api: HostApi;

const phantom = recipePhantom;
const withLesion = phantom(1402, 2);
const without = phantom(1402, 0);
const k = Math.round(lpsToIjk(withLesion.volume.geometry, withLesion.truth[0]!.centreLps)[2]);

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(userData, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  await writeNifti(withLesion.volume, path.join(dataDir, 'lesion.nii.gz'));
  await writeNifti(without.volume, path.join(dataDir, 'clean.nii.gz'));
  await writeNifti({ ...withLesion.volume, dtype: 'uint8', voxels: withLesion.labels }, path.join(dataDir, 'mask.nii.gz'));
  host = await startHost(['--root', dataDir, ...(HAS_DATA ? ['--root', DATA_DIR] : []), '--data-dir', userData]);
  api = await connectHostApi(host.url);
});

test.afterAll(async () => {
  api?.close();
  await host?.stop();
});

test('VQA panel: abnormality yes on the lesion slice, no without lesions; a measurement question is answered from the labelmap, marked measured', async ({ page }) => {
  test.setTimeout(300_000);
  // Ground truth from the generator: lesion 1 crosses slice k; the other phantom has none.
  const [ni, nj] = withLesion.volume.geometry.dimensions;
  expect(withLesion.labels.subarray(k * ni * nj, (k + 1) * ni * nj).filter((v) => v > 0).length).toBeGreaterThan(20);
  expect(without.labels.every((v) => v === 0)).toBe(true);

  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);
  const openFile = async (name: string) => {
    await page.getByTestId('open-button').click();
    await page.getByTestId('fb-entry-data-vqa').click();
    await page.getByTestId(`fb-entry-${name}`).click();
  };
  await openFile('lesion.nii.gz');
  await expect(page.getByTestId('segment-editor')).toBeVisible();
  await page.getByTestId('layout-1x1').click();
  await goToAxialSlice(page, k);

  await page.getByTestId('vqa-toggle').click();
  const q = 'Is there an abnormality in this image?';
  await page.getByTestId('vqa-chip').filter({ hasText: q }).click();
  const answer = page.getByTestId('vqa-answer');
  await expect(answer).toHaveAttribute('data-source', 'model');
  await expect(answer).toHaveAttribute('data-answer', 'yes');
  await expect(answer).toHaveAttribute('data-slice', String(k));
  await expect(page.getByTestId('vqa-alternatives')).toContainText('no');
  const yesConfidence = Number.parseFloat((await page.getByTestId('vqa-confidence').textContent()) ?? '');
  expect(yesConfidence).toBeGreaterThan(50);

  // The labelmap into the services' segmentation of this volume (the panel's import), then a measurement question.
  await page.getByTestId('segment-editor').getByTestId('import-button').click();
  await page.getByTestId('fb-entry-data-vqa').click();
  await page.getByTestId('fb-entry-mask.nii.gz').click();
  await expect(page.getByTestId('segment-stats-2')).toBeVisible();
  await page.getByTestId('vqa-question').fill('How big is lesion 2?');
  await page.getByTestId('vqa-ask').click();
  await expect(answer).toHaveAttribute('data-source', 'measured');
  await expect(page.getByTestId('vqa-measured-badge')).toBeVisible();
  const ref = measureLesion({ geometry: withLesion.volume.geometry, voxels: withLesion.labels }, { label: 2 })!;
  const r1 = (v: number) => (Math.round(v * 10) / 10).toString();
  await expect(answer).toHaveAttribute('data-answer', `long axis ${r1(ref.longAxis.lengthMm)} mm, short axis ${r1(ref.shortAxis.lengthMm)} mm`);

  // The same slice of the phantom without lesions.
  await openFile('clean.nii.gz');
  // The answer about the previous volume disappears once the new one is the viewer's (crosshair reset to its centre).
  await expect(answer).toHaveCount(0);
  await goToAxialSlice(page, k);
  await page.getByTestId('vqa-chip').filter({ hasText: q }).click();
  await expect(answer).toHaveAttribute('data-answer', 'no');
  await expect(answer).toHaveAttribute('data-slice', String(k));

  // Few-shot: one tagged series, then Train → the refusal says what is missing.
  await page.getByTestId('fewshot-toggle').click();
  await page.getByTestId('fewshot-finding').fill('phantom lesion');
  await page.getByTestId('fewshot-tag-negative').click();
  await expect(page.getByTestId('fewshot-counts')).toContainText('0 positive, 1 negative series (voxa-encoder)');
  await page.getByTestId('fewshot-train').click();
  await expect(page.getByTestId('fewshot-message')).toHaveText(
    'few-shot training needs at least 4 positive and 4 negative cases; got 0 positive and 1 negative (tag 4 more positive and 3 more negative)',
  );
  expect(errors).toEqual([]);
  await page.screenshot({ path: path.join(artifacts, 'vqa-panel.png') });
});

test('API: the measured answer equals measureLesion on the mask; measured questions never name a model', async () => {
  const h = await api.invoke('volume:open', { path: path.join(dataDir, 'lesion.nii.gz') });
  await api.invoke('segment:state', { volumeId: h.volumeId });
  await api.invoke('segment:import', { volumeId: h.volumeId, path: path.join(dataDir, 'mask.nii.gz') });
  const mask = { geometry: withLesion.volume.geometry, voxels: withLesion.labels };
  for (const label of [1, 2]) {
    const ref = measureLesion(mask, { label })!;
    const a = await api.invoke('task:vqa', { volumeId: h.volumeId, question: 'What is the volume of this lesion?', scope: { kind: 'lesion', label } });
    expect(a).toMatchObject({ source: 'measured', modelId: null, measuredFrom: 'labelmap' });
    expect(a.source === 'measured' && (a.values.volumeMl as number)).toBeCloseTo(ref.volumeMl, 6);
  }
  await api.invoke('volume:close', { volumeId: h.volumeId });
});

test('API: "Which body region is shown?" on the TotalSegmentator example CT agrees with its organ labels', async () => {
  test.skip(!HAS_DATA, `no data folder at ${DATA_DIR} (set VOXA_DATA_DIR)`);
  test.setTimeout(180_000);
  const ct = await api.invoke('volume:open', { path: dataPath('ct_nifti_totalseg_example', 'example_ct.nii.gz') });
  const seg = await api.invoke('volume:open', { path: dataPath('ct_nifti_totalseg_example', 'example_seg.nii.gz') });
  const segVoxels = await api.invoke('volume:voxels', { volumeId: seg.volumeId });
  const labels = segVoxels.dtype === 'uint8' ? new Uint8Array(segVoxels.data) : segVoxels.dtype === 'int16' ? new Int16Array(segVoxels.data) : new Float32Array(segVoxels.data);
  const [, , ck] = ct.geometry.dimensions;
  const [si, sj, sk] = seg.geometry.dimensions;
  // example_seg lies on example_ct_sm, a 30-slice crop of example_ct whose header kept the full CT's origin:
  // find the crop's first slice by content (an exact voxel match), not by the header.
  const sm = await api.invoke('volume:open', { path: dataPath('ct_nifti_totalseg_example', 'example_ct_sm.nii.gz') });
  const toNumbers = (r: { dtype: string; data: ArrayBuffer }) => (r.dtype === 'int16' ? new Int16Array(r.data) : r.dtype === 'int32' ? new Int32Array(r.data) : r.dtype === 'float32' ? new Float32Array(r.data) : new Uint8Array(r.data));
  const ctVoxels = toNumbers(await api.invoke('volume:voxels', { volumeId: ct.volumeId }));
  const smVoxels = toNumbers(await api.invoke('volume:voxels', { volumeId: sm.volumeId }));
  expect([si, sj]).toEqual(ct.geometry.dimensions.slice(0, 2));
  const plane = si * sj;
  const sliceDiff = (kct: number) => {
    let d = 0;
    for (let n = 0; n < plane; n++) d += Math.abs((ctVoxels[kct * plane + n] as number) - (smVoxels[n] as number));
    return d;
  };
  const offset = Array.from({ length: ck - sk + 1 }, (_, kct) => kct).reduce((best, kct) => (sliceDiff(kct) < sliceDiff(best) ? kct : best), 0);
  expect(sliceDiff(offset)).toBe(0);
  // TotalSegmentator v1 classes in this example: 5 liver, 10–14 lung lobes.
  const organsOnSlice = (slice: number) => {
    const ks = slice - offset;
    if (ks < 0 || ks >= sk) return null;
    let liver = 0;
    let lung = 0;
    for (let n = ks * plane; n < (ks + 1) * plane; n++) {
      const v = labels[n] as number;
      if (v === 5) liver++;
      else if (v >= 10 && v <= 14) lung++;
    }
    return { liver, lung };
  };
  let checked = 0;
  // Only the slabs the built-in heads never trained on (train_heads.py: example CT slices 30–49 and 90–99).
  const heldOut = [...Array.from({ length: 20 }, (_, n) => 30 + n), ...Array.from({ length: 10 }, (_, n) => 90 + n)].filter((s) => s < ck);
  for (const slice of heldOut) {
    const o = organsOnSlice(slice);
    // Only slices the labels decide: liver without lung = abdomen, lung without liver = thorax.
    const expected = o && o.liver > 500 && o.lung === 0 ? 'abdomen' : o && o.lung > 500 && o.liver === 0 ? 'thorax' : null;
    if (!expected) continue;
    const a = await api.invoke('task:vqa', { volumeId: ct.volumeId, question: 'Which body region is shown?', scope: { kind: 'slice', slice } });
    expect(a.source === 'model' && a.answerType).toBe('open');
    expect(a.source === 'model' && a.family).toBe('anatomy');
    expect({ slice, answer: a.source === 'model' ? a.answer : null }).toEqual({ slice, answer: expected });
    checked++;
  }
  expect(checked).toBeGreaterThan(0);
  console.log(`anatomy: example_ct_sm = example_ct slices ${offset}–${offset + sk - 1}; ${checked} held-out slices of example_ct decided by the organ labels, all answered consistently`);
});
