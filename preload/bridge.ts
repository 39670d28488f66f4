/**
 * The shape of `window.voxa`: one method per contract channel plus `on` for
 * events. Shared by preload (which builds it) and the renderer (which uses it
 * through `import type`).
 */
import type { ChannelName, ChannelRequest, ChannelResponse, Envelope, EventName, EventPayload } from '../common/contract';

export type VoxaBridge = {
  [C in ChannelName]: (request: ChannelRequest<C>) => Promise<Envelope<ChannelResponse<C>>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};
