/**
 * Handlers of the recist channels: lesion tables per timepoint kept in the
 * study database (user-data folder; in memory without one), RECIST 1.1
 * response over time, and report export into a granted folder.
 */
import path from 'node:path';
import { VoxaError } from '../../../common/contract';
import type { recistChannels } from '../../../common/contract/channels/recist';
import { lesionSeries } from '../../../common/recist/plots';
import { evaluateResponse } from '../../../common/recist/response';
import type { DomainHandlers } from '../router';
import { DATABASE_FILE_NAME } from '../../services/db/studyDatabase';
import type { PathGrants } from '../../services/access/pathGrants';
import type { ServiceDeps } from './deps';
import { buildReportData, reportFileNames, writeReport } from '../../services/recist/recistReport';
import { checkExportFiles } from '../../services/access/exportTarget';
import { RecistStore } from '../../services/recist/recistStore';

/**
 * The report's folder: a granted folder, or a new folder directly inside one (the drawer offers
 * `<study folder>/recist-report`, which does not exist yet). Anything else is refused.
 */
async function reportFolder(grants: PathGrants, dir: string): Promise<string> {
  const wanted = path.resolve(dir);
  try {
    return await grants.check(wanted);
  } catch (e) {
    if (!(e instanceof VoxaError) || e.code !== 'NOT_FOUND') throw e;
  }
  const parent = await grants.check(path.dirname(wanted));
  return path.join(parent, path.basename(wanted));
}

export function createRecistHandlers(deps: ServiceDeps): DomainHandlers<typeof recistChannels> {
  let store: RecistStore | null = null;
  const db = () => (store ??= RecistStore.open(deps.dataDir ? path.join(deps.dataDir, DATABASE_FILE_NAME) : ':memory:'));

  return {
    'recist:timepoints': ({ patientKey }) => db().list(patientKey),
    'recist:saveTimepoint': ({ patientKey, timepoint, baseline }, ctx) => {
      const warnings = db().save(patientKey, timepoint, baseline);
      ctx.emit('recist:changed', { patientKey });
      return { warnings };
    },
    'recist:deleteTimepoint': ({ patientKey, timepointId }, ctx) => {
      const deleted = db().delete(patientKey, timepointId);
      if (deleted) ctx.emit('recist:changed', { patientKey });
      return { deleted };
    },
    'recist:response': ({ patientKey }) => {
      const doc = db().document(patientKey);
      const report = evaluateResponse(doc);
      return {
        baseline: { timepointId: report.baseline.timepointId, date: report.baseline.date, sumMm: report.baseline.sumMm, warnings: report.baseline.warnings },
        followUps: report.followUps,
        series: lesionSeries(doc),
      };
    },
    'recist:export': async ({ patientKey, dir, pdf, title, overwrite }) => {
      const data = buildReportData(db().document(patientKey));
      const real = await reportFolder(deps.grants, dir);
      // A report written before is not replaced unless the request says so (the drawer asks).
      await checkExportFiles(real, reportFileNames(pdf ?? false), { overwrite: overwrite ?? false });
      const files = await writeReport(real, data, { pdf: pdf ?? false, ...(title ? { title } : {}) });
      return { files };
    },
  };
}
