/**
 * The one contract between the renderer and the services.
 *
 * Every request/response channel is declared here once as `'domain:verb'`
 * with zod schemas; main-to-renderer events likewise. Main registers a handler
 * per channel (a missing one is a compile error, see main/ipc/router.ts),
 * preload builds its bridge by looping over `CHANNELS`, and the renderer's
 * client is typed from the same object.
 */
import type { z } from 'zod';
import type { VoxaErrorShape } from './errors';
import { appChannels, appEvents } from './channels/app';
import { coreChannels, coreEvents } from './channels/core';
import { pacsChannels, pacsEvents } from './channels/pacs';
import { recistChannels, recistEvents } from './channels/recist';
import { segmentChannels, segmentEvents } from './channels/segment';
import { studyChannels, studyEvents } from './channels/study';
import { tasksChannels, tasksEvents } from './channels/tasks';

export * from './errors';
export * from './schemas';

/** Every channel, one file per domain under ./channels (names must not repeat across files). */
export const contract = {
  ...coreChannels,
  ...appChannels,
  ...studyChannels,
  ...segmentChannels,
  ...recistChannels,
  ...tasksChannels,
  ...pacsChannels,
} as const;

export const events = {
  ...coreEvents,
  ...appEvents,
  ...studyEvents,
  ...segmentEvents,
  ...recistEvents,
  ...tasksEvents,
  ...pacsEvents,
} as const;

export type Contract = typeof contract;
export type ChannelName = keyof Contract;
export type EventName = keyof typeof events;
export type ChannelRequest<C extends ChannelName> = z.input<Contract[C]['req']>;
export type ChannelParsedRequest<C extends ChannelName> = z.output<Contract[C]['req']>;
export type ChannelResponse<C extends ChannelName> = z.output<Contract[C]['res']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export const CHANNELS = Object.keys(contract) as ChannelName[];

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
/** Electron only: the preload reports paths of files dropped from the OS (not a contract channel: no renderer call reaches it). */
export const DROPPED_PATHS_CHANNEL = 'shell:droppedPaths';
