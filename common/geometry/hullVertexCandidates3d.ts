/**
 * A small superset of the 3D convex-hull vertices of a voxel mask, without
 * building the 3D hull. Units: voxel indices.
 *
 * A vertex of the 3D hull of a set S is also a vertex of the 2D hull of
 * S ∩ P for every plane P through it (otherwise it would be a convex
 * combination of other points of S). Slicing the mask along each of the three
 * voxel axes therefore gives three supersets of the 3D hull vertices; their
 * intersection is kept. The affine voxel → LPS map preserves hull vertices, so
 * the result holds in millimetres for any spacing and direction matrix.
 */
import type { CroppedMask } from './croppedMask';
import { sliceHullVertices } from './sliceHulls';

/**
 * @param axialHulls optional precomputed result of sliceHullVertices(mask, axis) for one axis.
 * @returns crop-local flat indices of the candidate voxels, ascending.
 */
export function hullVertexCandidates3d(mask: CroppedMask, precomputed?: { axis: 0 | 1 | 2; hulls: number[][] }): number[] {
  const votes = new Uint8Array(mask.inside.length);
  for (const axis of [0, 1, 2] as const) {
    const hulls = precomputed?.axis === axis ? precomputed.hulls : sliceHullVertices(mask, axis);
    for (const slice of hulls) for (const id of slice) votes[id] = (votes[id] as number) + 1;
  }
  const result: number[] = [];
  for (let n = 0; n < votes.length; n++) if (votes[n] === 3) result.push(n);
  return result;
}
