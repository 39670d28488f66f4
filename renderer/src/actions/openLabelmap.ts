/**
 * Opens a labelmap file (NIfTI/NRRD/DICOM read by the same services) as the
 * segmentation of the volume on screen. Its grid must be the image's grid
 * (same dimensions, and spacing, origin and direction within 1e-3).
 */
import { VoxaError, type VolumeHeader } from '../../../common/contract';
import type { VoxaClient } from '../client/voxaClient';
import type { SegmentationStore } from '../state/segmentationStore';
import type { ViewerStore } from '../state/viewerStore';
import { fetchVoxels } from './fetchVoxels';

export function sameGrid(a: VolumeHeader['geometry'], b: VolumeHeader['geometry'], tol = 1e-3): boolean {
  const close = (x: readonly number[], y: readonly number[]) => x.every((v, n) => Math.abs(v - (y[n] ?? NaN)) <= tol * Math.max(1, Math.abs(v)));
  return a.dimensions.every((d, n) => d === b.dimensions[n]) && close(a.spacingMm, b.spacingMm) && close(a.originLps, b.originLps) && close(a.direction, b.direction);
}

export async function openLabelmap(client: VoxaClient, store: ViewerStore, segStore: SegmentationStore, path: string): Promise<void> {
  const image = store.getState().volume;
  if (!image) {
    store.getState().setError('Open an image before its segmentation.');
    return;
  }
  store.getState().setBusy({ label: 'Loading segmentation', fraction: null });
  let labelId: string | null = null;
  try {
    const header = await client.invoke('volume:open', { path });
    labelId = header.volumeId;
    if (!sameGrid(header.geometry, image.header.geometry)) throw new VoxaError('UNSUPPORTED', "The segmentation's grid does not match the image's grid.");
    if (header.valueRange[0] < 0 || header.valueRange[1] > 255) throw new VoxaError('UNSUPPORTED', 'A labelmap must hold labels 0..255.');
    const values = await fetchVoxels(client, { volumeId: header.volumeId, dtype: header.dtype, dimensions: header.geometry.dimensions });
    const labels = values instanceof Uint8Array ? values : Uint8Array.from(values, (v) => (Number.isFinite(v) ? Math.round(v) : 0));
    segStore.getState().load(image.header.volumeId, image.header.geometry.dimensions, labels);
  } catch (e) {
    store.getState().setError(e instanceof VoxaError ? e.message : 'The segmentation could not be opened.');
  } finally {
    if (labelId) void client.invoke('volume:close', { volumeId: labelId }).catch(() => undefined);
    store.getState().setBusy(null);
  }
}
