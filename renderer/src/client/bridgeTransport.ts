import type { ChannelName, EventName } from '../../../common/contract';
import type { VoxaBridge } from '../../../preload/bridge';
import type { Transport } from './voxaClient';

/** The Electron transport: the preload's `window.voxa`, one method per channel. */
export function bridgeTransport(bridge: VoxaBridge): Transport {
  return {
    kind: 'electron',
    call: (channel: ChannelName, request: unknown) => (bridge[channel] as (r: unknown) => Promise<unknown>)(request),
    on: (event: EventName, listener: (payload: unknown) => void) => bridge.on(event, listener as never),
  };
}
