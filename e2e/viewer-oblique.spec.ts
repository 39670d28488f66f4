/**
 * Viewer acceptance on an oblique phantom with a lesion on the patient's left:
 * orientation labels in all three views, the lesion on the viewer's right in
 * axial, clicks that move the crosshair of the other views to the same LPS
 * point (readouts agree within one voxel), and a labelmap overlay that lines
 * up with the lesion in all three planes (screenshots at computed pixels).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { REPO_ROOT, startHost, type HostProcess } from './helpers/hostProcess';
import { OBLIQUE, obliqueAxes, obliqueVoxelToLps, writeObliquePhantom } from './helpers/obliquePhantom';
import { expectedPixel, rgbAt, SCREEN, type GridInfo, type View } from './helpers/screenPixels';

type V3 = [number, number, number];
const artifacts = path.join(REPO_ROOT, 'e2e-artifacts');
const dataDir = path.join(artifacts, 'data-viewer-oblique');
let host: HostProcess;

const [ni, nj, nk] = OBLIQUE.dims;
const grid: GridInfo = { dims: OBLIQUE.dims, spacing: OBLIQUE.spacing, axes: obliqueAxes(), centreLps: obliqueVoxelToLps((ni - 1) / 2, (nj - 1) / 2, (nk - 1) / 2) };
const VIEWS: View[] = ['axial', 'coronal', 'sagittal'];
const LESION = OBLIQUE.lesionLps;
/** One voxel: the largest spacing (mm). */
const VOXEL_MM = Math.max(...OBLIQUE.spacing);

test.beforeAll(async () => {
  mkdirSync(dataDir, { recursive: true });
  writeObliquePhantom(path.join(dataDir, 'oblique-ct.nii'), path.join(dataDir, 'oblique-lesion-label.nii'));
  host = await startHost(['--root', dataDir, '--data-dir', path.join(artifacts, 'userdata-viewer-oblique')]);
});

test.afterAll(async () => {
  await host?.stop();
});

async function openFile(page: Page, name: string, via: 'open-button' | 'open-labelmap' = 'open-button') {
  await page.getByTestId(via).click();
  await page.getByTestId('fb-entry-data-viewer-oblique').click();
  await page.getByTestId(`fb-entry-${name}`).click();
}

async function canvasBox(page: Page, view: View) {
  const box = await page.getByTestId(`${view}-viewport`).locator('.viewport-canvas').boundingBox();
  if (!box) throw new Error(`no ${view} viewport`);
  return box;
}

async function readoutAt(page: Page, view: View, p: { x: number; y: number }): Promise<{ lps: V3; ijk: V3; value: number }> {
  const box = await canvasBox(page, view);
  await page.mouse.move(box.x + p.x, box.y + p.y);
  await expect(page.getByTestId('cursor-json')).toBeAttached();
  return JSON.parse((await page.getByTestId('cursor-json').textContent()) ?? 'null') as { lps: V3; ijk: V3; value: number };
}

const offset = (p: V3, axis: V3, mm: number): V3 => [p[0] + axis[0] * mm, p[1] + axis[1] * mm, p[2] + axis[2] * mm];

test('oblique phantom: labels, lesion side, linked crosshairs, readouts and labelmap overlay agree', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);
  await openFile(page, 'oblique-ct.nii');
  await expect(page.getByTestId('study-info')).toContainText('80 × 80 × 50');

  // Orientation labels on every edge (radiological convention; the oblique acquisition is displayed upright).
  const expectedLabels: Record<View, [string, string, string, string]> = { axial: ['A', 'P', 'R', 'L'], coronal: ['S', 'I', 'R', 'L'], sagittal: ['S', 'I', 'A', 'P'] };
  for (const v of VIEWS) {
    const [top, bottom, left, right] = expectedLabels[v];
    await expect(page.getByTestId(`${v}-orient-top`)).toHaveText(top);
    await expect(page.getByTestId(`${v}-orient-bottom`)).toHaveText(bottom);
    await expect(page.getByTestId(`${v}-orient-left`)).toHaveText(left);
    await expect(page.getByTestId(`${v}-orient-right`)).toHaveText(right);
  }

  // Click the lesion in axial (sets coronal and sagittal through it), then in coronal (sets the axial slice through it).
  const axBox = await canvasBox(page, 'axial');
  const axLesion = expectedPixel(grid, 'axial', LESION, axBox);
  await page.getByTestId('axial-viewport').locator('.viewport-canvas').click({ position: { x: axLesion.x, y: axLesion.y } });
  const coBox = await canvasBox(page, 'coronal');
  const coLesion = expectedPixel(grid, 'coronal', LESION, coBox);
  await page.getByTestId('coronal-viewport').locator('.viewport-canvas').click({ position: { x: coLesion.x, y: coLesion.y } });

  // Each view's crosshair sits where the lesion centre projects (within one voxel, in pixels).
  const readouts: { lps: V3; value: number }[] = [];
  for (const v of VIEWS) {
    const box = await canvasBox(page, v);
    const want = expectedPixel(grid, v, LESION, box);
    const el = page.getByTestId(`${v}-crosshair`);
    const x = Number(await el.getAttribute('data-x'));
    const y = Number(await el.getAttribute('data-y'));
    expect(Math.abs(x - want.x)).toBeLessThanOrEqual(VOXEL_MM / want.mmPerPx);
    expect(Math.abs(y - want.y)).toBeLessThanOrEqual(VOXEL_MM / want.mmPerPx);
    readouts.push(await readoutAt(page, v, { x, y }));
  }
  // The three readouts under the crosshair agree within one voxel, on the lesion (300 HU).
  for (const r of readouts) {
    expect(r.value).toBe(OBLIQUE.lesionHu);
    for (let a = 0; a < 3; a++) {
      expect(Math.abs(r.lps[a]! - readouts[0]!.lps[a]!)).toBeLessThanOrEqual(VOXEL_MM);
      expect(Math.abs(r.lps[a]! - LESION[a]!)).toBeLessThanOrEqual(VOXEL_MM);
    }
  }
  const crosshair = JSON.parse((await page.getByTestId('status-crosshair').getAttribute('data-lps')) ?? 'null') as V3;

  // Screenshots without crosshair lines and annotations.
  await page.keyboard.press('c');
  await page.keyboard.press('a');
  await page.waitForTimeout(300);
  const shot = async (v: View) => page.screenshot({ clip: await canvasBox(page, v) });
  const probe = async (withOverlay: boolean) => {
    for (const v of VIEWS) {
      const box = await canvasBox(page, v);
      const right = SCREEN[v].right;
      const centre = expectedPixel(grid, v, crosshair, box);
      const inside = expectedPixel(grid, v, offset(crosshair, right, 0.5 * OBLIQUE.lesionRadiusMm), box);
      const outside = expectedPixel(grid, v, offset(crosshair, right, -2 * OBLIQUE.lesionRadiusMm), box);
      const [c, i, o] = await rgbAt(page, await shot(v), [centre, inside, outside]);
      if (!withOverlay) {
        // 300 HU at W 400 / L 40 is white; 0 HU body is mid-grey.
        for (const px of [c!, i!]) expect(Math.min(...px)).toBeGreaterThan(240);
        expect(o![0]).toBeGreaterThan(60);
        expect(o![0]).toBeLessThan(160);
      } else {
        // Segment 1 colour (241, 214, 145) blended at 50 %: warm tint on the lesion, none outside it.
        for (const px of [c!, i!]) expect(px[0] - px[2]).toBeGreaterThan(25);
        expect(Math.abs(o![0] - o![2])).toBeLessThan(6);
      }
      if (v === 'axial' && !withOverlay) expect(centre.x).toBeGreaterThan(box.width / 2 + 20); // patient left → viewer's right
    }
  };
  await probe(false);
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, 'e2e-viewer-oblique.png') });

  await openFile(page, 'oblique-lesion-label.nii', 'open-labelmap');
  await expect(page.getByTestId('segment-1')).toBeVisible();
  await page.waitForTimeout(500);
  await probe(true);
  await page.screenshot({ path: path.join(artifacts, 'e2e-viewer-oblique-labelmap.png') });
  expect(errors).toEqual([]);
});

test('layouts, maximise by double-click, help overlay, anonymise toggle, presets by number key', async ({ page }) => {
  await page.goto(host.url);
  await openFile(page, 'oblique-ct.nii');
  await expect(page.getByTestId('study-info')).toContainText('80 × 80 × 50');
  await page.getByTestId('layout-1x3').click();
  await expect(page.getByTestId('3d-viewport')).toBeHidden();
  await expect(page.getByTestId('sagittal-viewport')).toBeVisible();
  await page.getByTestId('layout-2x2').click();
  await expect(page.getByTestId('3d-viewport')).toBeVisible();
  await page.getByTestId('coronal-viewport').dblclick();
  await expect(page.getByTestId('axial-viewport')).toBeHidden();
  const full = await canvasBox(page, 'coronal');
  expect(full.width).toBeGreaterThan(800);
  await page.getByTestId('coronal-viewport').dblclick();
  await expect(page.getByTestId('axial-viewport')).toBeVisible();

  // A NIfTI names no patient: the corner names the file (it said "Unnamed patient" on every view), and Anonymise hides it.
  await expect(page.getByTestId('axial-corner-tl')).toContainText('oblique-ct');
  await expect(page.getByTestId('axial-corner-tl')).not.toContainText('Unnamed patient');
  await page.getByTestId('toggle-anonymise').click();
  await expect(page.getByTestId('axial-corner-tl')).not.toContainText('oblique-ct');
  await expect(page.getByTestId('study-patient')).toHaveText('(hidden)');

  await page.getByTestId('axial-viewport').locator('.viewport-canvas').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('4');
  await expect(page.getByTestId('status-wl')).toHaveText('W 1500 L -600');
  await page.keyboard.press('1');
  await expect(page.getByTestId('status-wl')).toHaveText('W 80 L 40');
  const before = await page.getByTestId('status-slice').textContent();
  await page.keyboard.press('End');
  await expect(page.getByTestId('status-slice')).not.toHaveText(before ?? '');
  await page.keyboard.press('Shift+?');
  await expect(page.getByTestId('help-overlay')).toContainText('Window/level');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('help-overlay')).toBeHidden();

  // A drop cannot be opened in a browser: the panel explains why.
  await page.dispatchEvent('.app', 'drop', {});
  await expect(page.getByTestId('drop-note')).toContainText('cannot');
});

test('RECIST on the oblique phantom: Measure, Go, and the calipers are drawn on the axial view (projected, dashed) at the lesion', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(host.url);
  await openFile(page, 'oblique-ct.nii');
  await expect(page.getByTestId('study-info')).toContainText('80 × 80 × 50');
  await page.getByTestId('layout-1x1').click();
  await openFile(page, 'oblique-lesion-label.nii', 'open-labelmap');
  await expect(page.getByTestId('status-busy')).toHaveCount(0, { timeout: 60_000 });
  await page.getByTestId('recist-toggle').click();
  await page.getByTestId('recist-measure').click();
  await expect(page.getByTestId('lesion-row-Segment 1')).toBeVisible();
  await page.getByTestId('lesion-jump-Segment 1').click();
  await page.getByTestId('recist-toggle').click();
  // Measured on the acquired slice (15° off axial): before, on no axial slice, so never drawn.
  const long = page.getByTestId('caliper-Segment 1-long');
  await expect(long).toBeVisible();
  await expect(long).toHaveAttribute('data-projected', 'true');
  await expect(page.getByTestId('caliper-Segment 1-short')).toBeVisible();
  // A 24 mm sphere: centre-to-centre diameter within a voxel (3 mm) of it.
  const lengthMm = Number(await long.getAttribute('data-length-mm'));
  expect(lengthMm).toBeGreaterThan(2 * OBLIQUE.lesionRadiusMm - VOXEL_MM);
  expect(lengthMm).toBeLessThanOrEqual(2 * OBLIQUE.lesionRadiusMm + 0.01);
  // Its middle is at the lesion on screen (documented view mapping), within a voxel.
  const box = await canvasBox(page, 'axial');
  const at = (k: string) => long.getAttribute(k).then(Number);
  const mid = { x: ((await at('data-x1')) + (await at('data-x2'))) / 2, y: ((await at('data-y1')) + (await at('data-y2'))) / 2 };
  const want = expectedPixel(grid, 'axial', LESION, { width: box.width, height: box.height });
  expect(Math.hypot(mid.x - want.x, mid.y - want.y) * want.mmPerPx, 'caliper middle vs lesion centre (mm)').toBeLessThan(VOXEL_MM);
  await page.getByTestId('axial-viewport').screenshot({ path: path.join(artifacts, 'e2e-viewer-oblique-recist.png') });
  // One slice further on, it is gone (shown once, not on every slice the tilted caliper crosses).
  await page.getByTestId('axial-viewport').locator('.viewport-canvas').focus();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await expect(long).toHaveCount(0);
});
