/**
 * The 48 NIfTI files of nifti_orientation_48 hold the same brain stored in all
 * 48 axis permutations and flips. Each must render the same axial image at the
 * same LPS slice: the screenshot of the axial view is compared with the first
 * file's (mean absolute grey difference < 1 level and < 0.5 % of pixels
 * differing by more than 8 levels).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { REPO_ROOT, startHost, type HostProcess } from './helpers/hostProcess';
import { pngDifference } from './helpers/screenPixels';

const dataRoot = path.resolve(process.env.VOXA_DATA_DIR ?? path.join(REPO_ROOT, '..', 'shared', 'data'));
const dir = path.join(dataRoot, 'nifti_orientation_48');
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.nii.gz')).sort() : [];
let host: HostProcess;

test.skip(files.length === 0, `no ${dir}`);
test.setTimeout(300_000);

test.beforeAll(async () => {
  host = await startHost(['--root', dir, '--data-dir', path.join(REPO_ROOT, 'e2e-artifacts', 'userdata-viewer-orientation48')]);
});

test.afterAll(async () => {
  await host?.stop();
});

test('all 48 orientations render the same axial image at the same LPS slice', async ({ page }) => {
  expect(files).toHaveLength(48);
  await page.goto(host.url);
  await page.getByTestId('layout-1x1').click();
  let reference: Buffer | null = null;
  let lpsPoint = null as [number, number, number] | null;
  const results: { file: string; meanAbs: number; fractionOver: number }[] = [];
  for (const file of files) {
    await page.getByTestId('open-button').click();
    await page.getByTestId('fb-entry-nifti_orientation_48').click();
    await page.getByTestId(`fb-entry-${file}`).click();
    await expect(page.locator('.study-entry.current')).toHaveAttribute('title', new RegExp(`${file.replace('.', '\\.')}$`));
    await expect(page.getByTestId('status-busy')).toHaveCount(0);
    // Same LPS point for every file (the first file's volume centre), crosshair lines and annotations hidden.
    lpsPoint = await page.evaluate((p: [number, number, number] | null) => {
      const s = (window as unknown as { __voxaStore: { getState(): { crosshairLps: [number, number, number]; setCrosshair(p: number[]): void; crosshairsVisible: boolean; annotationsVisible: boolean; toggleCrosshairs(): void; toggleAnnotations(): void } } }).__voxaStore.getState();
      if (s.crosshairsVisible) s.toggleCrosshairs();
      if (s.annotationsVisible) s.toggleAnnotations();
      const point = p ?? s.crosshairLps;
      s.setCrosshair(point);
      return point;
    }, lpsPoint);
    await page.waitForTimeout(150);
    const box = await page.getByTestId('axial-viewport').locator('.viewport-canvas').boundingBox();
    if (!box) throw new Error('no axial viewport');
    const shot = await page.screenshot({ clip: box });
    if (!reference) {
      reference = shot;
      continue;
    }
    const d = await pngDifference(page, reference, shot);
    results.push({ file, meanAbs: d.meanAbs, fractionOver: d.fractionOver });
  }
  // Sensitivity: the same view 12 mm higher differs clearly, so "identical" above is not vacuous.
  await page.evaluate((p) => {
    const s = (window as unknown as { __voxaStore: { getState(): { setCrosshair(p: number[]): void } } }).__voxaStore.getState();
    if (p) s.setCrosshair([p[0], p[1], p[2] + 12]);
  }, lpsPoint);
  await page.waitForTimeout(150);
  const box = await page.getByTestId('axial-viewport').locator('.viewport-canvas').boundingBox();
  if (!box || !reference) throw new Error('no axial viewport');
  const moved = await pngDifference(page, reference, await page.screenshot({ clip: box }));
  console.log(`orientation48: 12 mm higher slice differs by mean |Δgrey| ${moved.meanAbs.toFixed(2)}`);
  expect(moved.meanAbs).toBeGreaterThan(3);
  const worst = results.reduce((a, b) => (b.meanAbs > a.meanAbs ? b : a));
  console.log(`orientation48: ${results.length} files vs ${files[0]}; worst mean |Δgrey| ${worst.meanAbs.toFixed(3)} (${worst.file}), worst fraction > 8 levels ${Math.max(...results.map((r) => r.fractionOver)).toFixed(5)}`);
  for (const r of results) {
    expect.soft(r.meanAbs, r.file).toBeLessThan(1);
    expect.soft(r.fractionOver, r.file).toBeLessThan(0.005);
  }
});
