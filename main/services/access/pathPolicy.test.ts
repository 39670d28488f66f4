/**
 * The path policy through the channels a client calls: no file outside the
 * granted folders is read by any route (NRRD detached data, DICOM folder scans
 * with symbolic links, study-database series spanning folders, mask imports),
 * special files are refused before a read, model packs with links are refused,
 * exports never replace a file unless asked and never the source image, and a
 * refused path looks exactly like a missing one.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Volume } from '../../../common/volume';
import type { CallContext, Handlers } from '../../ipc/router';
import { createHandlers } from '../../ipc/handlers';
import { importPack } from '../inference/importPack';
import { writeNifti } from '../io/niftiWriter';
import { writeDicomSeries } from '../io/dicom/seriesWriter';
import { VolumeStore } from '../volumeStore';
import { listFiles } from '../io/dicom/listFiles';
import { PathGrants, redactPath } from './pathGrants';

let tmp = '';
let granted = '';
let outside = '';

const ctx = (): CallContext => ({ sender: { kind: 'internal' } as CallContext['sender'], emit: () => {}, signal: new AbortController().signal });

function cube(n: number, value: (i: number, j: number, k: number) => number): Volume {
  const voxels = new Int16Array(n * n * n);
  for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) voxels[i + n * (j + n * k)] = value(i, j, k);
  return {
    geometry: { dimensions: [n, n, n], spacingMm: [1, 1, 1], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
    dtype: 'int16',
    voxels,
    meta: { modality: 'CT', sourceFormat: 'dicom', description: '', patientName: 'Doe^Jane', patientId: 'P-77', studyDate: '20260101', seriesInstanceUid: '', warnings: [] },
  };
}

function handlersFor(roots: string[], dataDir: string | null = null): { h: Handlers; grants: PathGrants; refused: string[] } {
  const grants = new PathGrants();
  const refused: string[] = [];
  grants.onRefused = (p) => refused.push(p);
  for (const r of roots) grants.grant(r);
  return { h: createHandlers({ grants, volumes: new VolumeStore(), shell: { info: () => ({}) as never }, dataDir }), grants, refused };
}

const errorOf = async (p: unknown) =>
  Promise.resolve(p).then(
    () => ({ code: 'none', message: '' }),
    (e: { code: string; message: string }) => ({ code: e.code, message: e.message }),
  );

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-policy-'));
  granted = path.join(tmp, 'granted');
  outside = path.join(tmp, 'Doe_Jane_outside');
  mkdirSync(granted);
  mkdirSync(outside);
  // A secret the client must never get at, as 8 bytes of "voxel" data.
  writeFileSync(path.join(outside, 'secret.raw'), Buffer.from('SECRET!!'));
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('NRRD detached data files', () => {
  const header = (dataFile: string) => `NRRD0004\ntype: uint8\ndimension: 3\nsizes: 2 2 2\nencoding: raw\ndata file: ${dataFile}\n\n`;

  it('reads a data file beside the header', async () => {
    writeFileSync(path.join(granted, 'inside.raw'), Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]));
    writeFileSync(path.join(granted, 'inside.nhdr'), header('inside.raw'));
    const { h } = handlersFor([granted]);
    const r = await h['volume:open']({ path: path.join(granted, 'inside.nhdr') }, ctx());
    expect(r.geometry.dimensions).toEqual([2, 2, 2]);
  });

  it('never reads one outside the grants: by ../, by an absolute path, or through a link', async () => {
    writeFileSync(path.join(granted, 'dotdot.nhdr'), header('../Doe_Jane_outside/secret.raw'));
    writeFileSync(path.join(granted, 'absolute.nhdr'), header(path.join(outside, 'secret.raw')));
    symlinkSync(path.join(outside, 'secret.raw'), path.join(granted, 'link.raw'));
    writeFileSync(path.join(granted, 'link.nhdr'), header('link.raw'));
    const { h, refused } = handlersFor([granted]);
    for (const name of ['dotdot.nhdr', 'absolute.nhdr', 'link.nhdr']) {
      const e = await errorOf(h['volume:open']({ path: path.join(granted, name) }, ctx()));
      expect(e.code, name).toBe('NOT_FOUND');
      expect(e.message).toMatch(/data file .* is missing/);
    }
    expect(refused.every((p) => p === path.join(outside, 'secret.raw'))).toBe(true);
    expect(refused.length).toBe(3);
  });
});

describe('DICOM folder scans', () => {
  it('do not follow links to files outside the grants, and say so', async () => {
    const series = path.join(outside, 'series');
    const written = await writeDicomSeries(cube(4, (i, j, k) => i + j + k), series, { uidSeed: 'outside' });
    const links = path.join(granted, 'links');
    mkdirSync(links);
    for (const f of written.files) symlinkSync(f, path.join(links, path.basename(f)));
    const { h } = handlersFor([granted]);
    const e = await errorOf(h['volume:open']({ path: links }, ctx()));
    expect(e.code).not.toBe('none');
    expect(e.message).toMatch(/link\(s\) lead outside/);
    // The same links inside the grants are followed.
    const both = handlersFor([granted, outside]);
    const ok = await both.h['volume:open']({ path: links }, ctx());
    expect(ok.geometry.dimensions).toEqual([4, 4, 4]);
  });

  it('of a single granted file list only that file, not its folder', async () => {
    const written = await writeDicomSeries(cube(3, () => 7), path.join(tmp, 'single'), { uidSeed: 'single' });
    const { files } = await listFiles(path.dirname(written.files[0] as string), { access: singleFileGrant(written.files[0] as string) });
    expect(files).toEqual([written.files[0]]);
  });
});

function singleFileGrant(file: string): PathGrants {
  const g = new PathGrants();
  g.grant(file);
  return g;
}

describe('special files', () => {
  it('a FIFO named like an image is refused before it is opened (no hang)', async () => {
    const fifo = path.join(granted, 'pipe.nii');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      return; // no mkfifo on this platform
    }
    const { h } = handlersFor([granted]);
    const t = performance.now();
    const e = await errorOf(h['volume:open']({ path: fifo }, ctx()));
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toMatch(/not a regular file/);
    expect(performance.now() - t).toBeLessThan(5000);
    const imp = await errorOf(h['segment:import']({ volumeId: 'none', path: fifo }, ctx()));
    expect(imp.code).not.toBe('none');
  });
});

describe('refused and missing look the same', () => {
  it('gives the same code and message for a path outside the grants as for one that does not exist', async () => {
    const { h, refused } = handlersFor([granted]);
    const outsideFile = await errorOf(h['volume:open']({ path: path.join(outside, 'secret.raw') }, ctx()));
    const missingFile = await errorOf(h['volume:open']({ path: path.join(outside, 'secret.rax') }, ctx()));
    expect(outsideFile.code).toBe('NOT_FOUND');
    expect(outsideFile.message.replace('secret.raw', 'X')).toBe(missingFile.message.replace('secret.rax', 'X'));
    const list = await errorOf(h['fs:list']({ path: outside }, ctx()));
    const listMissing = await errorOf(h['fs:list']({ path: `${outside}-nope` }, ctx()));
    expect(list.code).toBe(listMissing.code);
    expect(refused.length).toBeGreaterThan(0);
  });

  it('logs a refused path without its folder or file names', () => {
    const p = path.join(os.homedir(), 'studies', 'Doe_Jane_1970', 'ct.dcm');
    const red = redactPath(p);
    expect(red.startsWith('~/')).toBe(true);
    expect(red).not.toMatch(/Doe|Jane|studies|1970/);
    expect(red.endsWith('.dcm')).toBe(true);
    expect(redactPath(p)).toBe(red);
  });
});

describe('study database', () => {
  it('lists only series under the roots of this launch and opens only the granted files of a series that spans folders', async () => {
    const dataDir = path.join(tmp, 'db-data');
    const a = path.join(tmp, 'rootA');
    const b = path.join(tmp, 'rootB');
    const inA = await writeDicomSeries(cube(4, (i) => i), path.join(a, 'sA'), { uidSeed: 'A', seriesInstanceUid: '1.2.826.0.1.3680043.10.1.1' });
    const inB = await writeDicomSeries(cube(4, (i) => i), path.join(b, 'sB'), { uidSeed: 'B', seriesInstanceUid: '1.2.826.0.1.3680043.10.1.2' });
    // A series whose files span both roots: slices 0–1 in A, 2–3 in B.
    const span = await writeDicomSeries(cube(4, (_i, _j, k) => k), path.join(a, 'span'), { uidSeed: 'S', seriesInstanceUid: '1.2.826.0.1.3680043.10.1.3' });
    mkdirSync(path.join(b, 'span'));
    for (const f of span.files.slice(2)) {
      writeFileSync(path.join(b, 'span', path.basename(f)), readFileSync(f));
      rmSync(f);
    }
    const first = handlersFor([a, b], dataDir);
    await first.h['study:import']({ path: a, jobId: 'a' }, ctx());
    await first.h['study:import']({ path: b, jobId: 'b' }, ctx());
    expect((await first.h['study:list']({}, ctx())).studies.flatMap((s) => s.series.map((x) => x.seriesUid)).sort()).toEqual([inA.seriesInstanceUid, inB.seriesInstanceUid, span.seriesInstanceUid].sort());

    const later = handlersFor([a], dataDir);
    const listed = (await later.h['study:list']({}, ctx())).studies.flatMap((s) => s.series.map((x) => x.seriesUid));
    expect(listed).not.toContain(inB.seriesInstanceUid);
    expect(listed).toContain(inA.seriesInstanceUid);
    const e = await errorOf(later.h['study:open']({ seriesUid: inB.seriesInstanceUid }, ctx()));
    expect(e.code).toBe('NOT_FOUND');
    const opened = await later.h['study:open']({ seriesUid: span.seriesInstanceUid }, ctx());
    expect(opened.geometry.dimensions[2]).toBe(2);
    expect(existsSync(path.join(b, 'span'))).toBe(true);
  });
});

describe('model packs', () => {
  it('a pack folder holding a symbolic link is refused at import', async () => {
    const pack = path.join(tmp, 'pack-with-link');
    mkdirSync(pack);
    writeFileSync(path.join(pack, 'manifest.json'), '{}');
    symlinkSync(path.join(outside, 'secret.raw'), path.join(pack, 'model.onnx'));
    const e = await errorOf(importPack(pack, path.join(tmp, 'user-data')));
    expect(e.code).toBe('CORRUPT_INPUT');
    expect(e.message).toMatch(/symbolic link/);
  });
});

describe('exports', () => {
  it('never replace a file unless asked, and never the source image', async () => {
    const dir = path.join(granted, 'study');
    mkdirSync(dir);
    const image = path.join(dir, 'ct.nii.gz');
    const v = cube(8, (i, j, k) => (i > 2 && i < 6 && j > 2 && j < 6 && k > 2 && k < 6 ? 100 : 0));
    await writeNifti({ ...v, meta: { ...v.meta, sourceFormat: 'nifti' } }, image);
    const { h } = handlersFor([granted]);
    const { volumeId } = await h['volume:open']({ path: image }, ctx());
    await h['segment:prompt']({ volumeId, target: { kind: 'new' }, modelId: 'classical', plane: 'axial', points: [{ ijk: [4, 4, 4], positive: true }] }, ctx());
    const out = path.join(dir, 'mask.nii.gz');
    writeFileSync(out, 'keep me');
    const e = await errorOf(h['segment:export']({ volumeId, format: 'nifti', path: out, deidentify: false }, ctx()));
    expect(e.code).toBe('EXISTS');
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    const r = await h['segment:export']({ volumeId, format: 'nifti', path: out, deidentify: false, overwrite: true }, ctx());
    expect(r.segments).toBe(1);
    expect(readFileSync(out).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    const before = readFileSync(image);
    const src = await errorOf(h['segment:export']({ volumeId, format: 'nifti', path: image, deidentify: false, overwrite: true }, ctx()));
    expect(src.code).toBe('FORBIDDEN');
    expect(readFileSync(image)).toEqual(before);
  });
});
