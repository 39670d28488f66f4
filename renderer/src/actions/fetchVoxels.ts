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

/** The zero-filled array of a volume's final size, before any chunk has arrived. */
export function allocateVoxels(src: VoxelSource): VoxelArray {
  const [ni, nj, nk] = src.dimensions;
  return voxelArrayFromBuffer(src.dtype, new ArrayBuffer(ni * nj * nk * bytesPerVoxel(src.dtype)));
}

export interface FetchVoxelsOptions {
  onProgress?: (fraction: number) => void;
  /** Called after each chunk has been copied into the array (slices [firstSlice, firstSlice + sliceCount)). */
  onChunk?: (firstSlice: number, sliceCount: number) => void;
  chunkBytes?: number;
  signal?: AbortSignal;
  /** The ranges [first, count] to request, in this order (default: chunkRanges in slice order); together they must cover every slice once. */
  ranges?: [number, number][];
  /** The array to fill (allocateVoxels); default: a new one. */
  into?: VoxelArray;
}

/**
 * Fetches every chunk (two requests in flight, so the transfer of one overlaps
 * the copy of the previous) and reports the fraction of slices received.
 * Requests go out in the order of `ranges`; a chunk is copied as soon as it lands.
 */
export async function fetchVoxels(client: Invoke, src: VoxelSource, options: FetchVoxelsOptions = {}): Promise<VoxelArray> {
  const [ni, nj, nk] = src.dimensions;
  const sliceVoxels = ni * nj;
  const out = options.into ?? allocateVoxels(src);
  if (out.length !== sliceVoxels * nk) throw new RangeError('the target array does not have the volume\'s size');
  const ranges = options.ranges ?? chunkRanges(nk, slicesPerChunk(src.dimensions, src.dtype, options.chunkBytes));
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
      // A reply that lands after a cancel is dropped: the array may already belong to nobody.
      if (options.signal?.aborted) throw new VoxaError('CANCELLED', 'loading was cancelled');
      (out as { set(a: ArrayLike<number>, offset: number): void }).set(voxelArrayFromBuffer(src.dtype, r.data), firstSlice * sliceVoxels);
      received += sliceCount;
      options.onChunk?.(firstSlice, sliceCount);
      options.onProgress?.(received / nk);
    }
  };
  await Promise.all([worker(), worker()]);
  return out;
}
