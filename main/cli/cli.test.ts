import { describe, expect, it } from 'vitest';
import { dataPath, HAS_DATA, pythonJson, REFERENCE_PYTHON } from '../testing/dataDir';
import { cli } from './testing/captureCli';

describe('voxa CLI', () => {
  it('prints usage and fails on unknown commands', async () => {
    expect((await cli(['--help'])).out).toMatch(/info <path>/);
    const r = await cli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown command/);
  });

  it('every command answers --help with its own usage and exit code 0', async () => {
    const { COMMANDS } = await import('./commands');
    for (const c of COMMANDS) {
      const r = await cli([c.name, '--help']);
      expect(r.code, c.name).toBe(0);
      expect(r.out, c.name).toContain(`voxa ${c.usage[0]}`);
      expect(r.err, c.name).toBe('');
    }
  });

  it('reports a missing file with a typed error and exit code 1', async () => {
    const r = await cli(['info', '/nonexistent/x.nii.gz']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/NOT_FOUND/);
  });

  it.skipIf(!HAS_DATA)('info on the TotalSegmentator CT NIfTI: 122×101×112 at 3 mm', async () => {
    const file = dataPath('ct_nifti_totalseg_example', 'example_ct.nii.gz');
    const r = await cli(['info', file, '--json']);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.out) as { dimensions: number[]; spacingMm: number[]; originLps: number[]; direction: number[] };
    expect(info.dimensions).toEqual([122, 101, 112]);
    info.spacingMm.forEach((s) => expect(s).toBeCloseTo(3, 4));
    if (REFERENCE_PYTHON) {
      // Independent reference: nibabel's affine, converted RAS → LPS.
      const ref = pythonJson<{ affine: number[][] }>(
        'import sys, json, nibabel as nib; a = nib.load(sys.argv[1]).affine; print(json.dumps({"affine": a.tolist()}))',
        [file],
      );
      const lps = ref.affine.map((row, r) => row.map((v) => (r < 2 ? -v : v)));
      for (let r = 0; r < 3; r++) {
        expect(info.originLps[r]).toBeCloseTo(lps[r]![3]!, 3);
        for (let c = 0; c < 3; c++) expect(info.direction[c * 3 + r]! * info.spacingMm[c]!).toBeCloseTo(lps[r]![c]!, 4);
      }
    }
  });

  it.skipIf(!HAS_DATA)('info on the Seg3D cardiac DICOM series: 640×640×44 at 0.625×0.625×2.5 mm', async () => {
    const dir = dataPath('mr_series_chest_cardiac_seg3d');
    const r = await cli(['info', dir, '--json']);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.out) as { dimensions: number[]; spacingMm: number[]; originLps: number[]; modality: string };
    expect(info.dimensions).toEqual([640, 640, 44]);
    expect(info.spacingMm[0]).toBeCloseTo(0.625, 6);
    expect(info.spacingMm[1]).toBeCloseTo(0.625, 6);
    expect(info.spacingMm[2]).toBeCloseTo(2.5, 4);
    expect(info.modality).toBe('MR');
    if (REFERENCE_PYTHON) {
      // Independent reference: the lowest ImagePositionPatient along the normal, read by pydicom.
      const ref = pythonJson<{ origin: number[] }>(
        `import sys, json, glob, numpy as np, pydicom
ds = [pydicom.dcmread(f, stop_before_pixels=True) for f in glob.glob(sys.argv[1] + '/*.dcm')]
o = np.array(ds[0].ImageOrientationPatient, float); n = np.cross(o[:3], o[3:])
first = min(ds, key=lambda d: float(np.dot(n, np.array(d.ImagePositionPatient, float))))
print(json.dumps({"origin": [float(v) for v in first.ImagePositionPatient]}))`,
        [dir],
      );
      ref.origin.forEach((v, n) => expect(info.originLps[n]).toBeCloseTo(v, 4));
    }
  });
});
