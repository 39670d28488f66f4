import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { isVoxaError } from '../../../common/contract';
import { ijkToLps, ijkToLpsMatrix } from '../../../common/geometry/affine';
import { readNrrd, readNrrdFile } from './nrrdReader';
import { loadVolume } from './volumeLoader';
import { dataPath, HAS_DATA, pythonScriptJson, REFERENCE_PYTHON } from '../../testing/dataDir';

interface NrrdRef {
  shape: [number, number, number];
  affineLps: number[][];
  sum: number;
  values: number[];
  max: number;
}

const REAL = [
  'lesion_mr_nrrd_pyradiomics/brain1_image.nrrd',
  'lesion_mr_nrrd_pyradiomics/brain1_label.nrrd',
  'lesion_mr_nrrd_pyradiomics/breast1_image.nrrd',
  'lesion_mr_nrrd_pyradiomics/breast1_label.nrrd',
  'lesion_mr_nrrd_pyradiomics/prostate_phantom_subvolume.nrrd',
  'lesion_mr_nrrd_pyradiomics/prostate_phantom_subvolume-label.nrrd',
  'brain_mri_stroke_lesion_cstar/FLAIR_oblique.nrrd',
  'dicom_legacy_enhanced_ct_23x38x3/nrrd/label.nrrd',
];

describe.skipIf(!HAS_DATA || !REFERENCE_PYTHON)('NRRD reader on the sample data (reference: numpy, header parsed by hand)', () => {
  for (const rel of REAL) {
    it(rel, async () => {
      const volume = await loadVolume(dataPath(rel));
      const g = volume.geometry;
      // Sample voxels spread over the grid, including both corners.
      const [ni, nj, nk] = g.dimensions;
      const points: [number, number, number][] = [
        [0, 0, 0],
        [ni - 1, nj - 1, nk - 1],
        [Math.floor(ni / 2), Math.floor(nj / 2), Math.floor(nk / 2)],
        [Math.floor(ni / 3), Math.floor((2 * nj) / 3), Math.floor(nk / 4)],
        [ni - 2, 1, nk - 1],
      ];
      const ref = pythonScriptJson<NrrdRef>('main/services/io/reference/nrrd_reference.py', [dataPath(rel), ...points.map((p) => p.join(','))]);
      expect(g.dimensions).toEqual(ref.shape);
      const m = ijkToLpsMatrix(g);
      for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) expect(m[r * 4 + c]).toBeCloseTo(ref.affineLps[r]?.[c] as number, 9);
      let sum = 0;
      for (let n = 0; n < volume.voxels.length; n++) sum += volume.voxels[n] as number;
      expect(sum).toBe(ref.sum);
      points.forEach(([i, j, k], n) => expect(volume.voxels[i + j * ni + k * ni * nj]).toBe(ref.values[n]));
      expect(volume.meta.sourceFormat).toBe('nrrd');
    });
  }

  it('brain1 label: 4137 lesion voxels, 0.78×0.78×6.5 mm, j axis pointing anterior (MANIFEST.md)', async () => {
    const v = await loadVolume(dataPath('lesion_mr_nrrd_pyradiomics/brain1_label.nrrd'));
    let count = 0;
    for (let n = 0; n < v.voxels.length; n++) if (v.voxels[n] === 1) count++;
    expect(count).toBe(4137);
    expect(v.geometry.spacingMm[0]).toBeCloseTo(0.78125, 6);
    expect(v.geometry.spacingMm[2]).toBeCloseTo(6.5, 6);
    expect(v.geometry.direction.slice(3, 6)).toEqual([0, -1, 0]);
  });

  it('oblique FLAIR: direction columns from the header, orthonormal', async () => {
    const v = await loadVolume(dataPath('brain_mri_stroke_lesion_cstar/FLAIR_oblique.nrrd'));
    const d = v.geometry.direction;
    expect(d[0]).toBeCloseTo(-0.99359200921208746, 12);
    expect(d[4]).toBeCloseTo(-0.95093665139041228, 12);
    expect(d[8]).toBeCloseTo(0.94563858529983524, 12);
    expect(v.geometry.spacingMm.map((s) => Math.round(s * 1e6) / 1e6)).toEqual([1, 1, 1]);
  });
});

describe('NRRD reader on synthetic files', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'voxa-nrrd-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('detached .nhdr, raw big-endian int16, RAS space, leading vector axis, byte skip', async () => {
    // 2 components × 3 × 2 × 2 voxels; component c of voxel (i,j,k) = 100c + i + 10j + 50k - 7.
    const ni = 3, nj = 2, nk = 2;
    const data = Buffer.alloc(16 + 2 * ni * nj * nk * 2);
    let o = 16;
    for (let k = 0; k < nk; k++) for (let j = 0; j < nj; j++) for (let i = 0; i < ni; i++) for (let c = 0; c < 2; c++) {
      data.writeInt16BE(100 * c + i + 10 * j + 50 * k - 7, o);
      o += 2;
    }
    writeFileSync(path.join(dir, 'vec.raw'), data);
    writeFileSync(
      path.join(dir, 'vec.nhdr'),
      [
        'NRRD0005', 'type: int16', 'dimension: 4', 'space: right-anterior-superior', 'sizes: 2 3 2 2',
        'space directions: none (0.5,0,0) (0,2,0) (0,0,3)', 'kinds: vector domain domain domain',
        'endian: big', 'encoding: raw', 'byte skip: 16', 'space origin: (10,20,30)', 'data file: vec.raw', '',
      ].join('\n'),
    );
    const v = await loadVolume(path.join(dir, 'vec.nhdr'));
    expect(v.geometry.dimensions).toEqual([3, 2, 2]);
    expect(v.geometry.spacingMm).toEqual([0.5, 2, 3]);
    // RAS → LPS: x and y negated.
    expect(v.geometry.originLps).toEqual([-10, -20, 30]);
    expect(v.geometry.direction).toEqual([-1, -0, 0, -0, -1, 0, -0, -0, 1]);
    for (let k = 0; k < nk; k++) for (let j = 0; j < nj; j++) for (let i = 0; i < ni; i++) {
      expect(v.voxels[i + j * ni + k * ni * nj]).toBe(i + 10 * j + 50 * k - 7);
    }
    expect(v.meta.warnings.join(' ')).toMatch(/2 values per voxel/);
    expect(ijkToLps(v.geometry, [2, 1, 1])).toEqual([-11, -22, 33]);
  });

  it('LAS space flips x only; gzip with several data files (printf list)', async () => {
    const slab = (k: number) => gzipSync(Buffer.from(new Float32Array([k, k + 0.5, k + 1, k + 1.5]).buffer));
    writeFileSync(path.join(dir, 's001.raw.gz'), slab(1));
    writeFileSync(path.join(dir, 's002.raw.gz'), slab(2));
    writeFileSync(
      path.join(dir, 'las.nhdr'),
      ['NRRD0004', 'type: float', 'dimension: 3', 'space: left-anterior-superior', 'sizes: 2 2 2',
        'space directions: (1,0,0) (0,1,0) (0,0,1)', 'endian: little', 'encoding: gzip', 'space origin: (1,2,3)',
        'data file: s%03d.raw.gz 1 2 1 2', ''].join('\n'),
    );
    const v = await readNrrdFile(path.join(dir, 'las.nhdr'));
    expect(Array.from(v.voxels)).toEqual([1, 1.5, 2, 2.5, 2, 2.5, 3, 3.5]);
    expect(v.geometry.originLps).toEqual([1, -2, 3]);
    expect(v.geometry.direction.slice(3, 6)).toEqual([0, -1, 0]);
  });

  const header = (lines: string[]) => Buffer.from(['NRRD0004', ...lines, '', ''].join('\n'), 'latin1');
  const codeOf = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      return isVoxaError(e) ? e.code : `untyped ${String(e)}`;
    }
    return 'no error';
  };

  it('refuses a 10^10-voxel claim before allocating', () => {
    const bytes = header(['type: short', 'dimension: 3', 'sizes: 100000 10000 10', 'encoding: raw']);
    expect(codeOf(() => readNrrd(bytes, 'huge.nrrd'))).toBe('TOO_LARGE');
  });

  it('typed errors for truncated data, damaged gzip, bad magic, missing fields, missing data file', async () => {
    const base = ['type: short', 'dimension: 3', 'sizes: 4 4 4', 'space: LPS', 'space directions: (1,0,0) (0,1,0) (0,0,1)', 'space origin: (0,0,0)'];
    const raw = Buffer.concat([header([...base, 'encoding: raw']), Buffer.alloc(100)]);
    expect(codeOf(() => readNrrd(raw, 't.nrrd'))).toBe('CORRUPT_INPUT');
    const gz = gzipSync(Buffer.alloc(128));
    const cut = Buffer.concat([header([...base, 'encoding: gzip']), gz.subarray(0, 12)]);
    expect(codeOf(() => readNrrd(cut, 'g.nrrd'))).toBe('CORRUPT_INPUT');
    expect(codeOf(() => readNrrd(Buffer.from('hello'), 'x.nrrd'))).toBe('CORRUPT_INPUT');
    expect(codeOf(() => readNrrd(header(['dimension: 3', 'sizes: 1 1 1', 'encoding: raw']), 'n.nrrd'))).toBe('CORRUPT_INPUT');
    expect(codeOf(() => readNrrd(header([...base.slice(0, 4), 'space directions: (1,0,0) (0,0,0) (0,0,1)', 'encoding: raw']), 'z.nrrd'))).toBe('CORRUPT_INPUT');
    expect(codeOf(() => readNrrd(header([...base, 'encoding: bzip2']), 'b.nrrd'))).toBe('UNSUPPORTED');
    writeFileSync(path.join(dir, 'orphan.nhdr'), header([...base, 'encoding: raw', 'data file: gone.raw']));
    await expect(readNrrdFile(path.join(dir, 'orphan.nhdr'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
