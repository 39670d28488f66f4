import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName } from '../../../common/contract';
import type { CallContext } from '../router';
import { PathGrants } from '../../services/access/pathGrants';
import { writePhantomStudy, type WrittenPhantomStudy } from '../../services/phantom/phantomStudy';
import { VolumeStore } from '../../services/volumeStore';
import { createStudyHandlers, studyMatches } from './study';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-studyh-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const root = path.join(tmp, 'data');
const written: WrittenPhantomStudy[] = [];

const grants = new PathGrants();
const volumes = new VolumeStore();
const h = createStudyHandlers({ grants, volumes, shell: { info: () => ({ version: '0', mode: 'host', platform: 'linux', nativeDialogs: false, demoPath: null }) }, dataDir: path.join(tmp, 'userdata') });

function ctx(onEvent: (name: EventName, payload: unknown) => void = () => undefined): CallContext {
  return { sender: { kind: 'internal' }, emit: (n, p) => onEvent(n, p), signal: new AbortController().signal };
}

beforeAll(async () => {
  for (const seed of [1, 2]) written.push(await writePhantomStudy(path.join(root, `study${seed}`), { seed, dimensions: [24, 20, 10 * seed], spacingMm: [16, 16, 20], lesionCount: 0 }));
  grants.grant(root);
}, 60_000);

describe('study handlers', () => {
  it('imports a folder with progress events, lists studies and series, searches', async () => {
    const progress: number[] = [];
    const r = await h['study:import']({ path: root, jobId: 'imp1' }, ctx((n, p) => n === 'job:progress' && progress.push((p as { fraction: number }).fraction)));
    const files = written.map((w) => w.series.files.length);
    expect(r).toMatchObject({ added: files[0]! + files[1]!, cancelled: false });
    expect(progress.at(-1)).toBe(1);
    const list = await h['study:list']({}, ctx());
    expect(list.studies).toHaveLength(2);
    const byUid = new Map(list.studies.map((s) => [s.studyUid, s]));
    for (const w of written) {
      const s = byUid.get(w.series.studyInstanceUid)!;
      expect(s.series).toHaveLength(1);
      expect(s.series[0]).toMatchObject({ seriesUid: w.series.seriesInstanceUid, modality: 'CT', instanceCount: w.series.files.length, missingCount: 0 });
    }
    // Re-import is idempotent.
    const again = await h['study:import']({ path: root, jobId: 'imp2' }, ctx());
    expect(again).toMatchObject({ added: 0, unchanged: files[0]! + files[1]! });
    expect((await h['study:list']({ query: 'no such patient' }, ctx())).studies).toHaveLength(0);
    const name = list.studies[0]!.patientName;
    expect((await h['study:list']({ query: name.slice(0, 4).toLowerCase() }, ctx())).studies.length).toBeGreaterThan(0);
  });

  it('search matches every word against patient and descriptions', () => {
    const e = { studyUid: '1', patientId: 'P-7', patientName: 'DOE^JANE', studyDate: '', description: 'CT chest', instanceCount: 1, missingCount: 0, series: [{ seriesUid: '2', modality: 'CT', description: 'Lung 1mm', seriesNumber: 1, instanceCount: 1, missingCount: 0 }] };
    expect(studyMatches(e, 'jane lung')).toBe(true);
    expect(studyMatches(e, 'p-7')).toBe(true);
    expect(studyMatches(e, 'jane abdomen')).toBe(false);
    expect(studyMatches(e, '  ')).toBe(true);
  });

  it('opens a series from the index with the grid it was written with', async () => {
    const w = written[1]!;
    const header = await h['study:open']({ seriesUid: w.series.seriesInstanceUid }, ctx());
    expect(header.geometry.dimensions).toEqual([24, 20, 20]);
    expect(header.geometry.spacingMm.map((v) => Math.round(v * 1000) / 1000)).toEqual([16, 16, 20]);
    expect(volumes.get(header.volumeId).voxels.length).toBe(24 * 20 * 20);
    await expect(h['study:open']({ seriesUid: '1.2.3.999' }, ctx())).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // The thumbnail source is one slice of that same volume: the middle file's image, on its own plane.
    const thumb = await h['study:thumbnail']({ seriesUid: w.series.seriesInstanceUid }, ctx());
    expect(thumb.geometry.dimensions).toEqual([24, 20, 1]);
    const slice = Array.from(new Int16Array(thumb.data));
    const full = volumes.get(header.volumeId);
    const n = 24 * 20;
    const k = Array.from({ length: 20 }, (_, kk) => kk).find((kk) => slice.every((v, m) => full.voxels[kk * n + m] === v));
    expect(k).toBeGreaterThanOrEqual(9);
    expect(k).toBeLessThanOrEqual(10);
    expect(thumb.geometry.originLps[2]).toBeCloseTo(full.geometry.originLps[2] + k! * 20, 3);
  });

  it('detects deleted and moved files on open; a re-import of the new place relocates them', async () => {
    const w = written[0]!;
    const uid = w.series.seriesInstanceUid;
    rmSync(w.series.files[0]!);
    const changed: unknown[] = [];
    const partial = await h['study:open']({ seriesUid: uid }, ctx((n, p) => n === 'study:changed' && changed.push(p)));
    expect(partial.warnings.join(' ')).toMatch(/1 of 10 files of this series were moved or deleted/);
    expect(changed).toEqual([{ reason: 'missing' }]);
    const listed = (await h['study:list']({}, ctx())).studies.find((s) => s.studyUid === w.series.studyInstanceUid)!;
    expect(listed.series[0]!.missingCount).toBe(1);
    // Move the whole folder elsewhere (still under the granted root).
    const moved = path.join(root, 'moved-study1');
    renameSync(w.dicomDir, moved);
    await expect(h['study:open']({ seriesUid: uid }, ctx())).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/moved or deleted/) });
    const r = await h['study:import']({ path: moved, jobId: 'imp3' }, ctx());
    expect(r.relocated).toBe(readdirSync(moved).length);
    const header = await h['study:open']({ seriesUid: uid }, ctx());
    expect(header.geometry.dimensions).toEqual([24, 20, 9]);
  });

  it('an import can be cancelled by job id, and a later import completes it', async () => {
    const other = path.join(tmp, 'cancel-data');
    const w = await writePhantomStudy(other, { seed: 3, dimensions: [16, 16, 30], spacingMm: [16, 16, 10], lesionCount: 0 });
    grants.grant(other);
    let cancelled: boolean | null = null;
    const r = await h['study:import'](
      { path: other, jobId: 'imp-c' },
      ctx((n) => {
        if (n === 'job:progress' && cancelled === null) cancelled = h['study:cancelImport']({ jobId: 'imp-c' }, ctx()) as unknown as boolean;
      }),
    );
    expect(r.cancelled).toBe(true);
    expect(r.added).toBeLessThan(w.series.files.length);
    expect(await h['study:cancelImport']({ jobId: 'imp-c' }, ctx())).toEqual({ cancelled: false });
    const rest = await h['study:import']({ path: other, jobId: 'imp-d' }, ctx());
    expect(rest.added + r.added).toBe(w.series.files.length);
  });

  it('removes a study from the index only; its files stay on disk', async () => {
    const w = written[1]!;
    expect(await h['study:remove']({ studyUid: w.series.studyInstanceUid }, ctx())).toEqual({ removed: true });
    expect((await h['study:list']({}, ctx())).studies.some((s) => s.studyUid === w.series.studyInstanceUid)).toBe(false);
    expect(w.series.files.every((f) => existsSync(f))).toBe(true);
    expect(await h['study:remove']({ studyUid: w.series.studyInstanceUid }, ctx())).toEqual({ removed: false });
  });

  it('refuses to import a path outside the granted roots', async () => {
    await expect(h['study:import']({ path: os.tmpdir(), jobId: 'imp-x' }, ctx())).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
