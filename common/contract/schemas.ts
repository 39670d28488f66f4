import { z } from 'zod';
import { VOXEL_DTYPES } from '../volume';

export const vec3 = z.tuple([z.number(), z.number(), z.number()]);
export const mat3 = z.tuple([
  z.number(), z.number(), z.number(),
  z.number(), z.number(), z.number(),
  z.number(), z.number(), z.number(),
]);
const positiveInt = z.number().int().positive();

/** Raw bytes; travels as a binary frame (WebSocket) or a structured clone (Electron), never as JSON numbers. */
export const binary = z.custom<ArrayBuffer>((v) => v instanceof ArrayBuffer, { message: 'expected binary data (ArrayBuffer)' });

export const volumeGeometrySchema = z.object({
  dimensions: z.tuple([positiveInt, positiveInt, positiveInt]),
  spacingMm: vec3,
  originLps: vec3,
  direction: mat3,
});

export const volumeHeaderSchema = z.object({
  volumeId: z.string(),
  geometry: volumeGeometrySchema,
  dtype: z.enum(VOXEL_DTYPES),
  modality: z.enum(['CT', 'MR', 'PT', 'US', 'OT']),
  sourceFormat: z.enum(['nifti', 'dicom', 'nrrd']),
  description: z.string(),
  patientName: z.string(),
  patientId: z.string(),
  studyDate: z.string(),
  /** Minimum and maximum finite voxel values, in real units. */
  valueRange: z.tuple([z.number(), z.number()]),
  orientation: z.string(),
  warnings: z.array(z.string()),
});
export type VolumeHeader = z.infer<typeof volumeHeaderSchema>;

export const fsEntrySchema = z.object({
  name: z.string(),
  path: z.string(),
  kind: z.enum(['directory', 'file']),
  /** What Voxa believes the entry is, from its name (cheap; no file is opened). */
  looksLike: z.enum(['nifti', 'nrrd', 'dicom', 'dicom-folder', 'other']),
  sizeBytes: z.number().nonnegative(),
});
export type FsEntry = z.infer<typeof fsEntrySchema>;

export const jobProgressSchema = z.object({
  jobId: z.string(),
  label: z.string(),
  /** 0..1, or null when the amount of work is unknown. */
  fraction: z.number().min(0).max(1).nullable(),
  done: z.boolean(),
});
export type JobProgress = z.infer<typeof jobProgressSchema>;
