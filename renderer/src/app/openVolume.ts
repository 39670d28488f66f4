/**
 * Loads a volume into the viewer: header, then the voxels as binary chunks
 * filling one typed array (fetchVoxels.ts); the viewer, the MPR reslicer and
 * the 3D view all read that one array.
 */
import { VoxaError } from '../../../common/contract';
import type { VoxaClient } from '../client/voxaClient';
import { fetchVoxels } from './fetchVoxels';
import type { SegmentationStore } from '../state/segmentationStore';
import type { StudyListStore } from '../state/studyListStore';
import type { ViewerStore } from '../state/viewerStore';

export interface OpenTargets {
  store: ViewerStore;
  segStore?: SegmentationStore;
  studies?: StudyListStore;
}

/** For the benchmark: timestamps (performance.now) and durations of the latest open. */
export const openTimings = { requested: 0, headerMs: 0, voxelsMs: 0, loadedAt: 0, setVolumeMs: 0 };

/**
 * Opens a file or folder by path, or (with `series`) a series of the study
 * database through study:open; `path` is then the list key `series:<uid>`.
 */
export async function openVolume(client: VoxaClient, targets: OpenTargets | ViewerStore, path: string, series?: { seriesUid: string; label: string }): Promise<void> {
  const { store, segStore, studies } = 'getState' in targets ? { store: targets, segStore: undefined, studies: undefined } : targets;
  const s = store.getState();
  s.setBusy({ label: 'Loading', fraction: null });
  s.setError(null);
  const jobId = `open-${Date.now()}`;
  const name = series?.label ?? path.split(/[\\/]/).pop() ?? path;
  studies?.getState().setJob(jobId, { label: `Loading ${name}`, fraction: null });
  const off = client.on('job:progress', (p) => {
    if (p.jobId !== jobId || p.done) return;
    store.getState().setBusy({ label: p.label, fraction: p.fraction });
    studies?.getState().setJob(jobId, { label: `${p.label} ${name}`, fraction: p.fraction });
  });
  try {
    const previous = s.volume?.header.volumeId;
    const t0 = performance.now();
    openTimings.requested = t0;
    const header = series ? await client.invoke('study:open', { seriesUid: series.seriesUid, jobId }) : await client.invoke('volume:open', { path, jobId });
    const t1 = performance.now();
    const voxels = await fetchVoxels(client, { volumeId: header.volumeId, dtype: header.dtype, dimensions: header.geometry.dimensions }, {
      onProgress: (fraction) => {
        store.getState().setBusy({ label: 'Receiving voxels', fraction });
        studies?.getState().setJob(jobId, { label: `Receiving ${name}`, fraction });
      },
    });
    const t2 = performance.now();
    Object.assign(openTimings, { headerMs: t1 - t0, voxelsMs: t2 - t1, loadedAt: t2 });
    segStore?.getState().clear();
    store.getState().setVolume({ header, voxels });
    openTimings.setVolumeMs = performance.now() - t2;
    studies?.getState().opened({
      path,
      ...(series ? { seriesUid: series.seriesUid } : {}),
      volumeId: header.volumeId,
      modality: header.modality,
      description: header.description,
      patientName: header.patientName,
      patientId: header.patientId,
      studyDate: header.studyDate,
      dimensions: header.geometry.dimensions,
      thumbnail: null,
      openedAt: Date.now(),
    });
    if (previous) {
      studies?.getState().closed(previous);
      void client.invoke('volume:close', { volumeId: previous }).catch(() => undefined);
    }
  } catch (e) {
    store.getState().setError(e instanceof VoxaError ? e.message : 'The volume could not be opened.');
  } finally {
    off();
    studies?.getState().setJob(jobId, null);
    store.getState().setBusy(null);
  }
}
