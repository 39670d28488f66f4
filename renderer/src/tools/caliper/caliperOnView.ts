/**
 * Whether a RECIST caliper is drawn on an MPR view showing the plane {x : x·normal = planeMm}
 * (LPS mm), and how:
 * - 'in-plane': both ends lie within half a slice step of the plane (a caliper measured on an
 *   axial acquisition, or drawn by hand on this view);
 * - 'projected': its middle lies within half a step, its ends do not: the caliper was measured on
 *   the acquired slice nearest to axial (recistAxes.ts), which is tilted from the patient-aligned
 *   view (an oblique acquisition such as the stroke MR, 19° off). It is shown once, on the view
 *   slice through its middle, projected (a dashed line; the length is the measured one). Before,
 *   such calipers were on no slice at all and never shown;
 * - null: elsewhere.
 */
import { dot } from '../../../../common/geometry/affine';
import type { Vec3 } from '../../../../common/volume';

export type CaliperPlacement = 'in-plane' | 'projected' | null;

export function caliperOnView(start: Vec3, end: Vec3, normal: Vec3, planeMm: number, halfStepMm: number): CaliperPlacement {
  const near = (p: Vec3) => Math.abs(dot(p, normal) - planeMm) <= halfStepMm + 1e-6;
  if (near(start) && near(end)) return 'in-plane';
  const mid: Vec3 = [(start[0] + end[0]) / 2, (start[1] + end[1]) / 2, (start[2] + end[2]) / 2];
  return near(mid) ? 'projected' : null;
}

/** Angle (degrees) between a caliper's line and the view plane: 0 for a caliper in the view's plane. */
export function tiltFromViewDeg(start: Vec3, end: Vec3, normal: Vec3): number {
  const d: Vec3 = [end[0] - start[0], end[1] - start[1], end[2] - start[2]];
  const len = Math.hypot(...d);
  return len > 0 ? (Math.asin(Math.min(1, Math.abs(dot(d, normal)) / len)) * 180) / Math.PI : 0;
}

/** Whether a caliper lies on the displayed slice: both ends within half a slice step of the view plane. */
export function onSlice(start: Vec3, end: Vec3, normal: Vec3, planeMm: number, halfStepMm: number): boolean {
  return caliperOnView(start, end, normal, planeMm, halfStepMm) === 'in-plane';
}
