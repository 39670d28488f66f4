/** About Voxa: version, and the licences of the models, data and packages it ships (issue 17). */
import { z } from 'zod';
import { channel } from './define';

const licensed = z.object({ name: z.string(), version: z.string(), licence: z.string() });

export const appChannels = {
  'app:about': channel(
    z.object({}),
    z.object({
      name: z.string(),
      version: z.string(),
      /** The built-in model packs, each with its licence (weights and training data). */
      models: z.array(licensed.extend({ id: z.string() })),
      /** Data shipped with the app (the demo study) and where it comes from. */
      data: z.array(z.object({ name: z.string(), licence: z.string(), attribution: z.string() })),
      /** Every production npm package in the build, with its licence. */
      packages: z.array(licensed),
    }),
  ),
  /**
   * Electron: the native Save dialog, starting at `suggestedName` in the last folder used (or the
   * exports folder). The chosen file's folder is granted so the export can be written there; null
   * when cancelled. Host mode: UNSUPPORTED (the workstation's Save as… file browser is used).
   */
  'dialog:save': channel(
    z.object({
      suggestedName: z.string().min(1).max(255),
      filters: z.array(z.object({ name: z.string().max(100), extensions: z.array(z.string().regex(/^[a-z0-9.]{1,12}$/i)).max(10) })).max(10).default([]),
    }),
    z.object({ path: z.string().nullable() }),
  ),
} as const;

export const appEvents = {} as const;
