/**
 * `voxa recist` with a DICOM SEG mask (placed on its CT by reference) and
 * `--sr`/`--read-sr` (TID 1500) through runCli, on the dcmqi samples of
 * ../shared/data: SEG results equal the NRRD copies of the same masks and a
 * pydicom/numpy brute-force diameter; the SR read back equals what was measured.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataPath, HAS_DATA } from '../../testing/dataDir';
import { hasPythonModules, PYTHON } from '../../testing/pythonReference';
import { cli } from '../testing/captureCli';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-recist-sr-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Out {
  maskKind: string;
  label: number;
  segmentLabel?: string;
  longAxisMm: number;
  shortAxisMm: number;
  longest3dMm: number;
  volumeMl: number;
  voxelCount: number;
  sliceIndex: number;
  longAxis: { startLps: number[]; endLps: number[] };
}
const LIVER = dataPath('seg_dicom_liver_ct3slice_dcmqi');
const LEGACY = dataPath('dicom_legacy_enhanced_ct_23x38x3');
const havePy = hasPythonModules(['pydicom', 'numpy']);

describe.skipIf(!HAS_DATA || !existsSync(LIVER))('voxa recist --mask seg.dcm', () => {
  it('dcmqi liver SEG on its 3-slice CT: equals the NRRD labelmap and a pydicom/numpy brute-force diameter; 107098 voxels = 70.36 mL (MANIFEST)', async () => {
    const seg = await cli(['recist', path.join(LIVER, 'ct'), '--mask', path.join(LIVER, 'seg', 'liver.dcm'), '--json']);
    expect(seg.code).toBe(0);
    const a = JSON.parse(seg.out) as Out;
    expect(a.maskKind).toBe('seg');
    expect(a.segmentLabel).toBe('Liver');
    const nrrd = JSON.parse((await cli(['recist', path.join(LIVER, 'ct'), '--mask', path.join(LIVER, 'seg', 'liver_seg.nrrd'), '--json'])).out) as Out;
    for (const k of ['longAxisMm', 'shortAxisMm', 'longest3dMm', 'volumeMl', 'voxelCount', 'sliceIndex'] as const) expect(a[k]).toBe(nrrd[k]);
    expect(a.voxelCount).toBe(107098);
    expect(a.volumeMl).toBeCloseTo(70.36, 2);
    if (havePy) {
      const ref = JSON.parse(execFileSync(PYTHON, [path.join(__dirname, '..', '..', 'services', 'recist', 'reference', 'seg_long_axis.py'), path.join(LIVER, 'seg', 'liver.dcm')], { encoding: 'utf8' })) as { voxels: number; longAxisMm: number; frame: number };
      expect(a.voxelCount).toBe(ref.voxels);
      expect(a.longAxisMm).toBeCloseTo(ref.longAxisMm, 3);
    }
  });

  it.skipIf(!existsSync(LEGACY))('dcmqi 23×38×3 SEG on its CT equals its NRRD copy (≈ 30.8 mm, MANIFEST, within one 0.7 mm pixel)', async () => {
    const a = JSON.parse((await cli(['recist', path.join(LEGACY, 'image'), '--mask', path.join(LEGACY, 'seg', 'label.seg'), '--json'])).out) as Out;
    const b = JSON.parse((await cli(['recist', path.join(LEGACY, 'image'), '--mask', path.join(LEGACY, 'nrrd', 'label.nrrd'), '--json'])).out) as Out;
    expect(a.maskKind).toBe('seg');
    expect(a.longAxisMm).toBe(b.longAxisMm);
    expect(a.voxelCount).toBe(322);
    expect(Math.abs(a.longAxisMm - 30.8)).toBeLessThanOrEqual(0.7);
  });

  it('refuses a missing segment number and a SEG with several segments without --label', async () => {
    const missing = await cli(['recist', path.join(LIVER, 'ct'), '--mask', path.join(LIVER, 'seg', 'liver.dcm'), '--label', '5']);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/NOT_FOUND.*no segment 5/);
    const several = await cli(['recist', path.join(LIVER, 'ct'), '--mask', path.join(LIVER, 'seg', 'partial_overlaps.dcm')]);
    expect(several.err).toMatch(/BAD_REQUEST.*5 segments.*--label/);
    const one = await cli(['recist', path.join(LIVER, 'ct'), '--mask', path.join(LIVER, 'seg', 'partial_overlaps.dcm'), '--label', '2', '--json']);
    expect(one.code).toBe(0);
  });

  it('--sr writes a TID 1500 SR that --read-sr (and pydicom) read back with the measured values, referencing the SEG and the CT', async () => {
    const sr = path.join(tmp, 'liver-sr.dcm');
    const m = await cli(['recist', path.join(LIVER, 'ct'), '--mask', path.join(LIVER, 'seg', 'liver.dcm'), '--sr', sr, '--id', 'T1', '--role', 'target', '--json']);
    expect(m.code).toBe(0);
    const measured = JSON.parse(m.out) as Out;
    const r = await cli(['recist', '--read-sr', sr, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as {
      templateId: string;
      groups: { trackingId: string; role: string; longAxisMm: number; shortAxisMm: number; longest3dMm: number; volumeMl: number; longAxis: { startLps: number[] }; segment: { segmentNumber: number; sopInstanceUid: string }; sourceSeriesUid: string }[];
    };
    expect(doc.templateId).toBe('1500');
    expect(doc.groups).toHaveLength(1);
    const g = doc.groups[0]!;
    expect(g.trackingId).toBe('T1');
    expect(g.role).toBe('target');
    // The CLI's JSON rounds to 1e-4 mm; the SR keeps 16-character decimals.
    expect(Math.abs(g.longAxisMm - measured.longAxisMm)).toBeLessThan(1e-4);
    expect(Math.abs(g.shortAxisMm - measured.shortAxisMm)).toBeLessThan(1e-4);
    expect(Math.abs(g.longest3dMm - measured.longest3dMm)).toBeLessThan(1e-4);
    expect(Math.abs(g.volumeMl - measured.volumeMl)).toBeLessThan(1e-4);
    g.longAxis.startLps.forEach((v, n) => expect(Math.abs(v - measured.longAxis.startLps[n]!)).toBeLessThan(1e-3));
    expect(g.segment.segmentNumber).toBe(1);
    if (havePy) {
      const ids = JSON.parse(
        execFileSync(
          PYTHON,
          ['-c', 'import pydicom,sys,json; s=pydicom.dcmread(sys.argv[1]); c=pydicom.dcmread(sys.argv[2]); print(json.dumps([s.SOPInstanceUID, c.SeriesInstanceUID, c.StudyInstanceUID]))', path.join(LIVER, 'seg', 'liver.dcm'), path.join(LIVER, 'ct', '01.dcm')],
          { encoding: 'utf8' },
        ),
      ) as [string, string, string];
      expect(g.segment.sopInstanceUid).toBe(ids[0]);
      expect(g.sourceSeriesUid).toBe(ids[1]);
      const study = execFileSync(PYTHON, ['-c', 'import pydicom,sys; d=pydicom.dcmread(sys.argv[1]); print(d.StudyInstanceUID, len(d.CurrentRequestedProcedureEvidenceSequence[0].ReferencedSeriesSequence))', sr], { encoding: 'utf8' }).trim();
      expect(study).toBe(`${ids[2]} 2`);
    }
    const text = await cli(['recist', '--read-sr', sr]);
    expect(text.out).toMatch(/T1: long 239\.\d+ mm/);
  });

  it('--read-sr on an image names it as not a structured report', async () => {
    const r = await cli(['recist', '--read-sr', path.join(LIVER, 'ct', '01.dcm')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/UNSUPPORTED.*not a structured report/);
  });
});
