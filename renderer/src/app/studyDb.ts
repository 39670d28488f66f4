/**
 * The study panel's actions on the study database: list (with the panel's
 * search), import with progress and cancel, remove from the index. Results go
 * to the study list store; the panel only renders it.
 */
import { VoxaError } from '../../../common/contract';
import type { VoxaClient } from '../client/voxaClient';
import type { StudyListStore } from '../state/studyListStore';

export async function refreshStudies(client: VoxaClient, studies: StudyListStore): Promise<void> {
  const query = studies.getState().query;
  try {
    const r = await client.invoke('study:list', { query });
    // A newer search may have started meanwhile: keep only the answer to the current one.
    if (studies.getState().query === query) studies.getState().setDb(r.studies, r.counts);
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
