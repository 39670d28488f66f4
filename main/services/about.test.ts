/**
 * About and app identity (issue 17): app:about names every built-in pack with its licence, the
 * demo data and every production package with its licence, and assets/licences.json matches what
 * is installed (it fails when a dependency changed without `node scripts/licences.mjs`). The icon
 * set electron-builder takes from assets/build exists in the sizes and formats it needs.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../testing/dataDir';
import { createWorkstation } from '../ipc/workstation';

describe('About', () => {
  it('app:about: the built-in packs with their licences, the demo data, every production package', async () => {
    const h = createWorkstation({ mode: 'host', demoPath: null, nativeDialogs: false }).handlers;
    const a = await h['app:about']({}, { sender: { kind: 'internal' }, emit: () => {}, signal: new AbortController().signal });
    expect(a.name).toBe('Voxa');
    const ids = a.models.map((m) => m.id);
    for (const id of ['radsam-lite', 'voxa-vqa', 'voxa-modality']) expect(ids).toContain(id);
    expect(a.models.find((m) => m.id === 'radsam-lite')!.licence).toMatch(/CC BY 3\.0/);
    expect(a.data[0]).toMatchObject({ licence: 'CC BY 3.0', attribution: expect.stringMatching(/Vallières.*10\.7937\/K9\/TCIA\.2015\.7GO2GSKS/) });
    expect(a.data[1]!.licence).toMatch(/no patient data/);
    const names = new Set(a.packages.map((p) => p.name));
    for (const n of ['dcmjs', 'dcmjs-dimse', 'dicomweb-client', 'onnxruntime-node', 'react', 'zod', '@kitware/vtk.js']) expect(names, n).toContain(n);
    expect(a.packages.every((p) => p.licence && p.licence !== 'UNKNOWN')).toBe(true);
  });

  it('assets/licences.json is up to date with the installed production packages', async () => {
    const { productionPackages } = (await import(path.join(REPO_ROOT, 'scripts', 'licences.mjs'))) as { productionPackages: () => { name: string; version: string; licence: string }[] };
    const file = JSON.parse(readFileSync(path.join(REPO_ROOT, 'assets', 'licences.json'), 'utf8')) as { packages: unknown[] };
    expect(file.packages).toEqual(productionPackages());
  }, 60_000);
});

describe('app icons for electron-builder (assets/build)', () => {
  const build = path.join(REPO_ROOT, 'assets', 'build');
  const pngSize = (file: string) => {
    const b = readFileSync(file);
    expect(b.subarray(1, 4).toString('latin1')).toBe('PNG');
    return [b.readUInt32BE(16), b.readUInt32BE(20)];
  };

  it('icon.png is 1024², the Linux set holds 16…512, icon.ico and icon.icns are real containers', () => {
    expect(pngSize(path.join(build, 'icon.png'))).toEqual([1024, 1024]);
    const linux = readdirSync(path.join(build, 'icons')).sort();
    for (const n of [16, 32, 48, 64, 128, 256, 512]) {
      expect(linux).toContain(`${n}x${n}.png`);
      expect(pngSize(path.join(build, 'icons', `${n}x${n}.png`))).toEqual([n, n]);
    }
    const ico = readFileSync(path.join(build, 'icon.ico'));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]); // reserved, type 1 = icon
    const entries = ico.readUInt16LE(4);
    const widths = Array.from({ length: entries }, (_, n) => ico[6 + n * 16] || 256);
    expect(widths).toContain(256);
    expect(widths).toContain(16);
    const icns = readFileSync(path.join(build, 'icon.icns'));
    expect(icns.subarray(0, 4).toString('latin1')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const yml = readFileSync(path.join(REPO_ROOT, 'electron-builder.yml'), 'utf8');
    expect(yml).toMatch(/buildResources: assets\/build/);
    expect(yml).toMatch(/icon: assets\/build\/icons/);
  });
});
