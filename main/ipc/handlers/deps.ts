/**
 * What every domain's handlers are built from: the process's services
 * (main/services/serviceContext.ts) plus the shell's pieces (native dialogs,
 * app info), and the adapters from a call's IPC context to what services take.
 */
import type { ChannelResponse } from '../../../common/contract';
import type { IoLimits } from '../../services/io/limits';
import type { JobContext } from '../../services/jobs/jobProgress';
import type { Services } from '../../services/serviceContext';
import type { VolumeStore } from '../../services/volumeStore';
import type { CallContext } from '../router';

export interface ShellAdapter {
  info: () => ChannelResponse<'app:info'>;
  /** Shows a native open dialog and grants the chosen path; null when cancelled. */
  openDialog?: (kind: 'dicomFolder' | 'niftiFile') => Promise<string | null>;
  /** Shows a native save dialog and grants the chosen file's folder; null when cancelled. */
  saveDialog?: (suggestedName: string, filters: { name: string; extensions: string[] }[]) => Promise<string | null>;
}

/** The services handlers use (the shells pass them all; a handler test may pass only a few) and the shell. */
export type ServiceDeps = Pick<Services, 'grants' | 'volumes'> & Partial<Omit<Services, 'grants' | 'volumes'>> & { shell: ShellAdapter };

/** A call's cancellation and job:progress events, as services take them. */
export function jobOf(ctx: CallContext): JobContext {
  return { signal: ctx.signal, progress: (p) => ctx.emit('job:progress', p) };
}

/** The connection a call came over (host mode), whose volumes close when it disconnects. */
export function ownerOf(ctx: CallContext): string | undefined {
  return ctx.sender.kind === 'websocket' ? ctx.sender.connectionId : undefined;
}

/** IO limits narrowed to the voxel bytes the store can still give `owner`. */
export function withinStore(limits: IoLimits, volumes: VolumeStore, owner: string | undefined): IoLimits {
  return { ...limits, maxVoxelBytes: Math.min(limits.maxVoxelBytes, volumes.bytesLeft(owner)) };
}
