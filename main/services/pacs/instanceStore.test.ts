/**
 * The instance store against a wrong or malicious PACS (the review of issue 18): an answer with
 * other UIDs than asked for is refused, an instance already stored is never replaced by other
 * bytes under the same UID, names come from well-formed UIDs only, and a deflate bomb is refused.
 */
import { deflateRawSync } from 'node:zlib';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTestStudy } from './testing/fixtures';
import { InstanceStore, uidFileName } from './instanceStore';
import { part10Header } from '../io/dicom/part10';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-instancestore-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('instance store', () => {
  it('refuses an answer of another series; keeps what is stored when the same UID comes with other bytes', async () => {
    const [a] = await writeTestStudy(path.join(tmp, 'src-a'), [2], { seed: 'store-a' });
    const [b] = await writeTestStudy(path.join(tmp, 'src-b'), [1], { seed: 'store-b' });
    const store = new InstanceStore(path.join(tmp, 'store'));
    const expectA = { studyUid: a!.studyInstanceUid, seriesUid: a!.seriesInstanceUid };
    await expect(store.putPart10(readFileSync(b!.files[0]!), 'pacs', expectA)).rejects.toMatchObject({ code: 'CORRUPT_INPUT', message: expect.stringMatching(/another study or series/) });
    expect(existsSync(path.join(tmp, 'store')) ? readdirSync(path.join(tmp, 'store'), { recursive: true }).filter((f) => String(f).endsWith('.dcm')) : []).toEqual([]);
    const first = readFileSync(a!.files[0]!);
    const s1 = await store.putPart10(first, 'pacs', { ...expectA, sopUid: a!.sopInstanceUids[0]! });
    // The same SOP Instance UID with other pixels: the stored file stays as it was.
    const tampered = Buffer.from(first);
    tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 0xff;
    const s2 = await store.putPart10(tampered, 'pacs', expectA);
    expect(s2.file).toBe(s1.file);
    expect(readFileSync(s1.file).equals(first)).toBe(true);
  });

  it('file names: well-formed UIDs as they are, anything else hashed (no path can be injected)', () => {
    expect(uidFileName('1.2.840.10008.5.1')).toBe('1.2.840.10008.5.1');
    for (const bad of ['../../etc/passwd', '1.2/../../x', '', '1..2', 'a'.repeat(65)]) expect(uidFileName(bad)).toMatch(/^x[0-9a-f]{32}$/);
  });

  it('a deflated data set that inflates past the header limit is refused, not inflated', async () => {
    const store = new InstanceStore(path.join(tmp, 'bomb'));
    // 300 MB of zeros in a (0009,1000) private OB element: a few hundred kB deflated.
    const big = 300 * 1024 * 1024;
    const el = Buffer.alloc(12);
    el.writeUInt16LE(0x0009, 0);
    el.writeUInt16LE(0x1000, 2);
    el.write('OB', 4, 'latin1');
    el.writeUInt32LE(big, 8);
    const deflated = deflateRawSync(Buffer.concat([el, Buffer.alloc(big)]));
    const header = part10Header('1.2.840.10008.5.1.4.1.1.2', '1.2.3.4', '1.2.840.10008.1.2.1.99');
    await expect(store.putDataset({ bytes: deflated, transferSyntaxUid: '1.2.840.10008.1.2.1.99' }, '1.2.840.10008.5.1.4.1.1.2', '1.2.3.4', 'evil')).rejects.toMatchObject({ code: 'TOO_LARGE' });
    expect(header.length).toBeGreaterThan(132);
  }, 30_000);
});
