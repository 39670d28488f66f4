import { describe, expect, it } from 'vitest';
import { ijkToLps } from '../geometry/affine';
import type { Mat3, VolumeGeometry } from '../volume';
import { lpsReorientation, reorientArray, resampleToGrid, targetGridForSpacing, undoReorient } from './resample';

const ras: VolumeGeometry = { dimensions: [5, 4, 3], spacingMm: [1, 2, 3], originLps: [10, -20, 5], direction: [0, -1, 0, -1, 0, 0, 0, 0, 1] as Mat3 };

describe('reorientation', () => {
  it('brings a permuted, flipped grid to LPS and keeps every voxel at its patient position', () => {
    const r = lpsReorientation(ras);
    expect(r.target.direction.map((v) => v + 0)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(r.target.dimensions).toEqual([4, 5, 3]);
    expect(r.target.spacingMm).toEqual([2, 1, 3]);
    const n = 60;
    const src = Int16Array.from({ length: n }, (_, q) => q);
    const out = reorientArray(src, r, (m) => new Int16Array(m));
    // Voxel q of the source sits at the same LPS point as its copy in the target.
    for (let t = 0; t < n; t++) {
      const ti = t % 4;
      const tj = Math.floor(t / 4) % 5;
      const tk = Math.floor(t / 20);
      const q = out[t]!;
      const si = q % 5;
      const sj = Math.floor(q / 5) % 4;
      const sk = Math.floor(q / 20);
      const a = ijkToLps(r.target, [ti, tj, tk]);
      const b = ijkToLps(ras, [si, sj, sk]);
      for (let c = 0; c < 3; c++) expect(a[c]).toBeCloseTo(b[c]!, 9);
    }
    expect(Array.from(undoReorient(out, r, (m) => new Int16Array(m)))).toEqual(Array.from(src));
  });
});

describe('resampling', () => {
  const g: VolumeGeometry = { dimensions: [12, 10, 8], spacingMm: [1.5, 1.5, 2.5], originLps: [-3, 4, 7], direction: [1, 0, 0, 0, 0.8, 0.6, 0, -0.6, 0.8] as Mat3 };
  const [ni, nj, nk] = g.dimensions;
  const field = (f: (x: number, y: number, z: number) => number) => {
    const v = new Float32Array(ni * nj * nk);
    for (let k = 0; k < nk; k++) for (let j = 0; j < nj; j++) for (let i = 0; i < ni; i++) v[i + ni * (j + nj * k)] = f(...ijkToLps(g, [i, j, k]));
    return v;
  };

  it('is exact on a linear field, to a finer spacing and back', () => {
    const lin = field((x, y, z) => 2 * x - y + 0.5 * z + 7);
    const fine = targetGridForSpacing(g, [0.5, 0.75, 1.25]);
    expect(fine.dimensions).toEqual([34, 19, 15]);
    const up = resampleToGrid(lin, g, fine);
    const p = ijkToLps(fine, [13, 7, 5]);
    expect(up[13 + 34 * (7 + 19 * 5)]).toBeCloseTo(2 * p[0] - p[1] + 0.5 * p[2] + 7, 3);
    const back = resampleToGrid(up, fine, g);
    for (let n = 0; n < lin.length; n++) expect(back[n]).toBeCloseTo(lin[n]!, 3);
  });

  it('round-trips a smooth field through a coarser grid within tolerance', () => {
    const smooth = field((x, y, z) => 100 * Math.exp(-((x - 5) ** 2 + (y - 8) ** 2 + (z - 10) ** 2) / 400));
    const coarse = targetGridForSpacing(g, [2, 2, 3]);
    const back = resampleToGrid(resampleToGrid(smooth, g, coarse), coarse, g);
    let worst = 0;
    // Interior voxels (the coarse grid covers slightly less than the source extent).
    for (let k = 0; k < nk - 1; k++) for (let j = 0; j < nj - 1; j++) for (let i = 0; i < ni - 1; i++) {
      const n = i + ni * (j + nj * k);
      worst = Math.max(worst, Math.abs(back[n]! - smooth[n]!));
    }
    expect(worst).toBeLessThan(1.5);
  });

  it('fills points outside the source with the given value', () => {
    const ones = new Float32Array(ni * nj * nk).fill(1);
    const shifted: VolumeGeometry = { ...g, originLps: [1000, 0, 0] };
    expect(resampleToGrid(ones, g, shifted, -1024).every((v) => v === -1024)).toBe(true);
  });
});
