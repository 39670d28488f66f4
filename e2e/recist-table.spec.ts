/**
 * RECIST lesion table through the UI (host mode): the torso phantom written by
 * `voxa phantom` and its generator labels opened as the labelmap; Measure
 * fills the table with each lesion's long axis within one voxel (2 mm) of
 * the generator's analytic axial diameter; jump-to shows the lesion's slice
 * and the automatic caliper is drawn at the pixels computed from measureLesion
 * (run here on the same mask) and the documented view mapping; dragging an
 * endpoint makes the value manual; Save stores the table and shows the response
 * panel with both plots.
 * Needs `node scripts/build.mjs --only host --only renderer --only cli`.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { measureLesion } from '../common/geometry/recistAxes';
import type { Vec3, VolumeGeometry } from '../common/volume';
import { computeView, lpsToDisplay } from '../renderer/src/geometry/mprGeometry';
import { REPO_ROOT, type HostProcess } from './helpers/hostProcess';
import { type TorsoStudy } from './helpers/segmentPhantoms';
import { startTorsoHost, type TorsoHost } from './helpers/torsoHost';

const artifacts = path.join(REPO_ROOT, 'e2e-artifacts');
let fixture: TorsoHost;
let host: HostProcess;
let study: TorsoStudy;
let labels: Uint8Array;
let geometry: VolumeGeometry;

interface TruthLesion {
  label: number;
  axialLongAxisMm: number;
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  fixture = await startTorsoHost('recist');
  ({ host, study, geometry, truthLabels: labels } = fixture);
});

test.afterAll(async () => {
  await fixture?.stop();
});

test('Measure → long axes within one voxel of the phantom truth; caliper at the computed pixels; drag → manual; save → response and plots', async ({ page }) => {
  test.setTimeout(360_000); // software rendering on a shared CPU
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);
  await page.getByTestId('open-button').click();
  await page.getByTestId('fb-entry-data-recist').click();
  await page.getByTestId('fb-entry-torso').click();
  await page.getByTestId('fb-entry-ct.nii.gz').click();
  await expect(page.getByTestId('study-info')).toContainText('192 × 160 × 120');
  await page.getByTestId('layout-1x1').click(); // one axial view: less to render on a loaded CPU-only machine
  await page.getByTestId('open-labelmap').click();
  // The browser opens at the roots or at the last folder: walk down to the labels.
  const labelsEntry = page.getByTestId('fb-entry-lesions.nii.gz');
  for (const dir of ['data-recist', 'torso']) {
    const entry = page.getByTestId(`fb-entry-${dir}`);
    await expect(entry.or(labelsEntry).first()).toBeVisible();
    if (await entry.isVisible()) await entry.click();
  }
  await labelsEntry.click();
  await expect(page.getByTestId('status-busy')).toHaveCount(0, { timeout: 60_000 });

  await page.getByTestId('recist-toggle').click();
  await page.getByTestId('recist-measure').click();
  const truth = (study.truth as unknown as TruthLesion[]).sort((a, b) => a.label - b.label);
  const measured: number[] = [];
  for (const t of truth) {
    const id = `Segment ${t.label}`;
    await expect(page.getByTestId(`lesion-row-${id}`)).toBeVisible();
    const long = Number((await page.getByTestId(`lesion-long-${id}`).textContent())?.replace(/[^\d.]/g, ''));
    measured.push(long);
    expect(Math.abs(long - t.axialLongAxisMm), `${id}: ${long} mm vs truth ${t.axialLongAxisMm} mm`).toBeLessThanOrEqual(2);
  }
  console.log(`RECIST e2e: long axes ${measured.join(', ')} mm vs truth ${truth.map((t) => t.axialLongAxisMm).join(', ')} mm`);
  // The whole table fits the drawer at 1280x800: nothing hides behind a sideways scroll.
  const fit = await page.getByTestId('lesion-table').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
  expect(fit.scroll, `lesion table ${fit.scroll} px wide in a ${fit.client} px drawer`).toBeLessThanOrEqual(fit.client + 1);

  // Jump to the largest lesion: its caliper is drawn where the view mapping puts measureLesion's endpoints.
  const big = truth.at(-1) as TruthLesion;
  const m = measureLesion({ geometry, voxels: labels }, { label: big.label })!;
  const key = `Segment ${big.label}-long`;
  await page.getByTestId(`lesion-jump-Segment ${big.label}`).click();
  const caliper = page.getByTestId(`caliper-${key}`);
  await expect(caliper).toBeVisible();
  const box = await page.getByTestId('axial-viewport').locator('.viewport-canvas').boundingBox();
  if (!box) throw new Error('no axial viewport');
  const size = { width: box.width, height: box.height };
  const a = m.longAxis.startLps;
  const b = m.longAxis.endLps;
  const mid = [0, 1, 2].map((n) => (a[n]! + b[n]!) / 2) as Vec3;
  const view = computeView(geometry, 'axial', mid, size, 1, [0, 0]);
  const [x1, y1] = lpsToDisplay(view, size, a);
  const [x2, y2] = lpsToDisplay(view, size, b);
  const attr = async (n: string) => Number(await caliper.getAttribute(n));
  expect(Math.abs((await attr('data-x1')) - x1)).toBeLessThan(0.05);
  expect(Math.abs((await attr('data-y1')) - y1)).toBeLessThan(0.05);
  expect(Math.abs((await attr('data-x2')) - x2)).toBeLessThan(0.05);
  expect(Math.abs((await attr('data-y2')) - y2)).toBeLessThan(0.05);
  expect(await attr('data-length-mm')).toBeCloseTo(m.longAxis.lengthMm, 1);
  await page.screenshot({ path: path.join(artifacts, 'e2e-recist-caliper.png') });

  // Drag the end point 10 px to the right: the value becomes manual and grows.
  const end = page.getByTestId(`caliper-${key}-end`);
  const eb = await end.boundingBox();
  if (!eb) throw new Error('no endpoint');
  await page.mouse.move(eb.x + eb.width / 2, eb.y + eb.height / 2);
  await page.mouse.down();
  await page.mouse.move(eb.x + eb.width / 2 + 10, eb.y + eb.height / 2, { steps: 4 });
  await page.mouse.up();
  await expect(page.getByTestId(`lesion-long-Segment ${big.label}`)).toContainText('manual');
  await expect(caliper).toHaveAttribute('data-manual', 'true');

  // Organs (2 lung targets + liver), save, response panel with both plots.
  for (const t of truth) {
    const row = page.getByTestId(`lesion-row-Segment ${t.label}`);
    await row.locator('select').nth(1).selectOption(t.label === 2 ? 'liver' : 'lung');
  }
  await page.getByTestId('recist-save').click();
  await expect(page.getByTestId('recist-response')).toBeVisible();
  await expect(page.getByTestId('spider-plot')).toBeVisible();
  await expect(page.getByTestId('sum-plot')).toBeVisible();
  // The RECIST button covers no viewport annotation (it sat over the W/L corner).
  const toggle = await page.getByTestId('recist-toggle').boundingBox();
  for (const box of await Promise.all((await page.locator('.corner').all()).map((c) => c.boundingBox()))) {
    if (!toggle || !box) continue;
    const overlap = toggle.x < box.x + box.width && box.x < toggle.x + toggle.width && toggle.y < box.y + box.height && box.y < toggle.y + toggle.height;
    expect(overlap, `RECIST button over a corner annotation at ${JSON.stringify(box)}`).toBe(false);
  }
  // The plot titles are legible on the dark panel (they were black on dark grey): light text, not the SVG default.
  for (const id of ['spider-plot', 'sum-plot']) {
    const fill = await page.getByTestId(id).locator('text.title').evaluate((el) => getComputedStyle(el).fill);
    const [r, g, b] = (fill.match(/\d+/g) ?? ['0', '0', '0']).map(Number) as [number, number, number];
    expect((0.2126 * r + 0.7152 * g + 0.0722 * b) / 255, `${id} title fill ${fill}`).toBeGreaterThan(0.6);
  }
  await page.screenshot({ path: path.join(artifacts, 'e2e-recist-table.png') });

  // Export the report beside the study: the files land on disk and the baseline sum in report.json
  // is the sum of the long axes the table shows (the dragged one manual).
  const reportDir = await page.getByTestId('recist-report-dir').inputValue();
  expect(path.basename(reportDir)).toBe('recist-report');
  rmSync(reportDir, { recursive: true, force: true });
  await page.getByTestId('recist-export').click();
  await expect(page.getByTestId('recist-message')).toContainText('Report: 6 files');
  for (const f of ['lesions.csv', 'response.csv', 'report.json', 'spider.svg', 'sum.svg', 'report.pdf']) expect(existsSync(path.join(reportDir, f)), f).toBe(true);
  expect(readFileSync(path.join(reportDir, 'report.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
  const shown = await Promise.all(truth.map(async (t) => Number((await page.getByTestId(`lesion-long-Segment ${t.label}`).textContent())?.replace(/[^\d.]/g, ''))));
  const report = JSON.parse(readFileSync(path.join(reportDir, 'report.json'), 'utf8')) as { response: { baseline: { sumMm: number } } };
  expect(Math.abs(report.response.baseline.sumMm - shown.reduce((a, b) => a + b, 0))).toBeLessThanOrEqual(0.15);
  expect(errors).toEqual([]);
});
