/** Typed access to dcmjs's untyped data dictionaries: parse, don't assert. */
import type { DicomDict } from 'dcmjs';

export function str(dict: DicomDict, tag: string): string {
  const v = dict[tag]?.Value?.[0];
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  if (v && typeof v === 'object' && 'Alphabetic' in v && typeof (v as { Alphabetic: unknown }).Alphabetic === 'string') {
    return (v as { Alphabetic: string }).Alphabetic;
  }
  return '';
}

export function num(dict: DicomDict, tag: string): number | undefined {
  const v = dict[tag]?.Value?.[0];
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

export function nums(dict: DicomDict, tag: string): number[] | undefined {
  const vals = dict[tag]?.Value;
  if (!vals) return undefined;
  const out = vals.map((v) => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN));
  return out.every(Number.isFinite) ? out : undefined;
}

/** The native (uncompressed) pixel data of a single-frame image as one ArrayBuffer. */
export function pixelBuffer(dict: DicomDict): ArrayBuffer | undefined {
  const vals = dict['7FE00010']?.Value;
  const first = vals?.[0];
  if (!(first instanceof ArrayBuffer)) return undefined;
  if (vals && vals.length > 1) return undefined;
  return first;
}

export const TRANSFER_SYNTAX_NAMES: Record<string, string> = {
  '1.2.840.10008.1.2': 'Implicit VR Little Endian',
  '1.2.840.10008.1.2.1': 'Explicit VR Little Endian',
  '1.2.840.10008.1.2.1.99': 'Deflated Explicit VR Little Endian',
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless SV1',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.4.201': 'HTJ2K Lossless',
  '1.2.840.10008.1.2.4.203': 'HTJ2K',
};
