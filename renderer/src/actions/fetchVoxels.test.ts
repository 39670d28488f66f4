import { describe, expect, it } from 'vitest';
import { allocateVoxels, chunkRanges, fetchVoxels, slicesPerChunk } from './fetchVoxels';
import { streamRanges } from './streamOrder';

/** A fake service holding a reference volume; answers slice ranges like the real handler and records each request. */
function fakeClient(dims: [number, number, number], reference: Int16Array) {
  const requests: { firstSlice: number; sliceCount: number; bytes: number }[] = [];
  const client = {
    invoke: async (_channel: 'volume:voxels', req: { volumeId: string; firstSlice?: number; sliceCount?: number }) => {
      await new Promise((r) => setTimeout(r, Math.random() * 3)); // replies may arrive out of order
      const slice = dims[0] * dims[1];
      const first = req.firstSlice ?? 0;
      const count = req.sliceCount ?? dims[2];
      const data = reference.slice(first * slice, (first + count) * slice).buffer;
      requests.push({ firstSlice: first, sliceCount: count, bytes: data.byteLength });
      return { volumeId: req.volumeId, dtype: 'int16' as const, firstSlice: first, sliceCount: count, data };
    },
  };
  return { client: client as never, requests };
}

describe('chunked voxel transfer', () => {
  it('splits slices into whole-slice chunks within the byte budget', () => {
    expect(slicesPerChunk([512, 512, 1000], 'int16', 16 * 1024 * 1024)).toBe(32); // 512 KiB per slice
    expect(slicesPerChunk([4096, 4096, 3], 'float32', 1024)).toBe(1); // one slice larger than the budget
    expect(slicesPerChunk([2, 2, 5], 'uint8', 1 << 20)).toBe(5);
    expect(chunkRanges(10, 4)).toEqual([[0, 4], [4, 4], [8, 2]]);
  });

  it('fills one array equal to the source, never asking for more than one chunk per request', async () => {
    const dims: [number, number, number] = [7, 5, 23];
    const reference = Int16Array.from({ length: 7 * 5 * 23 }, (_, n) => ((n * 7919) % 4001) - 2000);
    const { client, requests } = fakeClient(dims, reference);
    const progress: number[] = [];
    const chunkBytes = 7 * 5 * 2 * 4; // 4 slices per chunk
    const out = await fetchVoxels(client, { volumeId: 'v', dtype: 'int16', dimensions: dims }, { chunkBytes, onProgress: (f) => progress.push(f) });
    expect(out).toBeInstanceOf(Int16Array);
    expect(Array.from(out)).toEqual(Array.from(reference));
    expect(requests).toHaveLength(6); // ceil(23 / 4)
    expect(Math.max(...requests.map((r) => r.bytes))).toBeLessThanOrEqual(chunkBytes);
    expect([...requests].map((r) => r.firstSlice).sort((a, b) => a - b)).toEqual([0, 4, 8, 12, 16, 20]);
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((f, n) => n === 0 || f > progress[n - 1]!)).toBe(true);
  });

  it('refuses a chunk that does not match what was asked', async () => {
    const client = {
      invoke: async () => ({ volumeId: 'v', dtype: 'int16' as const, firstSlice: 0, sliceCount: 1, data: new ArrayBuffer(6) }),
    };
    await expect(fetchVoxels(client as never, { volumeId: 'v', dtype: 'int16', dimensions: [2, 2, 1] })).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('streams in a given order into a given array: the first range is asked first, each chunk is reported after its copy', async () => {
    const dims: [number, number, number] = [3, 2, 11];
    const reference = Int16Array.from({ length: 3 * 2 * 11 }, (_, n) => n * 3 - 50);
    const { client, requests } = fakeClient(dims, reference);
    const src = { volumeId: 'v', dtype: 'int16' as const, dimensions: dims };
    const into = allocateVoxels(src);
    const seen: string[] = [];
    const out = await fetchVoxels(client, src, {
      into,
      ranges: streamRanges(11, 3, [5, 1]),
      onChunk: (k, n) => seen.push(`${k}+${n}:${Array.from(into.subarray(k * 6, (k + n) * 6)).join() === Array.from(reference.subarray(k * 6, (k + n) * 6)).join()}`),
    });
    expect(out).toBe(into);
    expect(Array.from(out)).toEqual(Array.from(reference));
    expect(seen.every((x) => x.endsWith(':true'))).toBe(true);
    expect(seen).toHaveLength(5);
    // Every range asked once.
    expect(requests.map((r) => r.firstSlice).sort((a, b) => a - b)).toEqual([0, 2, 5, 6, 9]);
  });

  it('stops after a cancel and drops a reply that lands after it', async () => {
    const dims: [number, number, number] = [2, 2, 8];
    const { client } = fakeClient(dims, new Int16Array(32).fill(9));
    const abort = new AbortController();
    const into = allocateVoxels({ volumeId: 'v', dtype: 'int16', dimensions: dims });
    const p = fetchVoxels(client, { volumeId: 'v', dtype: 'int16', dimensions: dims }, { into, chunkBytes: 8, signal: abort.signal });
    abort.abort();
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(into.every((v) => v === 0)).toBe(true);
  });
});
