/** Resource limits that protect the process from lying or hostile inputs. */
export interface IoLimits {
  /** Largest voxel payload accepted, in bytes (checked before allocation). */
  maxVoxelBytes: number;
  /** Most files visited when scanning a folder. */
  maxFilesScanned: number;
}

export const DEFAULT_IO_LIMITS: IoLimits = {
  maxVoxelBytes: 4 * 1024 ** 3 - 1,
  maxFilesScanned: 200_000,
};

/** A byte count for messages (B, KiB, MiB, GiB). */
export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}
