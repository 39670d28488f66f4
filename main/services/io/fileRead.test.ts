/**
 * Every whole-file read checks the size first (TOO_LARGE before a byte is
 * read) and every read is bounded in time (TIMEOUT instead of an import that
 * waits forever on a share that stopped answering; simulated with a FIFO that
 * nobody writes, whose open blocks).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRange, readWholeFile } from './fileRange';

const dir = mkdtempSync(path.join(os.tmpdir(), 'voxa-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bounded file reads', () => {
  it('refuses a file over the size limit before reading it', async () => {
    const f = path.join(dir, 'big.bin');
    writeFileSync(f, Buffer.alloc(4096));
    await expect(readWholeFile(f, 1024)).rejects.toMatchObject({ code: 'TOO_LARGE' });
    expect((await readWholeFile(f, 4096)).length).toBe(4096);
  });

  it('gives up on a read that does not finish in time', async () => {
    const fifo = path.join(dir, 'stuck');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      return;
    }
    process.env.VOXA_READ_TIMEOUT_MS = '300';
    try {
      const t = performance.now();
      await expect(readWholeFile(fifo, 1024)).rejects.toMatchObject({ code: 'TIMEOUT', message: expect.stringMatching(/took longer than/) });
      await expect(readRange(fifo, new Uint8Array(16), 0, 16, 0)).rejects.toMatchObject({ code: 'TIMEOUT' });
      expect(performance.now() - t).toBeLessThan(3000);
    } finally {
      delete process.env.VOXA_READ_TIMEOUT_MS;
      // Release the blocked opens (a writer appears and leaves).
      for (let n = 0; n < 2; n++) closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    }
  });
});
