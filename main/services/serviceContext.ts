/**
 * The services of one process (Electron or host), built once: one path
 * policy, one volume store, one model registry (built-in and user packs) with
 * one segmentation service and its sessions (one edit journal), one study
 * database and one PACS service. The IPC layer (main/ipc/handlers) serves the
 * contract from these; nothing here knows of IPC.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PathGrants } from './access/pathGrants';
import { DATABASE_FILE_NAME, StudyDatabase } from './db/studyDatabase';
import { ModelRegistry } from './inference/registry';
import { SegmentationService } from './inference/segmentService';
import { DEFAULT_IO_LIMITS, type IoLimits } from './io/limits';
import type { SecretStore } from './pacs/nodeStore';
import { PacsService } from './pacs/pacsService';
import { SegmentSessions } from './segmentation/segmentSessions';
import { VolumeStore } from './volumeStore';

export interface Services {
  grants: PathGrants;
  volumes: VolumeStore;
  limits: IoLimits;
  /** Folder for per-installation data (edit journal, databases, user model packs, PACS); null keeps them in memory (tests). */
  dataDir: string | null;
  /** The process's one model registry (built-in packs and `<dataDir>/models`). */
  registry: ModelRegistry;
  segmenter: SegmentationService;
  /** The segmentation of every open volume (the segment channels edit them, the task channels measure them). */
  sessions: SegmentSessions;
  /** The study database, opened on first use. */
  database: () => StudyDatabase;
  /** PACS nodes, retrieve and the optional DICOM listener. */
  pacs: PacsService;
}

export type ServiceInput = Partial<Omit<Services, 'segmenter' | 'sessions'>> & {
  /** Where PACS credentials are kept (Electron: the OS keychain); default a 0600 file in the data folder. */
  secrets?: SecretStore;
  /** Grant <dataDir>/exports and the PACS store as roots (the shells do; handler tests need not). */
  grantDataFolders?: boolean;
};

/** The process's study database, opened on first use (in the data folder, or in memory without one). */
export function lazyStudyDatabase(dataDir: string | null | undefined): () => StudyDatabase {
  let db: StudyDatabase | null = null;
  return () => (db ??= StudyDatabase.open(dataDir ? path.join(dataDir, DATABASE_FILE_NAME) : ':memory:'));
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

export function createServices(input: ServiceInput = {}): Services {
  const grants = input.grants ?? new PathGrants();
  const volumes = input.volumes ?? new VolumeStore();
  const dataDir = input.dataDir ?? null;
  const registry = input.registry ?? new ModelRegistry({ userData: dataDir });
  const segmenter = new SegmentationService({ registry });
  const database = input.database ?? lazyStudyDatabase(dataDir);
  const pacs = input.pacs ?? pacsServiceFor({ dataDir, grants, database, ...(input.secrets ? { secrets: input.secrets } : {}) });
  if (input.grantDataFolders && dataDir) {
    // A folder exports may always go to (beside the study is not always allowed or wanted): <data-dir>/exports.
    const exportsDir = path.join(dataDir, 'exports');
    mkdirSync(exportsDir, { recursive: true });
    grants.grant(exportsDir, 'Exports');
  }
  // Studies retrieved from a PACS (or pushed to the listener) live here; the study panel may open them.
  if (input.grantDataFolders && pacs.store) {
    mkdirSync(pacs.store.root, { recursive: true, mode: 0o700 });
    grants.grant(pacs.store.root, 'PACS');
  }
  return {
    grants,
    volumes,
    limits: input.limits ?? DEFAULT_IO_LIMITS,
    dataDir,
    registry,
    segmenter,
    sessions: new SegmentSessions({ volumes, dataDir, segmenter }),
    database,
    pacs,
  };
}
