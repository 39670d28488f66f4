/**
 * The local study index (better-sqlite3): patients → studies → series →
 * instances, pointing at DICOM files where the user keeps them. Importing
 * reads headers only, is idempotent (a file already indexed with the same
 * size and mtime is not re-read), reports progress and honours an
 * AbortSignal (batches committed so far stay). Opening checks that indexed
 * files still exist; a re-import finds files that moved. Removing a study
 * removes it from the index, never from disk.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { NaturalDataset } from '../io/dicom/part10';
import { nNumber, nText } from '../io/dicom/naturalValues';
import { readDicomHeader } from '../io/dicom/part10Read';
import { listFiles } from '../io/dicom/listFiles';
import type { FileAccess } from '../access/pathGrants';
import { openStudyDatabaseFile } from './openDatabase';

export const DATABASE_FILE_NAME = 'voxa.sqlite';
const DICOMDIR_CLASS = '1.2.840.10008.1.3.10';
const BATCH = 200;
const MAX_FILES = 500_000;

/** Electron's userData folder for "Voxa", computed without Electron (env VOXA_USER_DATA overrides). */
export function defaultUserDataDir(): string {
  if (process.env.VOXA_USER_DATA) return path.resolve(process.env.VOXA_USER_DATA);
  const home = os.homedir();
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Voxa');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Voxa');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Voxa');
}

export function defaultDatabasePath(): string {
  return process.env.VOXA_DB ? path.resolve(process.env.VOXA_DB) : path.join(defaultUserDataDir(), DATABASE_FILE_NAME);
}

export interface ImportOptions {
  /** The path policy of the walk (symbolic links out of it are not indexed); default: the CLI's open access. */
  access?: FileAccess;
  signal?: AbortSignal;
  onProgress?: (p: { done: number; total: number; added: number; skipped: number }) => void;
}

export interface ImportReport {
  root: string;
  filesSeen: number;
  added: number;
  unchanged: number;
  relocated: number;
  skipped: { file: string; reason: string }[];
  cancelled: boolean;
}

export interface FileCheck {
  checked: number;
  missing: number;
  restored: number;
}

export interface StudyRow {
  studyUid: string;
  patientId: string;
  patientName: string;
  studyDate: string;
  description: string;
  seriesCount: number;
  instanceCount: number;
  missingCount: number;
}

export interface SeriesRow {
  seriesUid: string;
  studyUid: string;
  modality: string;
  description: string;
  seriesNumber: number | null;
  instanceCount: number;
  missingCount: number;
}

interface InstanceRow {
  id: number;
  path: string;
  file_size: number;
  file_mtime_ms: number;
  missing: number;
}

export class StudyDatabase {
  readonly file: string;
  private readonly db: Database.Database;

  private constructor(file: string, db: Database.Database) {
    this.file = file;
    this.db = db;
  }

  /** Opens (creating if needed) the database at `file` (default: the user-data folder) and migrates it. */
  static open(file = defaultDatabasePath(), options: { verifyFiles?: boolean } = {}): StudyDatabase {
    const db = openStudyDatabaseFile(file);
    const sdb = new StudyDatabase(file, db);
    if (options.verifyFiles ?? true) sdb.verifyFiles();
    return sdb;
  }

  close(): void {
    this.db.close();
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  /** Marks indexed files that no longer exist as missing (and clears the flag of those that are back). */
  verifyFiles(): FileCheck {
    const rows = this.db.prepare('SELECT id, path, missing FROM instances').all() as Pick<InstanceRow, 'id' | 'path' | 'missing'>[];
    const set = this.db.prepare('UPDATE instances SET missing = ? WHERE id = ?');
    let missing = 0;
    let restored = 0;
    this.db.transaction(() => {
      for (const r of rows) {
        const exists = existsSync(r.path);
        if (!exists) missing++;
        if (!exists && r.missing === 0) set.run(1, r.id);
        else if (exists && r.missing !== 0) {
          set.run(0, r.id);
          restored++;
        }
      }
    })();
    return { checked: rows.length, missing, restored };
  }

  /** Indexes every DICOM file below `root` (a folder or one file). */
  async importPath(root: string, options: ImportOptions = {}): Promise<ImportReport> {
    const abs = path.resolve(root);
    const { files } = await listFiles(abs, { maxFiles: MAX_FILES, tooMany: (n) => `more than ${n} files below ${path.basename(abs)}`, ...(options.access ? { access: options.access } : {}) });
    const report: ImportReport = { root: abs, filesSeen: files.length, added: 0, unchanged: 0, relocated: 0, skipped: [], cancelled: false };
    const run = this.db.prepare("INSERT INTO import_runs (root, started_at) VALUES (?, datetime('now'))").run(abs).lastInsertRowid;
    const byPath = this.db.prepare('SELECT id, path, file_size, file_mtime_ms, missing FROM instances WHERE path = ?');
    const bySop = this.db.prepare('SELECT id, path, file_size, file_mtime_ms, missing FROM instances WHERE sop_instance_uid = ?');
    const pending: { file: string; size: number; mtimeMs: number; header: NaturalDataset }[] = [];
    const flush = () => {
      if (pending.length === 0) return;
      this.db.transaction(() => {
        for (const p of pending) this.upsertInstance(p.file, p.size, p.mtimeMs, p.header, bySop, report);
      })();
      pending.length = 0;
    };
    let done = 0;
    try {
      for (const file of files) {
        if (options.signal?.aborted) {
          report.cancelled = true;
          break;
        }
        const rel = path.relative(abs, file) || path.basename(file);
        const info = await stat(file).catch(() => undefined);
        if (!info) report.skipped.push({ file: rel, reason: 'cannot be read' });
        else {
          const known = byPath.get(file) as InstanceRow | undefined;
          if (known && known.file_size === info.size && known.file_mtime_ms === Math.trunc(info.mtimeMs) && known.missing === 0) report.unchanged++;
          else {
            const header = await readDicomHeader(file);
            if (!header) report.skipped.push({ file: rel, reason: 'not a DICOM file' });
            else if (nText(header, 'SOPClassUID') === DICOMDIR_CLASS) report.skipped.push({ file: rel, reason: 'DICOMDIR (the files it lists are indexed by the folder scan)' });
            else if (!nText(header, 'SOPInstanceUID') || !nText(header, 'SeriesInstanceUID') || !nText(header, 'StudyInstanceUID')) {
              report.skipped.push({ file: rel, reason: 'missing Study/Series/SOP Instance UID' });
            } else pending.push({ file, size: info.size, mtimeMs: Math.trunc(info.mtimeMs), header });
          }
        }
        done++;
        if (pending.length >= BATCH) flush();
        options.onProgress?.({ done, total: files.length, added: report.added + pending.length, skipped: report.skipped.length });
      }
      flush();
    } finally {
      this.db
        .prepare("UPDATE import_runs SET finished_at = datetime('now'), files_seen = ?, instances_added = ?, status = ? WHERE id = ?")
        .run(done, report.added, report.cancelled ? 'cancelled' : 'done', run);
    }
    return report;
  }

  private upsertInstance(file: string, size: number, mtimeMs: number, h: NaturalDataset, bySop: Database.Statement, report: ImportReport): void {
    const sop = nText(h, 'SOPInstanceUID');
    const existing = bySop.get(sop) as InstanceRow | undefined;
    if (existing) {
      if (existing.path === file) {
        this.db.prepare('UPDATE instances SET file_size = ?, file_mtime_ms = ?, missing = 0 WHERE id = ?').run(size, mtimeMs, existing.id);
        report.unchanged++;
      } else if (!existsSync(existing.path)) {
        // The same instance at a new place: the file moved.
        this.db.prepare('UPDATE instances SET path = ?, file_size = ?, file_mtime_ms = ?, missing = 0 WHERE id = ?').run(file, size, mtimeMs, existing.id);
        report.relocated++;
      } else report.skipped.push({ file, reason: 'duplicate of an instance already indexed elsewhere' });
      return;
    }
    // Another instance indexed at this path (the file was replaced): drop the old row.
    this.db.prepare('DELETE FROM instances WHERE path = ?').run(file);
    const patientId = nText(h, 'PatientID');
    const patientName = nText(h, 'PatientName');
    const key = `${patientId}\u0000${patientId ? '' : patientName}`;
    this.db
      .prepare('INSERT INTO patients (patient_key, patient_id, patient_name, birth_date, sex) VALUES (?, ?, ?, ?, ?) ON CONFLICT(patient_key) DO UPDATE SET patient_name = excluded.patient_name')
      .run(key, patientId, patientName, nText(h, 'PatientBirthDate'), nText(h, 'PatientSex'));
    const patientRef = (this.db.prepare('SELECT id FROM patients WHERE patient_key = ?').get(key) as { id: number }).id;
    const studyUid = nText(h, 'StudyInstanceUID');
    this.db
      .prepare('INSERT INTO studies (study_uid, patient_ref, study_date, description, accession_number) VALUES (?, ?, ?, ?, ?) ON CONFLICT(study_uid) DO NOTHING')
      .run(studyUid, patientRef, nText(h, 'StudyDate'), nText(h, 'StudyDescription'), nText(h, 'AccessionNumber'));
    const studyRef = (this.db.prepare('SELECT id FROM studies WHERE study_uid = ?').get(studyUid) as { id: number }).id;
    const seriesUid = nText(h, 'SeriesInstanceUID');
    this.db
      .prepare('INSERT INTO series (series_uid, study_ref, modality, description, series_number) VALUES (?, ?, ?, ?, ?) ON CONFLICT(series_uid) DO NOTHING')
      .run(seriesUid, studyRef, nText(h, 'Modality'), nText(h, 'SeriesDescription'), nNumber(h, 'SeriesNumber') ?? null);
    const seriesRef = (this.db.prepare('SELECT id FROM series WHERE series_uid = ?').get(seriesUid) as { id: number }).id;
    this.db
      .prepare('INSERT INTO instances (sop_instance_uid, series_ref, sop_class_uid, instance_number, path, file_size, file_mtime_ms, missing) VALUES (?, ?, ?, ?, ?, ?, ?, 0)')
      .run(sop, seriesRef, nText(h, 'SOPClassUID'), nNumber(h, 'InstanceNumber') ?? null, file, size, mtimeMs);
    report.added++;
  }

  listStudies(): StudyRow[] {
    return this.db
      .prepare(
        `SELECT st.study_uid AS studyUid, p.patient_id AS patientId, p.patient_name AS patientName, st.study_date AS studyDate, st.description AS description,
                (SELECT COUNT(*) FROM series se WHERE se.study_ref = st.id) AS seriesCount,
                (SELECT COUNT(*) FROM instances i JOIN series se ON i.series_ref = se.id WHERE se.study_ref = st.id) AS instanceCount,
                (SELECT COUNT(*) FROM instances i JOIN series se ON i.series_ref = se.id WHERE se.study_ref = st.id AND i.missing = 1) AS missingCount
         FROM studies st JOIN patients p ON st.patient_ref = p.id ORDER BY st.study_date DESC, st.study_uid`,
      )
      .all() as StudyRow[];
  }

  listSeries(studyUid?: string): SeriesRow[] {
    return this.db
      .prepare(
        `SELECT se.series_uid AS seriesUid, st.study_uid AS studyUid, se.modality AS modality, se.description AS description, se.series_number AS seriesNumber,
                COUNT(i.id) AS instanceCount, COALESCE(SUM(i.missing), 0) AS missingCount
         FROM series se JOIN studies st ON se.study_ref = st.id LEFT JOIN instances i ON i.series_ref = se.id
         WHERE (? IS NULL OR st.study_uid = ?) GROUP BY se.id ORDER BY st.study_uid, se.series_number, se.series_uid`,
      )
      .all(studyUid ?? null, studyUid ?? null) as SeriesRow[];
  }

  /** One indexed file path per series (the first by path), to tell which series lie under the roots of this launch. */
  seriesSamplePaths(): Map<string, string> {
    const rows = this.db.prepare('SELECT se.series_uid AS uid, MIN(i.path) AS path FROM series se JOIN instances i ON i.series_ref = se.id GROUP BY se.id').all() as { uid: string; path: string }[];
    return new Map(rows.map((r) => [r.uid, r.path]));
  }

  /** Paths of a series' files that are present on disk. */
  seriesFiles(seriesUid: string): string[] {
    return (
      this.db
        .prepare('SELECT i.path FROM instances i JOIN series se ON i.series_ref = se.id WHERE se.series_uid = ? AND i.missing = 0 ORDER BY i.instance_number, i.path')
        .all(seriesUid) as { path: string }[]
    ).map((r) => r.path);
  }

  /**
   * Checks a series' files on disk (opening it): marks the ones gone as missing and
   * clears the flag of those back. Returns the present files, and null for an unknown series.
   */
  verifySeries(seriesUid: string): { files: string[]; missing: number; total: number } | null {
    const series = this.db.prepare('SELECT id FROM series WHERE series_uid = ?').get(seriesUid) as { id: number } | undefined;
    if (!series) return null;
    const rows = this.db.prepare('SELECT id, path, missing FROM instances WHERE series_ref = ? ORDER BY instance_number, path').all(series.id) as Pick<InstanceRow, 'id' | 'path' | 'missing'>[];
    const set = this.db.prepare('UPDATE instances SET missing = ? WHERE id = ?');
    const files: string[] = [];
    this.db.transaction(() => {
      for (const r of rows) {
        const exists = existsSync(r.path);
        if (exists) files.push(r.path);
        if (exists !== (r.missing === 0)) set.run(exists ? 0 : 1, r.id);
      }
    })();
    return { files, missing: rows.length - files.length, total: rows.length };
  }

  counts(): { patients: number; studies: number; series: number; instances: number; missing: number } {
    const one = (sql: string) => (this.db.prepare(sql).get() as { n: number }).n;
    return {
      patients: one('SELECT COUNT(*) AS n FROM patients'),
      studies: one('SELECT COUNT(*) AS n FROM studies'),
      series: one('SELECT COUNT(*) AS n FROM series'),
      instances: one('SELECT COUNT(*) AS n FROM instances'),
      missing: one('SELECT COUNT(*) AS n FROM instances WHERE missing = 1'),
    };
  }

  /** Removes a study (and its series and instances) from the index; files on disk are not touched. Returns whether it existed. */
  removeStudy(studyUid: string): boolean {
    return this.db.transaction(() => {
      const r = this.db.prepare('DELETE FROM studies WHERE study_uid = ?').run(studyUid);
      this.db.prepare('DELETE FROM patients WHERE id NOT IN (SELECT patient_ref FROM studies)').run();
      return r.changes > 0;
    })();
  }

  /** Removes a series from the index (and its study when it was the last one). */
  removeSeries(seriesUid: string): boolean {
    return this.db.transaction(() => {
      const r = this.db.prepare('DELETE FROM series WHERE series_uid = ?').run(seriesUid);
      this.db.prepare('DELETE FROM studies WHERE id NOT IN (SELECT study_ref FROM series)').run();
      this.db.prepare('DELETE FROM patients WHERE id NOT IN (SELECT patient_ref FROM studies)').run();
      return r.changes > 0;
    })();
  }
}
