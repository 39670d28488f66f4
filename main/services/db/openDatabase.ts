/**
 * Opens the study database file (':memory:' for tests) the one way every
 * store needs it: WAL journal, foreign keys, a busy timeout for the second
 * connection (study index and RECIST store share the file), migrated to the
 * current schema. A file that is not a database gets a specific error.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { VoxaError } from '../../../common/contract';
import { migrate } from './schema';

export function openStudyDatabaseFile(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
  } catch (e) {
    throw new VoxaError('CORRUPT_INPUT', `cannot open the study database ${path.basename(file)} (${e instanceof Error ? e.message : 'unknown error'})`);
  }
  try {
    migrate(db);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}
