/**
 * The demo study (issue 17): a real patient with a visible tumour where the installation has one
 * (an IBSI soft-tissue-sarcoma patient's CT and MR T1 with tumour masks, CC BY 3.0, attributed),
 * else the synthetic phantom.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataPath, HAS_DATA } from '../../testing/dataDir';
import { loadVolume } from '../io/volumeLoader';
import { ensureDemoStudy, REAL_DEMO, realDemoSource } from './demoStudy';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-demo-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const source = dataPath('training', 'ibsi_sts', REAL_DEMO.patient);

describe('demo study', () => {
  it.skipIf(!HAS_DATA || !existsSync(source))('the real patient: CT opened first, MR T1 beside it, tumour masks with voxels, the CC BY 3.0 attribution', async () => {
    expect(realDemoSource([path.join(tmp, 'nothing-here'), source])).toBe(source);
    const dir = path.join(tmp, 'real');
    const first = await ensureDemoStudy(dir, { source });
    expect(path.basename(first)).toBe(`IBSI ${REAL_DEMO.patient} CT.nii.gz`);
    const ct = await loadVolume(first);
    const mask = await loadVolume(path.join(dir, `IBSI ${REAL_DEMO.patient} CT tumour mask.nii.gz`));
    expect(mask.geometry.dimensions).toEqual(ct.geometry.dimensions);
    let tumour = 0;
    for (let n = 0; n < mask.voxels.length; n++) if (mask.voxels[n]) tumour++;
    expect(tumour).toBeGreaterThan(1000);
    expect(existsSync(path.join(dir, `IBSI ${REAL_DEMO.patient} MR T1.nii.gz`))).toBe(true);
    const attribution = readFileSync(path.join(dir, 'ATTRIBUTION.txt'), 'utf8');
    expect(attribution).toMatch(/CC BY 3\.0/);
    expect(attribution).toMatch(/10\.7937\/K9\/TCIA\.2015\.7GO2GSKS/);
    // Prepared once: a second start finds it.
    expect(await ensureDemoStudy(dir, { source })).toBe(first);
  });

  it('without the real patient: the synthetic phantom', async () => {
    expect(realDemoSource([path.join(tmp, 'nothing-here')])).toBe(process.env.VOXA_DEMO_SOURCE ?? null);
    const first = await ensureDemoStudy(path.join(tmp, 'phantom'));
    expect(path.basename(first)).toBe('voxa-demo-torso-ct.nii.gz');
    expect(existsSync(path.join(tmp, 'phantom', 'voxa-demo-torso-ct.lesions.nii.gz'))).toBe(true);
  }, 60_000);
});
