/**
 * De-identification by the DICOM PS3.15 Basic Application Level
 * Confidentiality Profile (Table E.1-1, see basicProfile.ts).
 *
 * Choices where the table leaves one: Z/D → a dummy value for dates and
 * times, else empty; X/Z → empty (keeps type 2 attributes present); X/Z/D →
 * a dummy value (some are type 1, e.g. DeviceSerialNumber in a SEG); X/D →
 * removed; X/Z/U* → kept, with every UID inside replaced.
 * D values are dummies consistent with the VR (sequences become empty).
 * Private attributes, curves (50xx) and overlay planes (60xx, which may hold
 * text) are removed. UIDs are replaced by 2.25 UIDs derived from a keyed hash, so every
 * file of a run (and of later runs with the same key) maps the same UID to the
 * same new UID: references between a CT and its SEG or RTSTRUCT still hold.
 * Pixel data is not touched; an image whose BurnedInAnnotation is YES is
 * refused (the text is in the pixels) unless the caller accepts it, and then
 * it is flagged in the report.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DicomDict, DicomElement } from 'dcmjs';
import { VoxaError } from '../../../common/contract';
import { hasDicmPreamble } from '../io/dicom/dicomParse';
import { listFiles } from '../io/dicom/listFiles';
import { encodeDict, hashedUid, IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME } from '../io/dicom/part10';
import { writeFileAtomic } from '../io/atomicWrite';
import { readPart10Dicts } from '../io/dicom/part10Read';
import { BASIC_PROFILE } from './basicProfile';

export interface DeidOptions {
  /** Key of the UID mapping: the same key maps the same UIDs the same way (default: random per run). */
  uidKey?: string;
  /** Pseudonyms written to PatientName / PatientID (default empty, as the profile's Z allows). */
  patientName?: string;
  patientId?: string;
  /** Write images flagged BurnedInAnnotation = YES anyway (they are reported as flagged). */
  allowBurnedInAnnotation?: boolean;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface DeidFileResult {
  input: string;
  status: 'written' | 'refused' | 'skipped';
  reason?: string;
  output?: string;
  flagged?: string[];
}

export interface DeidReport {
  files: DeidFileResult[];
  written: number;
  refused: number;
  skipped: number;
}

const DUMMY: Record<string, string> = {
  DA: '19000101',
  TM: '000000',
  DT: '19000101000000',
  PN: 'ANONYMOUS',
  LO: 'ANONYMIZED',
  SH: 'ANONYMIZED',
  ST: 'ANONYMIZED',
  LT: 'ANONYMIZED',
  UT: 'ANONYMIZED',
  UC: 'ANONYMIZED',
  CS: 'ANONYMIZED',
  AE: 'ANONYMOUS',
  AS: '000Y',
  IS: '0',
  DS: '0',
};

const DATE_TIME_VRS = new Set(['DA', 'TM', 'DT']);

export class UidMapper {
  private readonly key: string;
  private readonly map = new Map<string, string>();
  constructor(key: string = randomBytes(16).toString('hex')) {
    this.key = key;
  }
  get(uid: string): string {
    const trimmed = uid.replace(/\0/g, '').trim();
    if (!trimmed) return trimmed;
    let out = this.map.get(trimmed);
    if (!out) {
      out = hashedUid(`${this.key}|${trimmed}`);
      this.map.set(trimmed, out);
    }
    return out;
  }
  get size(): number {
    return this.map.size;
  }
}

function element(vr: string, values: unknown[]): DicomElement {
  return { vr, Value: values };
}

function isPrivate(tag: string): boolean {
  const group = parseInt(tag.slice(0, 4), 16);
  return (group & 1) === 1;
}

function replaceDummy(el: DicomElement): DicomElement {
  if (el.vr === 'SQ') return element('SQ', []);
  const dummy = DUMMY[el.vr];
  return dummy === undefined ? element(el.vr, []) : element(el.vr, [dummy]);
}

/** Applies the profile to one data set (recursively into sequences), in place. */
function cleanDict(dict: DicomDict, uids: UidMapper): void {
  for (const tag of Object.keys(dict)) {
    const el = dict[tag] as DicomElement;
    const upper = tag.toUpperCase();
    if (isPrivate(upper)) {
      delete dict[tag];
      continue;
    }
    const group = upper.slice(0, 4);
    // Curves (50xx) and whole overlay planes (60xx): removing only OverlayData would leave a broken Overlay Plane module.
    if (/^50[0-9A-F]{2}$/.test(group) || /^60[0-9A-F]{2}$/.test(group)) {
      delete dict[tag];
      continue;
    }
    const action = BASIC_PROFILE.get(upper);
    switch (action) {
      case undefined:
      case 'X/Z/U*':
        break;
      case 'X':
      case 'X/D':
        delete dict[tag];
        continue;
      case 'Z':
      case 'X/Z':
        dict[tag] = element(el.vr, []);
        continue;
      case 'X/Z/D':
        // Some are Type 1 in some IODs (DeviceSerialNumber in Enhanced General Equipment): a dummy always conforms.
        dict[tag] = replaceDummy(el);
        continue;
      case 'Z/D':
        dict[tag] = DATE_TIME_VRS.has(el.vr) ? replaceDummy(el) : element(el.vr, []);
        continue;
      case 'D':
        dict[tag] = el.vr === 'UI' ? element('UI', (el.Value ?? []).map((v) => (typeof v === 'string' ? uids.get(v) : v))) : replaceDummy(el);
        continue;
      case 'U':
        if (el.vr === 'UI' && el.Value) dict[tag] = element('UI', el.Value.map((v) => (typeof v === 'string' ? uids.get(v) : v)));
        continue;
    }
    if (el.vr === 'SQ' && Array.isArray(el.Value)) {
      for (const item of el.Value) if (item && typeof item === 'object') cleanDict(item as DicomDict, uids);
    }
  }
}

const FREE_TEXT_VRS = new Set(['LO', 'SH', 'ST', 'LT', 'UT', 'UC', 'PN', 'CS']);

/** The patient's name parts (3+ letters) and IDs, as they appear before the profile runs. */
export function identifiersOf(dict: DicomDict): string[] {
  const text = (tag: string) =>
    (dict[tag]?.Value ?? []).map((v) => (typeof v === 'string' ? v : v && typeof v === 'object' && 'Alphabetic' in v ? String((v as { Alphabetic: unknown }).Alphabetic) : '')).join(' ');
  const name = text('00100010')
    .split(/[\^=\s,]+/)
    .filter((w) => w.replace(/[^\p{L}]/gu, '').length >= 3);
  const ids = ['00100020', '00101000', '00080050', '00100021'].flatMap((t) => text(t).split('\\')).map((v) => v.trim()).filter((v) => v.length >= 3);
  return [...new Set([...name, ...ids].map((w) => w.toLowerCase()))];
}

/** Blanks the patient's name parts and IDs inside free-text values (recursively); returns one flag per element changed. */
export function scrubFreeText(dict: DicomDict, identifiers: string[], where = ''): string[] {
  if (identifiers.length === 0) return [];
  const flags: string[] = [];
  const pattern = new RegExp(identifiers.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'giu');
  for (const [tag, el] of Object.entries(dict)) {
    if (!el) continue;
    if (el.vr === 'SQ' && Array.isArray(el.Value)) {
      el.Value.forEach((item, n) => {
        if (item && typeof item === 'object') flags.push(...scrubFreeText(item as DicomDict, identifiers, `${where}${tag}[${n}].`));
      });
      continue;
    }
    if (!FREE_TEXT_VRS.has(el.vr) || !el.Value) continue;
    let changed = false;
    el.Value = el.Value.map((v) => {
      if (typeof v !== 'string') return v;
      pattern.lastIndex = 0;
      if (!pattern.test(v)) return v;
      changed = true;
      return v.replace(pattern, 'REMOVED');
    });
    if (changed) flags.push(`(${where}${tag.slice(0, 4)},${tag.slice(4)}) held the patient's name or ID in free text; that text was replaced by REMOVED`);
  }
  return flags;
}

/**
 * The de-identification key of this installation (`<dataDir>/deid-key`, 0600,
 * made on first use): UIDs are remapped the same way by every de-identified
 * export and by `voxa anonymize` with the same user data, so a de-identified
 * SEG references the de-identified study's new UIDs.
 */
export function projectDeidKey(dataDir: string | null): string {
  if (!dataDir) return randomBytes(16).toString('hex');
  const file = path.join(dataDir, 'deid-key');
  try {
    const k = readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f]{32,}$/.test(k)) return k;
  } catch {
    // not made yet
  }
  const key = randomBytes(16).toString('hex');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}

function firstString(el: DicomElement | undefined): string {
  const v = el?.Value?.[0];
  return typeof v === 'string' ? v.trim().toUpperCase() : '';
}

/**
 * De-identifies one parsed file in place. Returns the flags raised (burned-in
 * annotation) or throws UNSUPPORTED when the file must be refused.
 */
export function deidentifyDataset(meta: DicomDict, dict: DicomDict, uids: UidMapper, options: DeidOptions = {}): string[] {
  const flags: string[] = [];
  if (firstString(dict['00280301']) === 'YES') {
    if (!options.allowBurnedInAnnotation) throw new VoxaError('UNSUPPORTED', 'BurnedInAnnotation is YES: identifying text is in the pixels; refused');
    flags.push('BurnedInAnnotation YES: pixels may show identifying text');
  }
  const identifiers = identifiersOf(dict);
  cleanDict(dict, uids);
  // Free text the profile keeps (segment labels, descriptions, content labels) may still name the patient.
  flags.push(...scrubFreeText(dict, identifiers));
  if (options.patientName) dict['00100010'] = element('PN', [options.patientName]);
  if (options.patientId) dict['00100020'] = element('LO', [options.patientId]);
  dict['00120062'] = element('CS', ['YES']);
  dict['00120063'] = element('LO', ['Voxa PS3.15 Basic Application Confidentiality Profile']);
  dict['00120064'] = element('SQ', [
    { '00080100': element('SH', ['113100']), '00080102': element('SH', ['DCM']), '00080104': element('LO', ['Basic Application Confidentiality Profile']) },
  ]);
  dict['00280303'] = element('CS', ['REMOVED']);
  // File Meta: the instance UID follows the data set; no identifying AE titles.
  const sop = dict['00080018']?.Value?.[0];
  if (typeof sop === 'string') meta['00020003'] = element('UI', [sop]);
  for (const tag of ['00020016', '00020017', '00020018', '00020100', '00020102']) delete meta[tag];
  meta['00020012'] = element('UI', [IMPLEMENTATION_CLASS_UID]);
  meta['00020013'] = element('SH', [IMPLEMENTATION_VERSION_NAME]);
  return flags;
}

/**
 * De-identifies every DICOM file below `input` into `outDir`, named by the
 * new UIDs (`<study>/<series>/<instance>.dcm`, since original names and
 * folders often carry patient names). Non-DICOM files and DICOMDIRs are
 * skipped. Each file is written atomically.
 */
export async function deidentifyPath(input: string, outDir: string, options: DeidOptions = {}): Promise<DeidReport> {
  const { files } = await listFiles(path.resolve(input), { maxFiles: 1_000_000 });
  const uids = new UidMapper(options.uidKey);
  const results: DeidFileResult[] = [];
  const base = (await stat(input)).isDirectory() ? path.resolve(input) : path.dirname(path.resolve(input));
  let done = 0;
  for (const file of files) {
    options.signal?.throwIfAborted();
    const rel = path.relative(base, file);
    const bytes = await readFile(file);
    if (!hasDicmPreamble(bytes)) {
      results.push({ input: rel, status: 'skipped', reason: 'not a DICOM Part 10 file' });
    } else {
      try {
        const { meta, dict } = readPart10Dicts(bytes);
        if (firstString(dict['00080016']) === '1.2.840.10008.1.3.10') {
          results.push({ input: rel, status: 'skipped', reason: 'DICOMDIR (rebuild it from the de-identified files)' });
        } else {
          const flagged = deidentifyDataset(meta, dict, uids, options);
          const study = firstString(dict['0020000D']) || 'study';
          const series = firstString(dict['0020000E']) || 'series';
          const sop = firstString(dict['00080018']) || uids.get(`${file}`);
          const outFile = path.join(outDir, study, series, `${sop}.dcm`);
          await mkdir(path.dirname(outFile), { recursive: true });
          await writeFileAtomic(outFile, encodeDict(meta, dict));
          results.push({ input: rel, status: 'written', output: outFile, ...(flagged.length ? { flagged } : {}) });
        }
      } catch (e) {
        if (e instanceof VoxaError && e.code === 'UNSUPPORTED') results.push({ input: rel, status: 'refused', reason: e.message });
        else results.push({ input: rel, status: 'skipped', reason: `damaged DICOM (${e instanceof Error ? e.message.slice(0, 100) : 'error'})` });
      }
    }
    options.onProgress?.(++done, files.length);
  }
  return {
    files: results,
    written: results.filter((r) => r.status === 'written').length,
    refused: results.filter((r) => r.status === 'refused').length,
    skipped: results.filter((r) => r.status === 'skipped').length,
  };
}
