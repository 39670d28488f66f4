/**
 * RECIST 1.1 lesion observations over time: the shape of `voxa response`'s
 * timepoints JSON and of the lesion table. Validated with zod where it crosses
 * a boundary (a file, an IPC message).
 *
 * Units: millimetres for axes; dates as ISO 8601 (YYYY-MM-DD, optionally with a time).
 */
import { z } from 'zod';

/** target: in the sum of diameters; nonTarget: followed qualitatively; new: appeared after baseline. */
export const LESION_ROLES = ['target', 'nonTarget', 'new'] as const;
export type LesionRole = (typeof LESION_ROLES)[number];

/**
 * present: seen (and, for targets, measured); absent: disappeared (counts 0 mm);
 * notEvaluable: not assessable at this timepoint (missing images, artefact...);
 * unequivocalProgression: non-targets only, the reader's judgement of
 * unequivocal progression. A new lesion marked notEvaluable is equivocal and
 * does not count as new until confirmed.
 */
export const LESION_STATUSES = ['present', 'absent', 'notEvaluable', 'unequivocalProgression'] as const;
export type LesionStatus = (typeof LESION_STATUSES)[number];

const mm = z.number().finite().nonnegative();

export const lesionObservationSchema = z.strictObject({
  /** Tracking identifier, the same at every timepoint. */
  id: z.string().trim().min(1),
  /** Required at baseline; at follow-ups taken from baseline, or "new". */
  role: z.enum(LESION_ROLES).optional(),
  /** Organ or site (targets need it at baseline: at most 2 targets per organ). */
  organ: z.string().trim().min(1).optional(),
  /** Lymph node: measured by its short axis. Taken from baseline when omitted. */
  isNode: z.boolean().optional(),
  longAxisMm: mm.optional(),
  shortAxisMm: mm.optional(),
  status: z.enum(LESION_STATUSES).default('present'),
  /** True when a reader's caliper overrides the automatic measurement. */
  manual: z.boolean().optional(),
});
export type LesionObservation = z.output<typeof lesionObservationSchema>;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/, 'expected an ISO date (YYYY-MM-DD)')
  .refine((s) => !Number.isNaN(Date.parse(s.slice(0, 10))), 'not a calendar date');

export const timepointSchema = z.strictObject({
  id: z.string().trim().min(1),
  date: isoDate,
  /** Reconstructed slice thickness (mm), for the measurability rule on thick slices. */
  sliceThicknessMm: z.number().finite().positive().optional(),
  lesions: z.array(lesionObservationSchema),
});
export type Timepoint = z.output<typeof timepointSchema>;

export const timepointsFileSchema = z.strictObject({
  /** Which timepoint is baseline; the earliest by date when omitted. */
  baselineId: z.string().trim().min(1).optional(),
  timepoints: z.array(timepointSchema).min(1, 'at least one timepoint (the baseline) is needed'),
});
export type TimepointsFile = z.output<typeof timepointsFileSchema>;
export type TimepointsFileInput = z.input<typeof timepointsFileSchema>;
