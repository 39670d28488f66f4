/** Messages between the 3D view and the surface worker. */
import type { Vec3 } from '../../../common/volume';

export interface SurfaceRequest {
  id: number;
  label: number;
  dims: Vec3;
  offset: Vec3;
  mask: Uint8Array;
  /** Row-major 3×4 IJK → LPS. */
  affine: number[];
}

export interface SurfaceResult {
  id: number;
  label: number;
  /** LPS mm, xyz per point. */
  points: Float32Array;
  /** vtk cell array: 3, a, b, c, 3, ... */
  polys: Uint32Array;
}
