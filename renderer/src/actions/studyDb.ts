/**
 * The study panel's actions on the study database: list (with the panel's
 * search), import with progress and cancel, remove from the index. Results go
 * to the study list store; the panel only renders it.
 */
import { VoxaError } from '../../../common/contract';
import { ijkToLps } from '../../../common/geometry/affine';
import { voxelArrayFromBuffer } from '../../../common/volume';
import type { VoxaClient } from '../client/voxaClient';
import type { StudyListStore } from '../state/studyListStore';
import { defaultWindow } from '../state/windowPresets';
import { axialThumbnail } from '../viewport/thumbnail';

let thumbnailsRunning = false;

/** Makes the thumbnail of each listed series that has none yet, one at a time, from its middle image. */
async function loadThumbnails(client: VoxaClient, studies: StudyListStore): Promise<void> {
  if (thumbnailsRunning) return;
  thumbnailsRunning = true;
  try {
    for (;;) {
      const s = studies.getState();
      const uid = (s.db ?? []).flatMap((st) => st.series).find((se) => !(se.seriesUid in s.dbThumbs))?.seriesUid;
      if (!uid) return;
      let url: string | null = null;
      try {
        const r = await client.invoke('study:thumbnail', { seriesUid: uid });
        const voxels = voxelArrayFromBuffer(r.dtype, r.data);
        const g = r.geometry;
        const w = defaultWindow(r.modality, voxels);
        url = axialThumbnail(g, voxels, ijkToLps(g, [(g.dimensions[0] - 1) / 2, (g.dimensions[1] - 1) / 2, (g.dimensions[2] - 1) / 2]), w.width, w.level);
      } catch {
        url = null; // files gone or not an image: the row shows an empty square
      }
      studies.getState().setDbThumb(uid, url);
    }
  } finally {
    thumbnailsRunning = false;
  }
}

export async function refreshStudies(client: VoxaClient, studies: StudyListStore): Promise<void> {
  const query = studies.getState().query;
  try {
    const r = await client.invoke('study:list', { query });
    // A newer search may have started meanwhile: keep only the answer to the current one.
    if (studies.getState().query === query) studies.getState().setDb(r.studies, r.counts);
    void loadThumbnails(client, studies);
  } catch (e) {
    studies.getState().setImportNote(e instanceof VoxaError ? `Study database: ${e.message}` : 'The study database cannot be read.');
  }
}

/** Imports a folder or file into the database (one import at a time), then refreshes the list. */
export async function importIntoDatabase(client: VoxaClient, studies: StudyListStore, path: string): Promise<void> {
  const s = studies.getState();
  if (s.importJob) {
    s.setImportNote('An import is already running.');
    return;
  }
  const jobId = `import-${Date.now()}`;
  const name = path.split(/[\\/]/).filter(Boolean).pop() ?? path;
  s.setImportNote(null);
  s.setImportJob({ jobId, label: `Importing ${name}`, fraction: null });
  const off = client.on('job:progress', (p) => {
    if (p.jobId === jobId && !p.done) studies.getState().setImportJob({ jobId, label: `Importing ${name}`, fraction: p.fraction });
  });
  try {
    const r = await client.invoke('study:import', { path, jobId });
    const parts = [`${r.added} added`, `${r.unchanged} already indexed`];
    if (r.relocated) parts.push(`${r.relocated} found at a new place`);
    if (r.skippedCount) parts.push(`${r.skippedCount} skipped (${r.skipped[0]?.file}: ${r.skipped[0]?.reason})`);
    studies.getState().setImportNote(`${r.cancelled ? 'Import cancelled' : 'Imported'} ${name}: ${parts.join(', ')}.`);
  } catch (e) {
    studies.getState().setImportNote(e instanceof VoxaError ? `Import failed: ${e.message}` : 'Import failed.');
  } finally {
    off();
    studies.getState().setImportJob(null);
    await refreshStudies(client, studies);
  }
}

export async function cancelImport(client: VoxaClient, studies: StudyListStore): Promise<void> {
  const job = studies.getState().importJob;
  if (job) await client.invoke('study:cancelImport', { jobId: job.jobId }).catch(() => undefined);
}

/** Removes a study or series from the index (files stay on disk). */
export async function removeFromDatabase(client: VoxaClient, studies: StudyListStore, target: { studyUid: string } | { seriesUid: string }): Promise<void> {
  try {
    await client.invoke('study:remove', target);
  } catch (e) {
    studies.getState().setImportNote(e instanceof VoxaError ? e.message : 'Could not remove it from the index.');
  }
  await refreshStudies(client, studies);
}
