/**
 * The study panel on the study database, in host mode: import a generated
 * phantom DICOM series through the UI (file browser → Import, progress, outcome),
 * find it in the list, search, open it (the axial image matches the generator's
 * voxels at computed pixels), its thumbnail appears, a host-mode drop explains
 * itself, and removal from the index leaves the files on disk.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { generateTorsoPhantom, type TorsoPhantom } from '../main/services/phantom/torsoPhantom';
import { REPO_ROOT, startHost, type HostProcess } from './helpers/hostProcess';
import { expectedPixel, rgbAt } from './helpers/screenPixels';

type V3 = [number, number, number];
const artifacts = path.join(REPO_ROOT, 'e2e-artifacts');
const dataDir = path.join(artifacts, 'data-study-db');
const userData = path.join(artifacts, 'userdata-study-db');
let host: HostProcess;
// `voxa phantom --spacing 8,8,10 --lesions 0`: the 384 × 320 × 300 mm torso field of view on a 48 × 40 × 30 grid.
const dims: V3 = [48, 40, 30];
const spacing: V3 = [8, 8, 10];
const dicomDir = path.join(dataDir, 'phantom', 'dicom');
/** The generator's own volume for the same seed and grid (the reference for displayed pixels). */
let reference: TorsoPhantom;

test.beforeAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(userData, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'main', 'cli.cjs'), 'phantom', path.join(dataDir, 'phantom'), '--seed', '5', '--spacing', spacing.join(','), '--lesions', '0'], { stdio: 'ignore' });
  reference = generateTorsoPhantom({ dimensions: dims, spacingMm: spacing, seed: 5, lesions: [] });
  host = await startHost(['--root', dataDir, '--data-dir', userData]);
});

test.afterAll(async () => {
  await host?.stop();
});

test('import a DICOM series through the UI, find it, search, open it, remove it from the index', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);
  await expect(page.getByTestId('db-studies')).toContainText('No studies indexed yet');

  // Import: file browser → the DICOM folder → "open this folder".
  await page.getByTestId('import-button').click();
  await page.getByTestId('fb-entry-data-study-db').click();
  await page.getByTestId('fb-entry-phantom').click();
  await page.getByTestId('fb-entry-dicom').click();
  // The listing of the folder is on screen before "open this folder" acts on it.
  await expect(page.locator('.file-browser .path')).toHaveText(/dicom$/);
  await page.getByTestId('open-folder').click();
  const files = readdirSync(dicomDir).length;
  expect(files).toBe(dims[2]);
  await expect(page.getByTestId('import-note')).toContainText(`Imported dicom: ${files} added`);
  await expect(page.getByTestId('db-counts')).toHaveText('1 studies · 1 series');
  const series = page.getByTestId('db-series');
  await expect(series).toHaveCount(1);
  await expect(series).toContainText(`${files} files`);
  await expect(series).toContainText('CT');
  await expect(series.locator('img'), 'thumbnail of the middle image').toHaveCount(1);

  // Search by patient name and description; no match empties the list.
  await page.getByTestId('study-search').fill('no-such-patient');
  await expect(page.getByTestId('db-studies')).toContainText('No study matches');
  await page.getByTestId('study-search').fill(reference.volume.meta.patientName.split('^')[0]!.toLowerCase());
  await expect(series).toHaveCount(1);
  await page.getByTestId('study-search').fill('');

  // Re-import is idempotent.
  await page.getByTestId('import-button').click();
  await page.getByTestId('fb-entry-data-study-db').click();
  await page.getByTestId('fb-entry-phantom').click();
  await page.getByTestId('fb-entry-dicom').click();
  // The listing of the folder is on screen before "open this folder" acts on it.
  await expect(page.locator('.file-browser .path')).toHaveText(/dicom$/);
  await page.getByTestId('open-folder').click();
  await expect(page.getByTestId('import-note')).toContainText(`0 added, ${files} already indexed`);

  // Open from the list.
  await series.click();
  await expect(page.getByTestId('study-info')).toContainText(dims.join(' × '));
  // The DICOM person name as a name (PN "PHANTOM^DEMO"), as the study list shows it; the export field offers a readable
  // file name in the Exports folder (a database series has only its key series:<uid>, no folder of its own).
  expect(reference.volume.meta.patientName).toBe('PHANTOM^DEMO');
  await expect(page.getByTestId('study-patient')).toHaveText('PHANTOM DEMO');
  await expect(page.getByTestId('db-study')).toContainText('PHANTOM DEMO');
  await expect(page.getByTestId('export-path')).toHaveValue(/[\\/]exports[\\/]PHANTOM DEMO – Voxa synthetic torso phantom \(seed 5\) seg\.dcm$/);
  await expect(page.getByTestId('export-path')).not.toHaveValue(/series:/);
  await page.screenshot({ path: path.join(artifacts, 'study-db-open-series.png') });
  await page.getByTestId('toggle-anonymise').click();
  await expect(page.getByTestId('export-path')).toHaveValue(/[\\/]Patient – Voxa synthetic torso phantom \(seed 5\) seg\.dcm$/);
  await page.getByTestId('toggle-anonymise').click();
  await page.getByTestId('layout-1x3').click();
  // Axial slice k = 12, crosshairs hidden.
  const v = reference.volume;
  const g = v.geometry;
  const lps = (p: V3): V3 => [g.originLps[0] + p[0] * spacing[0], g.originLps[1] + p[1] * spacing[1], g.originLps[2] + p[2] * spacing[2]];
  await page.evaluate((p) => (window as unknown as { __voxaStore: { getState(): { setCrosshair(p: number[]): void } } }).__voxaStore.getState().setCrosshair(p), lps([24, 20, 12]));
  await page.keyboard.press('c');
  await page.waitForTimeout(500);

  // The axial image matches the generator's voxels at computed pixels (abdomen window W400 L40).
  const grid = { dims, spacing, axes: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] as [V3, V3, V3], centreLps: lps([(dims[0] - 1) / 2, (dims[1] - 1) / 2, (dims[2] - 1) / 2]) };
  const box = await page.getByTestId('axial-viewport').locator('.viewport-canvas').boundingBox();
  if (!box) throw new Error('no viewport');
  const grey = (hu: number) => Math.max(0, Math.min(255, ((hu - (40 - 200)) / 400) * 255));
  const probes: V3[] = [[12, 20, 12], [24, 14, 12], [30, 30, 12], [36, 22, 12], [2, 2, 12]];
  const shot = await page.screenshot({ clip: box });
  const rgb = await rgbAt(page, shot, probes.map((p) => expectedPixel(grid, 'axial', lps(p), box)));
  const wants = probes.map((p) => grey(v.voxels[p[0] + dims[0] * (p[1] + dims[1] * p[2])]!));
  expect(Math.max(...wants) - Math.min(...wants), 'probes in different tissues').toBeGreaterThan(60);
  probes.forEach((p, n) => {
    const want = wants[n]!;
    expect(Math.abs(rgb[n]![0] - want), `axial pixel of voxel ${p.join(',')}`).toBeLessThan(12);
  });

  // A file dropped in a browser has no path: the panel says to use the file browser.
  await page.locator('.app').dispatchEvent('drop');
  await expect(page.getByTestId('drop-note')).toContainText('Import…');

  // Remove from the index: the list empties, the files stay.
  await page.getByTestId('db-remove-study').click();
  await expect(page.getByTestId('db-studies')).toContainText('No studies indexed yet');
  expect(readdirSync(dicomDir)).toHaveLength(files);
  expect(existsSync(dicomDir)).toBe(true);
  expect(errors).toEqual([]);
});
