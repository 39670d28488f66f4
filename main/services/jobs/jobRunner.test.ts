import { describe, expect, it } from 'vitest';
import { VoxaError } from '../../../common/contract';
import { isCancellation, throwIfCancelled } from './cancelled';
import { JobRunner } from './jobRunner';

/** A job that waits until released or aborted (then rejects CANCELLED, as the services' jobs do). */
function gate() {
  let release: (v: string) => void = () => {};
  const seen: AbortSignal[] = [];
  const fn = (signal: AbortSignal) => {
    seen.push(signal);
    return new Promise<string>((resolve, reject) => {
      release = resolve;
      signal.addEventListener('abort', () => reject(new VoxaError('CANCELLED', 'stopped')), { once: true });
    });
  };
  return { fn, seen, release: (v: string) => release(v) };
}

describe('JobRunner', () => {
  it('a newer job under the same key cancels the older one: its signal aborts and it rejects CANCELLED; other keys run on', async () => {
    const jobs = new JobRunner();
    const a = gate();
    const b = gate();
    const other = gate();
    const older = jobs.start('volume-1', a.fn);
    const elsewhere = jobs.start('volume-2', other.fn);
    expect(a.seen[0]?.aborted).toBe(false);
    const newer = jobs.start('volume-1', b.fn);
    expect(a.seen[0]?.aborted).toBe(true);
    await expect(older).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(b.seen[0]?.aborted).toBe(false);
    expect(other.seen[0]?.aborted).toBe(false);
    b.release('b');
    other.release('o');
    expect(await newer).toBe('b');
    expect(await elsewhere).toBe('o');
    expect(jobs.isRunning('volume-1')).toBe(false);
  });

  it("the older job's ending does not unregister the newer one", async () => {
    const jobs = new JobRunner();
    const a = gate();
    const b = gate();
    const older = jobs.start('k', a.fn);
    const newer = jobs.start('k', b.fn);
    await expect(older).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(jobs.isRunning('k')).toBe(true);
    expect(jobs.cancel('k')).toBe(true);
    await expect(newer).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(jobs.cancel('k')).toBe(false);
  });

  it("'refuse' refuses a second job under a running key with BAD_REQUEST and leaves the first running", async () => {
    const jobs = new JobRunner();
    const a = gate();
    const first = jobs.start('imp1', a.fn, { ifRunning: 'refuse' });
    await expect(jobs.start('imp1', async () => 'no', { ifRunning: 'refuse', refusal: 'an import with job id imp1 is already running' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'an import with job id imp1 is already running',
    });
    expect(a.seen[0]?.aborted).toBe(false);
    a.release('done');
    expect(await first).toBe('done');
    // Once it ended the id is free again.
    expect(await jobs.start('imp1', async () => 'again', { ifRunning: 'refuse' })).toBe('again');
  });

  it('cancelled before the start: rejects CANCELLED without running the job', async () => {
    const jobs = new JobRunner();
    const caller = new AbortController();
    caller.abort();
    let ran = false;
    await expect(
      jobs.start(
        'k',
        async () => {
          ran = true;
          return 1;
        },
        { signal: caller.signal, cancelled: 'the question was cancelled' },
      ),
    ).rejects.toMatchObject({ code: 'CANCELLED', message: 'the question was cancelled' });
    expect(ran).toBe(false);
    expect(jobs.isRunning('k')).toBe(false);
  });

  it("cancelled mid-run: by the caller's signal, or by cancel(key)", async () => {
    const jobs = new JobRunner();
    const caller = new AbortController();
    const a = gate();
    const running = jobs.start('k', a.fn, { signal: caller.signal });
    await Promise.resolve();
    caller.abort();
    expect(a.seen[0]?.aborted).toBe(true);
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' });

    const b = gate();
    const byId = jobs.start('job-7', b.fn);
    expect(jobs.cancel('job-7')).toBe(true);
    await expect(byId).rejects.toBeInstanceOf(VoxaError);
    expect(jobs.cancel('unknown')).toBe(false);
  });

  it("the platform's AbortError becomes CANCELLED; every other error propagates unchanged", async () => {
    const jobs = new JobRunner();
    const c = new AbortController();
    const aborting = jobs.start('k', async (signal) => {
      c.abort();
      await Promise.resolve();
      signal.throwIfAborted();
      return 0;
    }, { signal: c.signal });
    await expect(aborting).rejects.toMatchObject({ code: 'CANCELLED' });

    const own = new VoxaError('NOT_FOUND', 'no such model');
    await expect(jobs.start('k', async () => Promise.reject(own))).rejects.toBe(own);
    const plain = new RangeError('bad index');
    await expect(jobs.start('k', async () => Promise.reject(plain))).rejects.toBe(plain);
    expect(jobs.isRunning('k')).toBe(false);
  });
});

describe('cancelled errors', () => {
  it('throwIfCancelled throws CANCELLED only once the signal aborts; isCancellation knows both forms', () => {
    const c = new AbortController();
    expect(() => throwIfCancelled(c.signal, 'x was cancelled')).not.toThrow();
    expect(() => throwIfCancelled(undefined)).not.toThrow();
    c.abort();
    expect(() => throwIfCancelled(c.signal, 'x was cancelled')).toThrow(expect.objectContaining({ code: 'CANCELLED', message: 'x was cancelled' }));
    expect(isCancellation(new VoxaError('CANCELLED', 'x'))).toBe(true);
    expect(isCancellation(new DOMException('stop', 'AbortError'))).toBe(true);
    expect(isCancellation(new VoxaError('INTERNAL', 'x'))).toBe(false);
    expect(isCancellation(new Error('x'))).toBe(false);
  });
});
