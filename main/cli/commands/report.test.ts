/** `voxa report` through runCli: files written, values from the timepoints file, key image from a real CT + SEG, bad input named. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { dataPath, HAS_DATA } from '../../testing/dataDir';
import { STUDY } from '../../services/recist/testing/sampleStudy';
import { cli } from '../testing/captureCli';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-report-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const studyFile = path.join(tmp, 'study.json');
writeFileSync(studyFile, JSON.stringify(STUDY));
const LIVER = dataPath('seg_dicom_liver_ct3slice_dcmqi');

describe('voxa report', () => {
  it('writes CSV, JSON and SVG; response.csv holds the sums of the file', async () => {
    const r = await cli(['report', studyFile, '--out', path.join(tmp, 'a'), '--json']);
    expect(r.code).toBe(0);
    const files = (JSON.parse(r.out) as { files: string[] }).files;
    expect(files.map((f) => path.basename(f))).toEqual(['lesions.csv', 'response.csv', 'report.json', 'spider.svg', 'sum.svg']);
    const sums = readFileSync(path.join(tmp, 'a', 'response.csv'), 'utf8').trim().split('\r\n').slice(1).map((l) => Number(l.split(',')[2]));
    expect(sums).toEqual([60, 42, 47, 54]);
  });

  it.skipIf(!HAS_DATA || !existsSync(LIVER))('--pdf --key: a PDF with a key image measured on the dcmqi liver CT + SEG', async () => {
    const r = await cli(['report', studyFile, '--out', path.join(tmp, 'b'), '--pdf', '--key', `Liver=${path.join(LIVER, 'ct')},${path.join(LIVER, 'seg', 'liver.dcm')}`]);
    expect(r.code).toBe(0);
    const pdf = await PDFDocument.load(readFileSync(path.join(tmp, 'b', 'report.pdf')));
    expect(pdf.getPageCount()).toBe(2);
  });

  it('names bad input', async () => {
    expect((await cli(['report', studyFile])).err).toMatch(/--out/);
    expect((await cli(['report', path.join(tmp, 'none.json'), '--out', tmp])).err).toMatch(/NOT_FOUND/);
    expect((await cli(['report', studyFile, '--out', tmp, '--key', 'x=a,b'])).err).toMatch(/--pdf/);
    expect((await cli(['report', studyFile, '--out', tmp, '--pdf', '--key', 'nokey'])).err).toMatch(/title=image,mask/);
    writeFileSync(path.join(tmp, 'bad.json'), JSON.stringify({ timepoints: [{ id: 'b', date: '2026-01-01', lesions: [{ id: 'T1', role: 'target' }] }] }));
    expect((await cli(['report', path.join(tmp, 'bad.json'), '--out', tmp])).err).toMatch(/BAD_REQUEST[\s\S]*needs longAxisMm/);
  });
});
