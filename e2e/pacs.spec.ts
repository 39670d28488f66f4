/**
 * The study panel's PACS tab against a real Orthanc (Debian's orthanc +
 * orthanc-dicomweb, started by the test): add a DICOMweb node through the
 * form, echo it (and see a dead node's error beside Echo), search by patient
 * name, expand the study's series, retrieve it, the first series opens in the
 * viewer when complete, a second retrieve skips what is on disk, the open
 * volume's segmentation is sent back as DICOM SEG, and the study database
 * lists both series.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { hasOrthanc, startOrthanc, type Orthanc } from '../main/services/pacs/testing/orthanc';
import { writeTestStudy } from '../main/services/pacs/testing/fixtures';
import { connectHostApi } from './helpers/hostApi';
import { REPO_ROOT, startHost, type HostProcess } from './helpers/hostProcess';

const artifacts = path.join(REPO_ROOT, 'e2e-artifacts');
let orthanc: Orthanc;
let host: HostProcess;
let tmp: string;

test.skip(!hasOrthanc, 'Orthanc with the DICOMweb plugin is not installed (apt-get install orthanc orthanc-dicomweb)');

test.beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-e2e-pacs-'));
  orthanc = await startOrthanc();
  const written = await writeTestStudy(path.join(tmp, 'study'), [12, 7]);
  for (const s of written) for (const f of s.files) await orthanc.upload(f);
  host = await startHost(['--root', path.join(tmp, 'study'), '--data-dir', path.join(tmp, 'userdata')]);
});

test.afterAll(async () => {
  await host?.stop();
  await orthanc?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('PACS tab: add a DICOMweb node, echo, search, expand, retrieve, open the first series', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);

  // The tab switch is keyboard accessible: focus "Studies", ArrowRight selects "PACS".
  await page.getByTestId('tab-studies').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tab-pacs')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('pacs-panel')).toBeVisible();

  // A node nobody answers: its echo error is shown beside Echo.
  await page.getByTestId('pacs-add-node').click();
  await page.getByTestId('pacs-node-name').fill('dead');
  await page.getByTestId('pacs-node-url').fill('http://127.0.0.1:9/dicom-web');
  await page.getByTestId('pacs-node-save').click();
  await expect(page.getByTestId('pacs-add-form')).toHaveCount(0);
  await page.getByTestId('pacs-echo').click();
  await expect(page.getByTestId('pacs-echo-error')).toContainText('dead');
  await page.screenshot({ path: path.join(artifacts, 'e2e-pacs-echo-error.png') });

  // The real Orthanc.
  await page.getByTestId('pacs-add-node').click();
  await page.getByTestId('pacs-node-name').fill('orthanc');
  await page.getByTestId('pacs-node-url').fill(orthanc.dicomWebUrl);
  // The secret field appears with an auth kind and is a password input.
  await page.getByTestId('pacs-node-auth').selectOption('bearer');
  await expect(page.getByTestId('pacs-node-secret')).toHaveAttribute('type', 'password');
  await page.screenshot({ path: path.join(artifacts, 'e2e-pacs-add-node.png') });
  await page.getByTestId('pacs-node-auth').selectOption('none');
  await page.getByTestId('pacs-node-save').click();
  await expect(page.getByTestId('pacs-node')).toHaveValue('orthanc');
  await page.getByTestId('pacs-echo').click();
  await expect(page.getByTestId('pacs-echo-result')).toHaveText(/^ok in \d+ ms$/);
  await expect(page.getByTestId('pacs-echo-error')).toHaveCount(0);

  // Search by patient name; Enter submits.
  await page.getByTestId('pacs-q-name').fill('PACS');
  await page.getByTestId('pacs-q-name').press('Enter');
  const study = page.getByTestId('pacs-study');
  await expect(study).toHaveCount(1);
  await expect(study).toContainText('PACS TEST');
  await expect(study).toContainText('PACS-001');
  await expect(study).toContainText('2024-03-05');
  await expect(study).toContainText('CT');

  // Expand: two series, 12 and 7 images.
  await page.getByTestId('pacs-study-expand').click();
  const series = page.getByTestId('pacs-series');
  await expect(series).toHaveCount(2);
  await expect(series.nth(0)).toContainText('12 images');
  await expect(series.nth(1)).toContainText('7 images');
  await page.screenshot({ path: path.join(artifacts, 'e2e-pacs-results.png') });

  // Retrieve the study: the first series opens when complete, the outcome line follows.
  await expect(page.getByTestId('pacs-open-when-ready')).toBeChecked();
  await page.getByTestId('pacs-retrieve-study').click();
  await page.screenshot({ path: path.join(artifacts, 'e2e-pacs-retrieving.png') });
  await expect(page.getByTestId('pacs-retrieve-note')).toContainText('Retrieved 19 instances', { timeout: 60_000 });
  await expect(page.getByTestId('pacs-retrieve-note')).not.toContainText('resume');
  await expect(page.getByTestId('study-info')).toContainText('32 × 32 × 12');
  await page.screenshot({ path: path.join(artifacts, 'e2e-pacs-retrieved.png') });

  // Retrieving again skips what is on disk.
  await page.getByTestId('pacs-retrieve-study').click();
  await expect(page.getByTestId('pacs-retrieve-note')).toHaveText('All 19 instances were already here: nothing to retrieve.');

  // Send the segmentation back: a segment made in the UI, painted through the API, exported as DICOM SEG and stored in Orthanc.
  await page.getByTestId('segment-new').click();
  const volumeId = await page.evaluate(() => (window as unknown as { __voxaStore: { getState(): { volume: { header: { volumeId: string } } | null } } }).__voxaStore.getState().volume?.header.volumeId);
  if (!volumeId) throw new Error('no volume open');
  const api = await connectHostApi(host.url);
  try {
    await expect.poll(async () => (await api.invoke('segment:state', { volumeId })).segments.length).toBe(1);
    const label = (await api.invoke('segment:state', { volumeId })).segments[0]!.label;
    await api.invoke('segment:edit', { volumeId, op: { tool: 'brush', mode: 'paint', label, points: [[16, 16, 6]], radiusMm: 4, shape: 'sphere' } });
  } finally {
    api.close();
  }
  const before = (await orthanc.rest<string[]>('/instances')).length;
  await page.getByTestId('pacs-send').click();
  await expect(page.getByTestId('pacs-send-note')).toContainText('Sent the segmentation (1 segment');
  expect((await orthanc.rest<string[]>('/instances')).length).toBe(before + 1);
  await page.screenshot({ path: path.join(artifacts, 'e2e-pacs-sent.png') });

  // The study database lists both series.
  await page.getByTestId('tab-studies').click();
  await expect(page.getByTestId('db-counts')).toHaveText('1 studies · 2 series');
  await expect(page.getByTestId('db-series')).toHaveCount(2);
  await expect(page.getByTestId('db-series').nth(0)).toContainText('12 files');
  await page.screenshot({ path: path.join(artifacts, 'e2e-pacs-db.png') });
  expect(errors).toEqual([]);
});
