import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isVoxaError } from '../../../common/contract';
import { dataPath, HAS_DATA as hasData } from '../../testing/dataDir';
import { writePhantomStudy } from '../phantom/phantomStudy';
import { hasPythonModules, PYTHON } from '../../testing/pythonReference';
import { dciodvfyErrors, hasDciodvfy } from '../../testing/dicomValidator';
import { readDicomSegFile, readDicomSeg } from './dicomSegRead';
import { writeDicomSeg } from './dicomSegWrite';
import { fromLabelmap, segmentVoxelCount, toLabelmap, type Segmentation } from './segmentation';
import { lesionSegmentInfo } from './segmentCodes';
import { loadSourceSeries } from './sourceSeries';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-seg-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const havePy = hasPythonModules(['pydicom', 'numpy']);

interface SegRef { segments: Record<string, number>; frames: number; sourceUids: string[]; sopClass: string; segmentLabels: string[]; categories: string[]; types: string[]; referencedSeries: string[] }
interface NrrdRef { counts: Record<string, number>; perSlice: number[]; shape: number[] }
const ref = <T,>(mode: 'seg' | 'nrrd', file: string): T =>
  JSON.parse(execFileSync(PYTHON, [path.join(__dirname, 'reference', 'seg_reference.py'), mode, file], { encoding: 'utf8', maxBuffer: 1 << 26 })) as T;

const counts = (s: Segmentation) => Object.fromEntries(s.segments.map((x) => [String(x.number), segmentVoxelCount(x, s.kind, s.maxFractionalValue)]));

describe.skipIf(!hasData || !havePy)('DICOM SEG import (real samples, pydicom/numpy references)', () => {
  const liverDir = dataPath('seg_dicom_liver_ct3slice_dcmqi');

  it('dcmqi liver SEG lands on its CT with the voxel count of the NRRD reference, slice by slice', async () => {
    const ct = await loadSourceSeries(path.join(liverDir, 'ct'));
    const seg = await readDicomSegFile(path.join(liverDir, 'seg', 'liver.dcm'), ct);
    const nrrd = ref<NrrdRef>('nrrd', path.join(liverDir, 'seg', 'liver_seg.nrrd'));
    expect(seg.warnings).toEqual([]);
    expect(seg.geometry.dimensions).toEqual(nrrd.shape);
    expect(counts(seg)['1']).toBe(nrrd.counts['1']);
    const [ni, nj, nk] = seg.geometry.dimensions;
    const perSlice = Array.from({ length: nk }, (_, k) => seg.segments[0]!.mask.subarray(k * ni * nj, (k + 1) * ni * nj).reduce((a, b) => a + b, 0));
    expect(perSlice).toEqual(nrrd.perSlice);
  });

  it('the big-endian copy gives the same mask, and the 5 partially overlapping segments keep their own masks', async () => {
    const ct = await loadSourceSeries(path.join(liverDir, 'ct'));
    const le = await readDicomSegFile(path.join(liverDir, 'seg', 'liver.dcm'), ct);
    const be = await readDicomSegFile(path.join(liverDir, 'seg', 'liver_expb.dcm'), ct);
    expect(Buffer.compare(Buffer.from(be.segments[0]!.mask), Buffer.from(le.segments[0]!.mask))).toBe(0);
    const file = path.join(liverDir, 'seg', 'partial_overlaps.dcm');
    const over = await readDicomSegFile(file, ct);
    expect(over.segments.map((s) => s.label)).toEqual(ref<SegRef>('seg', file).segmentLabels);
    expect(counts(over)).toEqual(Object.fromEntries(Object.entries(ref<SegRef>('seg', file).segments).map(([k, v]) => [k, v])));
    expect(toLabelmap(over).overlappingVoxels).toBeGreaterThan(0);
  });

  it.each(['seg_image_ct_binary.dcm', 'seg_image_ct_binary_fractional.dcm', 'seg_image_ct_binary_overlap.dcm', 'seg_image_ct_binary_single_frame.dcm', 'seg_image_ct_true_fractional.dcm'])(
    'highdicom %s imports with pydicom’s per-segment counts',
    async (name) => {
      const file = dataPath('seg_sr_highdicom_small', name);
      const seg = await readDicomSegFile(file);
      expect(counts(seg)).toEqual(ref<SegRef>('seg', file).segments);
    },
  );

  it('highdicom single-frame SEG lands on ct_image.dcm by its source reference', async () => {
    const ct = await loadSourceSeries(dataPath('seg_sr_highdicom_small', 'ct_image.dcm'));
    const file = dataPath('seg_sr_highdicom_small', 'seg_image_ct_binary_single_frame.dcm');
    const seg = await readDicomSegFile(file, ct);
    expect(seg.warnings).toEqual([]);
    expect(counts(seg)).toEqual(ref<SegRef>('seg', file).segments);
  });

  it('refuses a CT image and a truncated SEG with typed errors', async () => {
    const ctBytes = readFileSync(path.join(liverDir, 'ct', '01.dcm'));
    expect(() => readDicomSeg(ctBytes, '01.dcm')).toThrow(/not a DICOM Segmentation/);
    const segBytes = readFileSync(path.join(liverDir, 'seg', 'liver.dcm'));
    for (const cut of [100, 2000, segBytes.length - 5000]) {
      try {
        readDicomSeg(segBytes.subarray(0, cut), 'cut.dcm');
        expect.unreachable();
      } catch (e) {
        expect(isVoxaError(e)).toBe(true);
      }
    }
  });
});

describe('DICOM SEG export → re-import', () => {
  it.each([false, true])('phantom lesions (oblique grid: %s) re-import to the identical labelmap; pydicom sees the same frames', async (oblique) => {
    const study = await writePhantomStudy(path.join(tmp, `study-${oblique}`), { seed: 21, oblique, dimensions: [96, 80, 50], spacingMm: [4, 4, 6], lesionCount: 3 });
    const source = await loadSourceSeries(study.dicomDir);
    const infos = study.truth.map((t) => lesionSegmentInfo(t.label, t.name, t.organ));
    const seg = fromLabelmap(source.volume.geometry, study.phantom.labels, infos);
    expect(seg.segments.length).toBe(study.truth.length);
    expect(study.truth.filter((t) => t.voxelCount > 0).length).toBeGreaterThanOrEqual(2);
    const file = path.join(tmp, `lesions-${oblique}.seg.dcm`);
    await writeDicomSeg(seg, source, file, { uidSeed: 'test' });
    const back = await readDicomSegFile(file, source);
    expect(back.warnings).toEqual([]);
    expect(Buffer.compare(Buffer.from(toLabelmap(back).labels), Buffer.from(study.phantom.labels))).toBe(0);
    // Standalone (plane positions only) also lands each frame on the same slices.
    const alone = await readDicomSegFile(file);
    expect(alone.segments.map((s) => segmentVoxelCount(s, 'BINARY', 1))).toEqual(seg.segments.map((s) => segmentVoxelCount(s, 'BINARY', 1)));
    if (hasDciodvfy) {
      expect(dciodvfyErrors(file)).toEqual([]); // the Segmentation IOD validates (dicom3tools)
      expect(dciodvfyErrors(source.instances[0]!.file)).toEqual([]); // and so does the phantom CT slice
    }
    if (havePy) {
      const r = ref<SegRef>('seg', file);
      expect(r.sopClass).toBe('1.2.840.10008.5.1.4.1.1.66.4');
      expect(r.segments).toEqual(Object.fromEntries(study.truth.map((t) => [String(t.label), t.voxelCount])));
      const sopUids = new Set(source.instances.map((i) => i?.sopInstanceUid));
      expect(r.sourceUids.every((u) => sopUids.has(u))).toBe(true);
      expect(r.referencedSeries).toEqual([source.seriesInstanceUid]);
      expect(r.categories.every((c) => c === '49755003')).toBe(true);
      expect(r.types.every((c) => c === '52988006' || c === '27925004')).toBe(true);
    }
  });

  it('overlapping and fractional segments survive the round trip', async () => {
    const study = await writePhantomStudy(path.join(tmp, 'frac'), { seed: 2, dimensions: [40, 36, 12], spacingMm: [9, 9, 20], lesionCount: 0 });
    const source = await loadSourceSeries(study.dicomDir);
    const n = 40 * 36 * 12;
    const a = new Uint8Array(n);
    const b = new Uint8Array(n);
    for (let v = 0; v < n; v++) {
      if (v % 7 < 3) a[v] = 1;
      if (v % 5 < 2) b[v] = 1;
    }
    const seg: Segmentation = { geometry: source.volume.geometry, kind: 'BINARY', maxFractionalValue: 1, warnings: [], segments: [{ ...lesionSegmentInfo(1, 'A'), mask: a }, { ...lesionSegmentInfo(2, 'B'), mask: b }] };
    const file = path.join(tmp, 'overlap.seg.dcm');
    await writeDicomSeg(seg, source, file);
    const back = await readDicomSegFile(file, source);
    expect(Buffer.compare(Buffer.from(back.segments[0]!.mask), Buffer.from(a))).toBe(0);
    expect(Buffer.compare(Buffer.from(back.segments[1]!.mask), Buffer.from(b))).toBe(0);
    const p = new Uint8Array(n).map((_, v) => (v * 37) % 256);
    const frac: Segmentation = { ...seg, kind: 'FRACTIONAL', maxFractionalValue: 255, segments: [{ ...lesionSegmentInfo(1, 'P'), mask: p }] };
    await writeDicomSeg(frac, source, file);
    const fb = await readDicomSegFile(file, source);
    expect(fb.kind).toBe('FRACTIONAL');
    expect(Buffer.compare(Buffer.from(fb.segments[0]!.mask), Buffer.from(p))).toBe(0);
  });
});
