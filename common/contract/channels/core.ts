/** App, dialogs, the host-mode file browser and volume transfer. */
import { z } from 'zod';
import { VOXEL_DTYPES } from '../../volume';
import { binary, fsEntrySchema, jobProgressSchema, volumeHeaderSchema } from '../schemas';
import { channel } from './define';

/** Target size of one voxel chunk (whole k slices; a single slice may exceed it). */
export const VOXEL_CHUNK_BYTES = 16 * 1024 * 1024;

export const coreChannels = {
  'app:info': channel(
    z.object({}),
    z.object({
      version: z.string(),
      mode: z.enum(['electron', 'host']),
      platform: z.string(),
      /** True where native open dialogs exist (Electron); host mode offers the file browser instead. */
      nativeDialogs: z.boolean(),
      demoPath: z.string().nullable(),
    }),
  ),
  'dialog:open': channel(
    z.object({ kind: z.enum(['dicomFolder', 'niftiFile']) }),
    z.object({ path: z.string().nullable() }),
  ),
  'fs:roots': channel(z.object({}), z.object({ roots: z.array(fsEntrySchema) })),
  'fs:list': channel(
    z.object({ path: z.string().min(1) }),
    z.object({ path: z.string(), parent: z.string().nullable(), entries: z.array(fsEntrySchema) }),
  ),
  'volume:open': channel(z.object({ path: z.string().min(1), jobId: z.string().optional() }), volumeHeaderSchema),
  /**
   * Voxels of a loaded volume, whole or as a range of k slices (i fastest). Large
   * volumes travel in chunks of about VOXEL_CHUNK_BYTES, so no single message holds
   * the whole array and the renderer fills one typed array as they arrive.
   */
  'volume:voxels': channel(
    z.object({
      volumeId: z.string(),
      firstSlice: z.number().int().nonnegative().optional(),
      sliceCount: z.number().int().positive().optional(),
    }),
    z.object({
      volumeId: z.string(),
      dtype: z.enum(VOXEL_DTYPES),
      firstSlice: z.number().int().nonnegative(),
      sliceCount: z.number().int().nonnegative(),
      data: binary,
    }),
  ),
  'volume:close': channel(z.object({ volumeId: z.string() }), z.object({ closed: z.boolean() })),
} as const;

export const coreEvents = {
  'job:progress': jobProgressSchema,
  /** The shell opened a path (menu, drag and drop, command line); the renderer loads it, or imports it into the study database. */
  'app:openPath': z.object({ path: z.string(), action: z.enum(['open', 'import']).optional() }),
} as const;
