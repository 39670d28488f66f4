/**
 * Bad input gets a specific VoxaError or warning per file, and a folder import
 * goes on with the rest: truncated files, lying length fields, absurd sizes
 * (refused before allocation), NaN/Inf voxels, empty folders, non-DICOM files,
 * an unsupported transfer syntax.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as dicomParser from 'dicom-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { isVoxaError } from '../../../common/contract';
import type { Volume } from '../../../common/volume';
import { dataPath, HAS_DATA } from '../../testing/dataDir';
import { readDicomFile, readDicomFolder } from './dicom/seriesReader';
import { scanDicomFolder } from './dicom/seriesScan';
import { readNifti, readNiftiFile } from './niftiReader';
import { encodeNifti } from './niftiWriter';
import { readNrrd } from './nrrdReader';

async function errorOf(p: Promise<unknown> | (() => unknown)): Promise<{ code: string; message: string }> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (isVoxaError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a VoxaError');
}

function tinyVolume(values: number[]): Volume {
  return {
    geometry: { dimensions: [values.length, 1, 1], spacingMm: [1, 1, 1], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
    dtype: 'float32',
    voxels: Float32Array.from(values),
    meta: { modality: 'MR', sourceFormat: 'nifti', description: '', patientName: '', patientId: '', studyDate: '', seriesInstanceUid: '', warnings: [] },
  };
}

/** Array-buffer memory in use now (what a voxel allocation would show up in). */
const arrayBytes = () => process.memoryUsage().arrayBuffers;

describe('absurd sizes are refused before any allocation', () => {
  it('NIfTI header claiming 10^10 voxels (30000 × 30000 × 12 float32; dims are int16): TOO_LARGE, no big buffer', async () => {
    const bytes = encodeNifti(tinyVolume([1, 2, 3, 4]));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    view.setInt16(40, 3, true);
    view.setInt16(42, 30000, true);
    view.setInt16(44, 30000, true);
    view.setInt16(46, 12, true);
    for (const input of [bytes, new Uint8Array(gzipSync(bytes))]) {
      const before = arrayBytes();
      const e = await errorOf(() => readNifti(input, 'huge.nii'));
      expect(e.code).toBe('TOO_LARGE');
      expect(e.message).toMatch(/30000×30000×12 voxels/);
      expect(arrayBytes() - before).toBeLessThan(64 * 1024 * 1024);
    }
  });

  it('NRRD sizes 100000 100000 1 (10^10 voxels): TOO_LARGE, no big buffer', async () => {
    const before = arrayBytes();
    const header = 'NRRD0004\ntype: short\ndimension: 3\nsizes: 100000 100000 1\nencoding: raw\n\n';
    const e = await errorOf(() => readNrrd(new Uint8Array(Buffer.from(`${header}\0\0\0\0`)), 'huge.nrrd'));
    expect(e.code).toBe('TOO_LARGE');
    expect(arrayBytes() - before).toBeLessThan(64 * 1024 * 1024);
  });

  it.skipIf(!HAS_DATA)('DICOM 65535 × 65535 × 99 frames (4×10^11 samples): refused from the header', async () => {
    const src = readFileSync(dataPath('dicom_enhanced_pydicom', 'emri_small.dcm'));
    const ds = dicomParser.parseDicom(src);
    const bytes = Buffer.from(src);
    bytes.writeUInt16LE(65535, ds.elements.x00280010!.dataOffset);
    bytes.writeUInt16LE(65535, ds.elements.x00280011!.dataOffset);
    bytes.write('99', ds.elements.x00280008!.dataOffset, 'latin1');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'voxa-huge-'));
    try {
      writeFileSync(path.join(dir, 'huge.dcm'), bytes);
      const before = arrayBytes();
      const e = await errorOf(readDicomFile(path.join(dir, 'huge.dcm')));
      expect(e.code).toBe('UNSUPPORTED');
      expect(e.message).toMatch(/header claims 65535×65535×99 samples .* above the .* limit/);
      expect(arrayBytes() - before).toBeLessThan(64 * 1024 * 1024);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe('NIfTI files read as a stream', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'voxa-nii-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const values = Array.from({ length: 7 * 5 * 3 }, (_v, n) => (n * 13) % 50);
  const whole = encodeNifti({ ...tinyVolume(values), geometry: { ...tinyVolume(values).geometry, dimensions: [7, 5, 3] } });

  it('gives the same volume as the in-memory reader, .nii and .nii.gz, also below 540 bytes', async () => {
    const tiny = encodeNifti(tinyVolume([5]));
    expect(tiny.length).toBeLessThan(540);
    for (const [name, bytes] of [['a.nii', whole], ['a.nii.gz', gzipSync(whole)], ['tiny.nii', tiny], ['tiny.nii.gz', gzipSync(tiny)]] as const) {
      writeFileSync(path.join(dir, name), bytes);
      const a = await readNiftiFile(path.join(dir, name));
      const b = readNifti(new Uint8Array(bytes), name);
      expect(a.geometry, name).toEqual(b.geometry);
      expect(Array.from(a.voxels), name).toEqual(Array.from(b.voxels));
      expect(a.voxels.byteOffset).toBe(0); // the voxels own their buffer (sent across IPC without a copy)
    }
  });

  it('a .nii.gz cut short is CORRUPT_INPUT, not a short array', async () => {
    const gz = gzipSync(whole);
    writeFileSync(path.join(dir, 'cut.nii.gz'), gz.subarray(0, gz.length - 40));
    expect((await errorOf(readNiftiFile(path.join(dir, 'cut.nii.gz')))).code).toBe('CORRUPT_INPUT');
    writeFileSync(path.join(dir, 'cut.nii'), whole.subarray(0, whole.length - 10));
    expect(await errorOf(readNiftiFile(path.join(dir, 'cut.nii')))).toMatchObject({ code: 'CORRUPT_INPUT', message: expect.stringMatching(/truncated/) as unknown });
  });
});

describe('NaN and infinite voxels load with a warning', () => {
  it('NIfTI float32', () => {
    const v = readNifti(encodeNifti(tinyVolume([1, Number.NaN, 3, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])), 'nan.nii');
    expect(v.meta.warnings.join('\n')).toMatch(/3 voxels are NaN or infinite/);
    expect(Number.isNaN(v.voxels[1])).toBe(true);
  });
  it('NRRD float', () => {
    const body = Buffer.from(Float32Array.from([0, Number.NaN, 2, Number.POSITIVE_INFINITY]).buffer);
    const v = readNrrd(new Uint8Array(Buffer.concat([Buffer.from('NRRD0004\ntype: float\ndimension: 3\nsizes: 4 1 1\nendian: little\nencoding: raw\n\n'), body])), 'nan.nrrd');
    expect(v.meta.warnings.join('\n')).toMatch(/2 voxels are NaN or infinite/);
  });
});

describe.skipIf(!HAS_DATA)('damaged DICOM files are reported one by one and the rest of the folder loads', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'voxa-bad-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const cardiac = (n: number) => dataPath('mr_series_chest_cardiac_seg3d', `IM-0001-${String(n).padStart(4, '0')}.dcm`);

  it('empty folder: NOT_FOUND; only non-DICOM files: NOT_FOUND naming them', async () => {
    const empty = path.join(root, 'empty');
    mkdirSync(empty);
    expect(await errorOf(readDicomFolder(empty))).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/holds no files/) as unknown });
    const junk = path.join(root, 'junk');
    mkdirSync(junk);
    writeFileSync(path.join(junk, 'a.txt'), 'hello');
    writeFileSync(path.join(junk, 'b.bin'), Buffer.alloc(4096, 7));
    const e = await errorOf(readDicomFolder(junk));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toMatch(/a\.txt: not a DICOM file/);
  });

  it('truncated pixel data, lying pixel length, unsupported transfer syntax and junk beside 5 good slices', async () => {
    const dir = path.join(root, 'mixed');
    mkdirSync(dir);
    for (const n of [1, 2, 4, 5, 6]) copyFileSync(cardiac(n), path.join(dir, `ok-${n}.dcm`));
    // Slice 3, cut in its pixel data.
    const whole = readFileSync(cardiac(3));
    writeFileSync(path.join(dir, 'cut-3.dcm'), whole.subarray(0, whole.length - 1000));
    // Slice 7 whose pixel data length field claims less than Rows × Columns × 2.
    const ds7 = dicomParser.parseDicom(readFileSync(cardiac(7)), { untilTag: 'x7fe00010' });
    const seven = Buffer.from(readFileSync(cardiac(7)));
    seven.writeUInt32LE(1000, ds7.elements.x7fe00010!.dataOffset - 4);
    writeFileSync(path.join(dir, 'short-7.dcm'), seven);
    // A file whose transfer syntax is not one we decode (UID patched in place, same length).
    const mr = Buffer.from(readFileSync(dataPath('dicom_ts_misc_pydicom', 'MR_small.dcm')));
    const at = mr.indexOf('1.2.840.10008.1.2.1\0', 128, 'latin1');
    expect(at).toBeGreaterThan(0);
    mr.write('1.2.840.10008.1.2.9\0', at, 'latin1');
    writeFileSync(path.join(dir, 'odd-syntax.dcm'), mr);
    writeFileSync(path.join(dir, 'notes.txt'), 'not an image');

    const scan = await scanDicomFolder(dir);
    const reasons = Object.fromEntries(scan.skipped.map((s) => [s.file, `${s.kind}: ${s.reason}`]));
    expect(reasons['cut-3.dcm']).toMatch(/^damaged: file is truncated: pixel data ends at byte \d+, the file has \d+/);
    expect(reasons['short-7.dcm']).toMatch(/^damaged: pixel data holds 1000 bytes, the header needs 819200/);
    expect(reasons['odd-syntax.dcm']).toMatch(/^unsupported: transfer syntax 1\.2\.840\.10008\.1\.2\.9 is not supported/);
    expect(reasons['notes.txt']).toMatch(/^not-dicom: not a DICOM file/);

    const v = await readDicomFolder(dir);
    expect(v.geometry.dimensions).toEqual([640, 640, 5]);
    const w = v.meta.warnings.join('\n');
    expect(w).toMatch(/gap in the series: 1 place/); // slice 3 is missing
    expect(w).toMatch(/4 files skipped/);
  });
});
