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
  /** Sets the study the renderer opens at start (demo mode); the path is granted. */
  setDemoPath: (path: string | null) => void;
}

export function createServiceContext(options: {
  mode: 'electron' | 'host';
  demoPath: string | null;
  nativeDialogs: boolean;
  openDialog?: ShellAdapter['openDialog'];
  grants?: PathGrants;
  /** Per-installation data folder (host: --data-dir; Electron: userData); null/absent keeps data in memory. */
  dataDir?: string | null;
}): ServiceContext {
  const grants = options.grants ?? new PathGrants();
  const volumes = new VolumeStore();
  let demoPath = options.demoPath;
  const shell: ShellAdapter = {
    info: () => ({ version: VERSION, mode: options.mode, platform: process.platform, nativeDialogs: options.nativeDialogs, demoPath }),
    ...(options.openDialog ? { openDialog: options.openDialog } : {}),
  };
  const setDemoPath = (p: string | null) => {
    demoPath = p ? grants.grant(p) : null;
  };
  if (demoPath) setDemoPath(demoPath);
  return { grants, volumes, handlers: createHandlers({ grants, volumes, shell, dataDir: options.dataDir ?? null }), setDemoPath };
}
