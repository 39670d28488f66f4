/**
 * A correction click on a segment that has voxels: the new mask of the
 * segment, acting where the click is placed.
 *
 * - `correctSliceBySlice` (2D packs): re-segment the clicked slice and carry
 *   the change as far as it reaches (localCorrection.ts).
 * - `correctIn3d` (native 3D packs and the classical tool): the model proposes
 *   a new mask from the segment (prior) and all its clicks (region growing:
 *   grown from the new click, or the segment cut by the negative clicks);
 *   correction3d.ts takes only the change the click touches, within the reach
 *   its depth implies. Where a 3D pack's proposal leaves a positive click's
 *   voxel out (nothing to add), the click is segmented afresh, as a first
 *   click, and the part of that mask the click touches is added instead.
 *   With `localCorrections` off (A/B benchmarks only) a 3D pack's whole
 *   proposal is taken.
 *
 * The caller (SegmentSession) turns the mask into a history step.
 */
import { deltaFromMask, forEachDeltaVoxel, maskFromDelta } from '../../../common/labelmap/labelmapDelta';
import { applyNegativeClicks } from '../../../common/segmentation/negativeClicks';
import { ijkToPlane, planeSize, slicePlaneFor, type PlaneName } from '../../../common/segmentation/slicePlane';
import type { Vec3, Volume } from '../../../common/volume';
import { CLASSICAL_MODEL_ID } from '../inference/registry';
import type { Prompt2dProgress } from '../inference/prompt2d';
import type { SegmentationService } from '../inference/segmentService';
import { clickIndex, limitReach, mergeCorrection3d } from './correction3d';
import { localCorrection } from './localCorrection';
import type { PromptRecord } from './promptBook';

export interface Correction {
  volume: Volume;
  dims: Vec3;
  /** The supersede key of the volume's prompts (a newer prompt cancels this one). */
  key: string;
  segmenter: SegmentationService;
  /** The segment's voxels now (1 inside). */
  current: Uint8Array;
  label: number;
  modelId: string;
  plane: PlaneName;
  click: { ijk: Vec3; positive: boolean };
  earlier: PromptRecord | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((p: Prompt2dProgress) => void) | undefined;
}

/** The segment's voxels as a 0/1 mask. */
export function segmentMask(labels: ArrayLike<number>, label: number): Uint8Array {
  const current = new Uint8Array(labels.length);
  for (let q = 0; q < labels.length; q++) if (labels[q] === label) current[q] = 1;
  return current;
}

export async function correctSliceBySlice(c: Correction): Promise<{ mask: Uint8Array; provider: string }> {
  const g = c.volume.geometry;
  const plane = slicePlaneFor(g, c.plane);
  let provider = '';
  let steps = 0;
  const r = await localCorrection({
    volume: c.volume,
    plane: c.plane,
    current: c.current,
    click: c.click,
    earlier: c.earlier?.points ?? [],
    runSlice: async (slice, points, mask) => {
      if (!mask && !points.some((p) => p.positive)) return null;
      const res = await c.segmenter.segment(
        c.volume,
        { modelId: c.modelId, plane: c.plane, points: points.map((p) => ({ ijk: p.ijk, positive: p.positive })), ...(mask ? { mask: { slice, mask } } : {}), label: c.label, maxSlices: 1 },
        { key: c.key, ...(c.signal ? { signal: c.signal } : {}) },
      );
      provider = res.provider;
      c.onProgress?.({ steps: ++steps, slice, direction: 0 });
      // The delta's voxels (one slice) straight into the slice mask: no full-volume mask per step.
      const { width, height } = planeSize(g, plane);
      const bits = new Uint8Array(width * height);
      const [ni, nj] = c.dims;
      forEachDeltaVoxel(res.delta, (q) => {
        const [u, v] = ijkToPlane(plane, [q % ni, Math.floor(q / ni) % nj, Math.floor(q / (ni * nj))]);
        bits[u + width * v] = 1;
      });
      return { width, height, bits };
    },
  });
  return { mask: limitReach(c.current, r.mask, c.dims, g.spacingMm, c.click).mask, provider };
}

export async function correctIn3d(c: Correction, localCorrections: boolean): Promise<{ mask: Uint8Array; provider: string }> {
  const { current, click, label } = c;
  const others = [...(c.earlier?.points ?? [])];
  const box = c.earlier?.box;
  if (box) others.push({ ijk: [0, 1, 2].map((a) => ((box.a[a] as number) + (box.b[a] as number)) / 2) as Vec3, positive: true });
  const all = [...(c.earlier?.points ?? []), click];
  const classical = c.modelId === CLASSICAL_MODEL_ID;
  let proposed: Uint8Array;
  let provider = 'none (classical)';
  if (classical && !click.positive) {
    // Region growing has no prior: its proposal is the segment cut by the negative clicks.
    const positives = [...others.filter((p) => p.positive).map((p) => p.ijk)];
    proposed = maskFromDelta(applyNegativeClicks(deltaFromMask(current, c.dims, label), c.volume.geometry, positives, all.filter((p) => !p.positive).map((p) => p.ijk)));
  } else {
    const res = await c.segmenter.segment(
      c.volume,
      {
        modelId: c.modelId,
        plane: c.plane,
        // Region growing grows from one seed: the new click's, within the negatives.
        points: (classical ? [click, ...all.filter((p) => !p.positive)] : all).map((p) => ({ ijk: p.ijk, positive: p.positive })),
        ...(box && !classical ? { box: { a: { ijk: box.a }, b: { ijk: box.b } } } : {}),
        prior: current,
        label,
      },
      { key: c.key, ...(c.signal ? { signal: c.signal } : {}) },
    );
    proposed = maskFromDelta(res.delta);
    provider = res.provider;
  }
  const sp = c.volume.geometry.spacingMm;
  if (!localCorrections) return { mask: proposed, provider };
  let merged = mergeCorrection3d({ current, proposed, dims: c.dims, spacingMm: sp, click, others });
  // (A positive click on a voxel the segment already holds has nothing to add either way.)
  if (click.positive && merged.added === 0 && !classical && !current[clickIndex(click.ijk, c.dims)]) {
    // The model's proposal (prior + clicks) left the clicked voxel out: the reader said "this is lesion" and would
    // otherwise see nothing happen (50 of 72 positive corrections on the tuning sets, issue 14). Segment the clicked
    // object as a first click would (the pack's whole first-click path, fused with the classical region), and take
    // the part of it that the click touches, as for any positive correction.
    const fresh = await c.segmenter.segment(
      c.volume,
      { modelId: c.modelId, plane: c.plane, points: [{ ijk: click.ijk, positive: true }], label },
      { key: c.key, ...(c.signal ? { signal: c.signal } : {}) },
    );
    merged = mergeCorrection3d({ current, proposed: maskFromDelta(fresh.delta), dims: c.dims, spacingMm: sp, click, others });
  }
  return { mask: limitReach(current, merged.mask, c.dims, sp, click).mask, provider };
}
