import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isVoxaError } from '../../../common/contract';
import { dataPath, HAS_DATA as hasData } from '../../testing/dataDir';
import { writePhantomStudy } from '../phantom/phantomStudy';
import { hasPythonModules, runPythonJson } from '../../testing/pythonReference';
import { migrate, SCHEMA_VERSION } from './schema';
import { StudyDatabase } from './studyDatabase';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-db-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const root = path.join(tmp, 'data');
const sliceCounts: number[] = [];

beforeAll(async () => {
  for (const seed of [1, 2]) {
    const s = await writePhantomStudy(path.join(root, `study${seed}`), { seed, dimensions: [24, 20, 6 + seed], spacingMm: [16, 16, 20], lesionCount: 0 });
    sliceCounts.push(s.series.files.length);
  }
  writeFileSync(path.join(root, 'notes.txt'), 'not DICOM');
});

describe('study database', () => {
  const dbFile = path.join(tmp, 'index', 'voxa.sqlite');

  it('imports two phantom studies with progress, skipping non-DICOM files', async () => {
    const db = StudyDatabase.open(dbFile);
    const progress: number[] = [];
    const report = await db.importPath(root, { onProgress: (p) => progress.push(p.done) });
    const total = sliceCounts[0]! + sliceCounts[1]!;
    expect(report.added).toBe(total);
    // NIfTI, JSON and the text file are reported as skipped, not errors.
    expect(report.skipped.map((s) => s.reason).every((r) => r === 'not a DICOM file')).toBe(true);
    expect(report.skipped.length).toBe(report.filesSeen - total);
    expect(progress[progress.length - 1]).toBe(report.filesSeen);
    expect(db.counts()).toEqual({ patients: 1, studies: 2, series: 2, instances: total, missing: 0 });
    expect(db.listSeries().map((s) => s.instanceCount).sort()).toEqual([...sliceCounts].sort());
    db.close();
  });

  it('re-import is idempotent', async () => {
    const db = StudyDatabase.open(dbFile);
    const report = await db.importPath(root);
    expect(report.added).toBe(0);
    expect(report.unchanged).toBe(sliceCounts[0]! + sliceCounts[1]!);
    expect(db.counts().instances).toBe(sliceCounts[0]! + sliceCounts[1]!);
    db.close();
  });

  it('cancels between files and keeps what was committed; a later import completes', async () => {
    const db = StudyDatabase.open(path.join(tmp, 'cancel.sqlite'));
    const ac = new AbortController();
    const report = await db.importPath(root, { signal: ac.signal, onProgress: (p) => p.done === 4 && ac.abort() });
    expect(report.cancelled).toBe(true);
    expect(db.counts().instances).toBe(report.added);
    expect(report.added).toBeLessThanOrEqual(4);
    await db.importPath(root);
    expect(db.counts().instances).toBe(sliceCounts[0]! + sliceCounts[1]!);
    db.close();
  });

  it('detects deleted files on open and moved files on re-import', async () => {
    const seriesDir = path.join(root, 'study1', 'dicom');
    const victim = path.join(seriesDir, readdirSync(seriesDir)[0]!);
    const moved = path.join(tmp, 'elsewhere');
    mkdirSync(moved, { recursive: true });
    renameSync(victim, path.join(moved, 'moved.dcm'));
    let db = StudyDatabase.open(dbFile);
    expect(db.counts().missing).toBe(1);
    expect(db.listStudies().reduce((a, s) => a + s.missingCount, 0)).toBe(1);
    const report = await db.importPath(moved);
    expect(report.relocated).toBe(1);
    db.close();
    db = StudyDatabase.open(dbFile);
    expect(db.counts().missing).toBe(0);
    expect(db.listSeries().flatMap((s) => db.seriesFiles(s.seriesUid))).toContain(path.join(moved, 'moved.dcm'));
    db.close();
  });

  it('removes a study from the index, never from disk', () => {
    const db = StudyDatabase.open(dbFile);
    const [study] = db.listStudies();
    const files = db.listSeries(study!.studyUid).flatMap((s) => db.seriesFiles(s.seriesUid));
    expect(db.removeStudy(study!.studyUid)).toBe(true);
    expect(db.counts().studies).toBe(1);
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((f) => existsSync(f))).toBe(true);
    db.close();
  });

  it('migrates a version-1 database and keeps its rows; refuses one from a newer Voxa', () => {
    const file = path.join(tmp, 'old.sqlite');
    const old = new Database(file);
    expect(migrate(old, 1)).toBe(1);
    old.exec(`INSERT INTO patients (patient_key, patient_id, patient_name) VALUES ('P1', 'P1', 'OLD^PATIENT');
      INSERT INTO studies (study_uid, patient_ref) VALUES ('1.2.3', 1);
      INSERT INTO series (series_uid, study_ref, modality) VALUES ('1.2.3.4', 1, 'CT');
      INSERT INTO instances (sop_instance_uid, series_ref, path) VALUES ('1.2.3.4.5', 1, '${path.join(tmp, 'gone.dcm')}');`);
    expect(() => old.prepare('SELECT missing FROM instances').all()).toThrow();
    old.close();
    const db = StudyDatabase.open(file);
    expect(db.schemaVersion).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(2);
    expect(db.listStudies().map((s) => [s.studyUid, s.patientName, s.instanceCount, s.missingCount])).toEqual([['1.2.3', 'OLD^PATIENT', 1, 1]]);
    db.close();
    const newer = new Database(file);
    newer.pragma('user_version = 99');
    newer.close();
    try {
      StudyDatabase.open(file);
      expect.unreachable();
    } catch (e) {
      expect(isVoxaError(e) && e.code === 'UNSUPPORTED').toBe(true);
    }
  });

  it.skipIf(!hasData || !hasPythonModules(['pydicom']))('indexes a real folder with pydicom’s study/series/instance counts', async () => {
    const dir = path.join(tmp, 'real');
    cpSync(dataPath('seg_dicom_liver_ct3slice_dcmqi'), dir, { recursive: true });
    cpSync(dataPath('rtstruct_phantom_rtutils'), path.join(dir, 'rt'), { recursive: true });
    const ref = runPythonJson<{ studies: number; series: number; instances: number }>(
      String.raw`
import sys, os, json, pydicom
st, se, ins = set(), set(), set()
for d, _, fs in os.walk(sys.argv[1]):
    for f in fs:
        try: ds = pydicom.dcmread(os.path.join(d, f), stop_before_pixels=True)
        except Exception: continue
        st.add(ds.StudyInstanceUID); se.add(ds.SeriesInstanceUID); ins.add(ds.SOPInstanceUID)
print(json.dumps({"studies": len(st), "series": len(se), "instances": len(ins)}))`,
      [dir],
    );
    const db = StudyDatabase.open(':memory:');
    await db.importPath(dir);
    const c = db.counts();
    expect([c.studies, c.series, c.instances]).toEqual([ref.studies, ref.series, ref.instances]);
    db.close();
  });
});
