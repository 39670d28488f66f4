/**
 * The installer carries the real demo patient (issue 17): `npm run dist` copies it into
 * dist-resources/demo/STS_008, electron-builder packs that folder as resources/demo, and that is
 * the folder the Electron shell's first start looks in (realDemoSource).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REAL_DEMO, realDemoSource } from '../main/services/phantom/demoStudy';

const root = path.resolve(__dirname, '..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-demo-res-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const run = (...args: string[]) => spawnSync(process.execPath, [path.join(root, 'scripts/demoResources.mjs'), ...args], { encoding: 'utf8' });

describe('the demo patient in the installer', () => {
  it('is copied where electron-builder packs it, in the layout the first start reads', () => {
    const source = path.join(tmp, 'src');
    mkdirSync(source);
    for (const f of ['CT_image.nii.gz', 'CT_mask.nii.gz', 'MR_T1_image.nii.gz', 'MR_T1_mask.nii.gz']) writeFileSync(path.join(source, f), f);
    const out = path.join(tmp, 'resources', 'demo');
    const r = run('--source', source, '--out', out);
    expect(r.status, r.stderr).toBe(0);
    // resources/demo/<patient> as the Electron shell builds it.
    const installed = path.join(out, REAL_DEMO.patient);
    expect(realDemoSource([installed])).toBe(installed);
    expect(readFileSync(path.join(installed, 'CT_mask.nii.gz'), 'utf8')).toBe('CT_mask.nii.gz');
    expect(readFileSync(path.join(installed, 'ATTRIBUTION.txt'), 'utf8')).toMatch(/CC BY 3\.0[\s\S]*10\.7937\/K9\/TCIA\.2015\.7GO2GSKS/);
  });

  it('electron-builder packs dist-resources/demo as resources/demo, and npm run dist fills it first', () => {
    const yml = readFileSync(path.join(root, 'electron-builder.yml'), 'utf8');
    expect(yml).toMatch(/extraResources:[\s\S]*- from: dist-resources\/demo\s+to: demo\b/);
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.dist).toMatch(/node scripts\/demoResources\.mjs && electron-builder/);
  });

  it('refuses a source without the patient, naming what is missing and how to point at it', () => {
    const r = run('--source', path.join(tmp, 'nothing'), '--out', path.join(tmp, 'o2'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/lacks CT_image\.nii\.gz.*VOXA_DEMO_SOURCE/);
    expect(existsSync(path.join(tmp, 'o2'))).toBe(false);
  });
});
