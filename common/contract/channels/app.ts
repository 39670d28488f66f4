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
} as const;

export const appEvents = {} as const;
