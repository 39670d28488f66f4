import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { VoxaError } from '../../../common/contract';
import { applySessionEvent, createSessionState, type EditSessionState } from '../../../common/editing/editSession';
import { EditJournal } from './editJournal';
import { SCRIPT_GEOMETRY, scriptEvent } from './testing/editScript';

const repoRoot = path.resolve(__dirname, '../../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'voxa-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const dims = SCRIPT_GEOMETRY.dimensions;
let fileNo = 0;
const newFile = () => path.join(dir, `j${++fileNo}.sqlite`);

/** The state after the first m scripted events, built without the journal. */
function expectedAfter(m: number): EditSessionState {
  const s = createSessionState(dims, new Uint8Array(dims[0] * dims[1] * dims[2]));
  for (let n = 0; n < m; n++) applySessionEvent(s, scriptEvent(n, s));
  return s;
}
function comparable(s: EditSessionState) {
  return {
    labels: Buffer.from(s.labels.buffer, s.labels.byteOffset, s.labels.byteLength).toString('base64'),
    segments: s.segments,
    prompts: s.prompts,
    position: s.history.position,
    nextId: s.history.nextId,
    entries: s.history.entries.map((e) => ({ id: e.id, name: e.name, at: e.at, changed: e.delta.changed, runs: Array.from(e.delta.runs), box: e.delta.box, segments: e.segments, prompts: e.prompts })),
  };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('edit journal', () => {
  it('reopening restores labelmap, segments, prompts, history and position; redo still works after reopen', () => {
    const file = newFile();
    const j = EditJournal.open(file, 'series-1', dims);
    for (let n = 0; n < 60; n++) j.record(scriptEvent(n, j.state));
    j.record({ kind: 'undo' });
    j.record({ kind: 'undo' });
    const live = comparable(j.state);
    j.close();
    const r = EditJournal.open(file, 'series-1', dims);
    expect(r.restore.existed).toBe(true);
    expect(r.restore.warnings).toEqual([]);
    expect(comparable(r.state)).toEqual(live);
    expect(r.record({ kind: 'redo' })).toBe(true);
    r.close();
    // Independent of the journal: the scripted events replayed in memory give the same labelmap.
    const ref = expectedAfter(60);
    applySessionEvent(ref, { kind: 'undo' });
    applySessionEvent(ref, { kind: 'undo' });
    expect(comparable(ref)).toEqual(live);
  });

  it('batches: an event is not on disk at once, and is within the flush delay (measured from another connection)', async () => {
    const file = newFile();
    const j = EditJournal.open(file, 'k', dims, { flushDelayMs: 250 });
    const reader = new Database(file, { readonly: true });
    const rows = () => (reader.prepare('SELECT COUNT(*) AS n FROM journal_event').get() as { n: number }).n;
    const t0 = performance.now();
    for (let n = 0; n < 5; n++) j.record(scriptEvent(n, j.state));
    expect(rows()).toBe(0);
    expect(j.pendingCount).toBe(5);
    while (rows() < 5 && performance.now() - t0 < 2000) await sleep(5);
    const lagMs = performance.now() - t0;
    console.log(`journal: 5 events committed ${lagMs.toFixed(0)} ms after the first was recorded (flush delay 250 ms)`);
    expect(rows()).toBe(5);
    expect(lagMs).toBeLessThan(1000);
    expect(reader.pragma('journal_mode', { simple: true })).toBe('wal');
    reader.close();
    j.close();
  });

  it('compaction keeps the event table short and restores the same state, including from a snapshot plus later events', () => {
    const file = newFile();
    const j = EditJournal.open(file, 'k', dims, { compactEveryEvents: 20 });
    for (let n = 0; n < 95; n++) {
      j.record(scriptEvent(n, j.state));
      if (n % 7 === 0) j.flush();
    }
    j.close();
    const db = new Database(file, { readonly: true });
    const events = (db.prepare('SELECT COUNT(*) AS n FROM journal_event').get() as { n: number }).n;
    const snapSeq = (db.prepare('SELECT seq FROM journal_snapshot').get() as { seq: number }).seq;
    db.close();
    expect(events).toBeLessThan(20);
    expect(snapSeq + events).toBe(95);
    const r = EditJournal.open(file, 'k', dims);
    expect(r.restore.fromSnapshot).toBe(true);
    expect(r.restore.eventsReplayed).toBe(events);
    expect(comparable(r.state)).toEqual(comparable(expectedAfter(95)));
    r.close();
  });

  it('keys share a file without mixing; another grid, a bad key or a corrupt event are handled', () => {
    const file = newFile();
    const a = EditJournal.open(file, 'a', dims);
    a.record(scriptEvent(0, a.state));
    a.close();
    const b = EditJournal.open(file, 'b', [4, 4, 4]);
    expect(b.restore.existed).toBe(false);
    b.close();
    expect(() => EditJournal.open(file, 'a', [4, 4, 4])).toThrow(VoxaError);
    expect(() => EditJournal.open(file, '', dims)).toThrow(VoxaError);
    // Corrupt the second of three events: replay keeps the first, warns, and drops the rest.
    const c = EditJournal.open(file, 'c', dims);
    for (let n = 0; n < 3; n++) c.record(scriptEvent(n, c.state));
    c.close();
    const db = new Database(file);
    db.prepare(`UPDATE journal_event SET payload = ? WHERE key = 'c' AND seq = 2`).run(Buffer.from('garbage'));
    db.close();
    const r = EditJournal.open(file, 'c', dims);
    expect(r.restore.eventsReplayed).toBe(1);
    expect(r.restore.warnings).toHaveLength(1);
    expect(comparable(r.state)).toEqual(comparable(expectedAfter(1)));
    expect(r.committedSeq).toBe(1);
    r.close();
  });

  it('a step that does not fit the labelmap is refused and not journalled', () => {
    const j = EditJournal.open(newFile(), 'k', dims);
    const e = scriptEvent(0, j.state);
    j.record(e);
    expect(() => j.record(e)).toThrow(VoxaError); // the same delta twice no longer matches
    expect(j.pendingCount).toBe(1);
    j.close();
  });
});

describe('crash safety', () => {
  /** Runs the writer child, kills it with SIGKILL after `killAfterMs`, returns ack times (ms, parent clock) and the kill time. */
  function runAndKill(file: string, killAfterMs: number): Promise<{ acks: number[]; killAt: number }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'main/services/journal/testing/crashWriter.ts'), file, 'crash', '100000', '8', '40'], {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const acks: number[] = [];
      let killAt = 0;
      let buf = '';
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.stdout.on('data', (d: Buffer) => {
        const now = performance.now();
        buf += d.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line.startsWith('ready')) setTimeout(() => {
            killAt = performance.now();
            child.kill('SIGKILL');
          }, killAfterMs);
          if (line.startsWith('ack')) acks.push(now);
        }
      });
      child.on('exit', (code, signal) => {
        if (signal !== 'SIGKILL') reject(new Error(`writer exited ${code} ${signal}: ${err}`));
        else resolve({ acks, killAt });
      });
    });
  }

  it('SIGKILL in the middle of a sequence of edits: reopening restores every edit older than one second', async () => {
    const lags: string[] = [];
    for (const killAfterMs of [1700, 2600]) {
      const file = newFile();
      const { acks, killAt } = await runAndKill(file, killAfterMs);
      const olderThan1s = acks.filter((t) => t <= killAt - 1000).length;
      const j = EditJournal.open(file, 'crash', dims);
      const restored = j.committedSeq;
      expect(j.restore.warnings).toEqual([]);
      expect(acks.length).toBeGreaterThan(50);
      expect(restored).toBeGreaterThanOrEqual(olderThan1s);
      expect(restored).toBeLessThanOrEqual(acks.length + 1);
      expect(comparable(j.state)).toEqual(comparable(expectedAfter(restored)));
      // Age, at the kill, of the oldest edit that was lost (0 when none was).
      const firstLost = acks[restored];
      lags.push(`${acks.length} acked, ${restored} restored, ${olderThan1s} older than 1 s, oldest lost edit ${firstLost === undefined ? 0 : (killAt - firstLost).toFixed(0)} ms old`);
      j.close();
    }
    console.log(`journal crash test: ${lags.join('; ')}`);
  }, 60_000);
});
