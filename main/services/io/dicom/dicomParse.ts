/**
 * dicom-parser with typed errors: Part-10 files and bare data sets whose first
 * element is unambiguous, deflate with a size cap, header-only parses; and
 * bounds-safe typed element access (dicom-parser reads lazily from the bytes).
 */
import { inflateRawSync } from 'node:zlib';
import * as dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import { VoxaError } from '../../../../common/contract';
import { TS } from '../codecs/frameCodecs';

const VRS = new Set(['AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FL', 'FD', 'IS', 'LO', 'LT', 'OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'PN', 'SH', 'SL', 'SQ', 'SS', 'ST', 'SV', 'TM', 'UC', 'UI', 'UL', 'UN', 'UR', 'US', 'UT', 'UV']);

/** A 128-byte preamble followed by "DICM": a Part 10 file. */
export function hasDicmPreamble(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/** Part-10 file, or a bare data set whose first element is unambiguous; null when the bytes are not DICOM. */
export function sniffDicom(bytes: Uint8Array): { part10: true } | { part10: false; transferSyntax: string } | null {
  if (hasDicmPreamble(bytes)) return { part10: true };
  if (bytes.length < 12) return null;
  const group = (bytes[0] as number) | ((bytes[1] as number) << 8);
  const element = (bytes[2] as number) | ((bytes[3] as number) << 8);
  // Bare data sets start with the File Meta group or the identifying group 0008, low element numbers.
  if ((group !== 0x0002 && group !== 0x0008) || element > 0x00ff) return null;
  const vr = String.fromCharCode(bytes[4] as number, bytes[5] as number);
  if (VRS.has(vr)) return { part10: false, transferSyntax: TS.explicitLE };
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (len > 0 && len < 1024 && len + 8 <= bytes.length) return { part10: false, transferSyntax: TS.implicitLE };
  return null;
}

export interface ParseOptions {
  /** Stop at the pixel data element (header-only scan). */
  headerOnly?: boolean;
  /** Largest inflated size accepted for deflated files. */
  maxInflatedBytes?: number;
}

/** Parses bytes with typed errors. Throws CORRUPT_INPUT for damaged files, null-equivalent via NotAnImage is the caller's job. */
export function parseDataSet(bytes: Uint8Array, name: string, options: ParseOptions = {}): DataSet {
  const sniff = sniffDicom(bytes);
  if (!sniff) throw new VoxaError('CORRUPT_INPUT', `${name}: not a DICOM file (no DICM preamble and no recognisable first element)`);
  const maxInflated = options.maxInflatedBytes ?? 2 ** 31 - 1;
  const parseOptions: dicomParser.ParseDicomOptions = {
    ...(options.headerOnly ? { untilTag: 'x7fe00010' } : {}),
    ...(sniff.part10 ? {} : { TransferSyntaxUID: sniff.transferSyntax }),
    inflater: (arr: Uint8Array, position: number): Uint8Array => {
      let inflated: Buffer;
      try {
        inflated = inflateRawSync(arr.subarray(position), { maxOutputLength: maxInflated });
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'ERR_BUFFER_TOO_LARGE') throw new VoxaError('TOO_LARGE', `${name}: deflated data set inflates beyond ${maxInflated} bytes`);
        throw new VoxaError('CORRUPT_INPUT', `${name}: deflated data set is damaged`);
      }
      const full = new Uint8Array(position + inflated.length);
      full.set(arr.subarray(0, position));
      full.set(inflated, position);
      return full;
    },
  };
  try {
    return dicomParser.parseDicom(bytes, parseOptions);
  } catch (e) {
    if (e instanceof VoxaError) throw e;
    const inner = (e as { exception?: unknown }).exception ?? e;
    const msg = inner instanceof Error ? inner.message : String(inner);
    throw new VoxaError('CORRUPT_INPUT', `${name}: damaged DICOM (${msg.replace(/^dicomParser\.?\w*:\s*/, '').slice(0, 120)})`);
  }
}

// ---- typed element access (bounds-safe: dicom-parser reads lazily from the byte array) ----

export function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
export function str(ds: DataSet, tag: string): string {
  return (safe(() => ds.string(tag)) ?? '').trim();
}
export function dsNumbers(ds: DataSet, tag: string): number[] | undefined {
  const el = ds.elements[tag];
  if (!el || el.length === 0) return undefined;
  const text = safe(() => ds.string(tag));
  if (text === undefined) return undefined;
  const out = text.split('\\').map((s) => Number(s.trim()));
  return out.length > 0 && out.every(Number.isFinite) ? out : undefined;
}
export function dsNumber(ds: DataSet, tag: string): number | undefined {
  return dsNumbers(ds, tag)?.[0];
}
export function us(ds: DataSet, tag: string): number | undefined {
  const el = ds.elements[tag];
  if (!el || el.length < 2 || el.dataOffset + 2 > ds.byteArray.length) return undefined;
  return safe(() => ds.uint16(tag));
}
export function item(ds: DataSet | undefined, tag: string): DataSet | undefined {
  return ds?.elements[tag]?.items?.[0]?.dataSet;
}
