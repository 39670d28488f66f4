import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataPath, HAS_DATA as hasData } from '../../testing/dataDir';
import { hasPythonModules, runPythonJson } from '../../testing/pythonReference';
import { cli } from '../testing/captureCli';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-cli-masks-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const NIFTI_COUNTS = 'import sys, json, numpy as np, nibabel as nib\na = np.asanyarray(nib.load(sys.argv[1]).dataobj)\nprint(json.dumps({str(int(l)): int((a == l).sum()) for l in np.unique(a) if l}))';
const SEG_COUNTS = 'import sys, json, numpy as np, pydicom\nd = pydicom.dcmread(sys.argv[1]); px = d.pixel_array\nprint(json.dumps({"voxels": int(np.count_nonzero(px)), "refs": sorted({str(s.ReferencedSOPInstanceUID) for g in d.PerFrameFunctionalGroupsSequence for x in g.DerivationImageSequence for s in x.SourceImageSequence})}))';

describe.skipIf(!hasData || !hasPythonModules(['pydicom', 'nibabel', 'numpy']))('voxa convert (masks) and voxa phantom', () => {
  const ct = dataPath('seg_dicom_liver_ct3slice_dcmqi', 'ct');

  it('SEG → NIfTI labelmap → SEG keeps the 107 098 liver voxels and references the CT', async () => {
    const nii = path.join(tmp, 'liver.nii.gz');
    expect((await cli(['convert', dataPath('seg_dicom_liver_ct3slice_dcmqi', 'seg', 'liver.dcm'), nii, '--ref', ct])).code).toBe(0);
    expect(runPythonJson<Record<string, number>>(NIFTI_COUNTS, [nii])).toEqual({ '1': 107098 });
    const seg = path.join(tmp, 'liver.seg.dcm');
    const r = await cli(['convert', nii, seg, '--labelmap', '--ref', ct]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Liver/); // the name travelled through the sidecar
    const s = runPythonJson<{ voxels: number; refs: string[] }>(SEG_COUNTS, [seg]);
    expect(s.voxels).toBe(107098);
    const ctUids = runPythonJson<string[]>('import sys, os, json, pydicom\nprint(json.dumps(sorted(str(pydicom.dcmread(os.path.join(sys.argv[1], f)).SOPInstanceUID) for f in os.listdir(sys.argv[1]))))', [ct]);
    expect(s.refs).toEqual(ctUids);
  });

  it('RTSTRUCT needs --ref, then rasterises', async () => {
    const rt = dataPath('rtstruct_phantom_rtutils', 'rt.dcm');
    const bad = await cli(['convert', rt, path.join(tmp, 'rt.nii.gz')]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/BAD_REQUEST: .*--ref/);
    expect((await cli(['convert', rt, path.join(tmp, 'rt.nii.gz'), '--ref', dataPath('rtstruct_phantom_rtutils')])).code).toBe(0);
    const counts = runPythonJson<Record<string, number>>(NIFTI_COUNTS, [path.join(tmp, 'rt.nii.gz')]);
    // 576 − 224.5 mm² (square minus octagon, shoelace) / 0.488281² mm² per pixel ≈ 1474 pixels.
    expect(Math.abs(counts['1']! - 351.5 / 0.488281 ** 2) / (351.5 / 0.488281 ** 2)).toBeLessThan(0.05);
  });

  it('voxa phantom writes the DICOM series, NIfTIs, a SEG and a truth JSON whose voxel counts nibabel and pydicom confirm', async () => {
    const dir = path.join(tmp, 'phantom');
    const r = await cli(['phantom', dir, '--seed', '9', '--spacing', '4,4,5', '--organs', 'liver', '--lesions', '2']);
    expect(r.code).toBe(0);
    const truth = JSON.parse(readFileSync(path.join(dir, 'truth.json'), 'utf8')) as { lesions: { label: number; organ: string; voxelCount: number }[] };
    expect(truth.lesions.map((l) => l.organ)).toEqual(['liver', 'liver']);
    const counts = runPythonJson<Record<string, number>>(NIFTI_COUNTS, [path.join(dir, 'lesions.nii.gz')]);
    expect(counts).toEqual(Object.fromEntries(truth.lesions.filter((l) => l.voxelCount > 0).map((l) => [String(l.label), l.voxelCount])));
    // The ground-truth SEG lands on the series with the same counts.
    const segCounts = runPythonJson<{ voxels: number }>(SEG_COUNTS, [path.join(dir, 'lesions.seg.dcm')]);
    expect(segCounts.voxels).toBe(truth.lesions.reduce((a, l) => a + l.voxelCount, 0));
    expect((await cli(['phantom', dir, '--spacing', '0.1,1,1'])).code).toBe(2);
  });
});
