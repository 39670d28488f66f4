import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRange } from './fileRange';

const dir = mkdtempSync(path.join(os.tmpdir(), 'voxa-range-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bytes = Uint8Array.from({ length: 100_000 }, (_, n) => (n * 7 + 3) & 0xff);
const file = path.join(dir, 'f.bin');
writeFileSync(file, bytes);

describe('readRange', () => {
  it('reads the asked range into the target at its offset, and the size when asked', async () => {
    const target = new Uint8Array(70_010);
    const r = await readRange(file, target, 10, 70_000, 12_345, true);
    expect(r).toEqual({ bytesRead: 70_000, size: 100_000 });
    expect(Buffer.from(target.subarray(10)).equals(Buffer.from(bytes.subarray(12_345, 82_345)))).toBe(true);
    expect(target[9]).toBe(0);
  });

  it('stops at the end of the file and says how much it got', async () => {
    const target = new Uint8Array(1000);
    const r = await readRange(file, target, 0, 1000, 99_500, true);
    expect(r).toEqual({ bytesRead: 500, size: 100_000 });
    expect(Array.from(target.subarray(0, 500))).toEqual(Array.from(bytes.subarray(99_500)));
  });

  it('a range starting past the end reads nothing and still reports the true size', async () => {
    expect(await readRange(file, new Uint8Array(8), 0, 8, 200_000, true)).toEqual({ bytesRead: 0, size: 100_000 });
    expect(await readRange(file, new Uint8Array(8), 0, 8, 200_000)).toEqual({ bytesRead: 0 });
  });

  it('rejects a missing file with the system error', async () => {
    await expect(readRange(path.join(dir, 'missing'), new Uint8Array(4), 0, 4, 0)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
