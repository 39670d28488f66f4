/** Loads a volume into the viewer: header, then the voxels once, as binary. */
import { VoxaError } from '../../../common/contract';
import { voxelArrayFromBuffer } from '../../../common/volume';
import type { VoxaClient } from '../client/voxaClient';
import type { ViewerStore } from '../state/viewerStore';

export async function openVolume(client: VoxaClient, store: ViewerStore, path: string): Promise<void> {
  const s = store.getState();
  s.setBusy({ label: 'Loading', fraction: null });
  s.setError(null);
  const jobId = `open-${Date.now()}`;
  const off = client.on('job:progress', (p) => {
    if (p.jobId === jobId && !p.done) store.getState().setBusy({ label: p.label, fraction: p.fraction });
  });
  try {
    const previous = s.volume?.header.volumeId;
    const header = await client.invoke('volume:open', { path, jobId });
    const { dtype, data } = await client.invoke('volume:voxels', { volumeId: header.volumeId });
    store.getState().setVolume({ header, voxels: voxelArrayFromBuffer(dtype, data) });
    if (previous) void client.invoke('volume:close', { volumeId: previous }).catch(() => undefined);
  } catch (e) {
    store.getState().setError(e instanceof VoxaError ? e.message : 'The volume could not be opened.');
  } finally {
    off();
    store.getState().setBusy(null);
  }
}
