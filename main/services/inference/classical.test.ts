import { describe, expect, it } from 'vitest';
import { lpsToIjk } from '../../../common/geometry/affine';
import { diceBy } from '../../../common/segmentation/dice';
import { maskFromDelta } from '../../../common/labelmap/labelmapDelta';
import { generatePhantomStudy } from '../phantom/phantomStudy';
import { generateTorsoPhantom } from '../phantom/torsoPhantom';
import { classicalSegment } from './classical';

/** Dice of the mask (any non-zero voxel) against `label` in the reference. */
const dice = (a: Uint8Array, ref: Uint8Array, label: number): number => diceBy(a.length, (q) => a[q] !== 0, (q) => ref[q] === label);

describe('classical fallback (confidence-connected region growing)', () => {
  const phantom = generateTorsoPhantom();

  for (const [n, lesion] of phantom.lesions.entries()) {
    const diameter = 2 * Math.min(...lesion.radiiMm);
    it(`Dice ≥ 0.90 from a centre click on ${lesion.name} (${diameter} mm, ${lesion.hu} HU in ${lesion.organ})`, () => {
      expect(diameter).toBeGreaterThanOrEqual(10);
      const ijk = lpsToIjk(phantom.volume.geometry, lesion.centreLps);
      const r = classicalSegment(phantom.volume, { points: [{ ijk, positive: true }] });
      const d = dice(maskFromDelta(r.delta), phantom.labels, n + 1);
      expect(d).toBeGreaterThanOrEqual(0.9);
    });
  }

  // The `voxa phantom` studies: random lesions (hypo- and hyperdense, lung and liver), axis-aligned and oblique grids.
  for (const seed of [1, 2, 3]) {
    for (const oblique of [false, true]) {
      it(`Dice ≥ 0.90 on every lesion ≥ 10 mm of phantom study seed ${seed}${oblique ? ', oblique' : ''}`, () => {
        const { phantom: p } = generatePhantomStudy({ seed, oblique });
        const scored = p.lesions
          .map((l, n) => ({ l, n }))
          .filter(({ l }) => 2 * Math.min(...l.radiiMm) >= 10)
          .map(({ l, n }) => {
            const r = classicalSegment(p.volume, { points: [{ ijk: lpsToIjk(p.volume.geometry, l.centreLps), positive: true }] });
            return { name: l.name, dice: dice(maskFromDelta(r.delta), p.labels, n + 1) };
          });
        expect(scored.length).toBeGreaterThan(0);
        for (const s of scored) expect(s.dice, s.name).toBeGreaterThanOrEqual(0.9);
      });
    }
  }

  it('stays inside the max radius and the box, and returns nothing outside the seed component', () => {
    const lesion = phantom.lesions[1]!;
    const g = phantom.volume.geometry;
    const c = lpsToIjk(g, lesion.centreLps);
    const r = classicalSegment(phantom.volume, { points: [{ ijk: c, positive: true }] }, { maxRadiusMm: 6 });
    // Every voxel within 6 mm of the (rounded) seed.
    const s = c.map(Math.round);
    const m = maskFromDelta(r.delta);
    const [ni, nj] = g.dimensions;
    let far = 0;
    for (let q = 0; q < m.length; q++) {
      if (!m[q]) continue;
      const i = q % ni;
      const j = Math.floor(q / ni) % nj;
      const k = Math.floor(q / (ni * nj));
      if (((i - s[0]!) * 2) ** 2 + ((j - s[1]!) * 2) ** 2 + ((k - s[2]!) * 2.5) ** 2 > 36 + 1e-9) far++;
    }
    expect(r.delta.voxelCount).toBeGreaterThan(0);
    expect(far).toBe(0);
    const boxed = classicalSegment(phantom.volume, { points: [{ ijk: c, positive: true }], box: { a: [c[0] - 3, c[1] - 3, c[2]], b: [c[0] + 3, c[1] + 3, c[2]] } });
    expect(boxed.delta.box.max[0] - boxed.delta.box.min[0]).toBeLessThanOrEqual(7);
    expect(boxed.delta.box.max[2] - boxed.delta.box.min[2]).toBeGreaterThan(4);
  });

  it('refuses a click outside the image', () => {
    expect(() => classicalSegment(phantom.volume, { points: [{ ijk: [-5, 0, 0], positive: true }] })).toThrow(/outside the image/);
  });
});
