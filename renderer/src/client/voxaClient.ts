/**
 * The renderer's one client of the contract. Two transports carry it: the
 * Electron bridge (`window.voxa`) and the host-mode WebSocket. Every response
 * is parsed against its schema here: data that crossed a process boundary is
 * checked, not asserted.
 */
import {
  contract,
  errorSchema,
  events,
  isEventName,
  VoxaError,
  type ChannelName,
  type ChannelRequest,
  type ChannelResponse,
  type EventName,
  type EventPayload,
  type VoxaApi,
} from '../../../common/contract';

export interface Transport {
  /** Sends a call; resolves with the raw envelope as received. */
  call(channel: ChannelName, request: unknown): Promise<unknown>;
  /** Subscribes to a raw event; returns the unsubscribe function. */
  on(event: EventName, listener: (payload: unknown) => void): () => void;
  readonly kind: 'electron' | 'websocket';
}

export type VoxaClient = VoxaApi & { readonly transport: Transport['kind'] };

export function createClient(transport: Transport): VoxaClient {
  return {
    transport: transport.kind,
    async invoke<C extends ChannelName>(channel: C, request: ChannelRequest<C>): Promise<ChannelResponse<C>> {
      const raw = await transport.call(channel, request);
      if (raw && typeof raw === 'object' && 'ok' in raw) {
        const env = raw as { ok: unknown; value?: unknown; error?: unknown };
        if (env.ok === true) {
          const parsed = contract[channel].res.safeParse(env.value);
          if (parsed.success) return parsed.data as ChannelResponse<C>;
          throw new VoxaError('INTERNAL', `response of "${channel}" does not match its schema`);
        }
        const err = errorSchema.safeParse(env.error);
        if (err.success) throw VoxaError.from(err.data);
      }
      throw new VoxaError('INTERNAL', `malformed reply to "${channel}"`);
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      if (!isEventName(event)) throw new Error(`unknown event ${String(event)}`);
      return transport.on(event, (payload) => {
        const parsed = events[event].safeParse(payload);
        if (parsed.success) listener(parsed.data as EventPayload<E>);
      });
    },
  };
}
