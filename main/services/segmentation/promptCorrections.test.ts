/**
 * correctIn3d with a scripted segmenter: what a positive correction does when
 * the 3D model's proposal (prior + clicks) leaves the clicked voxel out — the
 * failure behind most no-op positive corrections on the tuning sets (issue 14).
 */
import { describe, expect, it } from 'vitest';
import { deltaFromMask } from '../../../common/labelmap/labelmapDelta';
import type { Vec3, Volume } from '../../../common/volume';
import type { SegmentationService } from '../inference/segmentService';
import { correctIn3d } from './promptCorrections';

const N: Vec3 = [40, 40, 20];
const at = (q: number): Vec3 => [q % N[0], Math.floor(q / N[0]) % N[1], Math.floor(q / (N[0] * N[1]))];
const ball = (c: Vec3, r: number) => Uint8Array.from({ length: N[0] * N[1] * N[2] }, (_, q) => (at(q).reduce((s, v, a) => s + (v - (c[a] as number)) ** 2, 0) <= r * r ? 1 : 0));
const union = (a: Uint8Array, b: Uint8Array) => a.map((v, q) => (v || b[q] ? 1 : 0));
const volume: Volume = {
  geometry: { dimensions: N, spacingMm: [1, 1, 1], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
  dtype: 'float32',
  voxels: new Float32Array(N[0] * N[1] * N[2]),
  meta: { modality: 'CT', sourceFormat: 'nifti', description: '', patientName: '', patientId: '', studyDate: '', seriesInstanceUid: '', warnings: [] },
};

/** A segmenter that answers a prompt with a prior by `withPrior` and a fresh click by `fresh`, recording each request. */
function scripted(withPrior: Uint8Array, fresh: Uint8Array) {
  const calls: { prior: boolean; points: { ijk: Vec3; positive: boolean }[] }[] = [];
  const segmenter = {
    segment: async (_v: Volume, req: { prior?: Uint8Array; points: { ijk: Vec3; positive: boolean }[] }) => {
      calls.push({ prior: !!req.prior, points: req.points });
      return { delta: deltaFromMask(req.prior ? withPrior : fresh, N, 1), provider: 'cpu' };
    },
  } as unknown as SegmentationService;
  return { segmenter, calls };
}

const main = ball([20, 20, 10], 8);
const lobe = ball([31, 20, 10], 5);
const truth = union(main, lobe);
const click = { ijk: [31, 20, 10] as Vec3, positive: true };
const correction = (segmenter: SegmentationService) =>
  correctIn3d({ volume, dims: N, key: 'v', segmenter, current: main, label: 1, modelId: 'lesion3d', plane: 'axial', click, earlier: { modelId: 'lesion3d', plane: 'axial', points: [{ ijk: [20, 20, 10], positive: true }] } }, true);

describe('a positive 3D correction the model ignores', () => {
  it('segments the clicked object afresh and adds the part of it the click touches, never removing', async () => {
    const { segmenter, calls } = scripted(main, truth); // with the prior the model changes nothing
    const { mask } = await correction(segmenter);
    expect(calls.map((c) => c.prior)).toEqual([true, false]);
    expect(calls[1]!.points).toEqual([{ ijk: click.ijk, positive: true }]);
    let added = 0;
    for (let q = 0; q < mask.length; q++) {
      if (main[q]) expect(mask[q]).toBe(1);
      if (mask[q] && !main[q]) {
        added++;
        expect(truth[q]).toBe(1);
      }
    }
    expect(mask[click.ijk[0] + N[0] * (click.ijk[1] + N[1] * click.ijk[2])]).toBe(1);
    expect(added).toBeGreaterThan(0.5 * lobe.reduce((s, v, q) => s + (v && !main[q] ? 1 : 0), 0));
  });

  it('asks nothing more when the proposal already adds the clicked part or the click is inside the segment, and changes nothing when neither answer holds the click', async () => {
    const adds = scripted(truth, main);
    const first = await correction(adds.segmenter);
    expect(adds.calls.map((c) => c.prior)).toEqual([true]);
    expect(first.mask.some((v, q) => v && !main[q])).toBe(true);
    const none = scripted(main, ball([5, 5, 5], 3));
    const { mask } = await correction(none.segmenter);
    expect(none.calls.length).toBe(2);
    expect(Array.from(mask)).toEqual(Array.from(main));
    // A positive click inside the segment: nothing to add, and no second request.
    const inside = scripted(main, truth);
    const r = await correctIn3d({ volume, dims: N, key: 'v', segmenter: inside.segmenter, current: main, label: 1, modelId: 'lesion3d', plane: 'axial', click: { ijk: [22, 20, 10], positive: true }, earlier: { modelId: 'lesion3d', plane: 'axial', points: [{ ijk: [20, 20, 10], positive: true }] } }, true);
    expect(inside.calls.length).toBe(1);
    expect(Array.from(r.mask)).toEqual(Array.from(main));
  });
});
