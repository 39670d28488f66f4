import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jobProgress, withProgress, type JobProgressEvent } from './jobProgress';
import { throttle } from './throttle';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_000_000);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('throttle', () => {
  it('sends the first value at once, then at most one per interval, and the newest held value when the interval ends', () => {
    const sent: [number, number][] = [];
    const t = throttle<number>((v) => sent.push([Date.now() - 1_000_000, v]), 100);
    t.push(1);
    for (let n = 2; n <= 9; n++) {
      vi.advanceTimersByTime(10);
      t.push(n);
    }
    // 1 at 0 ms; 2..9 pushed at 10..80 ms: none sent yet.
    expect(sent).toEqual([[0, 1]]);
    vi.advanceTimersByTime(20);
    // At 100 ms the newest held value (9) goes out; 2..8 were dropped.
    expect(sent).toEqual([[0, 1], [100, 9]]);
    vi.advanceTimersByTime(500);
    expect(sent).toHaveLength(2);
    // A push after a quiet interval goes out at once.
    t.push(10);
    expect(sent.at(-1)).toEqual([600, 10]);
  });

  it('never sends more than one value per interval however fast values come', () => {
    const times: number[] = [];
    const t = throttle<number>(() => times.push(Date.now()), 100);
    for (let n = 0; n < 1000; n++) {
      t.push(n);
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(200);
    for (let n = 1; n < times.length; n++) expect(times[n]! - times[n - 1]!).toBeGreaterThanOrEqual(100);
    expect(times.length).toBeGreaterThanOrEqual(10);
    expect(times.length).toBeLessThanOrEqual(11);
  });

  it('now() sends at once and drops the held value; close() drops it and silences later calls', () => {
    const sent: number[] = [];
    const t = throttle<number>((v) => sent.push(v), 100);
    t.push(1);
    t.push(2);
    t.now(3);
    vi.advanceTimersByTime(200);
    expect(sent).toEqual([1, 3]);
    vi.advanceTimersByTime(200);
    t.push(4);
    t.push(5);
    t.close();
    t.push(6);
    t.now(7);
    vi.advanceTimersByTime(200);
    expect(sent).toEqual([1, 3, 4]);
  });
});

describe('jobProgress', () => {
  const collect = () => {
    const events: JobProgressEvent[] = [];
    return { events, job: { progress: (p: JobProgressEvent) => events.push(p) } };
  };

  it('0 at once, rate-limited updates, monotone fractions, the total at once and done last', () => {
    const { events, job } = collect();
    const p = jobProgress(job, 'j1', 'Loading');
    expect(events).toEqual([{ jobId: 'j1', label: 'Loading', fraction: 0, done: false }]);
    p.update(10, 100);
    p.update(30, 100);
    // A count that goes back (a second pass) never lowers the fraction.
    p.update(20, 100);
    expect(events).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(events.at(-1)).toEqual({ jobId: 'j1', label: 'Loading', fraction: 0.3, done: false });
    p.update(100, 100);
    expect(events.at(-1)).toEqual({ jobId: 'j1', label: 'Loading', fraction: 1, done: false });
    p.finish();
    expect(events.at(-1)).toEqual({ jobId: 'j1', label: 'Loading', fraction: 1, done: true });
    const fractions = events.map((e) => e.fraction ?? 0);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
  });

  it('the final event is always delivered, at once, even right after another; nothing follows it', () => {
    const { events, job } = collect();
    const p = jobProgress(job, 'j2', 'Answering');
    p.update(1, 3);
    p.finish();
    expect(events.at(-1)).toMatchObject({ fraction: 1, done: true });
    const n = events.length;
    p.update(2, 3);
    p.status('late');
    vi.advanceTimersByTime(1000);
    expect(events).toHaveLength(n);
  });

  it('unknown amount: null first, labelled steps rate-limited, done with the job label', () => {
    const { events, job } = collect();
    const p = jobProgress(job, 's', 'Segmenting', { unknownAmount: true });
    expect(events[0]).toEqual({ jobId: 's', label: 'Segmenting', fraction: null, done: false });
    for (let n = 1; n <= 5; n++) {
      vi.advanceTimersByTime(30);
      p.status(`Segmenting (${n} slices)`);
    }
    expect(events.map((e) => e.label)).toEqual(['Segmenting', 'Segmenting (3 slices)']);
    vi.advanceTimersByTime(100);
    expect(events.at(-1)?.label).toBe('Segmenting (5 slices)');
    p.finish();
    expect(events.at(-1)).toEqual({ jobId: 's', label: 'Segmenting', fraction: 1, done: true });
  });

  it('withProgress: done once when the job resolves; on an error the same error, and no event after it unless finishOnError', async () => {
    const ok = collect();
    expect(
      await withProgress(ok.job, 'a', 'Loading', async (p) => {
        p.finish();
        return 7;
      }),
    ).toBe(7);
    expect(ok.events.filter((e) => e.done)).toHaveLength(1);

    const failed = collect();
    const boom = new RangeError('boom');
    await expect(
      withProgress(failed.job, 'b', 'Loading', async (p) => {
        p.update(1, 10);
        p.update(2, 10);
        throw boom;
      }),
    ).rejects.toBe(boom);
    vi.advanceTimersByTime(1000);
    expect(failed.events).toEqual([{ jobId: 'b', label: 'Loading', fraction: 0, done: false }]);

    const finished = collect();
    await expect(withProgress(finished.job, 'c', 'Answering', () => Promise.reject(boom), { finishOnError: true })).rejects.toBe(boom);
    expect(finished.events.at(-1)).toEqual({ jobId: 'c', label: 'Answering', fraction: 1, done: true });
  });
});
