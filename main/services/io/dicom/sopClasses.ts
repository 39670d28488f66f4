/**
 * SOP classes that hold no image volume, with the message shown when a folder
 * contains them. They are listed ("skipped: <why>") rather than loaded.
 */
const NAMED: Record<string, string> = {
  '1.2.840.10008.5.1.4.1.1.66.4': 'DICOM SEG (segmentation): opened as a mask over its source series, not as an image',
  '1.2.840.10008.5.1.4.1.1.481.3': 'RT Structure Set (contours): opened as a mask over its source series, not as an image',
  '1.2.840.10008.5.1.4.1.1.481.5': 'RT Plan: treatment plan, no image',
  '1.2.840.10008.5.1.4.1.1.481.8': 'RT Ion Plan: treatment plan, no image',
  '1.2.840.10008.5.1.4.1.1.481.4': 'RT Beams Treatment Record: no image',
  '1.2.840.10008.5.1.4.1.1.67': 'Real World Value Mapping: no image',
  '1.2.840.10008.5.1.4.1.1.88.59': 'Key Object Selection: a list of references, no image',
  '1.2.840.10008.5.1.4.1.1.104.1': 'Encapsulated PDF: a document, no image',
  '1.2.840.10008.5.1.4.1.1.104.2': 'Encapsulated CDA: a document, no image',
  '1.2.840.10008.5.1.4.1.1.66': 'Raw Data: no image',
  '1.2.840.10008.5.1.4.1.1.66.1': 'Spatial Registration: no image',
  '1.2.840.10008.5.1.4.1.1.66.3': 'Deformable Spatial Registration: no image',
  '1.2.840.10008.5.1.4.1.1.66.5': 'Surface Segmentation: no image',
};

const SR_PREFIX = '1.2.840.10008.5.1.4.1.1.88.';
const PR_PREFIX = '1.2.840.10008.5.1.4.1.1.11.';
const WAVEFORM_PREFIX = '1.2.840.10008.5.1.4.1.1.9.';

/** Why this object is not an image volume, or null when it may be one. */
export function nonImageReason(sopClassUid: string, modality: string): string | null {
  const named = NAMED[sopClassUid];
  if (named) return named;
  if (sopClassUid.startsWith(SR_PREFIX)) return 'Structured Report (measurements/text): indexed, not an image';
  if (sopClassUid.startsWith(PR_PREFIX)) return 'Presentation State (display settings for other images): no image';
  if (sopClassUid.startsWith(WAVEFORM_PREFIX)) return 'Waveform (ECG, audio...): no image';
  switch (modality) {
    case 'SEG':
      return NAMED['1.2.840.10008.5.1.4.1.1.66.4'] as string;
    case 'RTSTRUCT':
      return NAMED['1.2.840.10008.5.1.4.1.1.481.3'] as string;
    case 'RTPLAN':
      return NAMED['1.2.840.10008.5.1.4.1.1.481.5'] as string;
    case 'SR':
      return 'Structured Report (measurements/text): indexed, not an image';
    case 'PR':
      return 'Presentation State (display settings for other images): no image';
    case 'KO':
      return NAMED['1.2.840.10008.5.1.4.1.1.88.59'] as string;
    default:
      return null;
  }
}
