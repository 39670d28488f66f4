/**
 * Loads a volume into the viewer: header, then the voxels as binary chunks
 * filling one typed array (fetchVoxels.ts); the viewer, the MPR reslicer and
 * the 3D view all read that one array.
 *
 * A volume of more than one chunk streams: the array is allocated from the
 * header, the slices under the first axial image come alone first and the
 * volume is shown as soon as they are in (the axial view complete, coronal
 * and sagittal blank where slices are missing); the rest follow outward from
 * there (streamOrder.ts), and the views redraw at most every
 * STREAM_REDRAW_MS. Tools that need every voxel wait for the end of the
 * stream (viewerStore `streaming`). A newer open, or cancelOpen, stops the
 * stream: its half volume leaves the viewer and is closed in the services.
 */
import { dot } from '../../../common/geometry/affine';
import { VoxaError, type VolumeHeader } from '../../../common/contract';
import type { VoxaClient } from '../client/voxaClient';
import { allocateVoxels, fetchVoxels, slicesPerChunk } from './fetchVoxels';
import { slicesUnderPlane, streamRanges } from './streamOrder';
import type { SegmentationStore } from '../state/segmentationStore';
import type { StudyListStore } from '../state/studyListStore';
import { initialCrosshairLps, type VoxelStreaming, type ViewerStore } from '../state/viewerStore';
import { sliceGrid } from '../geometry/mprGeometry';

export interface OpenTargets {
  store: ViewerStore;
  segStore?: SegmentationStore;
  studies?: StudyListStore;
}

/** The views redraw for newly arrived slices at most this often (ms). */
export const STREAM_REDRAW_MS = 150;

/**
 * For the benchmark: timestamps (performance.now) and durations of the latest open.
 * `shownAt`: the volume was put in the viewer (first slices in, when streamed);
 * `loadedAt`: the last voxel chunk was in; `setVolumeMs`: the setVolume that showed it.
 */
export const openTimings = { requested: 0, headerMs: 0, shownAt: 0, firstSlices: 0, voxelsMs: 0, loadedAt: 0, setVolumeMs: 0, streamed: false };

/** The open in progress per viewer: a newer open or cancelOpen stops it. */
const inProgress = new WeakMap<ViewerStore, AbortController>();

/** Stops the open in progress in `store` (its half-streamed volume leaves the viewer). */
export function cancelOpen(store: ViewerStore): void {
  inProgress.get(store)?.abort();
}

const cancelled = () => new VoxaError('CANCELLED', 'loading was cancelled');

/**
 * Opens a file or folder by path, or (with `series`) a series of the study
 * database through study:open; `path` is then the list key `series:<uid>`.
 */
export async function openVolume(client: VoxaClient, targets: OpenTargets | ViewerStore, path: string, series?: { seriesUid: string; label: string }): Promise<void> {
  const { store, segStore, studies } = 'getState' in targets ? { store: targets, segStore: undefined, studies: undefined } : targets;
  inProgress.get(store)?.abort();
  const abort = new AbortController();
  inProgress.set(store, abort);
  const current = () => inProgress.get(store) === abort && !abort.signal.aborted;
  const s = store.getState();
  s.setBusy({ label: 'Loading', fraction: null });
  s.setError(null);
  const jobId = `open-${Date.now()}`;
  const name = series?.label ?? path.split(/[\\/]/).pop() ?? path;
  studies?.getState().setJob(jobId, { label: `Loading ${name}`, fraction: null });
  const off = client.on('job:progress', (p) => {
    if (p.jobId !== jobId || p.done || !current()) return;
    store.getState().setBusy({ label: p.label, fraction: p.fraction });
    studies?.getState().setJob(jobId, { label: `${p.label} ${name}`, fraction: p.fraction });
  });
  let header: VolumeHeader | null = null;
  let shown = false;
  let redrawTimer: ReturnType<typeof setTimeout> | undefined;
  try {
    const t0 = performance.now();
    openTimings.requested = t0;
    header = series ? await client.invoke('study:open', { seriesUid: series.seriesUid, jobId }) : await client.invoke('volume:open', { path, jobId });
    const t1 = performance.now();
    if (!current()) throw cancelled();
    const h = header;
    const g = h.geometry;
    const nk = g.dimensions[2];
    const src = { volumeId: h.volumeId, dtype: h.dtype, dimensions: g.dimensions };
    const voxels = allocateVoxels(src);
    const perChunk = slicesPerChunk(g.dimensions, h.dtype);
    const streamed = nk > perChunk;
    Object.assign(openTimings, { headerMs: t1 - t0, shownAt: 0, loadedAt: 0, streamed });

    /** Puts this volume in the viewer in place of the one shown (which is closed). */
    const show = (streaming: VoxelStreaming | null) => {
      const previous = store.getState().volume?.header.volumeId;
      const ts = performance.now();
      segStore?.getState().clear();
      store.getState().setVolume({ header: h, voxels, source: path }, streaming);
      shown = true;
      Object.assign(openTimings, { shownAt: ts, setVolumeMs: performance.now() - ts });
      if (previous && previous !== h.volumeId) {
        studies?.getState().closed(previous);
        void client.invoke('volume:close', { volumeId: previous }).catch(() => undefined);
      }
    };
    const onProgress = (fraction: number) => {
      if (!current()) return;
      store.getState().setBusy({ label: 'Receiving voxels', fraction });
      studies?.getState().setJob(jobId, { label: `Receiving ${name}`, fraction });
    };

    if (streamed) {
      const axial = sliceGrid(g, 'axial');
      const first = slicesUnderPlane(g, axial, dot(initialCrosshairLps(g), axial.axes.normal), perChunk);
      const sliceLoaded = new Uint8Array(nk);
      let slicesLoaded = 0;
      let lastRedraw = 0;
      const redraw = () => {
        redrawTimer = undefined;
        lastRedraw = performance.now();
        if (current()) store.getState().voxelsArrived(h.volumeId, slicesLoaded);
      };
      const onChunk = (firstSlice: number, sliceCount: number) => {
        sliceLoaded.fill(1, firstSlice, firstSlice + sliceCount);
        slicesLoaded += sliceCount;
        if (!current()) return;
        if (!shown) {
          // The slices of the first image (requested first) are in: show the volume.
          if (sliceLoaded.subarray(first[0], first[0] + first[1]).includes(0)) return;
          openTimings.firstSlices = first[1];
          show({ volumeId: h.volumeId, sliceLoaded, slicesLoaded, version: 0 });
          lastRedraw = performance.now();
        } else if (redrawTimer === undefined) {
          redrawTimer = setTimeout(redraw, Math.max(0, STREAM_REDRAW_MS - (performance.now() - lastRedraw)));
        }
      };
      await fetchVoxels(client, src, { into: voxels, ranges: streamRanges(nk, perChunk, first), onChunk, onProgress, signal: abort.signal });
      clearTimeout(redrawTimer);
      redrawTimer = undefined;
      if (!current()) throw cancelled();
      openTimings.loadedAt = performance.now();
      store.getState().voxelsArrived(h.volumeId, nk);
    } else {
      await fetchVoxels(client, src, { into: voxels, onProgress, signal: abort.signal });
      if (!current()) throw cancelled();
      openTimings.loadedAt = performance.now();
      show(null);
    }
    openTimings.voxelsMs = openTimings.loadedAt - t1;
    studies?.getState().opened({
      path,
      ...(series ? { seriesUid: series.seriesUid } : {}),
      volumeId: h.volumeId,
      modality: h.modality,
      description: h.description,
      patientName: h.patientName,
      patientId: h.patientId,
      studyDate: h.studyDate,
      dimensions: g.dimensions,
      thumbnail: null,
      openedAt: Date.now(),
    });
  } catch (e) {
    clearTimeout(redrawTimer);
    const volumeId = header?.volumeId;
    // A half volume never stays in the viewer, and the services drop it.
    if (shown && store.getState().volume?.header.volumeId === volumeId) {
      segStore?.getState().clear();
      store.getState().clearVolume();
    }
    if (volumeId) void client.invoke('volume:close', { volumeId }).catch(() => undefined);
    const wasCancelled = abort.signal.aborted || (e instanceof VoxaError && e.code === 'CANCELLED');
    if (!wasCancelled && current()) store.getState().setError(e instanceof VoxaError ? e.message : 'The volume could not be opened.');
  } finally {
    off();
    studies?.getState().setJob(jobId, null);
    if (inProgress.get(store) === abort) {
      inProgress.delete(store);
      store.getState().setBusy(null);
    }
  }
}
