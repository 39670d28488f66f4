/**
 * RECIST axis error of a segmentation against its reference (issue 14):
 * both masks are measured the way the app measures a segment
 * (common/geometry/recistAxes.ts, as renderer/src/state/lesionTableStore.ts
 * does): long axis = the longest in-plane diameter on the axial slice where it
 * is largest, short axis = the longest perpendicular chord on that slice
 * (DESIGN §7). Each mask is measured on its own slice, as a reader would.
 *
 * Units: lengths in mm, errors in % of the reference length.
 */
import { measureLesion } from '../../../common/geometry/recistAxes';
import type { VolumeGeometry } from '../../../common/volume';

export interface RecistAxesMm {
  longMm: number;
  shortMm: number;
  /** Slice (along the axial voxel axis) the long axis lies on. */
  sliceIndex: number;
}

export interface RecistAxisError {
  longMm: number;
  shortMm: number;
  /** |measured − reference| / reference × 100; null when the reference length is 0. */
  longPct: number | null;
  shortPct: number | null;
}

/** RECIST long and short axis of the non-zero voxels of `mask` (null when it is empty). */
export function recistAxesMm(geometry: VolumeGeometry, mask: ArrayLike<number>): RecistAxesMm | null {
  const m = measureLesion({ geometry, voxels: mask });
  return m ? { longMm: m.longAxis.lengthMm, shortMm: m.shortAxis.lengthMm, sliceIndex: m.longAxis.sliceIndex } : null;
}

/** |measured − reference| / reference × 100, or null for a zero reference. */
export function axisErrorPct(measuredMm: number, referenceMm: number): number | null {
  return referenceMm > 0 ? (Math.abs(measuredMm - referenceMm) / referenceMm) * 100 : null;
}

/** The axis errors of `mask` against `reference`; an empty mask measures 0 mm (100 % error). */
export function recistAxisError(geometry: VolumeGeometry, mask: ArrayLike<number>, reference: RecistAxesMm): RecistAxisError {
  const m = recistAxesMm(geometry, mask) ?? { longMm: 0, shortMm: 0 };
  return { longMm: m.longMm, shortMm: m.shortMm, longPct: axisErrorPct(m.longMm, reference.longMm), shortPct: axisErrorPct(m.shortMm, reference.shortMm) };
}
