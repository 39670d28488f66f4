/**
 * Opening the edit journal when its file is damaged: what verifies is kept,
 * the damaged file (and its -wal/-shm) is moved aside, never deleted, and the
 * user is told exactly what was restored and what was lost (edits, volumes,
 * time range). Segmentation keeps working on a fresh journal.
 *
 * "Verifies" = SQLite's integrity check passes for the file, else row by row:
 * a volume's snapshot and each of its events are copied to the fresh journal
 * only if they can be read; the first unreadable event of a volume ends that
 * volume's copy (later events depend on it).
 */
import { existsSync, renameSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ensureJournalSchema, openJournalDatabase } from './editJournal';

type Db = Database.Database;

export interface JournalRecovery {
  /** Where the damaged file went. */
  movedTo: string;
  volumesKept: number;
  eventsKept: number;
  eventsLost: number;
  /** Volumes whose edit log could not be read at all (how many edits they lost is not known). */
  volumesUnreadable: number;
  /** Time range of the lost edits (ms since epoch), when the damaged file still told it. */
  lostFrom: number | null;
  lostTo: number | null;
  /** One sentence for the user. */
  message: string;
}

/** The journal opened and checked (answers SQL, passes `quick_check`, has its schema); null when it is damaged. */
function openIfHealthy(file: string): Db | null {
  let db: Db | null = null;
  try {
    db = openJournalDatabase(file);
    if (db.pragma('quick_check', { simple: true }) !== 'ok') throw new Error('quick_check failed');
    ensureJournalSchema(db);
    return db;
  } catch {
    try {
      db?.close();
    } catch {
      // a handle on a damaged file may fail to close; it is dropped either way
    }
    return null;
  }
}

const stamp = (t: number) => new Date(t).toISOString().replace('T', ' ').slice(0, 19);

/** Copies what can be read from `damaged` into the fresh journal `into`. */
function salvage(damaged: string, into: Db): Omit<JournalRecovery, 'movedTo' | 'message'> {
  const out = { volumesKept: 0, eventsKept: 0, eventsLost: 0, volumesUnreadable: 0, lostFrom: null as number | null, lostTo: null as number | null };
  const lost = (at: unknown) => {
    out.eventsLost++;
    if (typeof at === 'number' && Number.isFinite(at)) {
      out.lostFrom = out.lostFrom === null ? at : Math.min(out.lostFrom, at);
      out.lostTo = out.lostTo === null ? at : Math.max(out.lostTo, at);
    }
  };
  let src: Db;
  try {
    src = new Database(damaged, { readonly: true, fileMustExist: true });
  } catch {
    return out;
  }
  try {
    let keys: { key: string }[] = [];
    try {
      keys = src.prepare('SELECT key FROM journal_volume').all() as { key: string }[];
    } catch {
      // the volume table itself is unreadable: nothing to attach events to
      out.volumesUnreadable++;
    }
    for (const { key } of keys) {
      let volume: Record<string, unknown> | undefined;
      let snapshot: Record<string, unknown> | undefined;
      try {
        volume = src.prepare('SELECT * FROM journal_volume WHERE key = ?').get(key) as Record<string, unknown> | undefined;
        snapshot = src.prepare('SELECT * FROM journal_snapshot WHERE key = ?').get(key) as Record<string, unknown> | undefined;
      } catch {
        volume = undefined;
      }
      const events: Record<string, unknown>[] = [];
      let broken = false;
      try {
        const seqs = src.prepare('SELECT seq FROM journal_event WHERE key = ? ORDER BY seq').all(key) as { seq: number }[];
        for (const { seq } of seqs) {
          if (broken) {
            lost(undefined);
            continue;
          }
          try {
            events.push(src.prepare('SELECT * FROM journal_event WHERE key = ? AND seq = ?').get(key, seq) as Record<string, unknown>);
          } catch {
            broken = true;
            lost(undefined);
          }
        }
      } catch {
        // the event index is unreadable: keep the snapshot alone, and say the log was lost
        out.volumesUnreadable++;
      }
      if (!volume) {
        for (const e of events) lost(e.at);
        continue;
      }
      into.transaction(() => {
        into.prepare('INSERT OR REPLACE INTO journal_volume (key, dims, label_type, created_at, updated_at) VALUES (@key, @dims, @label_type, @created_at, @updated_at)').run(volume);
        if (snapshot) {
          into
            .prepare('INSERT OR REPLACE INTO journal_snapshot (key, seq, labels, segments, prompts, history, position, next_id, created_at) VALUES (@key, @seq, @labels, @segments, @prompts, @history, @position, @next_id, @created_at)')
            .run(snapshot);
        }
        const ins = into.prepare('INSERT OR REPLACE INTO journal_event (key, seq, kind, payload, at) VALUES (@key, @seq, @kind, @payload, @at)');
        for (const e of events) ins.run(e);
      })();
      out.volumesKept++;
      out.eventsKept += events.length;
    }
  } finally {
    src.close();
  }
  return out;
}

/**
 * Opens the journal at `file`; when it is damaged, moves it aside, salvages
 * what reads into a fresh one, and says what happened.
 */
export function openJournalRecovering(file: string): { db: Db; recovery: JournalRecovery | null } {
  if (!existsSync(file)) return { db: openJournalDatabase(file), recovery: null };
  const sound = openIfHealthy(file);
  if (sound) return { db: sound, recovery: null };
  const movedTo = `${file}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(file, movedTo);
  for (const ext of ['-wal', '-shm']) if (existsSync(file + ext)) renameSync(file + ext, movedTo + ext);
  const db = openJournalDatabase(file);
  ensureJournalSchema(db);
  const s = salvage(movedTo, db);
  const parts: string[] = [];
  if (s.eventsLost > 0) {
    parts.push(`${s.eventsLost} edit${s.eventsLost === 1 ? '' : 's'} could not be read and ${s.eventsLost === 1 ? 'was' : 'were'} lost${s.lostFrom !== null ? ` (made between ${stamp(s.lostFrom)} and ${stamp(s.lostTo as number)} UTC)` : ''}`);
  }
  if (s.volumesUnreadable > 0 && s.volumesKept > 0) parts.push(`the edit log of ${s.volumesUnreadable} volume${s.volumesUnreadable === 1 ? '' : 's'} could not be read, so ${s.volumesUnreadable === 1 ? 'its' : 'their'} edits since the last saved state were lost`);
  if (s.volumesKept === 0) parts.push('nothing in it could be read, so earlier segmentations of these studies were not restored');
  const lostText = parts.length > 0 ? parts.join('; ') : 'no edit was lost';
  const message = `The edit journal was damaged and was moved aside to ${path.basename(movedTo)}; kept ${s.eventsKept} edit${s.eventsKept === 1 ? '' : 's'} of ${s.volumesKept} volume${s.volumesKept === 1 ? '' : 's'}; ${lostText}. Segmentation goes on with a new journal.`;
  return { db, recovery: { movedTo, ...s, message } };
}
