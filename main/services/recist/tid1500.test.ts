/**
 * DICOM SR TID 1500: Voxa's writer read back by Voxa and by pydicom (an
 * independent decoder), and the reader on the TID 1500 samples of
 * ../shared/data (dcmqi, highdicom, dwv) against pydicom's walk of the same
 * files and the values MANIFEST.md states.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isVoxaError } from '../../../common/contract';
import type { Vec3 } from '../../../common/volume';
import { dataPath, HAS_DATA } from '../../testing/dataDir';
import { hasPythonModules, PYTHON } from '../../testing/pythonReference';
import { CT_IMAGE_STORAGE, hashedUid } from '../io/dicom/part10';
import { lesionFromGroup, readTid1500File } from './tid1500';
import { CODES, type SrLesion, type SrSubject } from './tid1500Model';
import { writeTid1500 } from './tid1500Write';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-sr-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const havePy = hasPythonModules(['pydicom']);

interface RefGroup {
  trackingId: string | null;
  trackingUid: string | null;
  findingSite: string | null;
  nums: { code: string; value: number | null; unit: string | null; points: number[] }[];
}
const pyGroups = (file: string) =>
  (JSON.parse(execFileSync(PYTHON, [path.join(__dirname, 'reference', 'sr_groups.py'), file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { sopClass: string; groups: RefGroup[] })
    .groups;

const subject: SrSubject = {
  header: { PatientName: 'Phantom^Torso', PatientID: 'VOXA-0001', StudyDate: '20260102' },
  studyInstanceUid: hashedUid('t|study'),
  seriesInstanceUid: hashedUid('t|series'),
  frameOfReferenceUid: hashedUid('t|for'),
  images: [0, 1, 2].map((k) => ({ sopClassUid: CT_IMAGE_STORAGE, sopInstanceUid: hashedUid(`t|img${k}`) })),
};
const seg = { sopClassUid: '1.2.840.10008.5.1.4.1.1.66.4', sopInstanceUid: hashedUid('t|seg'), seriesInstanceUid: hashedUid('t|segseries') };
const p = (x: number, y: number, z: number): Vec3 => [x, y, z];
const lesions: SrLesion[] = [
  {
    trackingId: 'T1 liver',
    trackingUid: hashedUid('t|T1'),
    role: 'target',
    findingSite: { value: '10200004', scheme: 'SCT', meaning: 'Liver' },
    longAxis: { lengthMm: 47.219876543211, startLps: p(-12.5, 30.25, -101.75), endLps: p(30.125, 10.5, -101.75) },
    shortAxis: { lengthMm: 30.1333, startLps: p(0.5, 5.5, -101.75), endLps: p(10.75, 33.5, -101.75) },
    longest3d: { lengthMm: 50.02, startLps: p(-12.5, 30.25, -104), endLps: p(33, 9, -98) },
    volumeMl: 12.345678,
    segment: { ...seg, segmentNumber: 2 },
  },
  {
    trackingId: 'N1',
    trackingUid: hashedUid('t|N1'),
    role: 'nonTarget',
    isNode: true,
    manual: true,
    findingSite: { value: '59441001', scheme: 'SCT', meaning: 'Lymph node' },
    longAxis: { lengthMm: 21 },
    shortAxis: { lengthMm: 16.5, startLps: p(1, 2, 3), endLps: p(1, 18.5, 3) },
  },
  { trackingId: 'new 1', trackingUid: hashedUid('t|new1'), role: 'new', longAxis: { lengthMm: 0 } },
];

describe('TID 1500 write → read', () => {
  const file = path.join(tmp, 'voxa-sr.dcm');

  it('reads back the measurements it wrote: lengths to DS precision, endpoints to float32, roles, ids, site, SEG reference', async () => {
    await writeTid1500(file, lesions, subject, { uidSeed: 'rt', timePoint: 'baseline' });
    const doc = await readTid1500File(file);
    expect(doc.templateId).toBe('1500');
    expect(doc.studyInstanceUid).toBe(subject.studyInstanceUid);
    expect(doc.patientId).toBe('VOXA-0001');
    expect(doc.groups).toHaveLength(3);
    doc.groups.forEach((g, n) => {
      const want = lesions[n] as SrLesion;
      const got = lesionFromGroup(g, n);
      expect(g.timePoint).toBe('baseline');
      expect(got.trackingId).toBe(want.trackingId);
      expect(got.trackingUid).toBe(want.trackingUid);
      expect(got.role).toBe(want.role);
      expect(got.isNode).toBe(!!want.isNode);
      expect(got.manual).toBe(!!want.manual);
      expect(got.findingSite).toEqual(want.findingSite);
      expect(got.volumeMl === undefined).toBe(want.volumeMl === undefined);
      if (want.volumeMl !== undefined) expect(got.volumeMl).toBeCloseTo(want.volumeMl, 10);
      for (const key of ['longAxis', 'shortAxis', 'longest3d'] as const) {
        const w = want[key];
        const r = got[key];
        expect(r === undefined).toBe(w === undefined);
        if (!w || !r) continue;
        expect(Math.abs(r.lengthMm - w.lengthMm)).toBeLessThan(1e-9);
        expect(r.startLps === undefined).toBe(w.startLps === undefined);
        if (w.startLps && w.endLps) {
          for (let a = 0; a < 3; a++) {
            expect(Math.abs((r.startLps as Vec3)[a]! - w.startLps[a]!)).toBeLessThan(1e-4);
            expect(Math.abs((r.endLps as Vec3)[a]! - w.endLps[a]!)).toBeLessThan(1e-4);
          }
        }
      }
    });
    expect(doc.groups[0]!.segment).toEqual({ sopInstanceUid: seg.sopInstanceUid, sopClassUid: seg.sopClassUid, segmentNumber: 2 });
    expect(doc.groups[0]!.sourceSeriesUid).toBe(subject.seriesInstanceUid);
  });

  it.skipIf(!havePy)('pydicom reads the same groups, values and LPS endpoints from the written file', () => {
    const ref = pyGroups(file);
    expect(ref.map((g) => g.trackingId)).toEqual(lesions.map((l) => l.trackingId));
    expect(ref.map((g) => g.trackingUid)).toEqual(lesions.map((l) => l.trackingUid));
    const t1 = ref[0]!;
    expect(t1.findingSite).toBe('10200004');
    expect(t1.nums.map((x) => x.code)).toEqual([CODES.longAxis.value, CODES.shortAxis.value, CODES.diameter.value, CODES.volume.value]);
    expect(t1.nums[0]!.value).toBeCloseTo(47.219876543211, 9);
    expect(t1.nums[0]!.unit).toBe('mm');
    expect(t1.nums[3]!.unit).toBe('ml');
    expect(t1.nums[0]!.points).toEqual([-12.5, 30.25, -101.75, 30.125, 10.5, -101.75]);
  });

  it('refuses a report without lesions, a duplicated tracking UID and a negative length', async () => {
    const codeOf = async (f: () => Promise<unknown>) => f().then(() => 'ok', (e: unknown) => (isVoxaError(e) ? e.code : 'other'));
    expect(await codeOf(() => writeTid1500(path.join(tmp, 'x.dcm'), [], subject))).toBe('BAD_REQUEST');
    expect(await codeOf(() => writeTid1500(path.join(tmp, 'x.dcm'), [lesions[0]!, { ...lesions[1]!, trackingUid: lesions[0]!.trackingUid }], subject))).toBe('BAD_REQUEST');
    expect(await codeOf(() => writeTid1500(path.join(tmp, 'x.dcm'), [{ ...lesions[2]!, longAxis: { lengthMm: -1 } }], subject))).toBe('BAD_REQUEST');
  });
});

describe('TID 1500 read: bad input', () => {
  const codeOf = async (file: string) => readTid1500File(file).then(() => 'ok', (e: unknown) => (isVoxaError(e) ? e.code : 'other'));
  it('names a non-DICOM file, a damaged one and a missing one', async () => {
    const junk = path.join(tmp, 'junk.dcm');
    writeFileSync(junk, 'not dicom');
    expect(await codeOf(junk)).toBe('CORRUPT_INPUT');
    const cut = path.join(tmp, 'cut.dcm');
    await writeTid1500(path.join(tmp, 'whole.dcm'), lesions, subject);
    const whole = await import('node:fs').then((fs) => fs.readFileSync(path.join(tmp, 'whole.dcm')));
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
    expect(await codeOf(cut)).toBe('CORRUPT_INPUT');
    expect(await codeOf(path.join(tmp, 'missing.dcm'))).toBe('NOT_FOUND');
  });
  it.skipIf(!HAS_DATA)('refuses an image and a Basic Text SR that is not TID 1500 as UNSUPPORTED', async () => {
    expect(await codeOf(dataPath('seg_sr_highdicom_small', 'ct_image.dcm'))).toBe('UNSUPPORTED');
    expect(await codeOf(dataPath('sr_tid1500_annotations_dwv', 'dwv034', 'sr-ruler.dcm'))).toBe('UNSUPPORTED');
  });
});

describe.skipIf(!HAS_DATA || !havePy)('TID 1500 read: ../shared/data samples against pydicom', () => {
  const files = [
    ['sr_tid1500_qin_headneck_dcmqi', 'sr.dcm'],
    ['seg_sr_highdicom_small', 'sr_document.dcm'],
    ['seg_sr_highdicom_small', 'sr_document_with_multiple_groups.dcm'],
    ...['ruler', 'ellipse', 'circle', 'arrow', 'rectangle', 'roi', 'protractor'].map((k) => ['sr_tid1500_annotations_dwv', 'tid1500-0', `sr-${k}.dcm`]),
  ];
  it.each(files)('%s/%s: same groups, tracking ids, finding sites, NUM values and units', async (...parts) => {
    const file = dataPath(...parts);
    const doc = await readTid1500File(file);
    const ref = pyGroups(file);
    expect(doc.groups.length).toBe(ref.length);
    expect(ref.length).toBeGreaterThan(0);
    doc.groups.forEach((g, n) => {
      const r = ref[n] as RefGroup;
      expect(g.trackingId ?? null).toBe(r.trackingId);
      expect(g.trackingUid ?? null).toBe(r.trackingUid);
      expect(g.findingSite?.value ?? null).toBe(r.findingSite);
      expect(g.measurements.map((m) => [m.concept.value, m.value, m.unit?.value ?? null])).toEqual(r.nums.map((x) => [x.code, x.value, x.unit]));
    });
  });

  it('dcmqi QIN-HEADNECK: volume 33.58 mL (MANIFEST), finding site adenoid, segment 1 of the SEG in the same folder', async () => {
    const doc = await readTid1500File(dataPath('sr_tid1500_qin_headneck_dcmqi', 'sr.dcm'));
    const l = lesionFromGroup(doc.groups[0]!, 0);
    expect(l.trackingId).toBe('primary tumor');
    expect(l.volumeMl).toBeCloseTo(33.58, 2);
    expect(l.findingSite?.meaning).toMatch(/adenoid/);
    const segUid = execFileSync(PYTHON, ['-c', 'import pydicom,sys; print(pydicom.dcmread(sys.argv[1]).SOPInstanceUID)', dataPath('sr_tid1500_qin_headneck_dcmqi', 'seg.dcm')], { encoding: 'utf8' }).trim();
    expect(l.segment).toMatchObject({ sopInstanceUid: segUid, segmentNumber: 1 });
  });

  it('dwv rulers: three manual 4.025 mm lengths (MANIFEST); dwv ellipse: long and short axis; highdicom: 200 mm³ = 0.2 mL, a 10 mm diameter that is not a 3D maximum', async () => {
    const ruler = await readTid1500File(dataPath('sr_tid1500_annotations_dwv', 'tid1500-0', 'sr-ruler.dcm'));
    const lengths = ruler.groups.map((g, n) => lesionFromGroup(g, n));
    expect(lengths.map((l) => Math.round(l.longAxis!.lengthMm * 1000) / 1000)).toEqual([4.025, 4.025, 4.025]);
    expect(lengths.every((l) => l.manual)).toBe(true);
    const ellipse = lesionFromGroup((await readTid1500File(dataPath('sr_tid1500_annotations_dwv', 'tid1500-0', 'sr-ellipse.dcm'))).groups[0]!, 0);
    expect(ellipse.longAxis!.lengthMm).toBeCloseTo(3.189873417722, 9);
    expect(ellipse.shortAxis!.lengthMm).toBeCloseTo(1.898734177215, 9);
    const multi = (await readTid1500File(dataPath('seg_sr_highdicom_small', 'sr_document_with_multiple_groups.dcm'))).groups.map((g, n) => lesionFromGroup(g, n));
    const vertebra = multi.find((l) => l.trackingId === 'Vertebra0001');
    expect(vertebra?.volumeMl).toBeCloseTo(0.2, 12);
    const nodule = multi.find((l) => l.trackingId === 'LungNodule0001');
    expect(nodule?.findingSite?.meaning).toBe('Lung');
    expect(nodule?.longest3d).toBeUndefined();
  });
});
