/**
 * A damaged edit journal on start: the file is moved aside (not deleted), what
 * reads is kept, the user is told what was kept and lost, and segmentation
 * keeps working. Before, the journal failed to open and every segment channel
 * answered a generic error.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Volume } from '../../../common/volume';
import { SegmentSessions } from '../segmentation/segmentSessions';
import { VolumeStore } from '../volumeStore';
import { JOURNAL_FILE_NAME } from './editJournal';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function volume(): Volume {
  const n = 24;
  const voxels = new Int16Array(n * n * n);
  for (let k = 8; k < 16; k++) for (let j = 8; j < 16; j++) for (let i = 8; i < 16; i++) voxels[i + n * (j + n * k)] = 200;
  return {
    geometry: { dimensions: [n, n, n], spacingMm: [1, 1, 1], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
    dtype: 'int16',
    voxels,
    meta: { modality: 'CT', sourceFormat: 'nifti', description: '', patientName: '', patientId: '', studyDate: '', seriesInstanceUid: '1.2.3', warnings: [] },
  };
}

/** A data folder whose journal holds `edits` journalled edits of one volume (closed cleanly). */
async function journalWith(edits: number): Promise<string> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'voxa-jr-'));
  dirs.push(dataDir);
  const volumes = new VolumeStore();
  const { volumeId } = volumes.add(volume(), '/study/ct.nii.gz');
  const sessions = new SegmentSessions({ volumes, dataDir, journal: { compactEveryEvents: 1_000_000 } });
  const s = sessions.open(volumeId);
  for (let n = 0; n < edits; n++) s.create(`lesion ${n + 1}`);
  sessions.closeAll();
  return dataDir;
}

function reopen(dataDir: string) {
  const volumes = new VolumeStore();
  const { volumeId } = volumes.add(volume(), '/study/ct.nii.gz');
  const sessions = new SegmentSessions({ volumes, dataDir });
  return { sessions, volumeId, session: sessions.open(volumeId) };
}

describe('a damaged edit journal', () => {
  it('a sound journal restores everything, with no notice', async () => {
    const dataDir = await journalWith(5);
    const { session, sessions } = reopen(dataDir);
    expect(session.segments().length).toBe(5);
    expect(session.journal.restore.warnings).toEqual([]);
    sessions.closeAll();
  });

  it('overwritten with garbage: moved aside, the user told nothing could be read, segmentation works', async () => {
    const dataDir = await journalWith(5);
    const file = path.join(dataDir, JOURNAL_FILE_NAME);
    const size = statSync(file).size;
    writeFileSync(file, Buffer.alloc(size, 0x5a));
    const { session, sessions } = reopen(dataDir);
    expect(session.segments()).toEqual([]);
    const notice = session.journal.restore.warnings[0] ?? '';
    expect(notice).toMatch(/damaged and was moved aside to edit-journal\.sqlite\.damaged-/);
    expect(notice).toMatch(/nothing in it could be read/);
    const aside = readdirSync(dataDir).filter((f) => f.includes('.damaged-') && !f.endsWith('-wal') && !f.endsWith('-shm'));
    expect(aside.length).toBe(1);
    expect(readFileSync(path.join(dataDir, aside[0] as string)).subarray(0, 4)).toEqual(Buffer.alloc(4, 0x5a));
    const r = await session.prompt({ target: { kind: 'new' }, modelId: 'classical', plane: 'axial', points: [{ ijk: [12, 12, 12], positive: true }] });
    expect(r.changed).toBeGreaterThan(100);
    sessions.closeAll();
    // The new journal is sound: the click is restored on the next start, without a notice.
    const again = reopen(dataDir);
    expect(again.session.segments().length).toBe(1);
    expect(again.session.journal.restore.warnings).toEqual([]);
    again.sessions.closeAll();
  });

  it('with damaged pages: what reads is kept, the lost edits are counted', async () => {
    const dataDir = await journalWith(40);
    const file = path.join(dataDir, JOURNAL_FILE_NAME);
    const bytes = readFileSync(file);
    // Scribble over the last third of the file (pages of the event table), keep the first pages.
    for (let n = Math.floor((bytes.length * 2) / 3); n < bytes.length; n++) bytes[n] = (n * 131) & 255;
    writeFileSync(file, bytes);
    const { session, sessions } = reopen(dataDir);
    const notice = session.journal.restore.warnings[0] ?? '';
    console.log(`damaged pages: ${notice}`);
    expect(notice).toMatch(/moved aside/);
    const kept = Number(/kept (\d+) edit/.exec(notice)?.[1]);
    const lost = Number(/; (\d+) edits? could not be read/.exec(notice)?.[1] ?? 0);
    expect(kept).toBeGreaterThanOrEqual(0);
    expect(kept + lost).toBeLessThanOrEqual(40);
    // Whatever was not restored is announced as lost, never as "no edit was lost".
    if (session.segments().length < 40) expect(notice).not.toMatch(/no edit was lost/);
    expect(existsSync(file)).toBe(true);
    sessions.closeAll();
  });
});
