/**
 * Transfer-syntax acceptance: every lossless encoding decodes pixel-identical to
 * the uncompressed original; lossy ones stay within the stated tolerance.
 * References: the uncompressed CTImage.dcm (cornerstone matrix), the dcm2niix
 * NIfTI shipped with dcm_qa_ts (read with nibabel), MANIFEST.md.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lpsToIjk, ijkToLps } from '../../../../common/geometry/affine';
import type { Vec3, Volume } from '../../../../common/volume';
import { readDicomFile } from '../dicom/seriesReader';
import { dataPath, HAS_DATA, pythonScriptJson, REFERENCE_PYTHON } from '../../../testing/dataDir';

const CT = 'dicom_ts_matrix_ct_cornerstone';
const NIFTI_REF = 'main/services/io/reference/nifti_reference.py';

function diffStats(a: Volume, b: Volume) {
  expect(a.geometry.dimensions).toEqual(b.geometry.dimensions);
  let max = 0;
  let sum = 0;
  for (let n = 0; n < a.voxels.length; n++) {
    const d = Math.abs((a.voxels[n] as number) - (b.voxels[n] as number));
    if (d > max) max = d;
    sum += d;
  }
  return { max, mean: sum / a.voxels.length };
}

/** Lossy encodings and their tolerance in HU against the original (max |error|, mean |error|). */
const LOSSY: Record<string, { max: number; mean: number; why: string }> = {
  '1.2.840.10008.1.2.4.81': { max: 2, mean: 1, why: 'JPEG-LS near-lossless: error bounded by NEAR (dcmtk default 2)' },
  '1.2.840.10008.1.2.4.91': { max: 16, mean: 2, why: 'JPEG 2000 irreversible at high quality' },
  '1.2.840.10008.1.2.4.50': { max: 80, mean: 25, why: '8-bit baseline: 4400 HU squeezed into 256 levels (32 HU per level) plus DCT error' },
  '1.2.840.10008.1.2.4.51': { max: 80, mean: 35, why: '12-bit DCT, dcmtk default quality, slope 2 HU per level' },
  '1.2.840.10008.1.2.4.53': { max: 80, mean: 35, why: 'same as .51 (spectral selection)' },
  '1.2.840.10008.1.2.4.55': { max: 400, mean: 35, why: 'progressive 12-bit: a few edge pixels overshoot' },
};

describe.skipIf(!HAS_DATA)('cornerstone CT transfer-syntax matrix', () => {
  const files = HAS_DATA ? readdirSync(dataPath(CT)).filter((f) => f.startsWith('CTImage.dcm_')) : [];
  it('has the 15 encodings', () => expect(files.length).toBe(15));
  for (const f of files) {
    const ts = /_(1\.2\.840\.10008[\d.]*?)\.dcm$/.exec(f)?.[1] ?? '';
    const lossy = LOSSY[ts];
    it(`${ts} ${lossy ? `within ${lossy.max}/${lossy.mean} HU (${lossy.why})` : 'is pixel-identical'}`, async () => {
      const ref = await readDicomFile(dataPath(CT, 'CTImage.dcm'));
      const v = await readDicomFile(dataPath(CT, f));
      expect(v.geometry.spacingMm[0]).toBeCloseTo(0.6758, 4);
      const { max, mean } = diffStats(v, ref);
      if (lossy) {
        expect(max).toBeLessThanOrEqual(lossy.max);
        expect(mean).toBeLessThanOrEqual(lossy.mean);
        expect(max).toBeGreaterThan(0); // it really is the lossy file
      } else expect(max).toBe(0);
    });
  }
  it('CT1/CT2 J2K lossless and the J2K sign-mismatch file decode to plausible HU', async () => {
    for (const [rel, lo, hi] of [[`${CT}/CT1_J2KR`, -3100, 4000], [`${CT}/CT2_J2KR`, -3100, 4000], ['dicom_edge_cases/J2K_pixelrep_mismatch.dcm', -2100, 4000]] as const) {
      const v = await readDicomFile(dataPath(rel));
      let mn = Infinity;
      let mx = -Infinity;
      for (const x of v.voxels) {
        if (x < mn) mn = x;
        if (x > mx) mx = x;
      }
      expect(mn, rel).toBeGreaterThanOrEqual(lo);
      expect(mx, rel).toBeLessThanOrEqual(hi);
      // Air is present in every slice: a sign error would put it far above 0.
      expect(mn, rel).toBeLessThan(-500);
    }
  });
});

describe.skipIf(!HAS_DATA || !REFERENCE_PYTHON)('dcm_qa_ts: nine encodings of one Siemens mosaic equal the dcm2niix NIfTI', () => {
  interface Ref {
    shape: number[];
    affineLps: number[][];
    voxels: number[];
  }
  for (let n = 1; n <= 9; n++) {
    it(`In/${n}.dcm`, async () => {
      const ref = pythonScriptJson<Ref>(NIFTI_REF, [dataPath('dicom_ts_matrix_mr_dcm_qa_ts', 'Ref', `${n}.nii`)]);
      const v = await readDicomFile(dataPath('dicom_ts_matrix_mr_dcm_qa_ts', 'In', `${n}.dcm`));
      expect(v.geometry.dimensions).toEqual([64, 64, 35]);
      expect(v.geometry.spacingMm[0]).toBeCloseTo(3.25, 4);
      expect(v.geometry.spacingMm[2]).toBeCloseTo(3.6, 3);
      // Same value at the same LPS point, for every voxel: maps each of our voxel centres into the reference grid.
      const [ri, rj, rk] = ref.shape as [number, number, number];
      const A = ref.affineLps;
      const refGeom = {
        dimensions: [ri, rj, rk] as Vec3,
        spacingMm: [0, 1, 2].map((c) => Math.hypot(A[0]![c]!, A[1]![c]!, A[2]![c]!)) as Vec3,
        originLps: [A[0]![3]!, A[1]![3]!, A[2]![3]!] as Vec3,
        direction: [0, 1, 2].flatMap((c) => [0, 1, 2].map((r) => A[r]![c]! / Math.hypot(A[0]![c]!, A[1]![c]!, A[2]![c]!))) as Volume['geometry']['direction'],
      };
      const [ni, nj, nk] = v.geometry.dimensions;
      let worstMm = 0;
      let mismatches = 0;
      for (let k = 0; k < nk; k++) for (let j = 0; j < nj; j++) for (let i = 0; i < ni; i++) {
        const p = ijkToLps(v.geometry, [i, j, k]);
        const q = lpsToIjk(refGeom, p).map((x) => Math.round(x)) as Vec3;
        const back = ijkToLps(refGeom, q);
        worstMm = Math.max(worstMm, Math.hypot(back[0] - p[0], back[1] - p[1], back[2] - p[2]));
        const refValue = ref.voxels[q[0] + q[1] * ri + q[2] * ri * rj];
        if (refValue !== v.voxels[i + j * ni + k * ni * nj]) mismatches++;
      }
      expect(worstMm).toBeLessThan(0.01); // voxel centres coincide (dcm2niix stores float32 affines)
      expect(mismatches).toBe(0);
    });
  }
});
