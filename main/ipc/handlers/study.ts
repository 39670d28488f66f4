/**
 * Handlers of the study channels: the study database in the user-data folder
 * (host --data-dir, Electron userData; in memory without one), opened on first
 * use. Imports report progress and can be cancelled by job id; opening a series
 * checks its files first and loads only them.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { VoxaError } from '../../../common/contract';
import type { StudyListEntry, studyChannels } from '../../../common/contract/channels/study';
import type { DomainHandlers } from '../router';
import { jobOf, ownerOf, withinStore, type ServiceDeps } from './deps';
import { withProgress } from '../../services/jobs/jobProgress';
import { JobRunner } from '../../services/jobs/jobRunner';
import { DEFAULT_IO_LIMITS } from '../../services/io/limits';
import { seriesToVolume } from '../../services/io/dicom/seriesReader';
import { scanDicomFiles } from '../../services/io/dicom/seriesScan';
import type { StudyDatabase } from '../../services/db/studyDatabase';
import { lazyStudyDatabase } from '../../services/serviceContext';

const SKIPPED_LISTED = 20;

/** Case-insensitive match of every word of `query` against patient name/ID and study/series descriptions. */
export function studyMatches(s: StudyListEntry, query: string | undefined): boolean {
  const words = (query ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = [s.patientName, s.patientId, s.description, ...s.series.map((x) => `${x.description} ${x.modality}`)].join(' ').toLowerCase();
  return words.every((w) => text.includes(w));
}

export function createStudyHandlers(deps: ServiceDeps, database: () => StudyDatabase = lazyStudyDatabase(deps.dataDir)): DomainHandlers<typeof studyChannels> {
  const imports = new JobRunner();

  /**
   * A series' files that are on disk and inside what this session may read: every file goes
   * through the path policy (a series indexed from several folders opens only its granted part;
   * files outside count as missing, as the client cannot tell them from deleted ones).
   */
  const allowedFiles = async (seriesUid: string) => {
    const check = database().verifySeries(seriesUid);
    if (!check) return null;
    const files: string[] = [];
    for (const f of check.files) {
      const real = await deps.grants.file(f).catch(() => null);
      if (real) files.push(real);
    }
    return { files, total: check.total, missing: check.total - files.length };
  };

  return {
    'study:list': ({ query }) => {
      const d = database();
      // Only series whose files lie under what this launch may read (its roots and picked folders).
      const sample = d.seriesSamplePaths();
      const series = d.listSeries().filter((se) => {
        const p = sample.get(se.seriesUid);
        return p !== undefined && deps.grants.allows(p);
      });
      const visible = new Set(series.map((se) => se.studyUid));
      const studies: StudyListEntry[] = d.listStudies().filter((st) => visible.has(st.studyUid)).map((st) => ({
        studyUid: st.studyUid,
        patientId: st.patientId,
        patientName: st.patientName,
        studyDate: st.studyDate,
        description: st.description,
        instanceCount: st.instanceCount,
        missingCount: st.missingCount,
        series: series
          .filter((se) => se.studyUid === st.studyUid)
          .map((se) => ({ seriesUid: se.seriesUid, modality: se.modality, description: se.description, seriesNumber: se.seriesNumber, instanceCount: se.instanceCount, missingCount: se.missingCount })),
      }));
      return { studies: studies.filter((s) => studyMatches(s, query)), counts: d.counts() };
    },
    'study:import': async ({ path: p, jobId }, ctx) => {
      const real = await deps.grants.check(p);
      if (!(await stat(real)).isDirectory()) await deps.grants.file(real);
      return imports.start(
        jobId,
        (signal) =>
          withProgress(jobOf(ctx), jobId, 'Importing', async (progress) => {
            let lastAdded = 0;
            const r = await database().importPath(real, {
              access: deps.grants,
              signal,
              onProgress: ({ done, total, added }) => {
                progress.update(done, total);
                // A batch was committed: lists may refresh (at most every 200 files).
                if (added - lastAdded >= 200) {
                  lastAdded = added;
                  ctx.emit('study:changed', { reason: 'import' });
                }
              },
            });
            progress.finish();
            ctx.emit('study:changed', { reason: 'import' });
            return {
              filesSeen: r.filesSeen,
              added: r.added,
              unchanged: r.unchanged,
              relocated: r.relocated,
              skippedCount: r.skipped.length,
              skipped: r.skipped.slice(0, SKIPPED_LISTED),
              cancelled: r.cancelled,
            };
          }),
        { signal: ctx.signal, ifRunning: 'refuse', refusal: `an import with job id ${jobId} is already running` },
      );
    },
    'study:cancelImport': ({ jobId }) => ({ cancelled: imports.cancel(jobId) }),
    'study:remove': (req, ctx) => {
      const d = database();
      const removed = 'studyUid' in req ? d.removeStudy(req.studyUid) : d.removeSeries(req.seriesUid);
      if (removed) ctx.emit('study:changed', { reason: 'remove' });
      return { removed };
    },
    'study:thumbnail': async ({ seriesUid }, ctx) => {
      const check = await allowedFiles(seriesUid);
      const file = check?.files[Math.floor(check.files.length / 2)];
      if (!file) throw new VoxaError('NOT_FOUND', 'no file of this series is where it was indexed');
      const folder = path.dirname(file);
      const limits = deps.limits ?? DEFAULT_IO_LIMITS;
      const scan = await scanDicomFiles([file], folder, { limits, signal: ctx.signal });
      const series = scan.series[0];
      if (!series) throw new VoxaError('NOT_FOUND', `the middle file of this series holds no image (${scan.skipped[0]?.reason ?? 'no frames'})`);
      const v = await seriesToVolume(series, { limits, signal: ctx.signal });
      const bytes = v.voxels;
      const data = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer);
      return { seriesUid, modality: v.meta.modality, geometry: v.geometry, dtype: v.dtype, data };
    },
    'study:open': async ({ seriesUid, jobId }, ctx) => {
      const check = await allowedFiles(seriesUid);
      if (!check) throw new VoxaError('NOT_FOUND', 'this series is not in the study database');
      if (check.missing > 0) ctx.emit('study:changed', { reason: 'missing' });
      if (check.files.length === 0) {
        throw new VoxaError('NOT_FOUND', `all ${check.total} files of this series were moved or deleted; import their new folder again (moved files are recognised)`);
      }
      const folder = path.dirname(check.files[0]!);
      const owner = ownerOf(ctx);
      const limits = withinStore(deps.limits ?? DEFAULT_IO_LIMITS, deps.volumes, owner);
      return withProgress(jobOf(ctx), jobId ?? 'study:open', 'Loading', async (progress) => {
        const scan = await scanDicomFiles(check.files, folder, { limits, signal: ctx.signal, onProgress: (done, total) => progress.update(done, 2 * total) });
        const series = scan.series.find((s) => s.seriesInstanceUid === seriesUid);
        if (!series) throw new VoxaError('NOT_FOUND', `the indexed files of this series hold no loadable image (${scan.skipped[0]?.reason ?? 'no frames'})`);
        const volume = await seriesToVolume(series, { limits, signal: ctx.signal });
        if (check.missing > 0) volume.meta.warnings.push(`${check.missing} of ${check.total} files of this series were moved or deleted; opened the ${check.files.length} found`);
        const others = scan.series.filter((s) => s !== series).length;
        if (others > 0) volume.meta.warnings.push(`${others} other volume(s) in this series were not opened`);
        return deps.volumes.add(volume, folder, owner);
      });
    },
  };
}
