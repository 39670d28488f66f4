import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Vec3 } from '../../../common/volume';
import { readDicomFolder } from '../io/dicom/seriesReader';
import { generatePhantomStudy, writePhantomStudy } from './phantomStudy';
import { hasPythonModules, runPythonJson } from '../../testing/pythonReference';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-phantom-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const havePython = hasPythonModules(['pydicom', 'numpy', 'nibabel']);

// Independent reader: pydicom stacks the series by IPP·normal and nibabel reads the NIfTI;
// both affines are reported in LPS so they can be compared with each other and with Voxa's.
const PY_SERIES = String.raw`
import sys, os, json, numpy as np, pydicom, nibabel as nib
d = sys.argv[1]
ds = [pydicom.dcmread(os.path.join(d, f)) for f in os.listdir(d)]
iop = np.array(ds[0].ImageOrientationPatient, float)
r, c = iop[:3], iop[3:]
n = np.cross(r, c)
ds.sort(key=lambda x: float(np.dot(np.array(x.ImagePositionPatient, float), n)))
pos = np.array([np.array(x.ImagePositionPatient, float) for x in ds])
steps = np.diff(pos @ n)
ps = [float(v) for v in ds[0].PixelSpacing]
vol = np.stack([x.pixel_array.astype(np.float64) * float(x.RescaleSlope) + float(x.RescaleIntercept) for x in ds], axis=-1)  # rows, cols, k
img = nib.load(sys.argv[2])
a = img.affine.copy(); a[:2, :] *= -1   # RAS -> LPS
nii = np.asanyarray(img.dataobj).astype(np.float64)  # i, j, k
same = bool(np.array_equal(np.transpose(vol, (1, 0, 2)), nii))
print(json.dumps({"n": len(ds), "rows": int(ds[0].Rows), "cols": int(ds[0].Columns), "rowDir": r.tolist(), "colDir": c.tolist(),
  "pixelSpacing": ps, "stepMin": float(steps.min()), "stepMax": float(steps.max()), "origin": pos[0].tolist(),
  "niiAffine": a.tolist(), "voxelsEqual": same, "huMin": float(vol.min()), "huMax": float(vol.max())}))
`;

describe('phantom study as DICOM + NIfTI', () => {
  const spacing: Vec3 = [1.6, 1.9, 3.5];
  let written: Awaited<ReturnType<typeof writePhantomStudy>>;

  it('writes an oblique, anisotropic series that reads back with the same geometry and voxels', async () => {
    written = await writePhantomStudy(path.join(tmp, 'oblique'), { seed: 11, oblique: true, spacingMm: spacing, dimensions: [96, 80, 40] });
    const v = written.phantom.volume;
    const back = await readDicomFolder(written.dicomDir);
    expect(back.geometry.dimensions).toEqual([96, 80, 40]);
    back.geometry.spacingMm.forEach((s, n) => expect(s).toBeCloseTo(spacing[n] as number, 4));
    back.geometry.originLps.forEach((o, n) => expect(o).toBeCloseTo(v.geometry.originLps[n] as number, 3));
    back.geometry.direction.forEach((d, n) => expect(d).toBeCloseTo(v.geometry.direction[n] as number, 5));
    // Oblique really is oblique: the k axis is tilted away from LPS z by the 20° rotation.
    expect(Math.acos(v.geometry.direction[8]) * (180 / Math.PI)).toBeCloseTo(20, 3);
    expect(Array.from(back.voxels)).toEqual(Array.from(v.voxels));
  });

  it.skipIf(!havePython)('pydicom and nibabel agree on geometry and voxels (independent readers)', () => {
    const r = runPythonJson<{
      n: number; rows: number; cols: number; rowDir: number[]; colDir: number[]; pixelSpacing: number[];
      stepMin: number; stepMax: number; origin: number[]; niiAffine: number[][]; voxelsEqual: boolean; huMin: number; huMax: number;
    }>(PY_SERIES, [written.dicomDir, written.ctNifti]);
    const g = written.phantom.volume.geometry;
    expect(r.n).toBe(40);
    expect([r.cols, r.rows]).toEqual([96, 80]);
    expect(r.pixelSpacing[0]).toBeCloseTo(spacing[1], 6); // row spacing = j
    expect(r.pixelSpacing[1]).toBeCloseTo(spacing[0], 6);
    expect(r.stepMin).toBeCloseTo(spacing[2], 3);
    expect(r.stepMax).toBeCloseTo(spacing[2], 3);
    // DICOM affine columns = NIfTI affine columns (both LPS).
    for (let row = 0; row < 3; row++) {
      expect(r.niiAffine[row]![0]).toBeCloseTo((r.rowDir[row] as number) * spacing[0], 3);
      expect(r.niiAffine[row]![1]).toBeCloseTo((r.colDir[row] as number) * spacing[1], 3);
      expect(r.niiAffine[row]![3]).toBeCloseTo(r.origin[row] as number, 2);
      expect(r.niiAffine[row]![2]).toBeCloseTo((g.direction[6 + row] as number) * spacing[2], 3);
    }
    expect(r.voxelsEqual).toBe(true);
    expect(r.huMin).toBeGreaterThanOrEqual(-1100);
    expect(r.huMax).toBeLessThan(1200);
  });

  it('truth: rasterised lesion volumes match the analytic ellipsoid volume', () => {
    for (const t of written.truth) {
      if (t.longest3dMm < 15) continue; // small lesions are dominated by partial voxels
      expect(t.voxelVolumeMm3 / t.volumeMm3).toBeGreaterThan(0.85);
      expect(t.voxelVolumeMm3 / t.volumeMm3).toBeLessThan(1.15);
    }
    expect(written.truth.length).toBe(4);
    expect(written.truth.some((t) => t.axialLongAxisMm > t.axialShortAxisMm + 1)).toBe(true); // oblique ellipsoids
  });

  it('truth: the axial long axis of each lesion matches the longest chord measured in the mask', () => {
    // Axis-aligned grid so that mask slices are axial; lesions are oblique ellipsoids.
    const sp: Vec3 = [1, 1, 1];
    const { phantom, truth } = generatePhantomStudy({ seed: 4, spacingMm: sp, lesionCount: 3, obliqueLesions: true, noiseHu: 0 });
    expect(truth.filter((t) => t.axialLongAxisMm > t.axialShortAxisMm + 1).length).toBeGreaterThan(0);
    const [ni, nj] = phantom.volume.geometry.dimensions;
    const o = phantom.volume.geometry.originLps;
    for (const t of truth) {
      const k = Math.round((t.centreLps[2] - o[2]) / sp[2]);
      const pts: [number, number][] = [];
      for (let j = 0; j < nj; j++) for (let i = 0; i < ni; i++) if (phantom.labels[i + ni * (j + nj * k)] === t.label) pts.push([i * sp[0], j * sp[1]]);
      let best = 0;
      for (let a = 0; a < pts.length; a++) for (let b = a + 1; b < pts.length; b++) best = Math.max(best, Math.hypot(pts[a]![0] - pts[b]![0], pts[a]![1] - pts[b]![1]));
      // Centre-to-centre chord is at most one voxel diagonal shorter than the continuous diameter.
      expect(best).toBeLessThanOrEqual(t.axialLongAxisMm + 1e-6);
      expect(best).toBeGreaterThan(t.axialLongAxisMm - 2 * Math.SQRT2);
    }
  });
});
