/** Typed reads from dcmjs "naturalized" datasets (keyword → value), which arrive untyped: parse, don't assert. */
import type { NaturalDataset } from './part10';

export function nText(ds: NaturalDataset | undefined, key: string): string {
  let v = ds?.[key];
  if (Array.isArray(v)) v = v[0];
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  if (v && typeof v === 'object' && 'Alphabetic' in v) {
    const a = (v as { Alphabetic: unknown }).Alphabetic;
    return typeof a === 'string' ? a : '';
  }
  return '';
}

export function nNumbers(ds: NaturalDataset | undefined, key: string): number[] | undefined {
  const v = ds?.[key];
  const arr = Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v];
  const out = arr.map((x) => (typeof x === 'number' ? x : typeof x === 'string' ? Number(x) : NaN));
  return out.length > 0 && out.every(Number.isFinite) ? out : undefined;
}

export function nNumber(ds: NaturalDataset | undefined, key: string): number | undefined {
  return nNumbers(ds, key)?.[0];
}

/** A sequence as an array of items (dcmjs gives a single item as an object, several as an array). */
export function nSeq(ds: NaturalDataset | undefined, key: string): NaturalDataset[] {
  const v = ds?.[key];
  if (Array.isArray(v)) return v.filter((x): x is NaturalDataset => !!x && typeof x === 'object' && !(x instanceof ArrayBuffer));
  if (v && typeof v === 'object' && !(v instanceof ArrayBuffer)) return [v as NaturalDataset];
  return [];
}

export function nFirst(ds: NaturalDataset | undefined, ...path: string[]): NaturalDataset | undefined {
  let cur = ds;
  for (const key of path) cur = nSeq(cur, key)[0];
  return cur;
}
