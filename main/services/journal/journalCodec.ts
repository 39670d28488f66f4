/**
 * Bytes of the edit journal: session events, history entries and labelmap
 * snapshots. Everything read back is parsed and checked (zod for the JSON
 * parts, decodeEditDelta for deltas); a malformed record is CORRUPT_INPUT.
 */
import { deflateSync, inflateSync } from 'fflate';
import { z } from 'zod';
import { VoxaError } from '../../../common/contract';
import { decodeEditDelta, encodeEditDelta } from '../../../common/labelmap/editDeltaCodec';
import type { Labelmap } from '../../../common/labelmap/labelmap';
import { forEachValueRun } from '../../../common/labelmap/runLength';
import { VarintReader, VarintWriter } from '../../../common/labelmap/varint';
import type { SessionEvent } from '../../../common/editing/editSession';
import { segmentListSchema, type HistoryEntry, type HistoryStep } from '../../../common/editing/history';

export const EVENT_KINDS = ['step', 'undo', 'redo', 'segments', 'prompts'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

const jsonValue: z.ZodType<unknown> = z.unknown().refine((v) => v === undefined || JSON.stringify(v) !== undefined, 'not JSON');

const stepMetaSchema = z.object({
  name: z.string().max(200),
  at: z.number(),
  id: z.number().int().positive().optional(),
  segments: z.object({ before: segmentListSchema, after: segmentListSchema }).optional(),
  prompts: z.object({ before: jsonValue, after: jsonValue }).optional(),
});

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    throw new VoxaError('CORRUPT_INPUT', `journal ${what} is not JSON`);
  }
}

function jsonBytes(v: unknown): Buffer {
  return Buffer.from(JSON.stringify(v ?? null), 'utf8');
}

/** [u32 meta length][meta JSON][delta bytes]. */
export function encodeStep(step: HistoryStep, id?: number): Buffer {
  const meta = jsonBytes({
    name: step.name,
    at: step.at,
    ...(id !== undefined ? { id } : {}),
    ...(step.segments ? { segments: step.segments } : {}),
    ...(step.prompts ? { prompts: { before: step.prompts.before ?? null, after: step.prompts.after ?? null } } : {}),
  });
  const delta = encodeEditDelta(step.delta);
  const out = Buffer.alloc(4 + meta.length + delta.length);
  out.writeUInt32LE(meta.length, 0);
  meta.copy(out, 4);
  out.set(delta, 4 + meta.length);
  return out;
}

export function decodeStep(bytes: Uint8Array): HistoryStep & { id?: number } {
  if (bytes.length < 4) throw new VoxaError('CORRUPT_INPUT', 'journal step is truncated');
  const n = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readUInt32LE(0);
  if (4 + n > bytes.length) throw new VoxaError('CORRUPT_INPUT', 'journal step is truncated');
  const parsed = stepMetaSchema.safeParse(parseJson(bytes.subarray(4, 4 + n), 'step'));
  if (!parsed.success) throw new VoxaError('CORRUPT_INPUT', `journal step: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const m = parsed.data;
  const delta = decodeEditDelta(bytes.slice(4 + n));
  return {
    name: m.name,
    at: m.at,
    delta,
    ...(m.id !== undefined ? { id: m.id } : {}),
    ...(m.segments ? { segments: m.segments } : {}),
    ...(m.prompts ? { prompts: { before: m.prompts.before, after: m.prompts.after } } : {}),
  };
}

export function encodeEvent(e: SessionEvent): { kind: EventKind; payload: Buffer } {
  switch (e.kind) {
    case 'step':
      return { kind: 'step', payload: encodeStep(e.step) };
    case 'undo':
    case 'redo':
      return { kind: e.kind, payload: Buffer.alloc(0) };
    case 'segments':
      return { kind: 'segments', payload: jsonBytes(e.segments) };
    case 'prompts':
      return { kind: 'prompts', payload: jsonBytes(e.prompts) };
  }
}

export function decodeEvent(kind: string, payload: Uint8Array): SessionEvent {
  switch (kind) {
    case 'step':
      return { kind: 'step', step: decodeStep(payload) };
    case 'undo':
    case 'redo':
      return { kind };
    case 'segments': {
      const p = segmentListSchema.safeParse(parseJson(payload, 'segment list'));
      if (!p.success) throw new VoxaError('CORRUPT_INPUT', 'journal segment list is invalid');
      return { kind: 'segments', segments: p.data };
    }
    case 'prompts':
      return { kind: 'prompts', prompts: parseJson(payload, 'prompt state') };
    default:
      throw new VoxaError('CORRUPT_INPUT', `unknown journal event kind ${JSON.stringify(kind).slice(0, 40)}`);
  }
}

/** History entries as [u32 length][step bytes] records. */
export function encodeEntries(entries: readonly HistoryEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const b = encodeStep(e, e.id);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(b.length, 0);
    parts.push(len, b);
  }
  return Buffer.concat(parts);
}

export function decodeEntries(bytes: Uint8Array): (HistoryStep & { id: number })[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: (HistoryStep & { id: number })[] = [];
  let p = 0;
  while (p < buf.length) {
    if (p + 4 > buf.length) throw new VoxaError('CORRUPT_INPUT', 'journal history is truncated');
    const n = buf.readUInt32LE(p);
    if (p + 4 + n > buf.length) throw new VoxaError('CORRUPT_INPUT', 'journal history is truncated');
    const s = decodeStep(buf.subarray(p + 4, p + 4 + n));
    if (s.id === undefined) throw new VoxaError('CORRUPT_INPUT', 'journal history entry has no id');
    out.push({ ...s, id: s.id });
    p += 4 + n;
  }
  return out;
}

/**
 * Labelmap bytes for a snapshot: the whole grid in the one run-length format
 * (common/labelmap/runLength.ts), each run written value first then length
 * (the order every journal on disk has) as LEB128 varints, then deflated. A
 * lesion labelmap is a few thousand runs, so this takes one pass over the
 * voxels (about 0.1 s for 512×512×300) where deflating the raw voxels takes
 * seconds.
 */
export function packLabels(labels: Labelmap): Uint8Array {
  const out = new VarintWriter();
  forEachValueRun(labels, (length, value) => {
    out.put(value);
    out.put(length);
  });
  return deflateSync(out.bytes(), { level: 6 });
}

export function unpackLabels(bytes: Uint8Array, dtype: 'uint8' | 'uint16', voxels: number): Labelmap {
  let raw: Uint8Array;
  try {
    raw = inflateSync(bytes);
  } catch {
    throw new VoxaError('CORRUPT_INPUT', 'journal snapshot labelmap does not inflate');
  }
  const out = dtype === 'uint8' ? new Uint8Array(voxels) : new Uint16Array(voxels);
  const max = dtype === 'uint8' ? 255 : 65535;
  const runs = new VarintReader(raw, 0, 'journal snapshot labelmap');
  let i = 0;
  while (!runs.done) {
    const v = runs.next();
    const len = runs.next();
    if (v > max || len === 0 || i + len > voxels) throw new VoxaError('CORRUPT_INPUT', 'journal snapshot labelmap does not match its grid');
    if (v !== 0) out.fill(v, i, i + len);
    i += len;
  }
  if (i !== voxels) throw new VoxaError('CORRUPT_INPUT', 'journal snapshot labelmap does not match its grid');
  return out;
}
