/**
 * Sandboxed preload, bundled to one file. Exposes `window.voxa` with one
 * method per contract channel, built by looping over the contract; events
 * only for names the contract declares. Raw ipcRenderer is never exposed.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL, CHANNELS, EVENT_PREFIX, isEventName } from '../common/contract';
import type { VoxaBridge } from './bridge';

const bridge: Record<string, unknown> = {};
for (const channel of CHANNELS) {
  bridge[channel] = (request: unknown) => ipcRenderer.invoke(channel, request);
}
bridge.on = (event: string, listener: (payload: unknown) => void) => {
  if (!isEventName(event)) throw new Error(`unknown event ${event}`);
  const wrapped = (_e: unknown, payload: unknown) => listener(payload);
  ipcRenderer.on(EVENT_PREFIX + event, wrapped);
  return () => ipcRenderer.removeListener(EVENT_PREFIX + event, wrapped);
};

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge as VoxaBridge);
