/** Wires the services together once per process (Electron or host). */
import { PathGrants } from './access/pathGrants';
import { createHandlers, type ShellAdapter } from './handlers';
import { VolumeStore } from './volumeStore';
import type { Handlers } from '../ipc/router';
import { VERSION } from '../version';

export interface ServiceContext {
  grants: PathGrants;
  volumes: VolumeStore;
  handlers: Handlers;
}

export function createServiceContext(options: {
  mode: 'electron' | 'host';
  demoPath: string | null;
  nativeDialogs: boolean;
  openDialog?: ShellAdapter['openDialog'];
  grants?: PathGrants;
}): ServiceContext {
  const grants = options.grants ?? new PathGrants();
  const volumes = new VolumeStore();
  const shell: ShellAdapter = {
    info: () => ({ version: VERSION, mode: options.mode, platform: process.platform, nativeDialogs: options.nativeDialogs, demoPath: options.demoPath }),
    ...(options.openDialog ? { openDialog: options.openDialog } : {}),
  };
  return { grants, volumes, handlers: createHandlers({ grants, volumes, shell }) };
}
