/** Handlers of the segment channels: Promptable segmentation, editing, history and journal. */
import path from 'node:path';
import { VoxaError } from '../../../common/contract';
import type { segmentChannels } from '../../../common/contract/channels/segment';
import type { DomainHandlers } from '../../ipc/router';
import type { ServiceDeps } from '../handlers';
import { CLASSICAL_MODEL_ID, ModelRegistry } from '../inference/registry';
import { SegmentationService } from '../inference/segmentService';
import { exportSegmentation, importSegmentation } from './segmentFiles';
import { SegmentSessions } from './segmentSessions';

export function createSegmentHandlers(deps: ServiceDeps, given?: SegmentSessions): DomainHandlers<typeof segmentChannels> {
  const registry = deps.registry ?? new ModelRegistry({ userData: deps.dataDir ?? null });
  const sessions = given ?? new SegmentSessions({ volumes: deps.volumes, dataDir: deps.dataDir ?? null, segmenter: new SegmentationService({ registry }) });
  return {
    'segment:state': ({ volumeId }) => {
      const s = sessions.open(volumeId);
      const labels = s.state.labels;
      return {
        volumeId,
        dimensions: [...s.dims],
        labels: labels.slice().buffer as ArrayBuffer,
        segments: s.segments(),
        history: s.history(),
        stats: s.stats(),
        restored: { existed: s.journal.restore.existed, eventsReplayed: s.journal.restore.eventsReplayed, warnings: s.journal.restore.warnings },
      };
    },
    'segment:models': async () => {
      const entries = await registry.list();
      const prompts = entries.filter((e) => e.id === CLASSICAL_MODEL_ID || e.task === 'segment.prompt2d');
      return { models: prompts.map((e) => ({ id: e.id, name: e.name, status: e.status })) };
    },
    'segment:prompt': async (req, ctx) => {
      const s = sessions.open(req.volumeId);
      const jobId = req.jobId ?? `segment-${req.volumeId}`;
      const label = 'Segmenting';
      ctx.emit('job:progress', { jobId, label, fraction: null, done: false });
      let lastSent = 0;
      try {
        return await s.prompt(
          { target: req.target, modelId: req.modelId, plane: req.plane, points: req.points, ...(req.box ? { box: req.box } : {}), ...(req.useMask ? { useMask: true } : {}) },
          {
            signal: ctx.signal,
            onProgress: (p) => {
              const now = Date.now();
              if (now - lastSent < 100) return;
              lastSent = now;
              ctx.emit('job:progress', { jobId, label: `${label} (${p.steps} slices)`, fraction: null, done: false });
            },
          },
        );
      } finally {
        ctx.emit('job:progress', { jobId, label, fraction: 1, done: true });
      }
    },
    'segment:edit': ({ volumeId, op }) => sessions.open(volumeId).edit(op),
    'segment:undo': ({ volumeId }) => sessions.open(volumeId).undo(),
    'segment:redo': ({ volumeId }) => sessions.open(volumeId).redo(),
    'segment:history': ({ volumeId }) => sessions.open(volumeId).history(),
    'segment:create': ({ volumeId, name, colour }) => sessions.open(volumeId).create(name, colour),
    'segment:update': ({ volumeId, label, patch }) => sessions.open(volumeId).update(label, patch),
    'segment:delete': ({ volumeId, label }) => sessions.open(volumeId).delete(label),
    'segment:export': async ({ volumeId, format, path: target, deidentify }) => {
      const s = sessions.open(volumeId);
      const name = path.basename(target);
      if (!name || name === '.' || name === '..') throw new VoxaError('BAD_REQUEST', 'give a file name to export to');
      // Only into a folder the user opened or chose (a dialog or a configured root).
      const dir = await deps.grants.check(path.dirname(target));
      return exportSegmentation(s, deps.volumes.sourcePath(volumeId), path.join(dir, name), format, deidentify);
    },
    'segment:import': async ({ volumeId, path: file }) => {
      const s = sessions.open(volumeId);
      const real = await deps.grants.check(file);
      return importSegmentation(s, deps.volumes.sourcePath(volumeId), real);
    },
    'segment:close': ({ volumeId }) => ({ closed: sessions.close(volumeId) }),
  };
}
