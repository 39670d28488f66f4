/**
 * One segmentation session per open volume, each backed by the edit journal
 * in the data folder (`<dataDir>/edit-journal.sqlite`; in memory without a
 * data folder). A volume's journal key is its source path plus its
 * SeriesInstanceUID, so reopening the same file or folder restores its
 * segments, prompts and history position.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { VoxaError } from '../../../common/contract';
import { SegmentationService } from '../inference/segmentService';
import { EditJournal, JOURNAL_FILE_NAME, type JournalOptions } from '../journal/editJournal';
import { openJournalRecovering, type JournalRecovery } from '../journal/journalRecovery';
import type { VolumeStore } from '../volumeStore';
import { SegmentSession } from './segmentSession';

export interface SegmentSessionsOptions {
  volumes: VolumeStore;
  /** Folder of the journal database; null keeps the journal in memory. */
  dataDir: string | null;
  /** The model runner (default: one per process, created on the first prompt). */
  segmenter?: SegmentationService;
  journal?: Pick<JournalOptions, 'flushDelayMs' | 'compactEveryEvents' | 'compactEveryBytes' | 'historyLimits'>;
  /** Local corrections for model segments (default true; false only for A/B benchmarks). */
  localCorrections?: boolean;
}

export class SegmentSessions {
  private readonly sessions = new Map<string, SegmentSession>();
  private db: Database.Database | null = null;
  private segmenter: SegmentationService | null;
  private readonly onExit = () => this.closeAll();

  constructor(private readonly opts: SegmentSessionsOptions) {
    this.segmenter = opts.segmenter ?? null;
  }

  /** What happened when the journal file was found damaged at start (null when it was sound). */
  recovery: JournalRecovery | null = null;

  private database(): Database.Database {
    if (!this.db) {
      if (this.opts.dataDir) {
        const r = openJournalRecovering(path.join(this.opts.dataDir, JOURNAL_FILE_NAME));
        this.db = r.db;
        this.recovery = r.recovery;
      } else this.db = new Database(':memory:');
      // A graceful exit (SIGINT/SIGTERM → process.exit) commits what is still queued.
      process.on('exit', this.onExit);
    }
    return this.db;
  }

  private runner = (): SegmentationService => (this.segmenter ??= new SegmentationService());

  /** The journal key of an open volume. */
  keyOf(volumeId: string): string {
    const volume = this.opts.volumes.get(volumeId);
    const source = this.opts.volumes.sourcePath(volumeId);
    return source ? `${source}|${volume.meta.seriesInstanceUid}` : `volume:${volumeId}`;
  }

  /** The session of an open volume, opened (and restored from the journal) on first use. */
  open(volumeId: string): SegmentSession {
    this.dropClosedVolumes();
    const existing = this.sessions.get(volumeId);
    if (existing) return existing;
    const volume = this.opts.volumes.get(volumeId);
    const key = this.keyOf(volumeId);
    // The same file opened again under a new id: one writer per journal key.
    for (const [id, s] of this.sessions) if (s.journal.key === key) this.close(id);
    const journal = EditJournal.open(this.database(), key, volume.geometry.dimensions, { ...this.opts.journal, labelType: 'uint8' });
    if (!(journal.state.labels instanceof Uint8Array)) {
      journal.close();
      throw new VoxaError('UNSUPPORTED', 'this journal holds a 16-bit labelmap; at most 255 segments are supported here');
    }
    // Every session opened after a recovery says so, once, with what was kept and lost.
    if (this.recovery) journal.restore.warnings.unshift(this.recovery.message);
    const session = new SegmentSession(volumeId, volume, journal, this.runner, this.opts.localCorrections ?? true);
    this.sessions.set(volumeId, session);
    return session;
  }

  get(volumeId: string): SegmentSession {
    return this.open(volumeId);
  }

  close(volumeId: string): boolean {
    const s = this.sessions.get(volumeId);
    if (!s) return false;
    this.sessions.delete(volumeId);
    s.journal.close();
    return true;
  }

  /** Flushes and closes every session and the database. */
  closeAll(): void {
    for (const id of [...this.sessions.keys()]) this.close(id);
    if (this.db) {
      process.off('exit', this.onExit);
      this.db.close();
      this.db = null;
    }
  }

  private dropClosedVolumes(): void {
    for (const id of [...this.sessions.keys()]) {
      try {
        this.opts.volumes.get(id);
      } catch {
        this.close(id);
      }
    }
  }
}
