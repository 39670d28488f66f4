/**
 * `voxa recist` through runCli: on generated NIfTI files (analytic ellipsoid on
 * an oblique, anisotropic grid) and on the real masks of ../shared/data, whose
 * references come from MANIFEST.md and from an independent numpy computation.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mat3, Vec3, Volume, VolumeMeta } from '../../../common/volume';
import { writeNifti } from '../../services/io/niftiWriter';
import { dataPath, HAS_DATA, pythonJson, REFERENCE_PYTHON } from '../../testing/dataDir';
import { existsSync } from 'node:fs';
import { cli } from '../testing/captureCli';

interface RecistOut {
  label: number;
  longAxisMm: number;
  shortAxisMm: number;
  nodalShortAxisMm: number;
  sliceIndex: number;
  sliceAxis: string;
  volumeMl: number;
  longest3dMm: number;
  voxelCount: number;
  longAxis: { startLps: Vec3; endLps: Vec3; startIjk: Vec3; endIjk: Vec3 };
  shortAxis: { startLps: Vec3; endLps: Vec3 };
  measurability: { asLesion: { category: string }; asNode: { category: string } };
}

const meta: VolumeMeta = { modality: 'CT', sourceFormat: 'nifti', description: '', patientName: '', patientId: '', studyDate: '', seriesInstanceUid: '', warnings: [] };

// Oblique grid (15° about (1, 2, 0.5)), 0.75 × 0.9 × 2 mm; ellipsoid semi-axes 16, 9, 7 mm along the LPS axes.
function rotationRows(axis: Vec3, deg: number): Mat3 {
  const n = Math.hypot(...axis);
  const [x, y, z] = axis.map((v) => v / n) as Vec3;
  const t = (deg * Math.PI) / 180;
  const c = Math.cos(t);
  const s = Math.sin(t);
  const C = 1 - c;
  // Rows of R are the images of the i, j, k unit axes (axis-major direction).
  return [c + x * x * C, y * x * C + z * s, z * x * C - y * s, x * y * C - z * s, c + y * y * C, z * y * C + x * s, x * z * C + y * s, y * z * C - x * s, c + z * z * C];
}
const DIMS: Vec3 = [56, 44, 20];
const SPACING: Vec3 = [0.75, 0.9, 2];
const DIRECTION = rotationRows([1, 2, 0.5], 15);
const ORIGIN: Vec3 = [-20, -18, -19];
const RADII: Vec3 = [16, 9, 7];

let dir = '';
let imageFile = '';
let maskFile = '';
let twoLabelFile = '';
let otherGridFile = '';
let centre: Vec3 = [0, 0, 0];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'voxa-recist-'));
  const lps = (i: number, j: number, k: number): Vec3 =>
    [0, 1, 2].map((r) => ORIGIN[r]! + i * SPACING[0] * DIRECTION[r]! + j * SPACING[1] * DIRECTION[3 + r]! + k * SPACING[2] * DIRECTION[6 + r]!) as Vec3;
  centre = lps(28, 22, 10);
  const n = DIMS[0] * DIMS[1] * DIMS[2];
  const image = new Int16Array(n);
  const mask = new Uint8Array(n);
  const two = new Uint8Array(n);
  for (let k = 0, m = 0; k < DIMS[2]; k++)
    for (let j = 0; j < DIMS[1]; j++)
      for (let i = 0; i < DIMS[0]; i++, m++) {
        const p = lps(i, j, k);
        const q = (p[0] - centre[0]) ** 2 / RADII[0] ** 2 + (p[1] - centre[1]) ** 2 / RADII[1] ** 2 + (p[2] - centre[2]) ** 2 / RADII[2] ** 2;
        image[m] = q <= 1 ? 80 : 20;
        if (q <= 1) mask[m] = 3;
        two[m] = q <= 1 ? 1 : i < 3 && j < 3 ? 2 : 0;
      }
  const geometry = { dimensions: DIMS, spacingMm: SPACING, originLps: ORIGIN, direction: DIRECTION };
  const vol = (voxels: Int16Array | Uint8Array, dtype: 'int16' | 'uint8', g = geometry): Volume => ({ geometry: g, dtype, voxels, meta });
  imageFile = path.join(dir, 'image.nii.gz');
  maskFile = path.join(dir, 'mask.nii.gz');
  twoLabelFile = path.join(dir, 'two.nii.gz');
  otherGridFile = path.join(dir, 'shifted.nii.gz');
  await writeNifti(vol(image, 'int16'), imageFile);
  await writeNifti(vol(mask, 'uint8'), maskFile);
  await writeNifti(vol(two, 'uint8'), twoLabelFile);
  await writeNifti(vol(mask, 'uint8', { ...geometry, originLps: [ORIGIN[0] + 1, ORIGIN[1], ORIGIN[2]] }), otherGridFile);
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('voxa recist on a generated oblique ellipsoid', () => {
  it('prints long/short axis, slice, LPS endpoints, volume and 3D diameter within one voxel of the analytic values', async () => {
    const r = await cli(['recist', imageFile, '--mask', maskFile, '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as RecistOut;
    expect(out.label).toBe(3);
    expect(out.sliceAxis).toBe('k');
    // The k axis is tilted 15°, so the slice plane is oblique: the exact section through the
    // centre is an ellipse whose axes come from the quadratic form restricted to the plane.
    const e1: Vec3 = [DIRECTION[0], DIRECTION[1], DIRECTION[2]];
    const e2: Vec3 = [DIRECTION[3], DIRECTION[4], DIRECTION[5]];
    const q = (a: Vec3, b: Vec3) => a[0] * b[0] / RADII[0] ** 2 + a[1] * b[1] / RADII[1] ** 2 + a[2] * b[2] / RADII[2] ** 2;
    const [m11, m12, m22] = [q(e1, e1), q(e1, e2), q(e2, e2)];
    const disc = Math.sqrt(((m11 - m22) / 2) ** 2 + m12 * m12);
    const long = 2 / Math.sqrt((m11 + m22) / 2 - disc);
    const short = 2 / Math.sqrt((m11 + m22) / 2 + disc);
    const pixel = Math.max(SPACING[0], SPACING[1]);
    // Voxel centres inside the ellipse can only underestimate: each end lies less than one voxel
    // inside the true boundary. This grid is deliberately aligned badly for the short axis (its
    // semi-axis is 9.96 voxels of 0.9 mm from a voxel-centred origin), so only the hard bound holds there.
    expect(Math.abs(out.longAxisMm - long)).toBeLessThanOrEqual(pixel);
    expect(out.longAxisMm).toBeLessThanOrEqual(long + 1e-3);
    expect(out.shortAxisMm).toBeLessThanOrEqual(short + 1e-3);
    expect(out.shortAxisMm).toBeGreaterThanOrEqual(short - 2 * pixel);
    expect(out.sliceIndex).toBe(10);
    expect(Math.abs(out.longest3dMm - 2 * RADII[0])).toBeLessThanOrEqual(Math.max(...SPACING));
    const analyticMl = ((4 / 3) * Math.PI * RADII[0] * RADII[1] * RADII[2]) / 1000;
    expect(Math.abs(out.volumeMl - analyticMl) / analyticMl).toBeLessThan(0.04);
    // Endpoints in LPS: at the reported distance, inside the ellipsoid, roughly along LPS x (the 16 mm axis).
    const { startLps: a, endLps: b } = out.longAxis;
    expect(Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2])).toBeCloseTo(out.longAxisMm, 3);
    for (const p of [a, b]) expect((p[0] - centre[0]) ** 2 / RADII[0] ** 2 + (p[1] - centre[1]) ** 2 / RADII[1] ** 2 + (p[2] - centre[2]) ** 2 / RADII[2] ** 2).toBeLessThanOrEqual(1 + 1e-6);
    expect(Math.abs(a[0] - b[0]) / out.longAxisMm).toBeGreaterThan(0.95);
    expect(out.measurability.asLesion.category).toBe('measurable');
  });

  it('prints a readable summary without --json', async () => {
    const r = await cli(['recist', imageFile, '--mask', maskFile]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/long axis\s+[\d.]+ mm\s+on slice k=10/);
    expect(r.out).toMatch(/volume\s+[\d.]+ mL/);
  });

  it('refuses bad input with specific errors', async () => {
    const several = await cli(['recist', imageFile, '--mask', twoLabelFile, '--json']);
    expect(several.code).toBe(1);
    expect(several.err).toMatch(/BAD_REQUEST.*several labels \(1, 2\).*--label/);
    expect((await cli(['recist', imageFile, '--mask', twoLabelFile, '--label', '2', '--json'])).code).toBe(0);
    const empty = await cli(['recist', imageFile, '--mask', twoLabelFile, '--label', '7']);
    expect(empty.code).toBe(1);
    expect(empty.err).toMatch(/NOT_FOUND.*label 7 has no voxel/);
    const shifted = await cli(['recist', imageFile, '--mask', otherGridFile]);
    expect(shifted.err).toMatch(/BAD_REQUEST.*does not lie on the image grid/);
    expect((await cli(['recist', imageFile, '--mask', path.join(dir, 'missing.nii.gz')])).err).toMatch(/NOT_FOUND/);
    expect((await cli(['recist', imageFile])).code).toBe(2);
    expect((await cli(['recist', imageFile, '--mask', maskFile, '--label', 'x'])).err).toMatch(/--label must be an integer/);
  });
});

/** numpy reference: per-slice all-pairs longest in-plane diameter (voxel centres), volume and 3D diameter. */
const NUMPY_REFERENCE = String.raw`
import sys, json, gzip, numpy as np
raw = open(sys.argv[1], 'rb').read()
i = raw.index(b'\n\n'); h = {}
for l in raw[:i].decode().split('\n')[1:]:
    if l.startswith('#') or ':' not in l: continue
    k, v = l.split(':', 1); h[k.strip()] = v.strip()
sizes = [int(x) for x in h['sizes'].split()]
dt = {'int': '<i4', 'short': '<i2', 'signed short': '<i2', 'unsigned char': 'u1', 'uchar': 'u1'}[h['type']]
data = raw[i + 2:]
if h['encoding'] == 'gzip': data = gzip.decompress(data)
a = np.frombuffer(data, dtype=dt).reshape(sizes[::-1]).transpose(2, 1, 0)
D = np.array([[float(x) for x in d.strip('()').split(',')] for d in h['space directions'].split()])
m = a == int(sys.argv[2])
best = (0.0, -1)
for k in range(m.shape[2]):
    p = np.argwhere(m[:, :, k]) @ D[:2]
    if len(p) == 0: continue
    d = np.sqrt(((p[:, None, :] - p[None, :, :]) ** 2).sum(-1)).max()
    if d > best[0] + 1e-9: best = (float(d), k)
P = np.argwhere(m) @ D
d3 = 0.0
for s in range(0, len(P), 512):
    d3 = max(d3, float(np.sqrt(((P[s:s + 512, None, :] - P[None, :, :]) ** 2).sum(-1)).max()))
print(json.dumps({'long': best[0], 'slice': best[1], 'd3': d3, 'ml': float(m.sum() * abs(np.linalg.det(D)) / 1000)}))
`;

const BRAIN = dataPath('lesion_mr_nrrd_pyradiomics');
const DCMQI = dataPath('dicom_legacy_enhanced_ct_23x38x3');

describe('voxa recist on ../shared/data', () => {
  it.skipIf(!HAS_DATA || !existsSync(BRAIN))('pyradiomics brain1 tumour: long axis ≈ 48 mm (MANIFEST) within one pixel, slice 12, 16.41 mL', async () => {
    const label = path.join(BRAIN, 'brain1_label.nrrd');
    const r = await cli(['recist', path.join(BRAIN, 'brain1_image.nrrd'), '--mask', label, '--json']);
    expect(r.err).toBe('');
    const out = JSON.parse(r.out) as RecistOut;
    const pixel = 0.78125;
    // MANIFEST.md: "longest axial diameter ~47-48 mm", "~48.0 mm at slice 12", "4137 vox = 16.41 mL".
    expect(Math.abs(out.longAxisMm - 48.0)).toBeLessThanOrEqual(pixel);
    expect(out.longAxisMm).toBeGreaterThanOrEqual(47 - 1e-9);
    expect(out.sliceIndex).toBe(12);
    expect(out.voxelCount).toBe(4137);
    expect(out.volumeMl).toBeCloseTo(16.41, 2);
    // 6.5 mm slices: the thick-slice rule (≥ 2 × 6.5 = 13 mm) applies; 47 mm passes.
    expect(out.measurability.asLesion.category).toBe('measurable');
    expect(out.shortAxisMm).toBeGreaterThan(0);
    expect(out.shortAxisMm).toBeLessThanOrEqual(out.longAxisMm);
    if (REFERENCE_PYTHON) {
      const ref = pythonJson<{ long: number; slice: number; d3: number; ml: number }>(NUMPY_REFERENCE, [label, '1']);
      expect(out.longAxisMm).toBeCloseTo(ref.long, 3);
      expect(out.sliceIndex).toBe(ref.slice);
      expect(out.longest3dMm).toBeCloseTo(ref.d3, 3);
      expect(out.volumeMl).toBeCloseTo(ref.ml, 3);
    }
  });

  it.skipIf(!HAS_DATA || !existsSync(DCMQI))('dcmqi 23×38×3 label (NRRD copy of the SEG) on its DICOM CT: ≈ 30.8 mm (MANIFEST) within one pixel', async () => {
    const label = path.join(DCMQI, 'nrrd', 'label.nrrd');
    const r = await cli(['recist', path.join(DCMQI, 'image'), '--mask', label, '--json']);
    expect(r.err).toBe('');
    const out = JSON.parse(r.out) as RecistOut;
    // MANIFEST.md: "322 vox = 0.39 mL; longest in-plane diameter ~30.8 mm"; pixels are 0.7 mm.
    expect(Math.abs(out.longAxisMm - 30.8)).toBeLessThanOrEqual(0.7);
    expect(out.voxelCount).toBe(322);
    expect(out.volumeMl).toBeCloseTo(0.39, 2);
    if (REFERENCE_PYTHON) {
      const ref = pythonJson<{ long: number; d3: number }>(NUMPY_REFERENCE, [label, '1']);
      expect(out.longAxisMm).toBeCloseTo(ref.long, 3);
      expect(out.longest3dMm).toBeCloseTo(ref.d3, 3);
    }
  });
});
