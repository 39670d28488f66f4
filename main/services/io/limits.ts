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
