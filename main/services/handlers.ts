/**
 * The service implementation of every contract channel. Shell-specific
 * pieces (native dialogs, app info) are injected, so Electron and host mode
 * share everything else.
 */
import { VoxaError, type ChannelResponse } from '../../common/contract';
import type { CallContext, DomainHandlers, Handlers } from '../ipc/router';
import type { coreChannels } from '../../common/contract/channels/core';
import { createRecistHandlers } from './recist/recistHandlers';
import { createSegmentHandlers } from './segmentation/segmentHandlers';
import { SegmentSessions } from './segmentation/segmentSessions';
import { createStudyHandlers, lazyStudyDatabase } from './db/studyHandlers';
import { createTaskHandlers } from './tasks/taskHandlers';
import type { PathGrants } from './access/pathGrants';
import { listFolder, listRoots } from './fileBrowser';
import { jobProgress } from './jobProgress';
import { DEFAULT_IO_LIMITS, type IoLimits } from './io/limits';
import { loadVolume } from './io/volumeLoader';
import type { VolumeStore } from './volumeStore';
import type { Volume } from '../../common/volume';
import { ModelRegistry } from './inference/registry';
import { SegmentationService } from './inference/segmentService';
import { createPacsHandlers } from './pacs/pacsHandlers';
import { aboutVoxa } from './about';
import { PacsService } from './pacs/pacsService';
import type { SecretStore } from './pacs/nodeStore';
import type { StudyDatabase } from './db/studyDatabase';

export interface ShellAdapter {
  info: () => ChannelResponse<'app:info'>;
  /** Shows a native open dialog and grants the chosen path; null when cancelled. */
  openDialog?: (kind: 'dicomFolder' | 'niftiFile') => Promise<string | null>;
  /** Shows a native save dialog and grants the chosen file's folder; null when cancelled. */
  saveDialog?: (suggestedName: string, filters: { name: string; extensions: string[] }[]) => Promise<string | null>;
}

export interface ServiceDeps {
  grants: PathGrants;
  volumes: VolumeStore;
  shell: ShellAdapter;
  limits?: IoLimits;
  /** Folder for per-installation data (edit journal, databases, user model packs); null keeps them in memory (tests). */
  dataDir?: string | null;
  /** The process's one model registry (built-in packs and `<dataDir>/models`); created from dataDir when absent. */
  registry?: ModelRegistry;
  /** The study database (opened on first use); created from dataDir when absent. */
  database?: () => StudyDatabase;
  /** The PACS service (nodes, retrieve, listener); created from dataDir when absent. */
  pacs?: PacsService;
}

/** The PACS service of a process: retrieved and received series are indexed in its study database. */
export function pacsServiceFor(input: { dataDir?: string | null; grants: PathGrants; database: () => StudyDatabase; secrets?: SecretStore }): PacsService {
  return new PacsService({
    dataDir: input.dataDir ?? null,
    ...(input.secrets ? { secrets: input.secrets } : {}),
    index: async (folder) => {
      const r = await input.database().importPath(folder, { access: input.grants });
      return r.filesSeen > r.skipped.length ? 1 : 0;
    },
  });
}

/** Every channel's handler: the core ones here, each domain's in its own file. */
export function createHandlers(input: ServiceDeps): Handlers {
  // One model registry for every channel: packs the user imported into <dataDir>/models reach segmentation and tasks alike.
  const deps = { ...input, registry: input.registry ?? new ModelRegistry({ userData: input.dataDir ?? null }) };
  // One set of segmentation sessions: the segment channels edit the labelmaps, the task channels measure and crop lesions from them.
  const database = deps.database ?? lazyStudyDatabase(deps.dataDir);
  // Retrieved series are indexed in the same study database the study panel lists.
  const pacs = deps.pacs ?? pacsServiceFor({ ...deps, database });
  const segments = new SegmentSessions({ volumes: deps.volumes, dataDir: deps.dataDir ?? null, segmenter: new SegmentationService({ registry: deps.registry }) });
  return {
    ...createCoreHandlers(deps),
    ...createStudyHandlers(deps, database),
    ...createSegmentHandlers(deps, segments),
    ...createRecistHandlers(deps),
    ...createTaskHandlers(deps, { labelmap: (volumeId) => segments.open(volumeId).state.labels }),
    ...createPacsHandlers(deps, pacs),
    'app:about': () => aboutVoxa(deps.registry),
    'dialog:save': async ({ suggestedName, filters }) => {
      if (!deps.shell.saveDialog) throw new VoxaError('UNSUPPORTED', 'no native dialogs in host mode; use Save as… (the file browser)');
      return { path: await deps.shell.saveDialog(suggestedName, filters) };
    },
  };
}

function createCoreHandlers(deps: ServiceDeps): DomainHandlers<typeof coreChannels> {
  const limits = deps.limits ?? DEFAULT_IO_LIMITS;
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
      const progress = jobProgress(ctx, jobId ?? 'volume:open', 'Loading');
      // The reader may allocate only what is left for this client's volumes (refused before allocation otherwise).
      const volume = await loadVolume(real, { limits: withinStore(limits, deps.volumes, owner), access: deps.grants, signal: ctx.signal, onProgress: progress.update });
      const header = deps.volumes.add(volume, real, owner);
      progress.finish();
      return header;
    },
    'volume:voxels': ({ volumeId, firstSlice, sliceCount }) => voxelSlices(deps.volumes.get(volumeId), volumeId, firstSlice, sliceCount),
    'volume:close': ({ volumeId }) => ({ closed: deps.volumes.close(volumeId) }),
  };
}

/** The connection a call came over (host mode), whose volumes close when it disconnects. */
export function ownerOf(ctx: CallContext): string | undefined {
  return ctx.sender.kind === 'websocket' ? ctx.sender.connectionId : undefined;
}

/** IO limits narrowed to the voxel bytes the store can still give `owner`. */
export function withinStore(limits: IoLimits, volumes: VolumeStore, owner: string | undefined): IoLimits {
  return { ...limits, maxVoxelBytes: Math.min(limits.maxVoxelBytes, volumes.bytesLeft(owner)) };
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
