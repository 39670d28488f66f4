/**
 * RECIST timepoints and lesion tables in the study database (migration 3):
 * one row per timepoint (patient key, id, date, baseline flag), one per lesion
 * holding its validated record as JSON (observation, automatic measurement
 * with calipers, manual calipers). Records are parsed again on read, so a
 * damaged row is reported, never passed on.
 */
import type Database from 'better-sqlite3';
import { issueLines, VoxaError } from '../../../common/contract';
import { checkLesionTable, effectiveTimepoint, lesionRecordSchema, timepointRecordSchema, type TimepointRecord } from '../../../common/recist/lesionTable';
import type { TimepointsFileInput } from '../../../common/recist/timepoints';
import { openStudyDatabaseFile } from '../db/openDatabase';

interface TimepointRow {
  id: number;
  timepoint_id: string;
  date: string;
  study_uid: string;
  slice_thickness_mm: number | null;
  is_baseline: number;
}

export class RecistStore {
  private constructor(private readonly db: Database.Database) {}

  /** Opens the study database file (':memory:' for tests) and migrates it. */
  static open(file: string): RecistStore {
    const db = openStudyDatabaseFile(file);
    return new RecistStore(db);
  }

  close(): void {
    this.db.close();
  }

  /** Replaces a timepoint's table; refuses target-limit violations; returns measurability warnings per lesion. */
  save(patientKey: string, input: unknown, baseline?: boolean): Record<string, string[]> {
    const parsed = timepointRecordSchema.safeParse(input);
    if (!parsed.success) throw new VoxaError('BAD_REQUEST', 'invalid lesion table', issueLines(parsed.error, '(root)'));
    const tp = parsed.data;
    const ids = new Set<string>();
    for (const l of tp.lesions) {
      if (ids.has(l.id)) throw new VoxaError('BAD_REQUEST', `lesion "${l.id}" appears twice in timepoint "${tp.id}"`);
      ids.add(l.id);
    }
    const check = checkLesionTable(tp);
    if (check.errors.length) throw new VoxaError('BAD_REQUEST', check.errors.length === 1 ? (check.errors[0] as string) : `${check.errors.length} target-selection problems`, check.errors);
    this.db.transaction(() => {
      const existing = this.db.prepare('SELECT id, is_baseline FROM recist_timepoints WHERE patient_key = ? AND timepoint_id = ?').get(patientKey, tp.id) as { id: number; is_baseline: number } | undefined;
      const isBaseline = baseline ?? (existing ? existing.is_baseline === 1 : false);
      if (isBaseline) this.db.prepare('UPDATE recist_timepoints SET is_baseline = 0 WHERE patient_key = ?').run(patientKey);
      let ref: number;
      if (existing) {
        this.db.prepare('UPDATE recist_timepoints SET date = ?, study_uid = ?, slice_thickness_mm = ?, is_baseline = ? WHERE id = ?').run(tp.date, tp.studyUid ?? '', tp.sliceThicknessMm ?? null, isBaseline ? 1 : 0, existing.id);
        this.db.prepare('DELETE FROM recist_lesions WHERE timepoint_ref = ?').run(existing.id);
        ref = existing.id;
      } else {
        ref = Number(this.db.prepare('INSERT INTO recist_timepoints (patient_key, timepoint_id, date, study_uid, slice_thickness_mm, is_baseline) VALUES (?, ?, ?, ?, ?, ?)').run(patientKey, tp.id, tp.date, tp.studyUid ?? '', tp.sliceThicknessMm ?? null, isBaseline ? 1 : 0).lastInsertRowid);
      }
      const ins = this.db.prepare('INSERT INTO recist_lesions (timepoint_ref, position, lesion_id, record_json) VALUES (?, ?, ?, ?)');
      tp.lesions.forEach((l, n) => ins.run(ref, n, l.id, JSON.stringify(l)));
    })();
    return check.warnings;
  }

  delete(patientKey: string, timepointId: string): boolean {
    return this.db.prepare('DELETE FROM recist_timepoints WHERE patient_key = ? AND timepoint_id = ?').run(patientKey, timepointId).changes > 0;
  }

  /** The patient's timepoints by date, and the baseline (flagged, else the earliest). */
  list(patientKey: string): { baselineId: string | null; timepoints: TimepointRecord[] } {
    const rows = this.db.prepare('SELECT id, timepoint_id, date, study_uid, slice_thickness_mm, is_baseline FROM recist_timepoints WHERE patient_key = ? ORDER BY date, timepoint_id').all(patientKey) as TimepointRow[];
    const lesionsOf = this.db.prepare('SELECT lesion_id, record_json FROM recist_lesions WHERE timepoint_ref = ? ORDER BY position');
    const timepoints = rows.map((r) => {
      const lesions = (lesionsOf.all(r.id) as { lesion_id: string; record_json: string }[]).map((x) => {
        let json: unknown;
        try {
          json = JSON.parse(x.record_json);
        } catch {
          json = undefined;
        }
        const p = lesionRecordSchema.safeParse(json);
        if (!p.success) throw new VoxaError('CORRUPT_INPUT', `lesion "${x.lesion_id}" of timepoint "${r.timepoint_id}" is damaged in the database`);
        return p.data;
      });
      const tp: TimepointRecord = { id: r.timepoint_id, date: r.date, lesions };
      if (r.slice_thickness_mm !== null) tp.sliceThicknessMm = r.slice_thickness_mm;
      if (r.study_uid) tp.studyUid = r.study_uid;
      return tp;
    });
    const flagged = rows.find((r) => r.is_baseline === 1);
    return { baselineId: flagged?.timepoint_id ?? rows[0]?.timepoint_id ?? null, timepoints };
  }

  /** The patient's timepoints as a `voxa response` document (effective values: manual calipers win). */
  document(patientKey: string): TimepointsFileInput {
    const { baselineId, timepoints } = this.list(patientKey);
    if (!timepoints.length || baselineId === null) throw new VoxaError('NOT_FOUND', 'no RECIST timepoint saved for this patient');
    return { baselineId, timepoints: timepoints.map(effectiveTimepoint) };
  }
}
