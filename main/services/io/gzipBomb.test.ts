/**
 * A small .nii.gz that inflates far past what its header declares (a "gzip
 * bomb": 8 voxels declared, 1 GiB of zeros behind them, ~1 MB on disk) is read
 * without inflating the rest: through the streaming reader, the in-memory
 * reader and the labelmap import, memory grows by far less than the bomb.
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNiftiLabelmap } from '../masks/niftiLabelmap';
import { readNifti, readNiftiFile } from './niftiReader';

let dir = '';
let bomb = '';
const BOMB_BYTES = 1024 ** 3;

function header(): Buffer {
  const h = Buffer.alloc(352);
  h.writeInt32LE(348, 0);
  [3, 2, 2, 2, 1, 1, 1, 1].forEach((d, n) => h.writeInt16LE(d, 40 + 2 * n));
  h.writeInt16LE(2, 70); // uint8
  h.writeInt16LE(8, 72);
  [1, 1, 1, 1].forEach((d, n) => h.writeFloatLE(d, 76 + 4 * n));
  h.writeFloatLE(352, 108); // vox_offset
  h.writeFloatLE(1, 112); // scl_slope
  h.write('n+1\0', 344, 'latin1');
  return h;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'voxa-bomb-'));
  bomb = path.join(dir, 'bomb.nii.gz');
  const gz = createGzip({ level: 1 });
  const out = createWriteStream(bomb);
  gz.pipe(out);
  gz.write(Buffer.concat([header(), Buffer.from([1, 2, 3, 4, 5, 6, 7, 8])]));
  const zeros = Buffer.alloc(8 * 1024 * 1024);
  for (let n = 0; n < BOMB_BYTES / zeros.length; n++) if (!gz.write(zeros)) await new Promise<void>((r) => gz.once('drain', () => r()));
  gz.end();
  await new Promise<void>((r) => out.once('finish', () => r()));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gzip bombs', () => {
  it('are read up to what the header declares, never inflated whole', async () => {
    const size = readFileSync(bomb).length;
    expect(size).toBeLessThan(8 * 1024 * 1024);
    global.gc?.();
    const before = process.memoryUsage().rss;
    const t = performance.now();
    const a = await readNiftiFile(bomb);
    const b = readNifti(readFileSync(bomb), 'bomb.nii.gz');
    const c = await readNiftiLabelmap(bomb);
    const grew = process.memoryUsage().rss - before;
    console.log(`gzip bomb (${(size / 1e6).toFixed(1)} MB → ${BOMB_BYTES / 1024 ** 3} GiB): read in ${(performance.now() - t).toFixed(0)} ms, RSS +${(grew / 1e6).toFixed(0)} MB`);
    for (const v of [a, b]) expect(Array.from(v.voxels)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(c.geometry.dimensions).toEqual([2, 2, 2]);
    expect(grew).toBeLessThan(256 * 1024 ** 2);
  }, 60_000);
});
