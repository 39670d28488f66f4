/**
 * `voxa info` lists every series and every skipped file with its reason.
 * A temp folder mixes two real DICOM series, an SR, a NIfTI, a text file, an
 * empty file and a truncated DICOM; the expected grids come from pydicom/nibabel.
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataPath, HAS_DATA, pythonJson, REFERENCE_PYTHON } from '../../testing/dataDir';
import { cli } from '../testing/captureCli';

interface InfoSeries {
  label: string;
  format: string;
  modality: string;
  files: number;
  dimensions: number[];
  spacingMm: number[] | null;
  originLps: number[] | null;
  orientation: string | null;
  loaded: boolean;
}
interface InfoJson {
  loaded: boolean;
  dimensions?: number[];
  spacingMm?: number[];
  modality?: string;
  series: InfoSeries[];
  skipped: { file: string; reason: string; kind: string }[];
}

describe.skipIf(!HAS_DATA || !REFERENCE_PYTHON)('voxa info on a mixed folder', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'voxa-info-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cardiac = ['IM-0001-0010.dcm', 'IM-0001-0011.dcm', 'IM-0001-0012.dcm', 'IM-0001-0013.dcm'];
  const oblique = ['0.dcm', '1.dcm', '2.dcm'];
  if (HAS_DATA) {
    for (const f of cardiac) symlinkSync(dataPath('mr_series_chest_cardiac_seg3d', f), path.join(dir, `cardiac-${f}`));
    for (const f of oblique) symlinkSync(dataPath('dicom_oblique_tiny_rtutils', f), path.join(dir, `oblique-${f}`));
    symlinkSync(dataPath('sr_tid1500_annotations_dwv', 'pydicom_test-SR.dcm'), path.join(dir, 'report.dcm'));
    symlinkSync(dataPath('ct_nifti_rotated_pitch', 'CT_pitch.nii.gz'), path.join(dir, 'pitch.nii.gz'));
    writeFileSync(path.join(dir, 'notes.txt'), 'not an image\n');
    writeFileSync(path.join(dir, 'empty.dcm'), '');
    const whole = readFileSync(dataPath('mr_series_chest_cardiac_seg3d', 'IM-0001-0001.dcm'));
    writeFileSync(path.join(dir, 'cut.dcm'), whole.subarray(0, 1000)); // header cut in the middle
  }

  it('lists both DICOM series and the NIfTI with their grids, and every skipped file with a specific reason', async () => {
    const r = await cli(['info', dir, '--json']);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.out) as InfoJson;
    // Independent reference: pydicom per series (sorted along the normal), nibabel for the NIfTI.
    const ref = pythonJson<{ dicom: { rows: number; cols: number; n: number; spacing: number[]; origin: number[] }[]; nifti: { shape: number[]; zooms: number[] } }>(
      `import sys, json, glob, numpy as np, pydicom, nibabel as nib
out = []
for pattern in ['cardiac-*.dcm', 'oblique-*.dcm']:
    ds = [pydicom.dcmread(f) for f in glob.glob(sys.argv[1] + '/' + pattern)]
    o = np.array(ds[0].ImageOrientationPatient, float); n = np.cross(o[:3], o[3:])
    ds.sort(key=lambda d: float(np.dot(n, np.array(d.ImagePositionPatient, float))))
    z = [float(np.dot(n, np.array(d.ImagePositionPatient, float))) for d in ds]
    out.append({'rows': ds[0].Rows, 'cols': ds[0].Columns, 'n': len(ds), 'spacing': [float(ds[0].PixelSpacing[1]), float(ds[0].PixelSpacing[0]), float(np.median(np.diff(z)))], 'origin': [float(v) for v in ds[0].ImagePositionPatient]})
img = nib.load(sys.argv[1] + '/pitch.nii.gz')
print(json.dumps({'dicom': out, 'nifti': {'shape': list(img.shape), 'zooms': [float(z) for z in img.header.get_zooms()]}}))`,
      [dir],
    );
    expect(info.series).toHaveLength(3);
    const [card, obl] = [info.series.find((s) => s.files === 4), info.series.find((s) => s.files === 3)];
    for (const [s, want] of [[card, ref.dicom[0]], [obl, ref.dicom[1]]] as const) {
      expect(s).toBeDefined();
      expect(s!.format).toBe('dicom');
      expect(s!.dimensions).toEqual([want!.cols, want!.rows, want!.n]);
      s!.spacingMm!.forEach((v, n) => expect(v).toBeCloseTo(want!.spacing[n]!, 4));
      s!.originLps!.forEach((v, n) => expect(v).toBeCloseTo(want!.origin[n]!, 4));
    }
    const nii = info.series.find((s) => s.format === 'nifti');
    expect(nii?.dimensions).toEqual(ref.nifti.shape);
    nii!.spacingMm!.forEach((v, n) => expect(v).toBeCloseTo(ref.nifti.zooms[n]!, 3));
    // The largest series (4 cardiac slices) is the one opened; its fields stay at the top level.
    expect(info.loaded).toBe(true);
    expect(card!.loaded).toBe(true);
    expect(info.dimensions).toEqual(card!.dimensions);
    expect(info.modality).toBe('MR');

    const reasons = Object.fromEntries(info.skipped.map((s) => [s.file, `${s.kind}: ${s.reason}`]));
    expect(Object.keys(reasons).sort()).toEqual(['cut.dcm', 'empty.dcm', 'notes.txt', 'report.dcm']);
    expect(reasons['notes.txt']).toMatch(/^not-dicom: not a DICOM file/);
    expect(reasons['empty.dcm']).toMatch(/^not-dicom: not a DICOM file/);
    expect(reasons['report.dcm']).toMatch(/^non-image: Structured Report/);
    expect(reasons['cut.dcm']).toMatch(/^damaged: /);
  });

  it('prints the same listing as text', async () => {
    const r = await cli(['info', dir]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/series {7}3/);
    expect(r.out).toMatch(/skipped {6}4 files/);
    expect(r.out).toMatch(/notes\.txt: not a DICOM file/);
  });

  it('exits 1 but still lists the files when no image series can be opened', async () => {
    const r = await cli(['info', dataPath('sr_tid1500_qin_headneck_dcmqi'), '--json']);
    expect(r.code).toBe(1);
    const info = JSON.parse(r.out) as InfoJson;
    expect(info.loaded).toBe(false);
    expect(info.series).toEqual([]);
    expect(info.skipped.map((s) => s.kind)).toEqual(['non-image', 'non-image', 'non-image']);
    expect(r.err).toMatch(/no image series/);
  });

  it('refuses an empty folder with NOT_FOUND', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'voxa-empty-'));
    try {
      const r = await cli(['info', empty]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/NOT_FOUND: .*holds no files/);
    } finally {
      rmSync(empty, { recursive: true });
    }
  });
});
