import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PathGrants } from './access/pathGrants';
import { listFolder } from './fileBrowser';

let tmp = '';
let granted = '';

beforeAll(() => {
  tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'voxa-fb-')));
  granted = path.join(tmp, 'granted');
  mkdirSync(path.join(granted, 'series'), { recursive: true });
  writeFileSync(path.join(granted, 'ct.nii.gz'), Buffer.alloc(10));
  writeFileSync(path.join(tmp, 'secret.txt'), 'outside the grant');
  symlinkSync(path.join(tmp, 'secret.txt'), path.join(granted, 'link-out.txt'));
  symlinkSync(tmp, path.join(granted, 'link-out-dir'));
  symlinkSync(path.join(granted, 'ct.nii.gz'), path.join(granted, 'link-in.nii.gz'));
  symlinkSync(path.join(tmp, 'missing'), path.join(granted, 'dangling'));
  if (process.platform !== 'win32') execFileSync('mkfifo', [path.join(granted, 'pipe')]);
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('listFolder (host-mode file browser)', () => {
  it('lists files and folders, links only when their target is granted, and no pipes', async () => {
    const grants = new PathGrants();
    grants.grant(granted);
    const { entries } = await listFolder(grants, granted);
    expect(entries.map((e) => `${e.kind}:${e.name}`)).toEqual(['directory:series', 'file:ct.nii.gz', 'file:link-in.nii.gz']);
    expect(entries.find((e) => e.name === 'link-in.nii.gz')?.sizeBytes).toBe(10);
  });

  it('the same links are listed once their targets are granted too', async () => {
    const grants = new PathGrants();
    grants.grant(granted);
    grants.grant(path.join(tmp, 'secret.txt'));
    const { entries } = await listFolder(grants, granted);
    expect(entries.map((e) => e.name)).toContain('link-out.txt');
    expect(entries.map((e) => e.name)).not.toContain('link-out-dir');
  });
});
