/** Median wall time in ms of `runs` calls of `fn` (benchmarks print it against a baseline from the same run). */
export function medianMs(fn: () => void, runs: number): number {
  const t: number[] = [];
  for (let n = 0; n < runs; n++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)] as number;
}
