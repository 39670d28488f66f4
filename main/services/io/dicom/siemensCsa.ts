/**
 * Siemens CSA header (private tags 0029,1010 / 0029,1020), "SV10" layout:
 * "SV10" + 4 unused bytes, tag count (uint32 LE), 77, then per tag a 64-byte
 * name, VM, VR[4], SyngoDT, item count and 77/205, then per item four int32
 * (the second is the item length) and the item text padded to 4 bytes.
 * Every read is bounds-checked; a damaged header yields null, never an exception.
 */
import type { DataSet } from 'dicom-parser';

export type CsaHeader = Map<string, string[]>;

export function parseCsaHeader(ds: DataSet, tag: string): CsaHeader | null {
  const el = ds.elements[tag];
  if (!el || el.length < 16 || el.dataOffset + el.length > ds.byteArray.length) return null;
  return parseCsaBytes(ds.byteArray.subarray(el.dataOffset, el.dataOffset + el.length));
}

export function parseCsaBytes(b: Uint8Array): CsaHeader | null {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const text = (o: number, n: number) => {
    let s = '';
    for (let k = 0; k < n && o + k < b.length; k++) {
      const c = b[o + k] as number;
      if (c === 0) break;
      s += String.fromCharCode(c);
    }
    return s;
  };
  if (text(0, 4) !== 'SV10') return null;
  let o = 8;
  if (o + 8 > b.length) return null;
  const nTags = view.getUint32(o, true);
  o += 8;
  if (nTags > 1000) return null;
  const out: CsaHeader = new Map();
  for (let t = 0; t < nTags; t++) {
    if (o + 84 > b.length) return out;
    const name = text(o, 64);
    const nItems = view.getInt32(o + 76, true);
    o += 84;
    if (nItems < 0 || nItems > 1000) return out;
    const values: string[] = [];
    for (let i = 0; i < nItems; i++) {
      if (o + 16 > b.length) return out;
      const len = view.getInt32(o + 4, true);
      o += 16;
      if (len < 0 || o + len > b.length) return out;
      if (len > 0) values.push(text(o, len).trim());
      o += Math.ceil(len / 4) * 4;
    }
    out.set(name, values);
  }
  return out;
}

/** Numeric values of one CSA tag, or undefined. */
export function csaValue(csa: CsaHeader, name: string): number[] | undefined {
  const v = csa.get(name);
  if (!v || v.length === 0) return undefined;
  const nums = v.map(Number);
  return nums.every(Number.isFinite) ? nums : undefined;
}
