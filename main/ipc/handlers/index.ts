/**
 * Every contract channel's handler, built from the process's services
 * (main/services/serviceContext.ts) and the shell's pieces (native dialogs,
 * app info), so Electron and host mode share everything else. Each domain's
 * handlers are in their own file here; services know nothing of IPC.
 */
import { VoxaError, type ChannelResponse } from '../../../common/contract';
import type { coreChannels } from '../../../common/contract/channels/core';
import type { Volume } from '../../../common/volume';
import { aboutVoxa } from '../../services/about';
import { listFolder, listRoots } from '../../services/fileBrowser';
import { loadVolume } from '../../services/io/volumeLoader';
import { withProgress } from '../../services/jobs/jobProgress';
import { createServices, type Services } from '../../services/serviceContext';
import type { DomainHandlers, Handlers } from '../router';
import { jobOf, ownerOf, withinStore, type ServiceDeps } from './deps';
import { createPacsHandlers } from './pacs';
import { createRecistHandlers } from './recist';
import { createSegmentHandlers } from './segment';
import { createStudyHandlers } from './study';
import { createTaskHandlers } from './tasks';

export type { ServiceDeps, ShellAdapter } from './deps';

/** The shells pass a whole set of services; tests may pass a few and get the rest built. */
function isComplete(d: ServiceDeps): d is ServiceDeps & Services {
  return !!(d.limits && d.dataDir !== undefined && d.registry && d.segmenter && d.sessions && d.database && d.pacs);
}

/** Every channel's handler: the core ones here, each domain's in its own file. What `input` lacks is built once (createServices). */
export function createHandlers(input: ServiceDeps): Handlers {
  const services: Services = isComplete(input) ? input : createServices(input);
  const deps = { ...services, shell: input.shell };
  return {
    ...createCoreHandlers(deps),
    ...createStudyHandlers(deps, deps.database),
    ...createSegmentHandlers(deps, deps.sessions),
    ...createRecistHandlers(deps),
    ...createTaskHandlers(deps, { labelmap: (volumeId) => deps.sessions.open(volumeId).state.labels }),
    ...createPacsHandlers(deps, deps.pacs),
    'app:about': () => aboutVoxa(deps.registry),
    'dialog:save': async ({ suggestedName, filters }) => {
      if (!deps.shell.saveDialog) throw new VoxaError('UNSUPPORTED', 'no native dialogs in host mode; use Save as… (the file browser)');
      return { path: await deps.shell.saveDialog(suggestedName, filters) };
    },
  };
}

function createCoreHandlers(deps: ServiceDeps & { limits: NonNullable<ServiceDeps['limits']> }): DomainHandlers<typeof coreChannels> {
  const limits = deps.limits;
  return {
    'app:info': () => deps.shell.info(),
    'dialog:open': async ({ kind }) => {
      if (!deps.shell.openDialog) throw new VoxaError('UNSUPPORTED', 'no native dialogs in host mode; use the file browser');
      return { path: await deps.shell.openDialog(kind) };
    },
    'fs:roots': async () => ({ roots: await listRoots(deps.grants) }),
    'fs:list': ({ path }) => listFolder(deps.grants, path),
    'volume:open': async ({ path, jobId }, ctx) => {
      const real = await deps.grants.check(path);
      const owner = ownerOf(ctx);
      return withProgress(jobOf(ctx), jobId ?? 'volume:open', 'Loading', async (progress) => {
        // The reader may allocate only what is left for this client's volumes (refused before allocation otherwise).
        const volume = await loadVolume(real, { limits: withinStore(limits, deps.volumes, owner), access: deps.grants, signal: ctx.signal, onProgress: progress.update });
        return deps.volumes.add(volume, real, owner);
      });
    },
    'volume:voxels': ({ volumeId, firstSlice, sliceCount }) => voxelSlices(deps.volumes.get(volumeId), volumeId, firstSlice, sliceCount),
    'volume:close': ({ volumeId }) => ({ closed: deps.volumes.close(volumeId) }),
  };
}

/**
 * The voxels of k slices [firstSlice, firstSlice + sliceCount) as one buffer (all
 * slices when no range is given). A range past the last slice is BAD_REQUEST.
 * The whole array is sent without a copy when it owns its buffer.
 */
export function voxelSlices(v: Volume, volumeId: string, firstSlice = 0, sliceCount?: number): ChannelResponse<'volume:voxels'> {
  const [ni, nj, nk] = v.geometry.dimensions;
  const count = sliceCount ?? nk - firstSlice;
  if (firstSlice + count > nk || count < 0) {
    throw new VoxaError('BAD_REQUEST', `slices ${firstSlice}..${firstSlice + count - 1} are outside the volume's ${nk} slices`);
  }
  const bytes = v.voxels;
  const whole = firstSlice === 0 && count === nk;
  const part = whole ? bytes : bytes.subarray(firstSlice * ni * nj, (firstSlice + count) * ni * nj);
  const data = part.byteOffset === 0 && part.byteLength === part.buffer.byteLength ? (part.buffer as ArrayBuffer) : (part.slice().buffer as ArrayBuffer);
  return { volumeId, dtype: v.dtype, firstSlice, sliceCount: count, data };
}
