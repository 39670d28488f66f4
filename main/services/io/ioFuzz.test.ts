/**
 * Seeded mutation fuzz of the image readers: byte flips, truncation and
 * length-field changes over small real sample files (NIfTI, NRRD, DICOM in
 * implicit/explicit/big-endian, deflate, RLE, JPEG 12-bit, JPEG lossless,
 * JPEG-LS, JPEG 2000, multi-frame) and small generated NIfTI/NRRD files.
 * Every case must end in a Volume or a VoxaError (no other exception type, no
 * crash) within the per-case limit. VOXA_FUZZ_CASES (default 2000) and
 * VOXA_FUZZ_SEED (default 1) change the run; a failure prints the seed, case
 * number and mutation so it can be replayed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import * as dicomParser from 'dicom-parser';
import { mulberry32 } from '../../../common/random';
import { afterAll, describe, expect, it } from 'vitest';
import { VoxaError } from '../../../common/contract';
import type { Volume } from '../../../common/volume';
import { dataPath, HAS_DATA } from '../../testing/dataDir';
import { readDicomFile } from './dicom/seriesReader';
import { readNifti, readNiftiFile } from './niftiReader';
import { encodeNifti } from './niftiWriter';
import { readNrrd } from './nrrdReader';

const CASES = Number(process.env.VOXA_FUZZ_CASES ?? 2000);
const SEED = Number(process.env.VOXA_FUZZ_SEED ?? 1);
/** A case that takes longer than this counts as a hang (the machine running CI has 2 busy cores). */
const CASE_LIMIT_MS = 10_000;


type Format = 'dicom' | 'nifti' | 'nrrd';
interface Sample {
  name: string;
  format: Format;
  bytes: Uint8Array;
  /** Byte positions of length fields (DICOM element lengths, NIfTI dims/offsets). */
  lengthFields: { at: number; size: 2 | 4 }[];
  gz: boolean;
}

const DICOM_SAMPLES = [
  'dicom_legacy_enhanced_ct_23x38x3/image/IMG0001.dcm', // implicit LE
  'dicom_legacy_enhanced_ct_23x38x3/multiframe/mf.dcm', // legacy enhanced multi-frame
  'dicom_ts_misc_pydicom/MR_small.dcm', // explicit LE
  'dicom_ts_misc_pydicom/MR_small_bigendian.dcm', // explicit BE
  'dicom_ts_misc_pydicom/MR_small_RLE.dcm', // RLE
  'dicom_ts_misc_pydicom/MR_small_jp2klossless.dcm', // JPEG 2000
  'dicom_ts_misc_pydicom/MR_small_jpeg_ls_lossless.dcm', // JPEG-LS
  'dicom_ts_misc_pydicom/JPEG-lossy.dcm', // JPEG extended 12-bit
  'dicom_ts_misc_pydicom/JPEGLSNearLossless_16.dcm', // JPEG-LS near-lossless 16-bit
  'dicom_ts_misc_pydicom/image_dfl.dcm', // deflated
  'dicom_ts_misc_pydicom/ExplVR_BigEnd.dcm', // RGB big endian
  'dicom_enhanced_pydicom/emri_small_RLE.dcm', // enhanced multi-frame RLE
  'dicom_enhanced_pydicom/emri_small_jpeg_2k_lossless.dcm', // enhanced multi-frame J2K
];

function dicomLengthFields(bytes: Uint8Array, name: string): { at: number; size: 2 | 4 }[] {
  // Deflated files: only the File Meta lengths are at known places in the file.
  const ds = /_dfl/.test(name) ? dicomParser.readPart10Header(bytes) : dicomParser.parseDicom(bytes);
  const out: { at: number; size: 2 | 4 }[] = [];
  const visit = (d: dicomParser.DataSet) => {
    for (const el of Object.values(d.elements)) {
      out.push({ at: el.dataOffset - 4, size: 4 }, { at: el.dataOffset - 2, size: 2 });
      for (const item of el.items ?? []) if (item.dataSet) visit(item.dataSet);
    }
  };
  visit(ds);
  return out.filter((f) => f.at >= 0);
}

/** NIfTI-1 header fields that carry sizes: dim[0..7], datatype, bitpix, vox_offset, sizeof_hdr, extension size. */
const NIFTI_FIELDS: { at: number; size: 2 | 4 }[] = [0, 40, 42, 44, 46, 48, 50, 52, 54, 70, 72, 108, 352].map((at) => ({ at, size: at === 0 || at === 108 || at === 352 ? 4 : 2 }));

function smallVolume(dtype: 'int16' | 'float32', withNaN: boolean): Volume {
  const dims: [number, number, number] = [9, 7, 5];
  const n = dims[0] * dims[1] * dims[2];
  const voxels = dtype === 'int16' ? new Int16Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) voxels[i] = (i * 37) % 200 - 50;
  if (withNaN) {
    voxels[3] = Number.NaN;
    voxels[5] = Number.POSITIVE_INFINITY;
  }
  return {
    geometry: { dimensions: dims, spacingMm: [0.8, 0.9, 2.5], originLps: [10, -20, 30], direction: [0, 1, 0, -1, 0, 0, 0, 0, 1] },
    dtype,
    voxels,
    meta: { modality: 'CT', sourceFormat: 'nifti', description: 'fuzz', patientName: '', patientId: '', studyDate: '', seriesInstanceUid: '', warnings: [] },
  };
}

function samples(): Sample[] {
  const out: Sample[] = [];
  for (const rel of DICOM_SAMPLES) {
    const bytes = new Uint8Array(readFileSync(dataPath(rel)));
    out.push({ name: rel, format: 'dicom', bytes, lengthFields: dicomLengthFields(bytes, rel), gz: false });
  }
  out.push({ name: 'generated int16.nii', format: 'nifti', bytes: encodeNifti(smallVolume('int16', false)), lengthFields: NIFTI_FIELDS, gz: false });
  out.push({ name: 'generated float32 NaN.nii.gz', format: 'nifti', bytes: encodeNifti(smallVolume('float32', true)), lengthFields: NIFTI_FIELDS, gz: true });
  out.push({ name: 'dcm_qa_enh 4D Ref.nii', format: 'nifti', bytes: new Uint8Array(readFileSync(dataPath('dicom_enhanced_mr_siemens_xa10/Siemens_REST1_w_SMS_PF7-8_6.nii'))), lengthFields: NIFTI_FIELDS, gz: false });
  for (const rel of ['dicom_legacy_enhanced_ct_23x38x3/nrrd/label.nrrd', 'lesion_mr_nrrd_pyradiomics/breast1_label.nrrd']) {
    out.push({ name: rel, format: 'nrrd', bytes: new Uint8Array(readFileSync(dataPath(rel))), lengthFields: [], gz: false });
  }
  const raw = Buffer.concat([Buffer.from('NRRD0004\ntype: float\ndimension: 3\nspace: right-anterior-superior\nsizes: 4 3 2\nspace directions: (1,0,0) (0,2,0) (0,0,3)\nspace origin: (1,2,3)\nendian: little\nencoding: raw\n\n'), Buffer.from(new Float32Array(24).map((_v, i) => (i === 7 ? Number.NaN : i)).buffer)]);
  out.push({ name: 'generated raw float.nrrd', format: 'nrrd', bytes: new Uint8Array(raw), lengthFields: [], gz: false });
  return out;
}

const EXTREMES = [0, 1, 2, 3, 0x7f, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

/** Applies one seeded mutation; returns the new bytes and a description for replay. */
function mutate(s: Sample, rnd: () => number): { bytes: Uint8Array; what: string } {
  const pick = <T,>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)] as T;
  // gzip files: half the time mutate the compressed stream, else the content (then recompress).
  const content = s.gz && rnd() < 0.5 ? null : s.gz ? new Uint8Array(gunzipSync(s.bytes)) : s.bytes;
  const base = content ?? s.bytes;
  const bytes = new Uint8Array(base);
  const kind = rnd();
  let what: string;
  if (kind < 0.4) {
    const n = 1 + Math.floor(rnd() * 8);
    // Headers matter most: 70% of flips land in the first KiB.
    const spots = Array.from({ length: n }, () => (rnd() < 0.7 ? Math.floor(rnd() * Math.min(1024, bytes.length)) : Math.floor(rnd() * bytes.length)));
    for (const at of spots) bytes[at] = Math.floor(rnd() * 256);
    what = `flip ${spots.join(',')}`;
  } else if (kind < 0.65) {
    const len = Math.floor(rnd() * bytes.length);
    what = `truncate ${len}`;
    return finish(s, content, bytes.subarray(0, len), what);
  } else if (s.format === 'nrrd') {
    // NRRD length fields are text: sizes, dimension, byte skip, line skip.
    const text = Buffer.from(bytes).toString('latin1');
    const headerEnd = text.indexOf('\n\n') > 0 ? text.indexOf('\n\n') : Math.min(text.length, 512);
    const fields = ['sizes: ', 'dimension: ', 'byte skip: ', 'line skip: ', 'encoding: ', 'type: '];
    const f = pick(fields);
    const value = pick(['0', '-1', '99999999999', '100000 100000 1', '4294967297', `${Math.floor(rnd() * 1e6)}`, 'nan', '3 3', 'gzip', 'raw', 'double', 'bzip2']);
    const header = text.slice(0, headerEnd);
    const at = header.indexOf(f);
    const next = at >= 0 ? header.replace(new RegExp(`${f}[^\\n]*`), `${f}${value}`) : `${header}\n${f}${value}`;
    what = `nrrd field "${f.trim()}" = ${value}`;
    return finish(s, content, new Uint8Array(Buffer.concat([Buffer.from(next, 'latin1'), Buffer.from(bytes.subarray(headerEnd))])), what);
  } else {
    const field = pick(s.lengthFields);
    const value = rnd() < 0.6 ? pick(EXTREMES) : Math.floor(rnd() * 2 ** (field.size * 8));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const le = !(s.format === 'dicom' && /bigendian|BigEnd/.test(s.name) && field.at > 200);
    if (field.at + field.size <= bytes.length) {
      if (field.size === 2) view.setUint16(field.at, value & 0xffff, le);
      else view.setUint32(field.at, value >>> 0, le);
    }
    what = `length field @${field.at}/${field.size} = ${value}`;
  }
  return finish(s, content, bytes, what);
}

/** gzip samples mutated inside are compressed again; those mutated in the compressed stream are left as they are. */
function finish(s: Sample, content: Uint8Array | null, bytes: Uint8Array, what: string): { bytes: Uint8Array; what: string } {
  if (!s.gz) return { bytes, what };
  return content ? { bytes: new Uint8Array(gzipSync(bytes)), what: `${what} (inside gzip)` } : { bytes, what: `${what} (gzip stream)` };
}

describe.skipIf(!HAS_DATA)(`reader fuzz: ${CASES} seeded cases (seed ${SEED})`, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'voxa-fuzz-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every mutated file gives a Volume or a VoxaError, in time', async () => {
    const all = samples();
    for (const s of all) if (s.gz) s.bytes = new Uint8Array(gzipSync(s.bytes));
    const rnd = mulberry32(SEED);
    const failures: string[] = [];
    const outcomes = new Map<string, number>();
    let slowest = { ms: 0, what: '' };
    for (let c = 0; c < CASES; c++) {
      const s = all[c % all.length] as Sample;
      const { bytes, what } = mutate(s, rnd);
      const label = `case ${c} (seed ${SEED}) ${s.name}: ${what}`;
      const t0 = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        const work = (async (): Promise<Volume> => {
          if (s.format === 'nifti') {
            if (c % 2) return readNifti(bytes, 'fuzz.nii');
            // The streaming file reader (what loadVolume uses) gets every other case.
            const file = path.join(dir, s.gz ? 'case.nii.gz' : 'case.nii');
            writeFileSync(file, bytes);
            return readNiftiFile(file);
          }
          if (s.format === 'nrrd') return readNrrd(bytes, 'fuzz.nrrd');
          const file = path.join(dir, `case${c % 4}.dcm`);
          writeFileSync(file, bytes);
          return readDicomFile(file);
        })();
        const timeout = new Promise<never>((_r, reject) => {
          timer = setTimeout(() => reject(new Error(`HANG: no answer after ${CASE_LIMIT_MS} ms`)), CASE_LIMIT_MS);
        });
        const v = await Promise.race([work, timeout]);
        if (v.voxels.length !== v.geometry.dimensions[0] * v.geometry.dimensions[1] * v.geometry.dimensions[2]) failures.push(`${label}: voxel count does not match the dimensions`);
        outcomes.set('volume', (outcomes.get('volume') ?? 0) + 1);
      } catch (e) {
        if (e instanceof VoxaError) outcomes.set(e.code, (outcomes.get(e.code) ?? 0) + 1);
        else failures.push(`${label}: ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}`);
      } finally {
        clearTimeout(timer);
      }
      const ms = performance.now() - t0;
      if (ms > slowest.ms) slowest = { ms, what: label };
    }
    console.log(`fuzz: ${CASES} cases, outcomes ${JSON.stringify(Object.fromEntries(outcomes))}, slowest ${slowest.ms.toFixed(0)} ms (${slowest.what})`);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(slowest.ms).toBeLessThan(CASE_LIMIT_MS);
    // The mutations really exercise both outcomes.
    expect(outcomes.get('volume') ?? 0).toBeGreaterThan(CASES / 20);
    expect(outcomes.get('CORRUPT_INPUT') ?? 0).toBeGreaterThan(CASES / 20);
  }, 600_000);
});
