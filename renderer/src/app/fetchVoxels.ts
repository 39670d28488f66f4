/**
 * Receives a loaded volume's voxels in chunks of whole k slices (about
 * VOXEL_CHUNK_BYTES each) and copies each into ONE typed array of the final
 * size as it arrives: no message carries the whole volume, and the renderer
 * never holds a second full copy (only the chunks in flight).
 */
import { VOXEL_CHUNK_BYTES } from '../../../common/contract/channels/core';
import { VoxaError } from '../../../common/contract';
import { bytesPerVoxel, voxelArrayFromBuffer, type VoxelArray, type VoxelDType } from '../../../common/volume';
import type { VoxaClient } from '../client/voxaClient';

export interface VoxelSource {
  volumeId: string;
  dtype: VoxelDType;
  dimensions: [number, number, number];
}

/** Slices per chunk: as many whole slices as fit in `chunkBytes`, at least one. */
export function slicesPerChunk(dimensions: [number, number, number], dtype: VoxelDType, chunkBytes = VOXEL_CHUNK_BYTES): number {
  const sliceBytes = dimensions[0] * dimensions[1] * bytesPerVoxel(dtype);
  return Math.max(1, Math.min(dimensions[2], Math.floor(chunkBytes / sliceBytes)));
}

/** Chunk ranges [first, count] covering every slice once, in order. */
export function chunkRanges(sliceCount: number, perChunk: number): [number, number][] {
  const out: [number, number][] = [];
  for (let k = 0; k < sliceCount; k += perChunk) out.push([k, Math.min(perChunk, sliceCount - k)]);
  return out;
}

type Invoke = Pick<VoxaClient, 'invoke'>;

/**
 * Fetches every chunk (two requests in flight, so the transfer of one overlaps
 * the copy of the previous) and reports the fraction of slices received.
 */
export async function fetchVoxels(
  client: Invoke,
  src: VoxelSource,
  options: { onProgress?: (fraction: number) => void; chunkBytes?: number; signal?: AbortSignal } = {},
): Promise<VoxelArray> {
  const [ni, nj, nk] = src.dimensions;
  const sliceVoxels = ni * nj;
  const out = voxelArrayFromBuffer(src.dtype, new ArrayBuffer(sliceVoxels * nk * bytesPerVoxel(src.dtype)));
  const ranges = chunkRanges(nk, slicesPerChunk(src.dimensions, src.dtype, options.chunkBytes));
  let received = 0;
  let next = 0;
  const worker = async () => {
    while (next < ranges.length) {
      if (options.signal?.aborted) throw new VoxaError('CANCELLED', 'loading was cancelled');
      const [firstSlice, sliceCount] = ranges[next++]!;
      const r = await client.invoke('volume:voxels', { volumeId: src.volumeId, firstSlice, sliceCount });
      if (r.dtype !== src.dtype || r.firstSlice !== firstSlice || r.sliceCount !== sliceCount || r.data.byteLength !== sliceCount * sliceVoxels * bytesPerVoxel(src.dtype)) {
        throw new VoxaError('INTERNAL', `voxel chunk ${firstSlice}+${sliceCount} does not match the volume`);
      }
      (out as { set(a: ArrayLike<number>, offset: number): void }).set(voxelArrayFromBuffer(src.dtype, r.data), firstSlice * sliceVoxels);
      received += sliceCount;
      options.onProgress?.(received / nk);
    }
  };
  await Promise.all([worker(), worker()]);
  return out;
}
