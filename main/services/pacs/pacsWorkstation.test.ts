/**
 * The PACS as the workstation and the CLI use it, against a real Orthanc:
 * through the service context's handlers (pacs:retrieve reports progress,
 * each series shows in study:list as it completes and opens with study:open;
 * secrets never reach the renderer or nodes.json; credentials are 0600) and
 * through `voxa pacs add / list / echo / find / get / send --json`.
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName } from '../../../common/contract';
import type { CallContext } from '../../ipc/router';
import { cli } from '../../cli/testing/captureCli';
import { createWorkstation } from '../../ipc/workstation';
import type { WrittenSeries } from '../io/dicom/seriesWriter';
import { writeTestStudy } from './testing/fixtures';
import { hasOrthanc, makeTestCa, startOrthanc, startTlsProxy, type Orthanc } from './testing/orthanc';

let tmp = '';
let orthanc: Orthanc;
let study: WrittenSeries[] = [];

function ctx(onEvent: (name: EventName, payload: unknown) => void = () => undefined): CallContext {
  return { sender: { kind: 'internal' }, emit: (n, p) => onEvent(n, p), signal: new AbortController().signal };
}

describe.skipIf(!hasOrthanc)('PACS in the workstation and the CLI', () => {
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'voxa-pacs-ws-'));
    orthanc = await startOrthanc();
    study = await writeTestStudy(path.join(tmp, 'src'), [10, 6], { seed: 'workstation' });
    for (const s of study) for (const f of s.files) await orthanc.upload(f);
  }, 60_000);
  afterAll(async () => {
    await orthanc?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('pacs:retrieve → progress events, each series in study:list as it completes, study:open loads it; the secret stays in a 0600 file', async () => {
    const dataDir = path.join(tmp, 'data');
    const services = createWorkstation({ mode: 'host', demoPath: null, nativeDialogs: false, dataDir });
    const h = services.handlers;
    await h['pacs:addNode']({ node: { kind: 'dicomweb', name: 'web', url: orthanc.dicomWebUrl, auth: 'basic', username: 'reader', timeoutMs: 10_000 }, secret: 's3cret-password' }, ctx());
    const { nodes } = await h['pacs:nodes']({}, ctx());
    expect(nodes).toEqual([expect.objectContaining({ name: 'web', kind: 'dicomweb', username: 'reader', hasSecret: true })]);
    expect(JSON.stringify(nodes)).not.toContain('s3cret');
    const nodesFile = await readFile(path.join(dataDir, 'pacs', 'nodes.json'), 'utf8');
    expect(nodesFile).not.toContain('s3cret');
    const cred = path.join(dataDir, 'pacs', 'credentials.json');
    expect((await stat(cred)).mode & 0o777).toBe(0o600);
    expect(await readFile(cred, 'utf8')).toContain('s3cret-password');

    const found = await h['pacs:findStudies']({ name: 'web', query: { patientName: 'PACS', limit: 10 } }, ctx());
    expect(found.studies.map((s) => s.studyUid)).toEqual([study[0]!.studyInstanceUid]);

    const events: { name: EventName; payload: unknown }[] = [];
    const listsWhenChanged: number[] = [];
    const report = await h['pacs:retrieve'](
      { name: 'web', studyUid: study[0]!.studyInstanceUid, jobId: 'r1' },
      ctx((name, payload) => {
        events.push({ name, payload });
        if (name === 'study:changed') void Promise.resolve(h['study:list']({}, ctx())).then((l) => listsWhenChanged.push(l.studies[0]?.series.length ?? 0));
      }),
    );
    expect(report).toMatchObject({ node: 'web', method: 'wado', received: 16, indexed: 2, cancelled: false });
    const progress = events.filter((e) => e.name === 'pacs:progress').map((e) => e.payload as { received: number; expected: number; seriesComplete: string[]; done: boolean });
    expect(progress.at(-1)).toMatchObject({ received: 16, expected: 16, done: true });
    expect(progress.flatMap((p) => p.seriesComplete)).toEqual(study.map((s) => s.seriesInstanceUid));
    expect(events.filter((e) => e.name === 'study:changed')).toHaveLength(2);
    const list = await h['study:list']({}, ctx());
    expect(list.studies).toHaveLength(1);
    expect(list.studies[0]!.series.map((s) => [s.seriesUid, s.instanceCount]).sort()).toEqual(study.map((s) => [s.seriesInstanceUid, s.sopInstanceUids.length]).sort());
    const header = await h['study:open']({ seriesUid: study[1]!.seriesInstanceUid }, ctx());
    expect(header.geometry.dimensions).toEqual([32, 32, 6]);
    expect(listsWhenChanged.length).toBeGreaterThan(0);
    // A job id in use is refused; an unknown job cancels nothing.
    expect(await h['pacs:cancel']({ jobId: 'nope' }, ctx())).toEqual({ cancelled: false });
    // pacs:send only sends files this session may read.
    await expect(h['pacs:send']({ name: 'web', paths: [path.join(tmp, 'src', 'series1', 'x.dcm')], deidentify: false }, ctx())).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await h['pacs:listenerStatus']({}, ctx())).toMatchObject({ listening: false });
  }, 60_000);

  it('basic auth: the stored password reaches the archive; a wrong one fails with the HTTP status the archive answered', async () => {
    const secured = await startOrthanc({ users: { reader: 'right-password' } });
    try {
      for (const f of study[0]!.files.slice(0, 2)) {
        const r = await fetch(`${secured.url}/instances`, { method: 'POST', body: await readFile(f), headers: { Authorization: `Basic ${Buffer.from('reader:right-password').toString('base64')}` } });
        expect(r.ok).toBe(true);
      }
      const services = createWorkstation({ mode: 'host', demoPath: null, nativeDialogs: false, dataDir: path.join(tmp, 'auth') });
      const h = services.handlers;
      const node = { kind: 'dicomweb' as const, name: 'secured', url: secured.dicomWebUrl, auth: 'basic' as const, username: 'reader', timeoutMs: 10_000 };
      await h['pacs:addNode']({ node, secret: 'wrong-password' }, ctx());
      await expect(h['pacs:echo']({ name: 'secured' }, ctx())).rejects.toMatchObject({ code: 'PEER', message: expect.stringMatching(/^secured: QIDO-RS echo failed: HTTP 401/) });
      await h['pacs:addNode']({ node, secret: 'right-password' }, ctx());
      const found = await h['pacs:findStudies']({ name: 'secured', query: { limit: 10 } }, ctx());
      expect(found.studies.map((s) => s.studyUid)).toEqual([study[0]!.studyInstanceUid]);
      // Re-adding the node without a secret keeps the stored one.
      await h['pacs:addNode']({ node }, ctx());
      expect((await h['pacs:echo']({ name: 'secured' }, ctx())).ms).toBeGreaterThan(0);
    } finally {
      await secured.stop();
    }
  }, 60_000);

  it('HTTPS with the hospital CA: trusted with --ca, refused without it (the TLS failure is named)', async () => {
    const caDir = await mkdtemp(path.join(tmp, 'ca-'));
    const { caPem, key, cert } = makeTestCa(caDir);
    const proxy = await startTlsProxy(orthanc.url, { key, cert });
    const secured = { dicomWebUrl: `${proxy.url}/dicom-web` };
    try {
      const ud = path.join(tmp, 'tls-data');
      expect((await cli(['pacs', 'add', 'tls', '--dicomweb', secured.dicomWebUrl, '--ca', caPem, '--user-data', ud])).code).toBe(0);
      const ok = await cli(['pacs', 'echo', 'tls', '--user-data', ud]);
      expect(ok.err).toBe('');
      expect(ok.out).toMatch(/^tls: echo ok/);
      expect((await cli(['pacs', 'add', 'tls-no-ca', '--dicomweb', secured.dicomWebUrl, '--user-data', ud])).code).toBe(0);
      const refused = await cli(['pacs', 'echo', 'tls-no-ca', '--user-data', ud]);
      expect(refused.code).toBe(1);
      expect(refused.err).toMatch(/PEER: tls-no-ca: QIDO-RS echo failed: no connection to https:.*TLS/);
      const found = JSON.parse((await cli(['pacs', 'find', 'tls', '--patient-id', 'PACS-001', '--json', '--user-data', ud])).out) as { count: number };
      expect(found.count).toBe(1);
    } finally {
      await proxy.close();
    }
  }, 60_000);

  it('voxa pacs add / list / echo / find / get / send (--json: counts, bytes, seconds)', async () => {
    const ud = path.join(tmp, 'cli-data');
    const out = path.join(tmp, 'cli-out');
    expect((await cli(['pacs', 'add', 'orthanc', '--dimse', `${orthanc.aet}@127.0.0.1:${orthanc.dicomPort}`, '--calling', 'VOXACLI', '--user-data', ud])).code).toBe(0);
    const secretFile = path.join(tmp, 'token');
    await writeFile(secretFile, 'bearer-token-1\n');
    expect((await cli(['pacs', 'add', 'web', '--dicomweb', orthanc.dicomWebUrl, '--auth', 'bearer', '--secret-file', secretFile, '--user-data', ud])).code).toBe(0);
    const bad = await cli(['pacs', 'add', 'x', '--dimse', 'TOO_LONG_AE_TITLE_HERE@h:1', '--user-data', ud]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/AE title/);
    const list = JSON.parse((await cli(['pacs', 'list', '--json', '--user-data', ud])).out) as { nodes: { name: string }[] };
    expect(list.nodes.map((n) => n.name)).toEqual(['orthanc', 'web']);
    expect(JSON.stringify(list)).not.toContain('bearer-token-1');
    const echo = await cli(['pacs', 'echo', 'orthanc', '--user-data', ud]);
    expect(echo.out).toMatch(/^orthanc: echo ok in \d+ ms/);
    for (const node of ['orthanc', 'web']) {
      const find = JSON.parse((await cli(['pacs', 'find', node, '--patient-id', 'PACS-001', '--study-date', '20240301-20240331', '--modality', 'CT', '--json', '--user-data', ud])).out) as { count: number; seconds: number; studies: { studyUid: string }[] };
      expect(find.count).toBe(1);
      expect(find.studies[0]!.studyUid).toBe(study[0]!.studyInstanceUid);
      expect(find.seconds).toBeGreaterThan(0);
    }
    const none = JSON.parse((await cli(['pacs', 'find', 'web', '--study-date', '-20200101', '--json', '--user-data', ud])).out) as { count: number };
    expect(none.count).toBe(0);
    const get = await cli(['pacs', 'get', 'orthanc', '--study', study[0]!.studyInstanceUid, '--series', study[1]!.seriesInstanceUid, '--out', out, '--method', 'c-get', '--json', '--user-data', ud]);
    expect(get.code).toBe(0);
    const report = JSON.parse(get.out) as { received: number; bytes: number; seconds: number; series: { complete: boolean }[] };
    expect(report.received).toBe(6);
    expect(report.series).toEqual([expect.objectContaining({ complete: true, expected: 6 })]);
    expect(report.bytes).toBeGreaterThan(6 * 32 * 32 * 2);
    const before = (await orthanc.rest<string[]>('/instances')).length;
    const sent = JSON.parse((await cli(['pacs', 'send', 'web', path.join(out), '--json', '--user-data', ud])).out) as { sent: number; failed: unknown[] };
    // The same instances again: Orthanc accepts them (already stored), nothing new appears.
    expect(sent).toMatchObject({ sent: 6, failed: [] });
    expect((await orthanc.rest<string[]>('/instances')).length).toBe(before);
    // --deidentify sends a de-identified copy: new UIDs and no patient identity reach the archive; the original is unchanged.
    const original = await readFile(study[0]!.files[0]!);
    const deid = JSON.parse((await cli(['pacs', 'send', 'web', study[0]!.files[0]!, '--deidentify', '--json', '--user-data', ud])).out) as { sent: number };
    expect(deid.sent).toBe(1);
    const afterDeid = await orthanc.rest<string[]>('/instances');
    expect(afterDeid.length).toBe(before + 1);
    const tagsOf = await Promise.all(afterDeid.map((id) => orthanc.rest<Record<string, string>>(`/instances/${id}/simplified-tags`)));
    const copy = tagsOf.filter((t) => t.StudyInstanceUID !== study[0]!.studyInstanceUid);
    expect(copy).toHaveLength(1);
    expect(copy[0]!.PatientID).not.toBe('PACS-001');
    expect(copy[0]!.PatientName ?? '').not.toContain('PACS');
    expect(copy[0]!.SOPInstanceUID).not.toBe(study[0]!.sopInstanceUids[0]);
    expect((await readFile(study[0]!.files[0]!)).equals(original)).toBe(true);
    expect(await readdir(path.join(ud, 'pacs', 'outgoing'))).toEqual([]);
    const unknown = await cli(['pacs', 'echo', 'nobody', '--user-data', ud]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/NOT_FOUND: no PACS node named "nobody"/);
  }, 60_000);
});
