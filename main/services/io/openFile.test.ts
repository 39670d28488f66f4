/**
 * Opening one DICOM file opens that file's series, not the first series of its folder (issue 17:
 * in the edge-case folder, opening the Siemens MR opened the US image beside it).
 */
import { describe, expect, it } from 'vitest';
import { dataPath, HAS_DATA } from '../../testing/dataDir';
import { loadVolume } from './volumeLoader';

describe.skipIf(!HAS_DATA)('a DICOM file opens its own series', () => {
  it.each([
    ['dicom_edge_cases/MR-SIEMENS-DICOM-WithOverlays.dcm', 'MR', [484, 484, 1]],
    ['dicom_edge_cases/no-pixel-spacing.dcm', 'US', [800, 600, 1]],
    ['dicom_ts_misc_pydicom/CT_small.dcm', 'CT', [128, 128, 1]],
    ['dicom_ts_misc_pydicom/MR_small.dcm', 'MR', [64, 64, 1]],
  ] as const)('%s → %s %j', async (file, modality, dims) => {
    const v = await loadVolume(dataPath(file));
    expect(v.meta.modality).toBe(modality);
    expect(v.geometry.dimensions).toEqual(dims);
  });

  it('a file without an image says so, naming the file', async () => {
    await expect(loadVolume(dataPath('dicom_edge_cases/no-pixel-data.dcm'))).rejects.toThrow(/no-pixel-data\.dcm: /);
  });
});
