import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDicomSegFile } from '../masks/dicomSegRead';
import { segmentVoxelCount } from '../masks/segmentation';
import { loadSourceSeries } from '../masks/sourceSeries';
import { dataPath, HAS_DATA as hasData } from '../../testing/dataDir';
import { hasPythonModules, runPythonJson } from '../../testing/pythonReference';
import { dciodvfyErrors, hasDciodvfy } from '../../testing/dicomValidator';
import { writeDicomSeries } from '../io/dicom/seriesWriter';
import { generateTorsoPhantom } from '../phantom/torsoPhantom';
import { BASIC_PROFILE } from './basicProfile';
import { deidentifyPath, type DeidReport } from './deidentify';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-deid-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const inDir = path.join(tmp, 'in');
const havePy = hasPythonModules(['pydicom', 'numpy']);

interface Check { pairs: number; phiLeaks: unknown[]; privateTags: unknown[]; forbidden: unknown[]; notEmpty: unknown[]; oldUidsInOutput: unknown[]; uidMapConflicts: unknown[]; pixelsChanged: unknown[]; pixelsCompared: number; mappedUids: number }

describe('PS3.15 basic profile table', () => {
  it('holds the attributes the standard lists, with their actions', () => {
    expect(BASIC_PROFILE.size).toBeGreaterThan(550);
    expect(BASIC_PROFILE.get('00100010')).toBe('Z'); // Patient's Name
    expect(BASIC_PROFILE.get('00100030')).toBe('Z'); // Patient's Birth Date
    expect(BASIC_PROFILE.get('00080080')).toBe('X/Z/D'); // Institution Name
    expect(BASIC_PROFILE.get('0020000D')).toBe('U'); // Study Instance UID
    expect(BASIC_PROFILE.get('00081155')).toBe('U'); // Referenced SOP Instance UID
    expect(BASIC_PROFILE.get('00101040')).toBe('X'); // Patient's Address
    expect(BASIC_PROFILE.get('00080016')).toBeUndefined(); // SOP Class UID is kept
  });
});

describe.skipIf(!hasData)('voxa de-identification on real samples', () => {
  let report: DeidReport;
  beforeAll(async () => {
    mkdirSync(inDir, { recursive: true });
    cpSync(dataPath('seg_dicom_liver_ct3slice_dcmqi', 'ct'), path.join(inDir, 'liver', 'ct'), { recursive: true });
    cpSync(dataPath('seg_dicom_liver_ct3slice_dcmqi', 'seg', 'liver.dcm'), path.join(inDir, 'liver', 'seg', 'liver.dcm'));
    cpSync(dataPath('seg_dicom_liver_ct3slice_dcmqi', 'seg', 'liver_expb.dcm'), path.join(inDir, 'liver', 'seg', 'liver_expb.dcm'));
    cpSync(dataPath('rtstruct_phantom_rtutils'), path.join(inDir, 'rt'), { recursive: true });
    for (const f of ['MR_small.dcm', 'MR_small_bigendian.dcm', 'CT_small.dcm', 'MR_small_jp2klossless.dcm']) cpSync(dataPath('dicom_ts_misc_pydicom', f), path.join(inDir, 'misc', f));
    cpSync(dataPath('dicom_edge_cases', 'MR-SIEMENS-DICOM-WithOverlays.dcm'), path.join(inDir, 'misc', 'overlays.dcm'));
    writeFileSync(path.join(inDir, 'misc', 'notes.txt'), 'Patient: SMITH');
    // A phantom slice carrying PHI and a burned-in annotation flag.
    const p = generateTorsoPhantom({ dimensions: [16, 16, 2], spacingMm: [20, 20, 100], lesions: [] });
    await writeDicomSeries(p.volume, path.join(inDir, 'burned'), { patientName: 'DOE^JANE', patientId: 'MRN-99812' });
    const burnedFile = path.join(inDir, 'burned', readdirSync(path.join(inDir, 'burned'))[0]!);
    const { default: dcmjs } = await import('dcmjs');
    const bytes = readFileSync(burnedFile);
    const parsed = dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    parsed.dict['00280301'] = { vr: 'CS', Value: ['YES'] };
    const { encodeDict } = await import('../io/dicom/part10');
    writeFileSync(burnedFile, encodeDict(parsed.meta, parsed.dict));
    report = await deidentifyPath(inDir, path.join(tmp, 'out'), { uidKey: 'test-key' });
  });

  it('writes every DICOM file, skips the text file and refuses the burned-in image', () => {
    expect(report.refused).toBe(1);
    expect(report.files.find((f) => f.status === 'refused')?.input).toMatch(/^burned/);
    expect(report.files.filter((f) => f.status === 'skipped').map((f) => f.input)).toEqual([path.join('misc', 'notes.txt')]);
    expect(report.written).toBe(report.files.length - 2);
  });

  it.skipIf(!havePy)('pydicom finds no PHI, no private or overlay data, no original UID, a consistent UID map and unchanged pixels', () => {
    const pairs = report.files.filter((f) => f.status === 'written').map((f) => [path.join(inDir, f.input), f.output]);
    const pairsFile = path.join(tmp, 'pairs.json');
    writeFileSync(pairsFile, JSON.stringify(pairs));
    const r = runPythonJson<Check>(readFileSync(path.join(__dirname, 'reference', 'deid_reference.py'), 'utf8'), [pairsFile]);
    expect(r.pairs).toBe(report.written);
    expect(JSON.stringify(r.phiLeaks)).toBe("[]");
    expect(r.privateTags).toEqual([]);
    expect(r.forbidden).toEqual([]);
    expect(r.notEmpty).toEqual([]);
    expect(r.oldUidsInOutput).toEqual([]);
    expect(r.uidMapConflicts).toEqual([]);
    expect(r.pixelsChanged).toEqual([]);
    expect(r.pixelsCompared).toBe(report.written - 1); // every file but the RTSTRUCT holds pixels
    // Control: the same checker flags the original files.
    const control = path.join(tmp, 'control.json');
    writeFileSync(control, JSON.stringify(pairs.map(([a]) => [a, a])));
    const c = runPythonJson<Check>(readFileSync(path.join(__dirname, 'reference', 'deid_reference.py'), 'utf8'), [control]);
    expect(c.phiLeaks.length).toBeGreaterThan(5);
    expect(c.oldUidsInOutput.length).toBe(pairs.length);
    expect(c.privateTags.length).toBeGreaterThan(0);
  });

  it.skipIf(!hasDciodvfy)('adds no IOD error: dciodvfy finds nothing in the output that it did not find in the input', () => {
    for (const f of report.files.filter((x) => x.status === 'written')) {
      const before = new Set(dciodvfyErrors(path.join(inDir, f.input)));
      expect(dciodvfyErrors(f.output!).filter((e) => !before.has(e)), f.input).toEqual([]);
    }
  });

  it('keeps references across files: the de-identified liver SEG still lands on the de-identified CT by SOP reference', async () => {
    const ctOut = report.files.find((f) => f.input === path.join('liver', 'ct', '01.dcm'))!.output!;
    const segOut = report.files.find((f) => f.input === path.join('liver', 'seg', 'liver.dcm'))!.output!;
    const ct = await loadSourceSeries(path.dirname(ctOut));
    const seg = await readDicomSegFile(segOut, ct);
    expect(seg.warnings).toEqual([]);
    expect(segmentVoxelCount(seg.segments[0]!, 'BINARY', 1)).toBe(107098); // MANIFEST / NRRD reference
  });

  it('maps UIDs the same way in a second run with the same key, differently with another key', async () => {
    const again = await deidentifyPath(path.join(inDir, 'misc', 'CT_small.dcm'), path.join(tmp, 'out2'), { uidKey: 'test-key' });
    const other = await deidentifyPath(path.join(inDir, 'misc', 'CT_small.dcm'), path.join(tmp, 'out3'), { uidKey: 'other-key' });
    const first = report.files.find((f) => f.input === path.join('misc', 'CT_small.dcm'))!.output!;
    expect(path.basename(again.files[0]!.output!)).toBe(path.basename(first));
    expect(path.basename(other.files[0]!.output!)).not.toBe(path.basename(first));
  });
});
