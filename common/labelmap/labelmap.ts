/** A labelmap on the image grid: one label per voxel, i fastest; 0 = background. */
import { VoxaError } from '../contract/errors';
import type { Vec3 } from '../volume';

export type Labelmap = Uint8Array | Uint16Array;

export const MAX_LABEL = 65535;

export function maxLabelOf(labels: Labelmap): number {
  return labels instanceof Uint8Array ? 255 : MAX_LABEL;
}

/** Checks that a labelmap matches its grid; throws BAD_REQUEST otherwise. */
export function checkLabelmap(labels: Labelmap, dims: Vec3): void {
  for (const d of dims) if (!Number.isInteger(d) || d <= 0) throw new VoxaError('BAD_REQUEST', `grid dimensions must be positive integers, got ${dims.join('×')}`);
  if (labels.length !== dims[0] * dims[1] * dims[2]) throw new VoxaError('BAD_REQUEST', `labelmap has ${labels.length} voxels, grid ${dims.join('×')} needs ${dims[0] * dims[1] * dims[2]}`);
}
