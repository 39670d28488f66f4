import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isVoxaError } from '../../../common/contract';
import { readNifti } from '../io/niftiReader';
import { dataPath, HAS_DATA as hasData } from '../../testing/dataDir';
import { generatePhantomStudy } from '../phantom/phantomStudy';
import { hasPythonModules, runPythonJson } from '../../testing/pythonReference';
import { readNiftiLabelmap, writeNiftiLabelmap } from './niftiLabelmap';
import { fromLabelmap, segmentVoxelCount, toLabelmap } from './segmentation';
import { lesionSegmentInfo } from './segmentCodes';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-labelmap-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('NIfTI labelmaps', () => {
  const { phantom, truth } = generatePhantomStudy({ seed: 8, oblique: true, dimensions: [80, 72, 40], spacingMm: [4.8, 4.4, 7.5], lesionCount: 4 });
  const g = phantom.volume.geometry;
  const infos = truth.map((t) => lesionSegmentInfo(t.label, t.name, t.organ));
  const file = path.join(tmp, 'lesions.nii.gz');

  it('round-trips labels and segment metadata on an oblique grid', async () => {
    await writeNiftiLabelmap(fromLabelmap(g, phantom.labels, infos), file);
    const back = await readNiftiLabelmap(file, g);
    expect(Buffer.compare(Buffer.from(toLabelmap(back).labels), Buffer.from(phantom.labels))).toBe(0);
    expect(back.segments.map((s) => [s.label, s.type?.value, s.colorRgb])).toEqual(infos.map((s) => [s.label, s.type?.value, s.colorRgb]));
  });

  it.skipIf(!hasPythonModules(['nibabel', 'numpy']))('nibabel reads the same label counts and the same (LPS) affine', () => {
    const r = runPythonJson<{ counts: Record<string, number>; affine: number[][] }>(
      'import sys, json, numpy as np, nibabel as nib\nimg = nib.load(sys.argv[1]); a = np.asanyarray(img.dataobj); A = img.affine.copy(); A[:2] *= -1\nprint(json.dumps({"counts": {str(int(l)): int((a == l).sum()) for l in np.unique(a) if l}, "affine": A.tolist()}))',
      [file],
    );
    expect(r.counts).toEqual(Object.fromEntries(truth.filter((t) => t.voxelCount > 0).map((t) => [String(t.label), t.voxelCount])));
    for (let row = 0; row < 3; row++) {
      for (let c = 0; c < 3; c++) expect(r.affine[row]![c]).toBeCloseTo((g.direction[c * 3 + row] as number) * (g.spacingMm[c] as number), 4);
      expect(r.affine[row]![3]).toBeCloseTo(g.originLps[row] as number, 3);
    }
  });

  it('refuses a labelmap that is not on the image grid', async () => {
    const other = { ...g, spacingMm: [g.spacingMm[0], g.spacingMm[1], g.spacingMm[2] * 1.01] as typeof g.spacingMm };
    await expect(readNiftiLabelmap(file, other)).rejects.toThrow(/not on the image grid/);
    const shifted = { ...g, originLps: [g.originLps[0] + 0.5, g.originLps[1], g.originLps[2]] as typeof g.originLps };
    await readNiftiLabelmap(file, shifted).then(
      () => expect.unreachable(),
      (e: unknown) => expect(isVoxaError(e) && e.code === 'BAD_REQUEST').toBe(true),
    );
  });

  it.skipIf(!hasData)('reads the stroke lesion labelmap on its FLAIR grid with the MANIFEST voxel counts', async () => {
    const flair = readNifti(readFileSync(dataPath('brain_mri_stroke_lesion_cstar', 'FLAIR.nii.gz')), 'FLAIR.nii.gz');
    const seg = await readNiftiLabelmap(dataPath('brain_mri_stroke_lesion_cstar', 'lesion.nii.gz'), flair.geometry);
    expect(seg.segments.map((s) => [s.number, segmentVoxelCount(s, 'BINARY', 1)])).toEqual([
      [1, 1125],
      [2, 27069],
      [3, 4287],
    ]);
  });
});
