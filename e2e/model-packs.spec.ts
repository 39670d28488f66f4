/**
 * A SAM-family pack the user imported (`voxa models import --user-data`, the
 * host's --data-dir) is offered in the UI's model list and runs when chosen:
 * P + one click on a phantom lesion with it gives the pack's mask: the same
 * as the pack gives through the API for that click (random weights, so it is
 * nothing like the lesion, unlike the classical tool's). The pack is the tiny random-weight SAM of the
 * equality test (needs python3-torch and ../shared/reference/segment-anything).
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { lpsToIjk } from '../common/geometry/affine';
import { buildTinySamPack, HAS_SAM_REFERENCE, TINY_SAM_ID } from '../main/services/inference/sam/testing/tinySam';
import { REPO_ROOT } from './helpers/hostProcess';
import { dice } from './helpers/segmentPhantoms';
import { startTorsoHost, type TorsoHost } from './helpers/torsoHost';
import { axialPixel, goToAxialSlice } from './helpers/viewerNav';

let fixture: TorsoHost;

test.skip(!HAS_SAM_REFERENCE, 'needs python3-torch, python3-torchvision and the SAM reference implementation');

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const work = path.join(REPO_ROOT, 'e2e-artifacts', 'tiny-sam-pack');
  rmSync(work, { recursive: true, force: true });
  const { packDir } = buildTinySamPack(work);
  fixture = await startTorsoHost('model-packs', undefined, async (userData) => {
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'main', 'cli.cjs'), 'models', 'import', packDir, '--user-data', userData], { stdio: 'pipe' });
  });
});

test.afterAll(async () => {
  await fixture?.stop();
});

test('an imported SAM pack is in the model list and segments when chosen', async ({ page }) => {
  test.setTimeout(180_000);
  const { host, api, study, geometry } = fixture;
  const models = (await api.invoke('segment:models', {})).models;
  expect(models.find((m) => m.id === TINY_SAM_ID)).toMatchObject({ status: 'ok' });

  await page.goto(host.url);
  await page.getByTestId('open-button').click();
  await page.getByTestId('fb-entry-data-model-packs').click();
  await page.getByTestId('fb-entry-torso').click();
  await page.getByTestId('fb-entry-ct.nii.gz').click();
  await expect(page.getByTestId('segment-editor')).toBeVisible();
  await page.getByTestId('layout-1x1').click();
  const select = page.getByTestId('prompt-model');
  await expect(select.locator(`option[value="${TINY_SAM_ID}"]`)).toHaveText('Tiny SAM (test)');
  await select.selectOption(TINY_SAM_ID);

  const lesion = study.truth[0]!;
  await goToAxialSlice(page, Math.round(lpsToIjk(geometry, lesion.centreLps)[2]));
  await page.keyboard.press('p');
  const at = await axialPixel(page, geometry, lesion.centreLps);
  await page.mouse.click(at.x, at.y);
  await expect(page.getByTestId('history-list')).toContainText('Click +', { timeout: 60_000 });
  const volumeId = (await page.getByTestId('segment-editor').getAttribute('data-volume-id')) ?? '';
  const state = await api.invoke('segment:state', { volumeId });
  expect(state.segments.length).toBe(1);
  const ui = new Uint8Array(state.labels);
  const label = state.segments[0]?.label ?? 1;
  // The same click through the API (after undoing the UI's, so nothing is in the way), with the pack and with the classical tool.
  const run = async (modelId: string) => {
    await api.invoke('segment:undo', { volumeId });
    const r = await api.invoke('segment:prompt', { volumeId, target: { kind: 'new' }, modelId, plane: 'axial', points: [{ lps: lesion.centreLps, positive: true }] });
    return { label: r.label, labels: new Uint8Array((await api.invoke('segment:state', { volumeId })).labels) };
  };
  const viaApi = await run(TINY_SAM_ID);
  const viaClassical = await run('classical');
  const uiVsApi = dice(ui, label, viaApi.labels, viaApi.label);
  const uiVsClassical = dice(ui, label, viaClassical.labels, viaClassical.label);
  const uiVsLesion = dice(ui, label, fixture.truthLabels, lesion.label);
  console.log(`tiny SAM click in the UI: Dice vs the pack through the API ${uiVsApi.toFixed(3)}, vs classical ${uiVsClassical.toFixed(3)}, vs the lesion ${uiVsLesion.toFixed(3)}`);
  expect(uiVsApi).toBeGreaterThan(0.9);
  expect(uiVsClassical).toBeLessThan(0.5);
});
