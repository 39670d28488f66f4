/**
 * Segmentation editing through the UI (host mode): P then one click on a
 * phantom lesion in the axial view gives a 3D mask (checked through the API
 * against the generator's labels), the brush adds and Ctrl+Z / Ctrl+Shift+Z
 * take it back and forth exactly (the panel's live voxel count), the eraser
 * removes, the history is named, the keys are in the help overlay, and the
 * export button writes a NIfTI labelmap.
 * Needs `node scripts/build.mjs --only host --only renderer` and the CLI (phantom).
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { lpsToIjk } from '../common/geometry/affine';
import type { VolumeGeometry } from '../common/volume';
import type { HostApi } from './helpers/hostApi';
import { REPO_ROOT, type HostProcess } from './helpers/hostProcess';
import { dice, type TorsoStudy } from './helpers/segmentPhantoms';
import { startTorsoHost, type TorsoHost } from './helpers/torsoHost';
import { axialPixel, goToAxialSlice } from './helpers/viewerNav';

const artifacts = path.join(REPO_ROOT, 'e2e-artifacts');
let fixture: TorsoHost;
let host: HostProcess;
let api: HostApi;
let study: TorsoStudy;
let truthLabels: Uint8Array;
let geometry: VolumeGeometry;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  fixture = await startTorsoHost('segment-ui');
  ({ host, api, study, geometry, truthLabels } = fixture);
});

test.afterAll(async () => {
  await fixture?.stop();
});

const voxelsOf = async (page: Page, label: number) => Number(await page.getByTestId(`segment-stats-${label}`).getAttribute('data-voxels'));

test('P + one click on a lesion → 3D mask (Dice ≥ 0.9); brush, Ctrl+Z / Ctrl+Shift+Z exact; eraser; history; help; export', async ({ page }) => {
  test.setTimeout(420_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);
  await page.getByTestId('open-button').click();
  await page.getByTestId('fb-entry-data-segment-ui').click();
  await page.getByTestId('fb-entry-torso').click();
  await page.getByTestId('fb-entry-ct.nii.gz').click();
  await expect(page.getByTestId('segment-editor')).toBeVisible();
  // One large axial view: nothing else (the 3D view) to render on a loaded CPU-only machine.
  await page.getByTestId('layout-1x1').click();
  // The workstation starts on the built-in model; this test is about editing, on the classical tool's exact masks.
  await expect(page.getByTestId('prompt-model')).toHaveValue('lesion3d');
  await page.getByTestId('prompt-model').selectOption('classical');
  // A NIfTI study: the export offers NIfTI by default (DICOM SEG needs a DICOM series).
  await expect(page.getByTestId('export-format')).toHaveValue('nifti');

  const lesion = study.truth[0]!;
  const ijk = lpsToIjk(geometry, lesion.centreLps);
  await goToAxialSlice(page, Math.round(ijk[2]));
  await page.keyboard.press('p');
  await expect(page.getByTestId('tool-point')).toHaveClass(/on/);
  const at = await axialPixel(page, geometry, lesion.centreLps);
  await page.mouse.click(at.x, at.y);
  await expect(page.getByTestId('segment-stats-1')).toContainText('mL');
  await expect(page.getByTestId('history-list')).toContainText('Click +');

  const volumeId = (await page.getByTestId('segment-editor').getAttribute('data-volume-id')) ?? '';
  const state = await api.invoke('segment:state', { volumeId });
  const d = dice(new Uint8Array(state.labels), 1, truthLabels, lesion.label);
  const clicked = await voxelsOf(page, 1);
  console.log(`UI one click on ${lesion.name}: Dice ${d.toFixed(3)}, ${clicked} voxels`);
  expect(d).toBeGreaterThanOrEqual(0.9);

  // Brush beside the lesion (segment 1 is selected after the click): 25 mm to the patient's right.
  await page.keyboard.press('b');
  await expect(page.getByTestId('tool-brush')).toHaveClass(/on/);
  const from = await axialPixel(page, geometry, [lesion.centreLps[0] - 30, lesion.centreLps[1], lesion.centreLps[2]]);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x - 15, from.y + 5, { steps: 2 });
  await page.mouse.up();
  await expect(page.getByTestId('history-list')).toContainText('Brush');
  const brushed = await voxelsOf(page, 1);
  expect(brushed).toBeGreaterThan(clicked);
  await page.keyboard.press('Control+z');
  await expect.poll(() => voxelsOf(page, 1)).toBe(clicked);
  await expect(page.getByTestId('history-list').locator('li.undone')).toHaveText(['Brush']);
  await page.keyboard.press('Control+Shift+z');
  await expect.poll(() => voxelsOf(page, 1)).toBe(brushed);

  // Eraser through the lesion centre.
  await page.keyboard.press('e');
  await page.mouse.move(at.x - 5, at.y);
  await page.mouse.down();
  await page.mouse.move(at.x + 5, at.y, { steps: 2 });
  await page.mouse.up();
  await expect(page.getByTestId('history-list')).toContainText('Erase');
  await expect.poll(() => voxelsOf(page, 1)).toBeLessThan(brushed);
  await expect(page.getByTestId('history-list').locator('li')).toHaveText(['Click +', 'Brush', 'Erase']);
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, 'e2e-segment-ui.png'), timeout: 120_000 });

  // The keys are in the help overlay.
  await page.keyboard.press('Escape');
  await page.keyboard.press('?');
  await expect(page.getByTestId('help-overlay')).toContainText('Brush / eraser');
  await expect(page.getByTestId('help-overlay')).toContainText('Ctrl+Z / Ctrl+Shift+Z');
  await page.keyboard.press('Escape');

  // Export a NIfTI labelmap from the panel.
  await page.getByTestId('export-format').selectOption('nifti');
  const out = path.join(fixture.dataDir, 'torso', 'ui-export.nii.gz');
  await page.getByTestId('export-path').fill(out);
  await page.getByTestId('export-button').click();
  await expect(page.getByTestId('export-message')).toContainText('Saved 1 segment');
  expect(existsSync(out)).toBe(true);

  // Save as… into the Exports folder the host always grants (<data-dir>/exports), with a name typed in the dialog.
  await page.getByTestId('export-save-as').click();
  await expect(page.getByTestId('fb-title')).toHaveText('Save segmentation as');
  await page.getByTestId('fb-entry-Exports').click();
  await expect(page.locator('.file-browser .path')).toHaveText(/exports$/);
  await page.getByTestId('fb-save-name').fill('lesion-1.nii.gz');
  await page.getByTestId('fb-save-here').click();
  await expect(page.getByTestId('export-path')).toHaveValue(/exports[\\/]lesion-1\.nii\.gz$/);
  await page.getByTestId('export-button').click();
  await expect(page.getByTestId('export-message')).toContainText('lesion-1.nii.gz');
  expect(existsSync(path.join(REPO_ROOT, 'e2e-artifacts', 'userdata-segment-ui', 'exports', 'lesion-1.nii.gz'))).toBe(true);
  expect(errors).toEqual([]);
});
