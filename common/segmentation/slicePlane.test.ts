import { describe, expect, it } from 'vitest';
import { ijkToLps } from '../geometry/affine';
import type { Mat3, VolumeGeometry } from '../volume';
import { cropLogitsToSlice, cropToGrid, gridToCrop, planeToIjk, sampleCrop, sliceMaskExtent, sliceMaskToCrop, slicePlaneFor, type Crop } from './slicePlane';

const lps: VolumeGeometry = { dimensions: [40, 30, 20], spacingMm: [0.8, 0.8, 2], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
// A RAS-stored grid (i → −L, j → −P) with the slice axis first: k-major stacks (e.g. sagittal acquisitions).
const odd: VolumeGeometry = { dimensions: [20, 40, 30], spacingMm: [2, 0.8, 0.7], originLps: [10, 20, 30], direction: [0, 0, 1, -1, 0, 0, 0, -1, 0] as Mat3 };

describe('slice planes', () => {
  it('picks grid axes that show each plane in radiological orientation', () => {
    expect(slicePlaneFor(lps, 'axial')).toEqual({ name: 'axial', normalAxis: 2, colAxis: 0, rowAxis: 1, colSign: 1, rowSign: 1 });
    expect(slicePlaneFor(lps, 'coronal')).toMatchObject({ normalAxis: 1, colAxis: 0, rowAxis: 2, colSign: 1, rowSign: -1 });
    expect(slicePlaneFor(lps, 'sagittal')).toMatchObject({ normalAxis: 0, colAxis: 1, rowAxis: 2, colSign: 1, rowSign: -1 });
    expect(slicePlaneFor(odd, 'axial')).toEqual({ name: 'axial', normalAxis: 0, colAxis: 1, rowAxis: 2, colSign: -1, rowSign: -1 });
  });

  it('moves along +L across crop columns and +P down crop rows, in mm, on a flipped grid', () => {
    const plane = slicePlaneFor(odd, 'axial');
    const crop: Crop = { plane, slice: 5, centreU: 20, centreV: 15, fovMm: 64, sizePx: 32 };
    const at = (x: number, y: number) => ijkToLps(odd, planeToIjk(plane, ...cropToGrid(odd, crop, x, y), crop.slice));
    const a = at(10, 10);
    const b = at(11, 10);
    const c = at(10, 12);
    // One crop pixel = 64/32 = 2 mm.
    expect(b[0] - a[0]).toBeCloseTo(2, 10);
    expect(b[1] - a[1]).toBeCloseTo(0, 10);
    expect(c[1] - a[1]).toBeCloseTo(4, 10);
    expect(c[2] - a[2]).toBeCloseTo(0, 10);
  });

  it('gridToCrop inverts cropToGrid exactly', () => {
    const plane = slicePlaneFor(odd, 'coronal');
    const crop: Crop = { plane, slice: 3, centreU: 7.25, centreV: 11.5, fovMm: 37, sizePx: 64 };
    for (const [x, y] of [[0, 0], [3.3, 60.1], [64, 64], [-5, 17]] as const) {
      const [u, v] = cropToGrid(odd, crop, x, y);
      const [x2, y2] = gridToCrop(odd, crop, u, v);
      expect(x2).toBeCloseTo(x, 10);
      expect(y2).toBeCloseTo(y, 10);
    }
  });

  it('samples a linear image exactly (bilinear is exact on linear functions)', () => {
    const g = lps;
    const [ni, nj, nk] = g.dimensions;
    const vox = new Float32Array(ni * nj * nk);
    for (let k = 0; k < nk; k++) for (let j = 0; j < nj; j++) for (let i = 0; i < ni; i++) vox[i + ni * (j + nj * k)] = 3 * i - 2 * j + 100 * k;
    const crop: Crop = { plane: slicePlaneFor(g, 'axial'), slice: 4, centreU: 20, centreV: 15, fovMm: 16, sizePx: 16 };
    const img = sampleCrop(vox, g, crop);
    for (const [x, y] of [[0, 0], [7, 9], [15, 15]] as const) {
      const [u, v] = cropToGrid(g, crop, x + 0.5, y + 0.5);
      expect(img[y * 16 + x]).toBeCloseTo(3 * u - 2 * v + 400, 3);
    }
  });

  it('maps a slice mask into the crop and back: identity at equal resolution, Dice > 0.96 at a coarser crop', () => {
    const g = lps;
    const plane = slicePlaneFor(g, 'axial');
    const { dimensions: [w, h] } = g;
    const bits = new Uint8Array(w * h);
    for (let v = 0; v < h; v++) for (let u = 0; u < w; u++) if ((u - 20.3) ** 2 + (v - 14.6) ** 2 <= 12 ** 2) bits[u + v * w] = 1;
    const mask = { width: w, height: h, bits };
    for (const [fov, size, minDice] of [[0.8 * 32, 32, 1], [0.8 * 40, 20, 0.96]] as const) {
      const crop: Crop = { plane, slice: 0, centreU: 20, centreV: 15, fovMm: fov, sizePx: size };
      const inCrop = sliceMaskToCrop(mask, g, crop, size);
      const logits = Float32Array.from(inCrop, (b) => (b ? 10 : -10));
      const back = cropLogitsToSlice(logits, g, crop, 0);
      let inter = 0;
      let a = 0;
      let b = 0;
      for (let n = 0; n < bits.length; n++) {
        a += bits[n]!;
        b += back.bits[n]!;
        inter += bits[n]! & back.bits[n]!;
      }
      expect((2 * inter) / (a + b)).toBeGreaterThanOrEqual(minDice);
    }
    const e = sliceMaskExtent(mask, g, plane);
    // u: 20.3 ± 12 → voxels 9..32, v: 14.6 ± 12 → 3..26: 24 voxels × 0.8 mm either way.
    expect(e?.extentMm).toBeCloseTo(24 * 0.8, 6);
    expect(e?.centreU).toBe(20.5);
  });

  it('leaves voxels outside the crop unset', () => {
    const crop: Crop = { plane: slicePlaneFor(lps, 'axial'), slice: 0, centreU: 5, centreV: 5, fovMm: 8, sizePx: 8 };
    const back = cropLogitsToSlice(new Float32Array(64).fill(1), lps, crop, 0);
    let count = 0;
    for (let n = 0; n < back.bits.length; n++) count += back.bits[n]!;
    // 8 mm / 0.8 mm = 10 voxels wide, centres at 0.5..9.5 → voxel indices 1..9 on each axis (centre 5 ± 5 exclusive of the far boundary).
    expect(count).toBe(10 * 10);
  });
});
