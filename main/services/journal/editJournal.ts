/**
 * The edit journal: every editing event of a volume (history steps with their
 * labelmap deltas, undo, redo, segment-list and prompt changes) is appended to
 * SQLite, and reopening the volume replays it into the same session state —
 * labelmap, segments, prompts, history and its position.
 *
 * Durability: events are queued in memory and committed in one transaction at
 * most `flushDelayMs` (250 ms) after the first of them, in WAL mode with
 * synchronous=FULL, so a committed batch survives a killed process and a power
 * cut; what can be lost is the batch not yet committed — under a second
 * (docs/editing.md).
 *
 * Compaction: after enough events (or bytes) since the last snapshot, the
 * current state is written as a snapshot (deflated labelmap, segments,
 * prompts, the history entries still held, the position) and the events it
 * covers are deleted, in one transaction; a crash during compaction leaves
 * the previous snapshot and events intact.
 *
 * Storage is its own tables (journal_*), keyed by a volume key (e.g. the
 * SeriesInstanceUID or a file's content hash), in its own file by default or
 * in any better-sqlite3 database handed in — so it can move into the study
 * database without a schema change.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { VoxaError } from '../../../common/contract';
import type { Labelmap } from '../../../common/labelmap/labelmap';
import { applySessionEvent, createSessionState, type EditSessionState, type SessionEvent } from '../../../common/editing/editSession';
import { segmentListSchema, stepBytes, type HistoryEntry, type HistoryLimits } from '../../../common/editing/history';
import type { Vec3 } from '../../../common/volume';
import { decodeEntries, decodeEvent, encodeEntries, encodeEvent, packLabels, unpackLabels } from './journalCodec';

export const JOURNAL_FILE_NAME = 'edit-journal.sqlite';
const SCHEMA_VERSION = 1;

export interface JournalOptions {
  /** Longest time an event waits in memory before its batch is committed (ms). Default 250. */
  flushDelayMs?: number;
  /** Compact after this many events since the last snapshot. Default 500. */
  compactEveryEvents?: number;
  /** ... or after this many payload bytes since the last snapshot. Default 32 MiB. */
  compactEveryBytes?: number;
  historyLimits?: Partial<HistoryLimits>;
  /** Labelmap to start from when the key has no journal yet (e.g. an imported mask). */
  initialLabels?: Labelmap;
  labelType?: 'uint8' | 'uint16';
}

export interface RestoreReport {
  /** A journal existed for this key. */
  existed: boolean;
  fromSnapshot: boolean;
  eventsReplayed: number;
  /** Events that could not be replayed (replay stops at the first). */
  warnings: string[];
  /** When this volume's journal was last written (ms since epoch); null for a new one. */
  lastEditAt: number | null;
}

type Db = Database.Database;

export function openJournalDatabase(file: string): Db {
  mkdirSync(path.dirname(file), { recursive: true });
  let db: Db;
  try {
    db = new Database(file);
  } catch (e) {
    throw new VoxaError('CORRUPT_INPUT', `cannot open the edit journal: ${(e as Error).message}`);
  }
  return db;
}

export function ensureJournalSchema(db: Db): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS journal_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS journal_volume (
      key TEXT PRIMARY KEY, dims TEXT NOT NULL, label_type TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS journal_snapshot (
      key TEXT PRIMARY KEY, seq INTEGER NOT NULL, labels BLOB NOT NULL, segments TEXT NOT NULL, prompts TEXT NOT NULL,
      history BLOB NOT NULL, position INTEGER NOT NULL, next_id INTEGER NOT NULL, created_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS journal_event (
      key TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, payload BLOB NOT NULL, at INTEGER NOT NULL,
      PRIMARY KEY (key, seq)) WITHOUT ROWID;
  `);
  const row = db.prepare(`SELECT value FROM journal_meta WHERE name = 'schema'`).get() as { value: string } | undefined;
  if (!row) db.prepare(`INSERT INTO journal_meta (name, value) VALUES ('schema', ?)`).run(String(SCHEMA_VERSION));
  else if (Number(row.value) > SCHEMA_VERSION) throw new VoxaError('UNSUPPORTED', `edit journal schema ${row.value} is newer than this build (${SCHEMA_VERSION})`);
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new VoxaError('CORRUPT_INPUT', 'edit journal snapshot holds invalid JSON');
  }
}

export class EditJournal {
  readonly key: string;
  readonly state: EditSessionState;
  readonly restore: RestoreReport;
  private readonly db: Db;
  private readonly ownsDb: boolean;
  private readonly opts: Required<Pick<JournalOptions, 'flushDelayMs' | 'compactEveryEvents' | 'compactEveryBytes'>>;
  private readonly labelType: 'uint8' | 'uint16';
  private pending: { kind: string; payload: Buffer; at: number }[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private seq: number;
  private eventsSinceSnapshot: number;
  private bytesSinceSnapshot: number;
  private closed = false;

  /**
   * Opens (or starts) the journal of volume `key` on a grid of `dims`:
   * `db` is a better-sqlite3 handle or a file path. An existing journal is
   * replayed into `state`; a journal for another grid is CORRUPT_INPUT.
   */
  static open(db: Db | string, key: string, dims: Vec3, options: JournalOptions = {}): EditJournal {
    if (typeof key !== 'string' || key.length === 0 || key.length > 512) throw new VoxaError('BAD_REQUEST', 'journal key must be a non-empty string of at most 512 characters');
    for (const d of dims) if (!Number.isInteger(d) || d <= 0) throw new VoxaError('BAD_REQUEST', `grid dimensions must be positive integers`);
    if (dims[0] * dims[1] * dims[2] > 2 ** 31) throw new VoxaError('TOO_LARGE', 'labelmap too large for the journal');
    const owns = typeof db === 'string';
    const handle = typeof db === 'string' ? openJournalDatabase(db) : db;
    try {
      ensureJournalSchema(handle);
      return new EditJournal(handle, owns, key, dims, options);
    } catch (e) {
      if (owns) handle.close();
      throw e;
    }
  }

  private constructor(db: Db, ownsDb: boolean, key: string, dims: Vec3, o: JournalOptions) {
    this.db = db;
    this.ownsDb = ownsDb;
    this.key = key;
    this.opts = { flushDelayMs: o.flushDelayMs ?? 250, compactEveryEvents: o.compactEveryEvents ?? 500, compactEveryBytes: o.compactEveryBytes ?? 32 * 1024 * 1024 };
    const n = dims[0] * dims[1] * dims[2];
    const vol = db.prepare(`SELECT dims, label_type, updated_at FROM journal_volume WHERE key = ?`).get(key) as { dims: string; label_type: string; updated_at: number } | undefined;
    const warnings: string[] = [];
    let fromSnapshot = false;
    let replayed = 0;
    if (vol) {
      if (vol.dims !== dims.join('x')) throw new VoxaError('CORRUPT_INPUT', `the edit journal of this volume is for a ${vol.dims} grid, the volume is ${dims.join('x')}`);
      if (vol.label_type !== 'uint8' && vol.label_type !== 'uint16') throw new VoxaError('CORRUPT_INPUT', 'edit journal has an unknown label type');
      this.labelType = vol.label_type;
      const snap = db.prepare(`SELECT * FROM journal_snapshot WHERE key = ?`).get(key) as
        | { seq: number; labels: Buffer; segments: string; prompts: string; history: Buffer; position: number; next_id: number }
        | undefined;
      let base = 0;
      if (snap) {
        const labels = unpackLabels(snap.labels, this.labelType, n);
        this.state = createSessionState(dims, labels, o.historyLimits);
        const segs = segmentListSchema.safeParse(parseJsonText(snap.segments));
        if (!segs.success) throw new VoxaError('CORRUPT_INPUT', 'edit journal snapshot has an invalid segment list');
        this.state.segments = segs.data;
        this.state.prompts = parseJsonText(snap.prompts);
        const entries: HistoryEntry[] = decodeEntries(snap.history).map((s) => ({ ...s, bytes: stepBytes(s) }));
        if (!(snap.position >= 0 && snap.position <= entries.length)) throw new VoxaError('CORRUPT_INPUT', 'edit journal snapshot has an invalid history position');
        this.state.history = { ...this.state.history, entries, position: snap.position, nextId: snap.next_id, bytes: entries.reduce((s, e) => s + e.bytes, 0) };
        base = snap.seq;
        fromSnapshot = true;
      } else {
        this.state = createSessionState(dims, (this.labelType === 'uint8' ? new Uint8Array(n) : new Uint16Array(n)).fill(0), o.historyLimits);
      }
      const rows = db.prepare(`SELECT seq, kind, payload FROM journal_event WHERE key = ? AND seq > ? ORDER BY seq`).all(key, base) as { seq: number; kind: string; payload: Buffer }[];
      let last = base;
      for (const r of rows) {
        try {
          applySessionEvent(this.state, decodeEvent(r.kind, r.payload));
          replayed++;
          last = r.seq;
        } catch (e) {
          warnings.push(`event ${r.seq} (${r.kind}) could not be replayed: ${(e as Error).message}; later events ignored`);
          break;
        }
      }
      // Events after a bad one are dropped, so new events continue a consistent log.
      if (warnings.length > 0) db.prepare(`DELETE FROM journal_event WHERE key = ? AND seq > ?`).run(key, last);
      this.seq = last;
      this.eventsSinceSnapshot = replayed;
      this.bytesSinceSnapshot = rows.slice(0, replayed).reduce((s, r) => s + r.payload.length, 0);
    } else {
      const init = o.initialLabels;
      this.labelType = o.labelType ?? (init instanceof Uint16Array ? 'uint16' : 'uint8');
      const labels = init ? init.slice() : this.labelType === 'uint8' ? new Uint8Array(n) : new Uint16Array(n);
      // Touch the memory now: the first full pass (a compaction) would otherwise pay the page faults, ~0.7 s on 78 MB.
      if (!init) labels.fill(0);
      if ((this.labelType === 'uint8') !== labels instanceof Uint8Array) throw new VoxaError('BAD_REQUEST', 'initial labelmap type does not match labelType');
      this.state = createSessionState(dims, labels, o.historyLimits);
      const now = Date.now();
      db.prepare(`INSERT INTO journal_volume (key, dims, label_type, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`).run(key, dims.join('x'), this.labelType, now, now);
      this.seq = 0;
      this.eventsSinceSnapshot = 0;
      this.bytesSinceSnapshot = 0;
      if (init) this.compact();
    }
    this.restore = { existed: vol !== undefined, fromSnapshot, eventsReplayed: replayed, warnings, lastEditAt: vol ? vol.updated_at : null };
  }

  /**
   * Applies an event to the session state and queues it for the journal.
   * Returns false (and journals nothing) for an undo/redo with nothing to do;
   * throws BAD_REQUEST (changing nothing) for a step that does not fit.
   */
  record(event: SessionEvent): boolean {
    if (this.closed) throw new VoxaError('BAD_REQUEST', 'the edit journal is closed');
    const { kind, payload } = encodeEvent(event);
    if (!applySessionEvent(this.state, event)) return false;
    this.pending.push({ kind, payload, at: Date.now() });
    this.schedule();
    return true;
  }

  /** The last error of a timed flush (the batch stays queued and is retried); null when the last flush worked. */
  lastError: VoxaError | null = null;

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      try {
        this.flush();
        this.lastError = null;
      } catch (e) {
        this.lastError = e instanceof VoxaError ? e : new VoxaError('INTERNAL', `edit journal write failed: ${(e as Error).message}`);
        this.schedule();
      }
    }, this.opts.flushDelayMs);
  }

  /** Number of events committed to the journal since it began (= events in the session, once flushed). */
  get committedSeq(): number {
    return this.seq;
  }

  /** Events queued but not yet committed. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** Commits every queued event in one transaction (then compacts when due). */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.length === 0) return;
    const batch = this.pending;
    const insert = this.db.prepare(`INSERT INTO journal_event (key, seq, kind, payload, at) VALUES (?, ?, ?, ?, ?)`);
    let seq = this.seq;
    this.db.transaction(() => {
      for (const e of batch) insert.run(this.key, ++seq, e.kind, e.payload, e.at);
      this.db.prepare(`UPDATE journal_volume SET updated_at = ? WHERE key = ?`).run(Date.now(), this.key);
    })();
    this.pending = [];
    this.seq = seq;
    this.eventsSinceSnapshot += batch.length;
    this.bytesSinceSnapshot += batch.reduce((s, e) => s + e.payload.length, 0);
    if (this.eventsSinceSnapshot >= this.opts.compactEveryEvents || this.bytesSinceSnapshot >= this.opts.compactEveryBytes) this.compact();
  }

  /** Writes a snapshot of the current state and drops the events it covers. */
  compact(): void {
    if (this.pending.length > 0) {
      // Queued events are part of the state being snapshotted: commit them first.
      const keep = this.opts.compactEveryEvents;
      this.opts.compactEveryEvents = Infinity;
      try {
        this.flush();
      } finally {
        this.opts.compactEveryEvents = keep;
      }
    }
    const s = this.state;
    const labels = packLabels(s.labels);
    const history = encodeEntries(s.history.entries);
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO journal_snapshot (key, seq, labels, segments, prompts, history, position, next_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET seq = excluded.seq, labels = excluded.labels, segments = excluded.segments, prompts = excluded.prompts,
             history = excluded.history, position = excluded.position, next_id = excluded.next_id, created_at = excluded.created_at`,
        )
        .run(this.key, this.seq, labels, JSON.stringify(s.segments), JSON.stringify(s.prompts ?? null), history, s.history.position, s.history.nextId, Date.now());
      this.db.prepare(`DELETE FROM journal_event WHERE key = ? AND seq <= ?`).run(this.key, this.seq);
    })();
    this.eventsSinceSnapshot = 0;
    this.bytesSinceSnapshot = 0;
  }

  /** Flushes and, when the handle was opened here, closes the database. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (this.ownsDb) this.db.close();
  }

  /** Removes the journal of `key` (e.g. when the user discards a segmentation). */
  static discard(db: Db, key: string): void {
    ensureJournalSchema(db);
    db.transaction(() => {
      for (const t of ['journal_event', 'journal_snapshot', 'journal_volume']) db.prepare(`DELETE FROM ${t} WHERE key = ?`).run(key);
    })();
  }
}
