/**
 * A compressed frame whose decoded samples do not fit the header's BitsStored
 * (a codestream that does not match its header, or a damaged one) is reported,
 * with its file, instead of being masked into a plausible but wrong image.
 * Real JPEG 2000 and JPEG-LS CT files with BitsStored patched down to 8.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataPath, HAS_DATA } from '../../../testing/dataDir';
import { readDicomFolder } from '../dicom/seriesReader';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-bits-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Sets (0028,0101) BitsStored, explicit VR little endian, in place. */
function patchBitsStored(bytes: Buffer, bits: number): Buffer {
  const tag = Buffer.from([0x28, 0x00, 0x01, 0x01, 0x55, 0x53, 0x02, 0x00]);
  const at = bytes.indexOf(tag);
  if (at < 0) throw new Error('no BitsStored element');
  const out = Buffer.from(bytes);
  out.writeUInt16LE(bits, at + 8);
  return out;
}

describe.skipIf(!HAS_DATA)('decoded values beyond BitsStored', () => {
  for (const ts of ['JPEG2000LosslessOnlyTransferSyntax_1.2.840.10008.1.2.4.90', 'JPEGLSLosslessTransferSyntax_1.2.840.10008.1.2.4.80']) {
    it(`are refused for ${ts.split('_')[0]}`, async () => {
      const src = dataPath('dicom_ts_matrix_ct_cornerstone', `CTImage.dcm_${ts}.dcm`);
      const ok = path.join(tmp, `${ts}-ok`);
      const bad = path.join(tmp, `${ts}-bad`);
      const { mkdirSync } = await import('node:fs');
      mkdirSync(ok);
      mkdirSync(bad);
      writeFileSync(path.join(ok, 'ct.dcm'), readFileSync(src));
      writeFileSync(path.join(bad, 'ct.dcm'), patchBitsStored(readFileSync(src), 8));
      const v = await readDicomFolder(ok);
      expect(v.geometry.dimensions[0]).toBeGreaterThan(0);
      await expect(readDicomFolder(bad)).rejects.toMatchObject({ code: 'CORRUPT_INPUT', message: expect.stringMatching(/ct\.dcm.*samples outside the 8 bits stored/) });
    });
  }
});
