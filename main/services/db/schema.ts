/**
 * The study database schema as an ordered list of migrations. The version
 * applied is kept in SQLite's `PRAGMA user_version`; opening a database runs
 * every migration above it, each in its own transaction. Never edit a
 * shipped migration: add the next one.
 */
import type Database from 'better-sqlite3';
import { VoxaError } from '../../../common/contract';

export interface Migration {
  version: number;
  description: string;
  up: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'patients, studies, series, instances',
    up: `
      CREATE TABLE patients (
        id INTEGER PRIMARY KEY,
        patient_key TEXT NOT NULL UNIQUE,
        patient_id TEXT NOT NULL,
        patient_name TEXT NOT NULL,
        birth_date TEXT NOT NULL DEFAULT '',
        sex TEXT NOT NULL DEFAULT ''
      );
      CREATE TABLE studies (
        id INTEGER PRIMARY KEY,
        study_uid TEXT NOT NULL UNIQUE,
        patient_ref INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
        study_date TEXT NOT NULL DEFAULT '',
        description TEXT NOT NULL DEFAULT '',
        accession_number TEXT NOT NULL DEFAULT ''
      );
      CREATE TABLE series (
        id INTEGER PRIMARY KEY,
        series_uid TEXT NOT NULL UNIQUE,
        study_ref INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
        modality TEXT NOT NULL DEFAULT '',
        description TEXT NOT NULL DEFAULT '',
        series_number INTEGER
      );
      CREATE TABLE instances (
        id INTEGER PRIMARY KEY,
        sop_instance_uid TEXT NOT NULL UNIQUE,
        series_ref INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
        sop_class_uid TEXT NOT NULL DEFAULT '',
        instance_number INTEGER,
        path TEXT NOT NULL
      );
      CREATE INDEX instances_series ON instances(series_ref);
      CREATE INDEX series_study ON series(study_ref);
      CREATE INDEX studies_patient ON studies(patient_ref);
    `,
  },
  {
    version: 2,
    description: 'file tracking (size, mtime, missing flag) for idempotent re-import and moved/deleted detection; import runs',
    up: `
      ALTER TABLE instances ADD COLUMN file_size INTEGER NOT NULL DEFAULT -1;
      ALTER TABLE instances ADD COLUMN file_mtime_ms INTEGER NOT NULL DEFAULT -1;
      ALTER TABLE instances ADD COLUMN missing INTEGER NOT NULL DEFAULT 0;
      CREATE UNIQUE INDEX instances_path ON instances(path);
      CREATE TABLE import_runs (
        id INTEGER PRIMARY KEY,
        root TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        files_seen INTEGER NOT NULL DEFAULT 0,
        instances_added INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'running'
      );
    `,
  },
  {
    version: 3,
    description: 'RECIST timepoints and lesion tables per patient (automatic and manual values, calipers)',
    up: `
      CREATE TABLE recist_timepoints (
        id INTEGER PRIMARY KEY,
        patient_key TEXT NOT NULL,
        timepoint_id TEXT NOT NULL,
        date TEXT NOT NULL,
        study_uid TEXT NOT NULL DEFAULT '',
        slice_thickness_mm REAL,
        is_baseline INTEGER NOT NULL DEFAULT 0,
        UNIQUE (patient_key, timepoint_id)
      );
      CREATE TABLE recist_lesions (
        id INTEGER PRIMARY KEY,
        timepoint_ref INTEGER NOT NULL REFERENCES recist_timepoints(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        lesion_id TEXT NOT NULL,
        record_json TEXT NOT NULL,
        UNIQUE (timepoint_ref, lesion_id)
      );
      CREATE INDEX recist_timepoints_patient ON recist_timepoints(patient_key);
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/** Brings `db` up to `target` (default: the latest). Refuses a database from a newer Voxa. */
export function migrate(db: Database.Database, target = SCHEMA_VERSION): number {
  const current = db.pragma('user_version', { simple: true });
  if (typeof current !== 'number') throw new VoxaError('INTERNAL', 'cannot read the database schema version');
  if (current > SCHEMA_VERSION) {
    throw new VoxaError('UNSUPPORTED', `the study database has schema version ${current}, newer than this Voxa (${SCHEMA_VERSION}); use a newer Voxa or another database file`);
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      db.exec(m.up);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
