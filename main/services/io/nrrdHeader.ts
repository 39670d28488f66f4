/**
 * The NRRD text header: field names and values (teem's format spec, version
 * 1–5), the type names, space names and vectors, and where detached data lives.
 * The voxels are read by nrrdReader.ts.
 */
import { VoxaError } from '../../../common/contract';
import type { Vec3, VoxelDType } from '../../../common/volume';
import { formatBytes } from './limits';

/** NRRD `type` names (all spellings of the spec) → voxel dtype. */
export const NRRD_TYPES: Record<string, VoxelDType | 'int64' | 'uint64' | undefined> = {
  'signed char': 'int8', int8: 'int8', int8_t: 'int8',
  uchar: 'uint8', 'unsigned char': 'uint8', uint8: 'uint8', uint8_t: 'uint8',
  short: 'int16', 'short int': 'int16', 'signed short': 'int16', 'signed short int': 'int16', int16: 'int16', int16_t: 'int16',
  ushort: 'uint16', 'unsigned short': 'uint16', 'unsigned short int': 'uint16', uint16: 'uint16', uint16_t: 'uint16',
  int: 'int32', 'signed int': 'int32', int32: 'int32', int32_t: 'int32',
  uint: 'uint32', 'unsigned int': 'uint32', uint32: 'uint32', uint32_t: 'uint32',
  longlong: 'int64', 'long long': 'int64', 'long long int': 'int64', 'signed long long': 'int64', 'signed long long int': 'int64', int64: 'int64', int64_t: 'int64',
  ulonglong: 'uint64', 'unsigned long long': 'uint64', 'unsigned long long int': 'uint64', uint64: 'uint64', uint64_t: 'uint64',
  float: 'float32',
  double: 'float64',
};

/** Sign flips that take a space's axes to LPS. */
export const SPACES: Record<string, Vec3 | undefined> = {
  'left-posterior-superior': [1, 1, 1], lps: [1, 1, 1],
  'right-anterior-superior': [-1, -1, 1], ras: [-1, -1, 1],
  'left-anterior-superior': [1, -1, 1], las: [1, -1, 1],
};

export interface NrrdHeader {
  fields: Map<string, string>;
  /** Byte offset of the data in the file (attached data only). */
  dataOffset: number;
}

/** Largest header accepted (bytes read beyond the voxels). */
export const MAX_HEADER_BYTES = 1 << 20;

/** Splits the text header (up to the first blank line) into lower-cased field names and values. */
export function parseNrrdHeader(bytes: Uint8Array, name: string): NrrdHeader {
  const magic = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(8, bytes.byteLength)).toString('latin1');
  if (!/^NRRD000[1-5]$/.test(magic)) throw new VoxaError('CORRUPT_INPUT', `${name}: not an NRRD file (no NRRD000x magic)`);
  const limit = Math.min(bytes.byteLength, MAX_HEADER_BYTES);
  let end = -1;
  let dataOffset = bytes.byteLength;
  for (let n = 0; n < limit; n++) {
    if (bytes[n] !== 0x0a) continue;
    // A blank line: "\n\n" or "\n\r\n".
    if (bytes[n + 1] === 0x0a) {
      end = n;
      dataOffset = n + 2;
      break;
    }
    if (bytes[n + 1] === 0x0d && bytes[n + 2] === 0x0a) {
      end = n;
      dataOffset = n + 3;
      break;
    }
  }
  if (end < 0) {
    if (bytes.byteLength > MAX_HEADER_BYTES) throw new VoxaError('CORRUPT_INPUT', `${name}: NRRD header has no end within ${formatBytes(MAX_HEADER_BYTES)}`);
    end = bytes.byteLength; // a detached header may simply end
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('latin1');
  const fields = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n] as string;
    if (line.startsWith('#') || line.trim() === '') continue;
    const kv = line.indexOf(':=');
    const colon = line.indexOf(': ');
    if (colon < 0 || (kv >= 0 && kv < colon)) continue; // key:=value pairs are free-form metadata
    fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 2).trim());
  }
  return { fields, dataOffset };
}

export function parseVector(text: string, name: string): number[] | null {
  const t = text.trim();
  if (t === 'none') return null;
  const m = /^\((.*)\)$/.exec(t);
  if (!m) throw new VoxaError('CORRUPT_INPUT', `${name}: bad NRRD vector "${t.slice(0, 60)}"`);
  const values = (m[1] as string).split(',').map((s) => Number(s.trim()));
  if (values.some((v) => !Number.isFinite(v))) throw new VoxaError('CORRUPT_INPUT', `${name}: non-finite value in NRRD vector "${t.slice(0, 60)}"`);
  return values;
}

/** Splits "(a,b,c) none (d,e,f)" into its items. */
export function splitVectors(text: string): string[] {
  return text.match(/\([^)]*\)|none/g) ?? [];
}

export function field(h: NrrdHeader, key: string): string | undefined {
  return h.fields.get(key);
}

/** Where the voxel bytes live for a detached header. */
export function detachedDataFiles(h: NrrdHeader, name: string): string[] | null {
  const df = field(h, 'data file') ?? field(h, 'datafile');
  if (df === undefined) return null;
  const parts = df.split(/\s+/);
  if (parts[0] === 'LIST') throw new VoxaError('UNSUPPORTED', `${name}: "data file: LIST" (file names after the header) is not supported`);
  if (parts.length >= 4 && parts[0]?.includes('%')) {
    // printf-style: <format> <min> <max> <step> [<subdim>]
    const [fmt, a, b, s] = parts as [string, string, string, string];
    const min = Number(a);
    const max = Number(b);
    const step = Number(s);
    if (![min, max, step].every(Number.isInteger) || step === 0 || (max - min) / step < 0 || Math.abs((max - min) / step) > 100_000) {
      throw new VoxaError('CORRUPT_INPUT', `${name}: bad "data file" list "${df.slice(0, 80)}"`);
    }
    const out: string[] = [];
    for (let v = min; step > 0 ? v <= max : v >= max; v += step) {
      out.push(fmt.replace(/%(0?)(\d*)d/, (_all, zero: string, width: string) => String(v).padStart(Number(width) || 0, zero ? '0' : ' ')));
    }
    return out;
  }
  return [df];
}
