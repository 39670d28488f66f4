/**
 * The lesion table of one timepoint as the app keeps it: each lesion's RECIST
 * observation plus the automatic measurement from its mask (with caliper
 * endpoints in LPS) and, where a reader drew one, a manual caliper that
 * overrides the automatic value and is labelled manual. Pure and shared by
 * the renderer (panel), main (database, reports) and the contract.
 */
import { z } from 'zod';
import type { LesionMeasurement } from '../geometry/recistAxes';
import { assessMeasurability } from './measurability';
import { checkTargetSelection, MAX_TARGETS } from './targetSelection';
import { lesionObservationSchema, timepointSchema, type LesionObservation, type Timepoint } from './timepoints';

const vec3 = z.tuple([z.number().finite(), z.number().finite(), z.number().finite()]);
const mm = z.number().finite().nonnegative();

export const caliperRecordSchema = z.strictObject({
  lengthMm: mm,
  startLps: vec3,
  endLps: vec3,
  /** Slice index (along the measurement axis) the caliper lies on. */
  sliceIndex: z.number().int().nonnegative().optional(),
});
export type CaliperRecord = z.output<typeof caliperRecordSchema>;

export const autoMeasurementSchema = z.strictObject({
  longAxis: caliperRecordSchema,
  shortAxis: caliperRecordSchema,
  nodalShortAxis: caliperRecordSchema,
  longest3dMm: mm,
  volumeMl: mm,
  sliceAxis: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  sliceSpacingMm: z.number().finite().positive(),
});
export type AutoMeasurement = z.output<typeof autoMeasurementSchema>;

export const lesionRecordSchema = lesionObservationSchema.extend({
  /** DICOM Tracking Unique Identifier (the same at every timepoint). */
  trackingUid: z.string().max(64).optional(),
  /** Segment (label) of the timepoint's segmentation the automatic values come from. */
  segmentNumber: z.number().int().positive().optional(),
  auto: autoMeasurementSchema.optional(),
  /** Reader's calipers: when present they override the automatic axes. */
  manualLongAxis: caliperRecordSchema.optional(),
  manualShortAxis: caliperRecordSchema.optional(),
});
export type LesionRecord = z.output<typeof lesionRecordSchema>;
export type LesionRecordInput = z.input<typeof lesionRecordSchema>;

export const timepointRecordSchema = timepointSchema.extend({
  lesions: z.array(lesionRecordSchema),
  studyUid: z.string().max(64).optional(),
});
export type TimepointRecord = z.output<typeof timepointRecordSchema>;

/** The automatic part of a record from a mask measurement. */
export function autoFromMeasurement(m: LesionMeasurement): AutoMeasurement {
  const cal = (c: LesionMeasurement['longAxis']): CaliperRecord => ({ lengthMm: c.lengthMm, startLps: c.startLps, endLps: c.endLps, sliceIndex: c.sliceIndex });
  return { longAxis: cal(m.longAxis), shortAxis: cal(m.shortAxis), nodalShortAxis: cal(m.nodalShortAxis), longest3dMm: m.longest3d.lengthMm, volumeMl: m.volumeMl, sliceAxis: m.sliceAxis, sliceSpacingMm: m.sliceSpacingMm };
}

/**
 * The values RECIST uses: a manual caliper wins over the automatic value
 * (and marks the observation manual); for nodes the short axis is the
 * nodal short axis. Explicit numbers in the record are kept when neither exists.
 */
export function effectiveObservation(r: LesionRecord): LesionObservation {
  const autoShort = r.auto ? (r.isNode ? r.auto.nodalShortAxis : r.auto.shortAxis).lengthMm : undefined;
  const longAxisMm = r.manualLongAxis?.lengthMm ?? r.auto?.longAxis.lengthMm ?? r.longAxisMm;
  const shortAxisMm = r.manualShortAxis?.lengthMm ?? autoShort ?? r.shortAxisMm;
  const manual = r.manualLongAxis !== undefined || r.manualShortAxis !== undefined || (r.manual ?? false);
  const out: LesionObservation = { id: r.id, status: r.status, manual };
  if (r.role !== undefined) out.role = r.role;
  if (r.organ !== undefined) out.organ = r.organ;
  if (r.isNode !== undefined) out.isNode = r.isNode;
  if (longAxisMm !== undefined) out.longAxisMm = longAxisMm;
  if (shortAxisMm !== undefined) out.shortAxisMm = shortAxisMm;
  return out;
}

export function effectiveTimepoint(tp: TimepointRecord): Timepoint {
  return { id: tp.id, date: tp.date, ...(tp.sliceThicknessMm !== undefined ? { sliceThicknessMm: tp.sliceThicknessMm } : {}), lesions: tp.lesions.map(effectiveObservation) };
}

export interface LesionTableCheck {
  /** Refusals: more than 5 targets, or more than 2 in one organ. */
  errors: string[];
  /** Per lesion id: measurability warnings (too small, pathological node...). */
  warnings: Record<string, string[]>;
}

/** Target limits (refused) and measurability (warned) of one timepoint's table. */
export function checkLesionTable(tp: TimepointRecord): LesionTableCheck {
  const targets = tp.lesions.filter((l) => l.role === 'target').map((l) => ({ id: l.id, organ: l.organ, isNode: l.isNode ?? false }));
  // A target without an organ yet is a warning below (the table is still being filled), not a refusal.
  const withOrgan = targets.filter((t) => t.isNode || t.organ);
  const errors = checkTargetSelection(withOrgan);
  // The count limit applies to every target; checkTargetSelection reports it first.
  if (targets.length > MAX_TARGETS && withOrgan.length <= MAX_TARGETS) errors.unshift(...checkTargetSelection(targets).slice(0, 1));
  const warnings: Record<string, string[]> = {};
  for (const r of tp.lesions) {
    const o = effectiveObservation(r);
    const list: string[] = [];
    if (r.role === 'target') {
      if (o.status === 'present' && (o.isNode ? o.shortAxisMm : o.longAxisMm) === undefined) list.push(`no ${o.isNode ? 'short' : 'long'} axis yet`);
      else if (o.status === 'present') {
        const m = assessMeasurability({ isNode: o.isNode ?? false, longAxisMm: o.longAxisMm, shortAxisMm: o.shortAxisMm }, tp.sliceThicknessMm ?? r.auto?.sliceSpacingMm);
        if (!m.measurable) list.push(`not measurable: ${m.reason}`);
      }
      if (!r.organ) list.push('organ missing (needed for the 2-per-organ limit)');
    }
    if (list.length) warnings[r.id] = list;
  }
  return { errors, warnings };
}
