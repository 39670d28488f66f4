import os from 'node:os';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { DecodePool } from './decodePool';
import { decodeFrameBytes, TS } from './frameCodecs';
import type { FrameSpec } from './storedPixels';
import { describeDataSet, type DicomImage } from '../dicom/dicomFile';
import { parseDataSet } from '../dicom/dicomParse';
import { encapsulatedFrames } from '../dicom/encapsulatedFrames';
import { dataPath, HAS_DATA } from '../../../testing/dataDir';

describe.skipIf(!HAS_DATA)('decode pool (worker threads)', () => {
  const pool = new DecodePool(2);
  afterAll(() => pool.close());

  it('runs one worker per requested thread and decodes like the calling thread', async () => {
    expect(pool.size).toBe(2);
    expect(os.availableParallelism()).toBeGreaterThanOrEqual(1);
    const file = dataPath('dicom_enhanced_pydicom', 'emri_small_jpeg_2k_lossless.dcm');
    const bytes = readFileSync(file);
    const ds = parseDataSet(bytes, 'emri');
    const image = describeDataSet(ds, 'emri') as DicomImage;
    const frames = encapsulatedFrames(ds, image, 'emri');
    expect(frames.length).toBe(10);
    const spec: FrameSpec = { transferSyntax: TS.j2kLossless, rows: image.rows, columns: image.columns, samplesPerPixel: 1, bitsAllocated: image.bitsAllocated, bitsStored: image.bitsStored, pixelRepresentation: image.pixelRepresentation, planarConfiguration: 0 };
    const viaPool = await Promise.all(frames.map((f) => pool.decode(spec, f)));
    const inThread = await Promise.all(frames.map((f) => decodeFrameBytes(spec, f)));
    for (let n = 0; n < frames.length; n++) expect(Array.from(viaPool[n] as ArrayLike<number>)).toEqual(Array.from(inThread[n] as ArrayLike<number>));
  });

  it('passes typed errors back from the worker', async () => {
    const spec: FrameSpec = { transferSyntax: TS.j2kLossless, rows: 8, columns: 8, samplesPerPixel: 1, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 0, planarConfiguration: 0 };
    await expect(pool.decode(spec, new Uint8Array([0xff, 0x4f, 0xff, 0x51, 1, 2, 3]))).rejects.toMatchObject({ code: 'CORRUPT_INPUT' });
  });
});
