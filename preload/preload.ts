/**
 * Sandboxed preload, bundled to one file. Exposes `window.voxa` with one
 * method per contract channel, built by looping over the contract; events
 * only for names the contract declares. Raw ipcRenderer is never exposed.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { BRIDGE_GLOBAL, CHANNELS, DROPPED_PATHS_CHANNEL, EVENT_PREFIX, isEventName } from '../common/contract';
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

// Files dropped from the OS onto the window: their paths go to main, which grants them and
// asks the renderer to import them (app:openPath). Only real OS files have a path, so page
// script cannot forge a drop that grants arbitrary paths.
type DroppedFile = Parameters<typeof webUtils.getPathForFile>[0];
const page = globalThis as unknown as { addEventListener(type: 'drop', listener: (e: { dataTransfer: { files: ArrayLike<DroppedFile> } | null }) => void): void };
page.addEventListener('drop', (e) => {
  const files = e.dataTransfer ? Array.from(e.dataTransfer.files) : [];
  const paths = files.map((f) => webUtils.getPathForFile(f)).filter((p) => p.length > 0);
  if (paths.length > 0) void ipcRenderer.invoke(DROPPED_PATHS_CHANNEL, paths);
});
