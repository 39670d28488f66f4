/** Handlers of the segment channels: Promptable segmentation, editing, history and journal. */
import path from 'node:path';
import type { segmentChannels } from '../../../common/contract/channels/segment';
import type { DomainHandlers } from '../router';
import { jobOf, type ServiceDeps } from './deps';
import { CLASSICAL_MODEL_ID, ModelRegistry } from '../../services/inference/registry';
import { SegmentationService } from '../../services/inference/segmentService';
import { exportSegmentation, importSegmentation } from '../../services/segmentation/segmentFiles';
import { checkExportFiles, exportTarget } from '../../services/access/exportTarget';
import { sidecarPath } from '../../services/masks/niftiLabelmap';
import { projectDeidKey } from '../../services/deid/deidentify';
import { SegmentSessions } from '../../services/segmentation/segmentSessions';
import { withProgress } from '../../services/jobs/jobProgress';

export function createSegmentHandlers(deps: ServiceDeps, given?: SegmentSessions): DomainHandlers<typeof segmentChannels> {
  const registry = deps.registry ?? new ModelRegistry({ userData: deps.dataDir ?? null });
  const sessions = given ?? new SegmentSessions({ volumes: deps.volumes, dataDir: deps.dataDir ?? null, segmenter: new SegmentationService({ registry }) });
  return {
    'segment:state': ({ volumeId, omitEmptyLabels }) => {
      const s = sessions.open(volumeId);
      const labels = s.state.labels;
      const omit = omitEmptyLabels === true && s.segments().length === 0 && allZero(labels);
      return {
        volumeId,
        dimensions: [...s.dims],
        labels: omit ? new ArrayBuffer(0) : (labels.slice().buffer as ArrayBuffer),
        ...(omit ? { emptyLabels: true } : {}),
        segments: s.segments(),
        history: s.history(),
        stats: s.stats(),
        restored: { existed: s.journal.restore.existed, eventsReplayed: s.journal.restore.eventsReplayed, warnings: s.journal.restore.warnings, lastEditAt: s.journal.restore.lastEditAt },
      };
    },
    'segment:models': async () => {
      const entries = await registry.list();
      const prompts = entries.filter((e) => e.id === CLASSICAL_MODEL_ID || e.task === 'segment.prompt2d' || e.task === 'segment.prompt3d');
      return { models: prompts.map((e) => ({ id: e.id, name: e.name, status: e.status })) };
    },
    'segment:prompt': async (req, ctx) => {
      const s = sessions.open(req.volumeId);
      const jobId = req.jobId ?? `segment-${req.volumeId}`;
      const label = 'Segmenting';
      return withProgress(
        jobOf(ctx),
        jobId,
        label,
        (progress) =>
          s.prompt(
            { target: req.target, modelId: req.modelId, plane: req.plane, points: req.points, ...(req.box ? { box: req.box } : {}), ...(req.useMask ? { useMask: true } : {}) },
            { signal: ctx.signal, onProgress: (p) => progress.status(`${label} (${p.steps} slices)`) },
          ),
        { unknownAmount: true, finishOnError: true },
      );
    },
    'segment:edit': ({ volumeId, op }) => sessions.open(volumeId).edit(op),
    'segment:undo': ({ volumeId }) => sessions.open(volumeId).undo(),
    'segment:redo': ({ volumeId }) => sessions.open(volumeId).redo(),
    'segment:history': ({ volumeId }) => sessions.open(volumeId).history(),
    'segment:create': ({ volumeId, name, colour }) => sessions.open(volumeId).create(name, colour),
    'segment:update': ({ volumeId, label, patch }) => sessions.open(volumeId).update(label, patch),
    'segment:delete': ({ volumeId, label }) => sessions.open(volumeId).delete(label),
    'segment:export': async ({ volumeId, format, path: target, deidentify, overwrite }) => {
      const s = sessions.open(volumeId);
      const source = deps.volumes.sourcePath(volumeId);
      // Only into a folder the user opened or chose; an existing file only when asked; never the source image.
      const file = await exportTarget(deps.grants, target, { overwrite: overwrite ?? false, source });
      if (format === 'nifti') await checkExportFiles(path.dirname(file), [path.basename(sidecarPath(file))], { overwrite: overwrite ?? false, source });
      return exportSegmentation(s, source, file, format, deidentify, deps.grants, deidentify ? projectDeidKey(deps.dataDir ?? null) : undefined);
    },
    'segment:import': async ({ volumeId, path: file }) => {
      const s = sessions.open(volumeId);
      const real = await deps.grants.file(file);
      return importSegmentation(s, deps.volumes.sourcePath(volumeId), real, deps.grants);
    },
    'segment:close': ({ volumeId }) => ({ closed: sessions.close(volumeId) }),
  };
}

/** Every byte 0 (eight at a time where the array is aligned). */
function allZero(labels: Uint8Array | Uint16Array): boolean {
  const a = new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength);
  const head = a.byteOffset % 8 === 0 ? Math.floor(a.length / 8) : 0;
  const words = new BigUint64Array(a.buffer, a.byteOffset, head);
  for (let n = 0; n < words.length; n++) if (words[n] !== 0n) return false;
  for (let n = head * 8; n < a.length; n++) if (a[n] !== 0) return false;
  return true;
}
