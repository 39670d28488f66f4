/** A shell's services and the handlers that serve the contract from them (Electron or host). */
import type { SecretStore } from '../services/pacs/nodeStore';
import type { PacsService } from '../services/pacs/pacsService';
import type { PathGrants } from '../services/access/pathGrants';
import { createServices } from '../services/serviceContext';
import type { VolumeStore } from '../services/volumeStore';
import { VERSION } from '../version';
import { createHandlers } from './handlers';
import type { ShellAdapter } from './handlers/deps';
import type { Handlers } from './router';

export interface Workstation {
  grants: PathGrants;
  volumes: VolumeStore;
  handlers: Handlers;
  /** PACS nodes, retrieve and the optional DICOM listener (started by the shell when configured). */
  pacs: PacsService;
  /** Sets the study the renderer opens at start (demo mode); the path is granted. */
  setDemoPath: (path: string | null) => void;
}

export function createWorkstation(options: {
  mode: 'electron' | 'host';
  demoPath: string | null;
  nativeDialogs: boolean;
  openDialog?: ShellAdapter['openDialog'];
  saveDialog?: ShellAdapter['saveDialog'];
  grants?: PathGrants;
  /** Per-installation data folder (host: --data-dir; Electron: userData); null/absent keeps data in memory. */
  dataDir?: string | null;
  /** Where PACS credentials are kept (Electron: the OS keychain); default a 0600 file in the data folder. */
  secrets?: SecretStore;
}): Workstation {
  const services = createServices({
    ...(options.grants ? { grants: options.grants } : {}),
    dataDir: options.dataDir ?? null,
    ...(options.secrets ? { secrets: options.secrets } : {}),
    grantDataFolders: true,
  });
  let demoPath = options.demoPath;
  const setDemoPath = (p: string | null) => {
    demoPath = p ? services.grants.grant(p) : null;
  };
  if (demoPath) setDemoPath(demoPath);
  const shell: ShellAdapter = {
    info: () => ({ version: VERSION, mode: options.mode, platform: process.platform, nativeDialogs: options.nativeDialogs, demoPath }),
    ...(options.openDialog ? { openDialog: options.openDialog } : {}),
    ...(options.saveDialog ? { saveDialog: options.saveDialog } : {}),
  };
  return { grants: services.grants, volumes: services.volumes, handlers: createHandlers({ ...services, shell }), pacs: services.pacs, setDemoPath };
}
