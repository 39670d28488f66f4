/**
 * The one contract between the renderer and the services.
 *
 * Every request/response channel is declared here once as `'domain:verb'`
 * with zod schemas; main-to-renderer events likewise. Main registers a handler
 * per channel (a missing one is a compile error, see main/ipc/router.ts),
 * preload builds its bridge by looping over `CHANNELS`, and the renderer's
 * client is typed from the same object.
 */
import { z } from 'zod';
import { binary, fsEntrySchema, jobProgressSchema, volumeHeaderSchema } from './schemas';
import { VOXEL_DTYPES } from '../volume';
import type { VoxaErrorShape } from './errors';

export * from './errors';
export * from './schemas';

const channel = <Req extends z.ZodType, Res extends z.ZodType>(req: Req, res: Res) => ({ req, res });

export const contract = {
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
  'volume:voxels': channel(
    z.object({ volumeId: z.string() }),
    z.object({ volumeId: z.string(), dtype: z.enum(VOXEL_DTYPES), data: binary }),
  ),
  'volume:close': channel(z.object({ volumeId: z.string() }), z.object({ closed: z.boolean() })),
} as const;

export const events = {
  'job:progress': jobProgressSchema,
  /** The shell opened a path (menu, drag and drop, command line); the renderer loads it. */
  'app:openPath': z.object({ path: z.string() }),
} as const;

export type Contract = typeof contract;
export type ChannelName = keyof Contract;
export type EventName = keyof typeof events;
export type ChannelRequest<C extends ChannelName> = z.input<Contract[C]['req']>;
export type ChannelParsedRequest<C extends ChannelName> = z.output<Contract[C]['req']>;
export type ChannelResponse<C extends ChannelName> = z.output<Contract[C]['res']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export const CHANNELS = Object.keys(contract) as ChannelName[];
export const EVENTS = Object.keys(events) as EventName[];

export function isChannelName(name: string): name is ChannelName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}

/** The envelope every call resolves to; exceptions never cross the boundary raw. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: VoxaErrorShape };

/** The renderer-facing API: one method per channel, plus event subscription. */
export type VoxaApi = {
  invoke<C extends ChannelName>(channel: C, request: ChannelRequest<C>): Promise<ChannelResponse<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

/** Name of the preload global: `window.voxa`. */
export const BRIDGE_GLOBAL = 'voxa';
/** Electron IPC channel prefix for events (main → renderer). */
export const EVENT_PREFIX = 'event:';
