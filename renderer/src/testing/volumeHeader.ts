/** A volume header for renderer tests: an identity-oriented int16 NIfTI on the grid given, other fields neutral. */
import type { VolumeHeader } from '../../../common/contract';

type Geometry = VolumeHeader['geometry'];

export function testHeader(geometry: Partial<Geometry> & Pick<Geometry, 'dimensions'>, fields: Partial<Omit<VolumeHeader, 'geometry'>> = {}): VolumeHeader {
  return {
    volumeId: 'v1',
    geometry: { spacingMm: [1, 1, 1], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], ...geometry },
    dtype: 'int16',
    modality: 'CT',
    sourceFormat: 'nifti',
    description: '',
    patientName: '',
    patientId: '',
    studyDate: '',
    valueRange: [0, 1],
    orientation: 'LPS',
    warnings: [],
    ...fields,
  };
}
