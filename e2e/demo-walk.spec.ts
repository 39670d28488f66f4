/**
 * Issue 17's walk: the first hour on the real demo study (IBSI STS_008, as `npm run demo` starts it
 * in host mode), step by step, with a screenshot at each step for a person to look at:
 * open → three planes + 3D → scroll and W/L → a click on the tumour with the default model →
 * a correction click → RECIST → VQA → Save as… into the exports folder → reopen.
 * Each step also checks what a reader would see (the tumour found, numbers plausible, no stale error).
 * Screenshots go to $VOXA_WALK_DIR (default e2e-artifacts/walk). Skipped without the data folder.
 * Needs `npm run build`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { lpsToIjk } from '../common/geometry/affine';
import { dataPath, HAS_DATA } from '../main/testing/dataDir';
import { demoFile, diceWith, readTumour, startDemoHost, type DemoTumour } from './helpers/demoHost';
import { connectHostApi } from './helpers/hostApi';
import { REPO_ROOT, type HostProcess } from './helpers/hostProcess';
import { axialPixel, goToAxialSlice, waitForVoxels } from './helpers/viewerNav';

const shots = process.env.VOXA_WALK_DIR ?? path.join(REPO_ROOT, 'e2e-artifacts', 'walk');
const dataDir = path.join(REPO_ROOT, 'e2e-artifacts', 'userdata-demo-walk');
const STS = dataPath('training', 'ibsi_sts', 'STS_008');
let host: HostProcess;
let tumour: DemoTumour;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  if (!HAS_DATA || !existsSync(STS)) return;
  test.setTimeout(120_000);
  mkdirSync(shots, { recursive: true });
  host = await startDemoHost(dataDir);
  tumour = await readTumour(host.url, demoFile(dataDir, 'CT tumour mask.nii.gz'));
});

test.afterAll(async () => {
  await host?.stop();
});

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(shots, `${name}.png`) });

test('the first hour on the real demo study, with a screenshot at each step', async ({ page }) => {
  test.skip(!HAS_DATA || !existsSync(STS), 'no IBSI STS_008 in the data folder');
  test.setTimeout(600_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  // 1. Open: the demo opens by itself.
  await page.goto(host.url);
  await expect(page.getByTestId('study-info')).toContainText('141 × 137 × 51', { timeout: 60_000 });
  await waitForVoxels(page);
  // A NIfTI names no patient: the views name the file (they said "Unnamed patient").
  await expect(page.getByTestId('axial-corner-tl')).toContainText('IBSI STS_008 CT');
  await page.waitForTimeout(1500);
  await shot(page, '01-open');

  // 2. Three planes + 3D (the default 2×2 layout); the 3D view takes a while in software WebGL.
  await expect(page.getByTestId('3d-viewport')).toBeVisible();
  await page.waitForTimeout(6000);
  await shot(page, '02-planes-3d');

  // 3. Scroll to the tumour's largest section with the wheel, then window/level with Ctrl + drag.
  const axial = page.getByTestId('axial-viewport').locator('.viewport-canvas');
  const box = (await axial.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let n = 0; n < 4; n++) await page.mouse.wheel(0, 100);
  await goToAxialSlice(page, tumour.sliceK);
  await page.keyboard.down('Control');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 - 40, box.y + box.height / 2 + 20, { steps: 4 });
  await page.mouse.up();
  await page.keyboard.up('Control');
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.4);
  await page.waitForTimeout(500);
  await shot(page, '03-scroll-wl');

  // 4. One click on the tumour with the default model (Lesion3D).
  await expect(page.getByTestId('prompt-model')).toHaveValue('lesion3d');
  await page.keyboard.press('p');
  const at = await axialPixel(page, tumour.geometry, tumour.centreLps);
  await page.mouse.click(at.x, at.y);
  await expect(page.getByTestId('segment-stats-1')).toContainText('mL', { timeout: 120_000 });
  await page.waitForTimeout(1500);
  await shot(page, '04-click');
  const api = await connectHostApi(host.url);
  const volumeId = (await page.getByTestId('segment-editor').getAttribute('data-volume-id')) ?? '';
  const diceNow = async () => diceWith(new Uint8Array((await api.invoke('segment:state', { volumeId })).labels), 1, tumour.mask);
  const dice1 = await diceNow();
  console.log(`walk: one click on the tumour (slice ${tumour.sliceK + 1}, ${tumour.voxels} voxels): Dice ${dice1.toFixed(3)}`);

  // 5. A correction click: refine the selected segment with a point on the tumour voxel farthest from the centre that it missed.
  const state = new Uint8Array((await api.invoke('segment:state', { volumeId })).labels);
  const [nx, ny] = tumour.geometry.dimensions;
  const k = tumour.sliceK;
  const c = lpsToIjk(tumour.geometry, tumour.centreLps);
  let missed: [number, number] | null = null;
  let extra: [number, number] | null = null;
  let missedD = 0;
  let extraD = 0;
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      const n = k * nx * ny + j * nx + i;
      const d = Math.hypot(i - c[0], j - c[1]);
      // Two voxels in from the edge of what was missed or added: a click a reader would make.
      if (tumour.mask[n] && state[n] !== 1 && d > missedD) [missed, missedD] = [[i, j], d];
      if (!tumour.mask[n] && state[n] === 1 && d > extraD) [extra, extraD] = [[i, j], d];
    }
  await page.getByTestId('prompt-target').selectOption('refine');
  const negative = extraD > missedD;
  const target = negative ? extra : missed;
  if (target) {
    const lps = (await import('../common/geometry/affine')).ijkToLps(tumour.geometry, [target[0], target[1], k]);
    const p = await axialPixel(page, tumour.geometry, lps);
    // Alt + click: a negative point (mouse.click takes no modifiers; the key is held instead).
    if (negative) await page.keyboard.down('Alt');
    await page.mouse.click(p.x, p.y);
    if (negative) await page.keyboard.up('Alt');
    await expect(page.getByTestId('history-list').locator('li')).toHaveCount(2, { timeout: 120_000 });
  }
  await page.waitForTimeout(1500);
  await shot(page, '05-correction');
  console.log(`walk: correction (${negative ? 'negative' : 'positive'} click): Dice ${dice1.toFixed(3)} → ${(await diceNow()).toFixed(3)}`);

  // 6. RECIST: measure, the panel, the calipers on the axial view.
  await page.getByTestId('recist-toggle').click();
  await page.getByTestId('recist-measure').click();
  await expect(page.getByTestId('lesion-row-Segment 1')).toBeVisible({ timeout: 60_000 });
  await page.waitForTimeout(1000);
  await shot(page, '06-recist-panel');
  await page.getByTestId('lesion-jump-Segment 1').click();
  await page.getByTestId('recist-toggle').click();
  await page.waitForTimeout(1500);
  // The labels keep clear of the orientation letters (the long axis's label ran under the axial view's "L").
  for (const which of ['long', 'short']) {
    const label = (await page.getByTestId(`caliper-Segment 1-${which}-label`).boundingBox())!;
    for (const side of ['left', 'right']) {
      const o = (await page.getByTestId(`axial-orient-${side}`).boundingBox())!;
      const overlap = label.x < o.x + o.width && o.x < label.x + label.width && label.y < o.y + o.height && o.y < label.y + label.height;
      expect(overlap, `${which} label over the ${side} orientation letter`).toBe(false);
    }
  }
  await shot(page, '07-recist-calipers');

  // 7. VQA: a suggested question, answered.
  await page.getByTestId('vqa-toggle').click();
  await page.getByTestId('vqa-chip').first().click();
  await expect(page.getByTestId('vqa-answer')).toBeVisible({ timeout: 120_000 });
  await page.waitForTimeout(500);
  await shot(page, '08-vqa');

  // 8. Save as… while the Ask panel is open: the dialog is drawn over the panel (it was under it), and Esc closes
  // the dialog first, then the panel (Esc left the panel open and cancelled the Point tool instead).
  await page.getByTestId('export-save-as').click();
  await expect(page.getByTestId('file-browser')).toBeVisible();
  const vqaBox = (await page.getByTestId('vqa-panel').boundingBox())!;
  const onTop = await page.evaluate(([x, y]) => !!document.elementFromPoint(x!, y!)?.closest('[data-testid="file-browser"]'), [vqaBox.x + vqaBox.width / 2, vqaBox.y + vqaBox.height / 2]);
  expect(onTop, 'the Save as… dialog covers the Ask panel').toBe(true);
  await shot(page, '09-save-as-dialog');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('file-browser')).toBeHidden();
  await expect(page.getByTestId('vqa-panel')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('vqa-panel')).toBeHidden();
  await expect(page.getByTestId('tool-point'), 'Esc closed the panel, not the tool').toHaveClass(/on/);
  await page.getByTestId('export-save-as').click();
  await page.getByTestId('fb-entry-Exports').click();
  await page.getByTestId('fb-save-here').click();
  await page.getByTestId('export-button').click();
  // The answer is in sight (it was below the fold of the segment panel).
  await expect(page.getByTestId('export-message')).toContainText('Saved 1 segment', { timeout: 60_000 });
  await expect(page.getByTestId('export-message')).toBeInViewport({ ratio: 1 });
  expect(existsSync(path.join(dataDir, 'exports', 'IBSI STS_008 CT seg.nii.gz'))).toBe(true);
  await shot(page, '10-exported');

  // 9. Reopen: a reload of the page (the services keep the session), and the study opened again.
  await page.reload();
  await expect(page.getByTestId('segment-stats-1')).toContainText('mL', { timeout: 60_000 });
  await page.waitForTimeout(3000);
  await shot(page, '11-reopen');
  api.close();
  expect(errors).toEqual([]);
});
