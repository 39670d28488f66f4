/**
 * How a segment surface is drawn in the 3D view, in two passes:
 * - in the scene, depth-tested with the volume rendering (the ray caster stops at the surface, and
 *   skin or bone in front of it covers it), at the segment's own opacity;
 * - again on a layer above the volume, translucent (ON_TOP_ALPHA × the segment's opacity), so a
 *   lesion buried inside an opaque preset still shows, as a tint over the anatomy in front of it,
 *   and a large segment no longer hides the anatomy (drawn fully on top, it covered the humerus
 *   of the demo patient). Where nothing is in front, both passes give the surface its full colour.
 * Both follow the segment's opacity slider: 0 hides it in 3D as in the slices.
 */

/** The on-top pass's share of the segment's opacity: the anatomy in front keeps half its colour. */
export const ON_TOP_ALPHA = 0.5;

export interface SurfaceOpacities {
  /** Opacity in the scene, depth-tested with the volume. */
  inScene: number;
  /** Opacity of the pass drawn over the volume. */
  onTop: number;
}

export function surfaceOpacities(segmentOpacity: number | undefined): SurfaceOpacities {
  const o = Math.min(1, Math.max(0, Number.isFinite(segmentOpacity) ? (segmentOpacity as number) : 1));
  return { inScene: o, onTop: ON_TOP_ALPHA * o };
}
