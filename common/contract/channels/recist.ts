/** RECIST 1.1 measurements, lesion tables, timepoints, response and reports. */
import { z } from 'zod';
import { timepointRecordSchema } from '../../recist/lesionTable';
import { channel } from './define';

/** Which patient a set of timepoints belongs to (the study database's patient ID, or any stable key). */
const patientKey = z.string().trim().min(1).max(200);
const pctOrNull = z.number().finite().nullable();

export const followUpSchema = z.object({
  timepointId: z.string(),
  date: z.string(),
  sumMm: z.number(),
  sumComplete: z.boolean(),
  changeFromBaselineMm: z.number(),
  changeFromBaselinePct: pctOrNull,
  nadirMm: z.number(),
  nadirTimepointId: z.string(),
  changeFromNadirMm: z.number(),
  changeFromNadirPct: pctOrNull,
  targetResponse: z.enum(['CR', 'PR', 'SD', 'PD', 'NE']).nullable(),
  nonTargetResponse: z.enum(['CR', 'NON_CR_NON_PD', 'PD', 'NE']).nullable(),
  newLesions: z.array(z.string()),
  overall: z.enum(['CR', 'PR', 'SD', 'PD', 'NE', 'NON_CR_NON_PD']),
  reasons: z.array(z.string()),
});

export const lesionSeriesSchema = z.object({
  timepoints: z.array(z.object({ id: z.string(), date: z.string(), day: z.number() })),
  lesions: z.array(z.object({ id: z.string(), organ: z.string().optional(), isNode: z.boolean(), diameters: z.array(z.number().nullable()), manual: z.array(z.boolean()) })),
  sums: z.array(z.number().nullable()),
});

export const recistChannels = {
  /** The patient's timepoints (by date) with their lesion tables, and which one is baseline. */
  'recist:timepoints': channel(z.object({ patientKey }), z.object({ baselineId: z.string().nullable(), timepoints: z.array(timepointRecordSchema) })),
  /**
   * Saves (replaces) one timepoint's lesion table. More than 5 targets or more than
   * 2 per organ is refused (BAD_REQUEST, one detail per violated limit); measurability
   * problems come back as per-lesion warnings.
   */
  'recist:saveTimepoint': channel(
    z.object({ patientKey, timepoint: timepointRecordSchema, baseline: z.boolean().optional() }),
    z.object({ warnings: z.record(z.string(), z.array(z.string())) }),
  ),
  'recist:deleteTimepoint': channel(z.object({ patientKey, timepointId: z.string().min(1) }), z.object({ deleted: z.boolean() })),
  /** RECIST 1.1 response of every follow-up against the baseline, and the per-target series the plots draw. */
  'recist:response': channel(
    z.object({ patientKey }),
    z.object({
      baseline: z.object({ timepointId: z.string(), date: z.string(), sumMm: z.number(), warnings: z.array(z.string()) }),
      followUps: z.array(followUpSchema),
      series: lesionSeriesSchema,
    }),
  ),
  /** Writes lesions.csv, response.csv, report.json, the plot SVGs and (pdf) report.pdf into a granted folder. */
  'recist:export': channel(z.object({ patientKey, dir: z.string().min(1), pdf: z.boolean().optional(), title: z.string().max(200).optional(), overwrite: z.boolean().optional() }), z.object({ files: z.array(z.string()) })),
} as const;

export const recistEvents = {
  /** A patient's lesion tables changed (saved or deleted timepoint): panels and plots should refresh. */
  'recist:changed': z.object({ patientKey: z.string() }),
} as const;
