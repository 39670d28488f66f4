import { describe, it, expect } from 'vitest';
import { VoxaError } from '../contract/errors';
import { ijkToLps } from '../geometry/affine';
import type { Mat3, Vec3, VolumeGeometry } from '../volume';
import { applyEdit } from '../labelmap/editDelta';
import { prepareTarget } from './editTarget';
import { kernelOffsets, smoothSegment, type SmoothOptions } from './smooth';

const I3: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
const geom = (dimensions: Vec3, spacingMm: Vec3 = [1, 1, 1]): VolumeGeometry => ({ dimensions, spacingMm, originLps: [3, 4, 5], direction: I3 });

function run(rows: string, o: SmoothOptions, locked: number[] = []): string {
  const r = rows.split(' ');
  const d: Vec3 = [r[0]!.length, r.length, 1];
  const l = new Uint8Array(d[0] * d[1]);
  r.forEach((row, j) => [...row].forEach((c, i) => (l[i + d[0] * j] = Number(c))));
  applyEdit(l, smoothSegment({ labels: l.slice(), geometry: geom(d), locked }, o));
  return Array.from({ length: d[1] }, (_, j) => Array.from(l.slice(d[0] * j, d[0] * (j + 1))).join('')).join(' ');
}

/** Reference morphology over the whole grid, the kernel taken from LPS distances (neighbours beyond the grid ignored). */
function reference(labels: Uint8Array, g: VolumeGeometry, label: number, method: SmoothOptions['method'], r: number, planeAxis?: 0 | 1 | 2): Uint8Array {
  const d = g.dimensions;
  const kernel: Vec3[] = [];
  const o = ijkToLps(g, [0, 0, 0]);
  for (let dk = -6; dk <= 6; dk++)
    for (let dj = -6; dj <= 6; dj++)
      for (let di = -6; di <= 6; di++) {
        if (planeAxis !== undefined && [di, dj, dk][planeAxis] !== 0) continue;
        const p = ijkToLps(g, [di, dj, dk]);
        if (Math.hypot(p[0] - o[0], p[1] - o[1], p[2] - o[2]) <= r + 1e-9) kernel.push([di, dj, dk]);
      }
  // Pad the grid with background (margin beyond any kernel reach) for open/close; the median ignores beyond-grid neighbours.
  const M = 11;
  const P: Vec3 = [d[0] + 2 * M, d[1] + 2 * M, d[2] + 2 * M];
  const pn = P[0] * P[1] * P[2];
  const m = new Uint8Array(pn);
  const inGrid = (x: number, y: number, z: number) => x >= M && y >= M && z >= M && x < M + d[0] && y < M + d[1] && z < M + d[2];
  for (let k = 0; k < d[2]; k++) for (let j = 0; j < d[1]; j++) for (let i = 0; i < d[0]; i++) m[i + M + P[0] * (j + M + P[1] * (k + M))] = labels[i + d[0] * (j + d[1] * k)] === label ? 1 : 0;
  const op = (src: Uint8Array, kind: 'erode' | 'dilate' | 'median') => {
    const out = new Uint8Array(pn);
    for (let k = 0; k < P[2]; k++)
      for (let j = 0; j < P[1]; j++)
        for (let i = 0; i < P[0]; i++) {
          const vals: number[] = [];
          for (const [a, b, c] of kernel) {
            const [x, y, z] = [i + a, j + b, k + c];
            if (x < 0 || y < 0 || z < 0 || x >= P[0] || y >= P[1] || z >= P[2]) continue;
            if (kind === 'median' && !inGrid(x, y, z)) continue;
            vals.push(src[x + P[0] * (y + P[1] * z)]!);
          }
          const on = vals.filter((v) => v).length;
          out[i + P[0] * (j + P[1] * k)] = kind === 'erode' ? (on === vals.length ? 1 : 0) : kind === 'dilate' ? (on > 0 ? 1 : 0) : 2 * on > vals.length ? 1 : 0;
        }
    return out;
  };
  const res = method === 'open' ? op(op(m, 'erode'), 'dilate') : method === 'close' ? op(op(m, 'dilate'), 'erode') : op(m, 'median');
  const out = labels.slice();
  for (let k = 0; k < d[2]; k++)
    for (let j = 0; j < d[1]; j++)
      for (let i = 0; i < d[0]; i++) {
        const p = i + d[0] * (j + d[1] * k);
        const on = res[i + M + P[0] * (j + M + P[1] * (k + M))];
        if (on && out[p] === 0) out[p] = label;
        else if (!on && out[p] === label) out[p] = 0;
      }
  return out;
}

describe('smoothing kernels in mm', () => {
  it('r = 1 mm: 5 offsets in-plane (cross); with 1×2 mm pixels r = 1.5 mm keeps only the i neighbours', () => {
    const t = prepareTarget({ labels: new Uint8Array(1), geometry: geom([1, 1, 1]) });
    expect(kernelOffsets(t.gram, 1, 2)).toHaveLength(5);
    expect(kernelOffsets(t.gram, 1)).toHaveLength(7);
    const a = prepareTarget({ labels: new Uint8Array(1), geometry: geom([1, 1, 1], [1, 2, 1]) });
    expect(kernelOffsets(a.gram, 1.5, 2)).toEqual([[-1, 0, 0], [0, 0, 0], [1, 0, 0]]);
    const b = prepareTarget({ labels: new Uint8Array(1), geometry: geom([1, 1, 1], [1, 1, 3]) });
    expect(kernelOffsets(b.gram, 1)).toHaveLength(5);
  });
});

describe('open, close, median (hand)', () => {
  it('opening with a 1 mm cross cuts a two-voxel spur back and rounds the corners of a square', () => {
    expect(run('0000000 0011100 0011111 0011100 0000000', { label: 1, method: 'open', radiusMm: 1, dimensionality: '2d' })).toBe('0000000 0001100 0011110 0001100 0000000');
    // Beyond the edge is background: a block in the corner is opened as it would be anywhere.
    expect(run('1110000 1110000 1110000 1110000 0000000', { label: 1, method: 'open', radiusMm: 1, dimensionality: '2d' })).toBe('0100000 1110000 1110000 0100000 0000000');
  });
  it('closing fills a one-voxel notch; the median removes an isolated voxel and fills a pinhole', () => {
    expect(run('0000000 0111110 0111110 0110110 0111110 0000000', { label: 1, method: 'close', radiusMm: 1, dimensionality: '2d' })).toBe('0000000 0111110 0111110 0111110 0111110 0000000');
    expect(run('1000000 0000000 0011100 0010100 0011100 0000000', { label: 1, method: 'median', radiusMm: 1.5, dimensionality: '2d' })).toBe('0000000 0000000 0001000 0011100 0001000 0000000');
  });
  it('never grows over another segment and never touches a locked one', () => {
    expect(run('0000000 0111110 0111110 0112110 0111110 0000000', { label: 1, method: 'close', radiusMm: 1, dimensionality: '2d' })).toBe('0000000 0111110 0111110 0112110 0111110 0000000');
    expect(run('0000000 0000000 0011100 0011110 0011100 0000000', { label: 1, method: 'open', radiusMm: 1, dimensionality: '2d' }, [1])).toBe('0000000 0000000 0011100 0011110 0011100 0000000');
  });
});

describe('against the whole-grid reference', () => {
  it('random 3D masks, anisotropic spacing, 2D and 3D kernels, all three methods', () => {
    let s = 99;
    const r = () => ((s = (s * 48271) % 2147483647) / 2147483647);
    for (let t = 0; t < 16; t++) {
      const d: Vec3 = [4 + Math.floor(r() * 6), 4 + Math.floor(r() * 6), 2 + Math.floor(r() * 4)];
      const sp: Vec3 = [0.6 + r() * 1.5, 0.6 + r() * 1.5, 0.8 + r() * 2.5];
      const g = geom(d, sp);
      const l = new Uint8Array(d[0] * d[1] * d[2]).map(() => (r() < 0.45 ? 1 : r() < 0.1 ? 2 : 0));
      const radius = 0.5 + r() * 2.5;
      for (const method of ['open', 'close', 'median'] as const)
        for (const planeAxis of [undefined, 2] as const) {
          const out = l.slice();
          applyEdit(out, smoothSegment({ labels: l, geometry: g }, { label: 1, method, radiusMm: radius, dimensionality: planeAxis === undefined ? '3d' : '2d', planeAxis: planeAxis ?? 2 }));
          expect(out).toEqual(reference(l, g, 1, method, radius, planeAxis));
        }
    }
  });
  it('bad input is a VoxaError', () => {
    const l = new Uint8Array(8);
    expect(() => smoothSegment({ labels: l, geometry: geom([2, 2, 2]) }, { label: 1, method: 'open', radiusMm: -1, dimensionality: '3d' })).toThrow(VoxaError);
    expect(() => smoothSegment({ labels: l, geometry: geom([2, 2, 2]) }, { label: 0, method: 'open', radiusMm: 1, dimensionality: '3d' })).toThrow(VoxaError);
  });
});
