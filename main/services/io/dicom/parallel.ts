/** Bounded concurrency for the scan and the decode of a series. */

/** Fewest compressed frames in a series worth starting decoder threads for (a thread and its codec take ~0.1–0.2 s to start). */
export const MIN_POOL_FRAMES = 4;

/** Runs `work` over `items` with at most `limit` in flight. */
export async function forEachLimited<T>(items: T[], limit: number, work: (item: T, index: number) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      signal?.throwIfAborted();
      const n = next++;
      await work(items[n] as T, n);
    }
  });
  await Promise.all(runners);
}
