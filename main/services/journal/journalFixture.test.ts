/**
 * A journal written by the build before common/labelmap (issue 19 item 4)
 * must still replay: the fixture holds a snapshot (seq 40: packed labelmap,
 * history entries) and 22 events after it (steps, undos, a segment-list
 * change), exactly as that build wrote them. The expected state was recorded
 * by the same build when it wrote the file.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Vec3 } from '../../../common/volume';
import { EditJournal } from './editJournal';

const fixtures = path.join(__dirname, 'testing', 'fixtures');
const dir = mkdtempSync(path.join(os.tmpdir(), 'voxa-journal-fixture-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Expected {
  key: string;
  dims: Vec3;
  labelsSha256: string;
  segments: unknown;
  prompts: unknown;
  position: number;
  entries: { id: number; name: string; changed: number; box: unknown }[];
}

describe('journals written before common/labelmap', () => {
  it('replay to the state recorded when they were written (snapshot, then 22 events)', () => {
    const expected = JSON.parse(readFileSync(path.join(fixtures, 'journal-2026-12.expected.json'), 'utf8')) as Expected;
    const file = path.join(dir, 'journal.sqlite');
    copyFileSync(path.join(fixtures, 'journal-2026-12.sqlite'), file);
    const j = EditJournal.open(file, expected.key, expected.dims);
    try {
      expect(j.restore).toMatchObject({ existed: true, fromSnapshot: true, eventsReplayed: 22, warnings: [] });
      const s = j.state;
      expect(createHash('sha256').update(s.labels).digest('hex')).toBe(expected.labelsSha256);
      expect(s.segments).toEqual(expected.segments);
      expect(s.prompts).toEqual(expected.prompts);
      expect(s.history.position).toBe(expected.position);
      expect(s.history.entries.map((e) => ({ id: e.id, name: e.name, changed: e.delta.changed, box: e.delta.box }))).toEqual(expected.entries);
      // The restored history still works: undo everything, and the labelmap is all background.
      while (j.record({ kind: 'undo' }));
      expect(s.labels.every((v) => v === 0)).toBe(true);
    } finally {
      j.close();
    }
  });
});
