/**
 * Nodes and credentials (the review of issue 18): a secret never follows a node to another URL,
 * parallel changes lose nothing, a damaged credentials file is an error (not an empty one that the
 * next change would write back), a URL carrying a password is refused, and files are 0600 from the start.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pacsNodeSchema, type PacsNode } from '../../../common/contract/channels/pacs';
import { FileSecretStore, PacsNodeStore } from './nodeStore';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-nodestore-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const web = (name: string, url: string): PacsNode => pacsNodeSchema.parse({ kind: 'dicomweb', name, url, auth: 'bearer' });

describe('PACS nodes and credentials', () => {
  it('a node re-added with another URL and no new secret loses the secret; the same URL keeps it', async () => {
    const dir = mkdtempSync(path.join(tmp, 'a-'));
    const store = new PacsNodeStore(path.join(dir, 'nodes.json'), new FileSecretStore(path.join(dir, 'credentials.json')));
    await store.put(web('archive', 'https://pacs.hospital.local/dicom-web'), 'token-1');
    await store.put(web('archive', 'https://pacs.hospital.local/dicom-web'));
    expect(await store.secrets.get('archive')).toBe('token-1');
    await store.put(web('archive', 'http://attacker.example/dicom-web'));
    expect(await store.secrets.get('archive')).toBeNull();
    expect(statSync(path.join(dir, 'credentials.json')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, 'nodes.json')).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('ten nodes added at once: all ten and their secrets are kept', async () => {
    const dir = mkdtempSync(path.join(tmp, 'b-'));
    const store = new PacsNodeStore(path.join(dir, 'nodes.json'), new FileSecretStore(path.join(dir, 'credentials.json')));
    await Promise.all(Array.from({ length: 10 }, (_, n) => store.put(web(`n${n}`, `https://pacs${n}.local/dicom-web`), `secret-${n}`)));
    expect((await store.list()).map((n) => n.name).sort()).toEqual(Array.from({ length: 10 }, (_, n) => `n${n}`).sort());
    for (let n = 0; n < 10; n++) expect(await store.secrets.get(`n${n}`)).toBe(`secret-${n}`);
  });

  it('a damaged credentials file is reported and left as it is', async () => {
    const dir = mkdtempSync(path.join(tmp, 'c-'));
    const file = path.join(dir, 'credentials.json');
    writeFileSync(file, '{"archive": 42}', { mode: 0o600 });
    const secrets = new FileSecretStore(file);
    await expect(secrets.get('archive')).rejects.toMatchObject({ code: 'CORRUPT_INPUT' });
    await expect(secrets.set('other', 'x')).rejects.toMatchObject({ code: 'CORRUPT_INPUT' });
    expect(readFileSync(file, 'utf8')).toBe('{"archive": 42}');
  });

  it('a URL with a user name or password in it is refused', () => {
    const r = pacsNodeSchema.safeParse({ kind: 'dicomweb', name: 'x', url: 'https://user:pw@pacs.local/dicom-web' });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toMatch(/may not hold a user name or password/);
  });
});
