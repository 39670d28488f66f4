/** Wires the services together once per process (Electron or host). */
import { PathGrants } from './access/pathGrants';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createHandlers, pacsServiceFor, type ShellAdapter } from './handlers';
import { lazyStudyDatabase } from './db/studyHandlers';
import type { SecretStore } from './pacs/nodeStore';
import type { PacsService } from './pacs/pacsService';
import { VolumeStore } from './volumeStore';
import type { Handlers } from '../ipc/router';
import { VERSION } from '../version';

export interface ServiceContext {
  grants: PathGrants;
  volumes: VolumeStore;
  handlers: Handlers;
  /** PACS nodes, retrieve and the optional DICOM listener (started by the shell when configured). */
  pacs: PacsService;
  /** Sets the study the renderer opens at start (demo mode); the path is granted. */
  setDemoPath: (path: string | null) => void;
}

export function createServiceContext(options: {
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
}): ServiceContext {
  const grants = options.grants ?? new PathGrants();
  const volumes = new VolumeStore();
  let demoPath = options.demoPath;
  const shell: ShellAdapter = {
    info: () => ({ version: VERSION, mode: options.mode, platform: process.platform, nativeDialogs: options.nativeDialogs, demoPath }),
    ...(options.openDialog ? { openDialog: options.openDialog } : {}),
    ...(options.saveDialog ? { saveDialog: options.saveDialog } : {}),
  };
  const setDemoPath = (p: string | null) => {
    demoPath = p ? grants.grant(p) : null;
  };
  if (demoPath) setDemoPath(demoPath);
  const dataDir = options.dataDir ?? null;
  const database = lazyStudyDatabase(dataDir);
  const pacs = pacsServiceFor({ dataDir, grants, database, ...(options.secrets ? { secrets: options.secrets } : {}) });
  // A folder exports may always go to (beside the study is not always allowed or wanted): <data-dir>/exports.
  if (dataDir) {
    const exportsDir = path.join(dataDir, 'exports');
    mkdirSync(exportsDir, { recursive: true });
    grants.grant(exportsDir, 'Exports');
  }
  // Studies retrieved from a PACS (or pushed to the listener) live here; the study panel may open them.
  if (pacs.store) {
    mkdirSync(pacs.store.root, { recursive: true, mode: 0o700 });
    grants.grant(pacs.store.root, 'PACS');
  }
  const handlers = createHandlers({ grants, volumes, shell, dataDir, database, pacs });
  return { grants, volumes, handlers, pacs, setDemoPath };
}
