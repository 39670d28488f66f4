/**
 * Reads a byte range of a file with one open and one close, on the callback
 * fs API: the promise API's FileHandle objects cost up to a millisecond of
 * main-thread time per file here (44-file MR series, read by the header scan
 * and again for its pixels: load 84 → 65 ms against a 33 ms readFile floor).
 */
import { close, fstat, open, read } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { VoxaError } from '../../../common/contract';

/**
 * Longest a single file read may take (a network share that stopped answering
 * must not hold an import forever): 60 s, or VOXA_READ_TIMEOUT_MS.
 */
export function readTimeoutMs(): number {
  const v = Number(process.env.VOXA_READ_TIMEOUT_MS);
  return Number.isFinite(v) && v > 0 ? v : 60_000;
}

const timedOut = (file: string, ms: number) => new VoxaError('TIMEOUT', `reading ${path.basename(file)} took longer than ${Math.round(ms / 1000)} s (a network share that stopped answering?)`);

/** Rejects with TIMEOUT when `p` has not settled within `ms` (the read itself cannot be interrupted; its result is dropped). */
export function withTimeout<T>(p: Promise<T>, file: string, ms = readTimeoutMs()): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_r, reject) => {
    timer = setTimeout(() => reject(timedOut(file, ms)), ms);
    timer.unref();
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Largest SEG, RTSTRUCT or SR object read whole (a SEG of a whole-body CT is a few hundred MB). */
export const MAX_OBJECT_BYTES = 2 * 1024 ** 3 - 1;

/** A whole file, after checking its size against `maxBytes` (TOO_LARGE before anything is read), within the read timeout. */
export async function readWholeFile(file: string, maxBytes: number): Promise<Buffer> {
  const ms = readTimeoutMs();
  const info = await withTimeout(stat(file), file, ms);
  if (info.size > maxBytes) throw new VoxaError('TOO_LARGE', `${path.basename(file)} is ${info.size} bytes, above the ${maxBytes}-byte limit for this read`);
  try {
    return await withTimeout(readFile(file, { signal: AbortSignal.timeout(ms) }), file, ms);
  } catch (e) {
    if ((e as Error).name === 'AbortError' || (e as Error).name === 'TimeoutError') throw timedOut(file, ms);
    throw e;
  }
}

export interface RangeRead {
  /** Bytes placed in the target (fewer than asked only at the end of the file). */
  bytesRead: number;
  /** The file's size, when asked for (`withSize`): from the end of file when the read reached it, else by fstat. */
  size?: number;
}

/** Reads `length` bytes at `position` into `target` from `targetOffset`, looping over short reads until done or end of file. */
export function readRange(file: string, target: Uint8Array, targetOffset: number, length: number, position: number, withSize = false): Promise<RangeRead> {
  return withTimeout(rawReadRange(file, target, targetOffset, length, position, withSize), file);
}

function rawReadRange(file: string, target: Uint8Array, targetOffset: number, length: number, position: number, withSize: boolean): Promise<RangeRead> {
  return new Promise((resolve, reject) => {
    open(file, 'r', (openErr, fd) => {
      if (openErr) return reject(openErr);
      const finish = (err: Error | null, result?: RangeRead) => close(fd, (closeErr) => (err ?? closeErr ? reject(err ?? closeErr) : resolve(result as RangeRead)));
      let done = 0;
      const step = () => {
        if (done >= length) return sized();
        read(fd, target, targetOffset + done, length - done, position + done, (readErr, n) => {
          if (readErr) return finish(readErr);
          // End of file inside the range: its size is known without a stat (a range that starts past the
          // end reads nothing and cannot tell where the end is).
          if (n === 0) return withSize && (done > 0 || position === 0) ? finish(null, { bytesRead: done, size: position + done }) : sized();
          done += n;
          step();
        });
      };
      const sized = () => {
        if (!withSize) return finish(null, { bytesRead: done });
        fstat(fd, (statErr, st) => (statErr ? finish(statErr) : finish(null, { bytesRead: done, size: st.size })));
      };
      step();
    });
  });
}
