/** The study database: import, list, remove, open a series (issue: imaging IO / study panel). */
import { z } from 'zod';
import { VOXEL_DTYPES } from '../../volume';
import { binary, volumeGeometrySchema, volumeHeaderSchema } from '../schemas';
import { channel } from './define';

const count = z.number().int().nonnegative();

export const studySeriesSchema = z.object({
  seriesUid: z.string(),
  modality: z.string(),
  description: z.string(),
  seriesNumber: z.number().nullable(),
  instanceCount: count,
  /** Indexed files no longer found where they were (moved or deleted). */
  missingCount: count,
});

export const studyEntrySchema = z.object({
  studyUid: z.string(),
  patientId: z.string(),
  patientName: z.string(),
  studyDate: z.string(),
  description: z.string(),
  instanceCount: count,
  missingCount: count,
  series: z.array(studySeriesSchema),
});
export type StudySeries = z.infer<typeof studySeriesSchema>;
export type StudyListEntry = z.infer<typeof studyEntrySchema>;

export const studyChannels = {
  /** Studies with their series, newest first; `query` matches patient name/ID, study or series description (case-insensitive). */
  'study:list': channel(
    z.object({ query: z.string().max(200).optional() }),
    z.object({ studies: z.array(studyEntrySchema), counts: z.object({ patients: count, studies: count, series: count, instances: count, missing: count }) }),
  ),
  /** Indexes the DICOM files below a folder (or one file). Progress as job:progress under `jobId`; cancel with study:cancelImport. */
  'study:import': channel(
    z.object({ path: z.string().min(1), jobId: z.string().min(1).max(100) }),
    z.object({
      filesSeen: count,
      added: count,
      unchanged: count,
      relocated: count,
      skippedCount: count,
      /** The first few skipped files (relative names) and why. */
      skipped: z.array(z.object({ file: z.string(), reason: z.string() })),
      cancelled: z.boolean(),
    }),
  ),
  /** Stops a running import; the batches already committed stay (a later import completes the rest). */
  'study:cancelImport': channel(z.object({ jobId: z.string().min(1) }), z.object({ cancelled: z.boolean() })),
  /** Removes a study or a series from the index only; files on disk are never touched. */
  'study:remove': channel(
    z.union([z.object({ studyUid: z.string().min(1) }), z.object({ seriesUid: z.string().min(1) })]),
    z.object({ removed: z.boolean() }),
  ),
  /**
   * Loads an indexed series as a volume (then fetch its voxels with volume:voxels).
   * Files are checked first: moved or deleted ones are marked missing; a series with
   * none left is NOT_FOUND, one with some missing opens with a warning.
   */
  'study:open': channel(z.object({ seriesUid: z.string().min(1), jobId: z.string().optional() }), volumeHeaderSchema),
  /** The middle image of an indexed series (its voxels and grid), for the panel's thumbnail; NOT_FOUND when its files are gone. */
  'study:thumbnail': channel(
    z.object({ seriesUid: z.string().min(1) }),
    z.object({ seriesUid: z.string(), modality: z.string(), geometry: volumeGeometrySchema, dtype: z.enum(VOXEL_DTYPES), data: binary }),
  ),
} as const;

export const studyEvents = {
  /** The index changed (import batch, removal, files found missing): lists should refresh. */
  'study:changed': z.object({ reason: z.enum(['import', 'remove', 'missing']) }),
} as const;
