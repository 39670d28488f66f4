/**
 * The study panel's lists (no React): volumes opened in this session, recent
 * ones (persisted through an injected key-value storage, localStorage in the
 * app), the study database's studies and series as last listed, and the
 * running import. The panel reads only this store; app/studyDb.ts fills it.
 */
import { createStore } from 'zustand/vanilla';
import type { StudyListEntry } from '../../../common/contract/channels/study';

export interface StudyEntry {
  /** File or folder opened; for a series opened from the database, `series:<uid>`. */
  path: string;
  /** Set when opened from the study database (reopened by series, not by path). */
  seriesUid?: string;
  volumeId: string | null;
  modality: string;
  description: string;
  patientName: string;
  patientId: string;
  studyDate: string;
  dimensions: [number, number, number];
  /** Small grey-level preview (PNG data URL), when one was rendered. */
  thumbnail: string | null;
  openedAt: number;
}

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const RECENT_KEY = 'voxa.recentStudies';
export const MAX_RECENT = 12;

export interface StudyListState {
  open: StudyEntry[];
  recent: StudyEntry[];
  query: string;
  /** Loading jobs by id: label and fraction (null = unknown). */
  jobs: Record<string, { label: string; fraction: number | null }>;
  /** The database's studies matching `query`, as last listed (null before the first listing). */
  db: StudyListEntry[] | null;
  dbCounts: { studies: number; series: number; instances: number; missing: number } | null;
  /** The running import (one at a time), and the last import's outcome or error. */
  importJob: { jobId: string; label: string; fraction: number | null } | null;
  importNote: string | null;
  /** Thumbnails of database series by series UID (null: none could be made). */
  dbThumbs: Record<string, string | null>;
}

export interface StudyListActions {
  opened(entry: StudyEntry): void;
  closed(volumeId: string): void;
  setThumbnail(path: string, thumbnail: string): void;
  setQuery(q: string): void;
  setJob(id: string, job: { label: string; fraction: number | null } | null): void;
  setDb(studies: StudyListEntry[], counts: StudyListState['dbCounts']): void;
  setImportJob(job: StudyListState['importJob']): void;
  setImportNote(note: string | null): void;
  setDbThumb(seriesUid: string, thumbnail: string | null): void;
}

/** The thumbnail of a database series: from when it was opened (open or recent entry), else its middle image. */
export function seriesThumbnail(s: StudyListState, seriesUid: string): string | null {
  // A thumbnail made when the series was opened (at the crosshair) wins over the middle-image one.
  return [...s.open, ...s.recent].find((e) => e.seriesUid === seriesUid && e.thumbnail)?.thumbnail ?? s.dbThumbs[seriesUid] ?? null;
}

export type StudyListStore = ReturnType<typeof createStudyListStore>;

/** Case-insensitive match on patient name/ID, description, modality and path. */
export function matchesQuery(e: StudyEntry, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [e.patientName, e.patientId, e.description, e.modality, e.path].some((f) => f.toLowerCase().includes(q));
}

function readRecent(storage: KeyValueStorage | null): StudyEntry[] {
  try {
    const raw = storage?.getItem(RECENT_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    if (!Array.isArray(parsed)) return [];
    return parsed
      .filter((e): e is StudyEntry => !!e && typeof e === 'object' && typeof (e as StudyEntry).path === 'string' && Array.isArray((e as StudyEntry).dimensions))
      .map((e) => ({ ...e, volumeId: null }))
      .slice(0, MAX_RECENT);
  } catch {
    return [];
  }
}

export function createStudyListStore(storage: KeyValueStorage | null) {
  const save = (recent: StudyEntry[]) => {
    try {
      // Thumbnails stay in memory only: storage is small.
      storage?.setItem(RECENT_KEY, JSON.stringify(recent.map((e) => ({ ...e, thumbnail: null, volumeId: null }))));
    } catch {
      /* storage full or unavailable: recent studies are a convenience */
    }
  };
  return createStore<StudyListState & StudyListActions>()((set, get) => ({
    open: [],
    recent: readRecent(storage),
    query: '',
    jobs: {},
    db: null,
    dbCounts: null,
    importJob: null,
    importNote: null,
    dbThumbs: {},
    opened(entry) {
      const open = [entry, ...get().open.filter((e) => e.path !== entry.path)];
      const recent = [entry, ...get().recent.filter((e) => e.path !== entry.path)].slice(0, MAX_RECENT);
      save(recent);
      set({ open, recent });
    },
    closed(volumeId) {
      set({ open: get().open.filter((e) => e.volumeId !== volumeId) });
    },
    setThumbnail(path, thumbnail) {
      const upd = (l: StudyEntry[]) => l.map((e) => (e.path === path ? { ...e, thumbnail } : e));
      set({ open: upd(get().open), recent: upd(get().recent) });
    },
    setQuery(query) {
      set({ query });
    },
    setDb(db, dbCounts) {
      set({ db, dbCounts });
    },
    setImportJob(importJob) {
      set({ importJob });
    },
    setImportNote(importNote) {
      set({ importNote });
    },
    setDbThumb(seriesUid, thumbnail) {
      set({ dbThumbs: { ...get().dbThumbs, [seriesUid]: thumbnail } });
    },
    setJob(id, job) {
      const jobs = { ...get().jobs };
      if (job) jobs[id] = job;
      else delete jobs[id];
      set({ jobs });
    },
  }));
}
