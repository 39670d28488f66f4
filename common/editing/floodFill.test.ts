import { describe, it, expect } from 'vitest';
import { VoxaError } from '../contract/errors';
import type { Mat3, Vec3, VolumeGeometry } from '../volume';
import { applyEdit } from '../labelmap/editDelta';
import { fillHoles, floodFill } from './floodFill';

const I3: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
const geom = (dimensions: Vec3, spacingMm: Vec3 = [1, 1, 1]): VolumeGeometry => ({ dimensions, spacingMm, originLps: [0, 0, 0], direction: I3 });
/** Parses rows of digits (one string per row, slices separated by '|'). */
function grid(text: string): { labels: Uint8Array; dims: Vec3 } {
  const slices = text.split('|').map((s) => s.trim().split(/\s+/));
  const nj = slices[0]!.length;
  const ni = slices[0]![0]!.length;
  const labels = new Uint8Array(ni * nj * slices.length);
  slices.forEach((rows, k) => rows.forEach((row, j) => [...row].forEach((c, i) => (labels[i + ni * (j + nj * k)] = Number(c)))));
  return { labels, dims: [ni, nj, slices.length] };
}
function show(labels: Uint8Array, dims: Vec3): string {
  const out: string[] = [];
  for (let k = 0; k < dims[2]; k++) {
    const rows: string[] = [];
    for (let j = 0; j < dims[1]; j++) rows.push(Array.from(labels.slice(dims[0] * (j + dims[1] * k), dims[0] * (j + 1 + dims[1] * k))).join(''));
    out.push(rows.join(' '));
  }
  return out.join(' | ');
}
function run(text: string, op: (t: { labels: Uint8Array; geometry: VolumeGeometry; locked?: number[] }) => ReturnType<typeof floodFill>, locked: number[] = []): string {
  const { labels, dims } = grid(text);
  const orig = labels.slice();
  const d = op({ labels, geometry: geom(dims), locked });
  expect(labels).toEqual(orig);
  applyEdit(labels, d);
  return show(labels, dims);
}

describe('flood fill', () => {
  const ring = '00000 01110 01010 01100 00000';
  it('2D, 4-connected: fills the enclosed background only', () => {
    expect(run(ring, (t) => floodFill(t, { seed: [2, 2, 0], label: 2, dimensionality: '2d', planeAxis: 2, connectivity: 4 }))).toBe('00000 01110 01210 01100 00000');
  });
  it('2D, 8-connected: leaks through the diagonal gap into the outside', () => {
    expect(run(ring, (t) => floodFill(t, { seed: [2, 2, 0], label: 2, dimensionality: '2d', planeAxis: 2, connectivity: 8 }))).toBe('22222 21112 21212 21122 22222');
  });
  it('2D stays in the seed slice; 3D with 6 vs 26 connectivity', () => {
    const vol = '100 000 000 | 000 010 000 | 000 000 001';
    expect(run(vol, (t) => floodFill(t, { seed: [1, 1, 1], label: 3, dimensionality: '2d', planeAxis: 2 }))).toBe('100 000 000 | 000 030 000 | 000 000 001');
    expect(run(vol, (t) => floodFill(t, { seed: [1, 1, 1], label: 3, dimensionality: '3d', connectivity: 6 }))).toBe('100 000 000 | 000 030 000 | 000 000 001');
    expect(run(vol, (t) => floodFill(t, { seed: [1, 1, 1], label: 3, dimensionality: '3d', connectivity: 18 }))).toBe('100 000 000 | 000 030 000 | 000 000 001');
    expect(run(vol, (t) => floodFill(t, { seed: [1, 1, 1], label: 3, dimensionality: '3d', connectivity: 26 }))).toBe('300 000 000 | 000 030 000 | 000 000 003');
    // 2D fill along another plane axis (slice i = 0 of a 3×3×3 grid).
    expect(run(vol, (t) => floodFill(t, { seed: [0, 1, 0], label: 4, dimensionality: '2d', planeAxis: 0 }))).toBe('100 400 400 | 400 410 400 | 400 400 401');
  });
  it('intensity-limited fill stops at voxels outside the HU range', () => {
    const { labels, dims } = grid('00000');
    const image = Float32Array.of(10, 50, 55, 300, 52);
    const d = floodFill({ labels, geometry: geom(dims) }, { seed: [1, 0, 0], label: 1, dimensionality: '3d', intensity: { image, range: [40, 60] } });
    applyEdit(labels, d);
    expect(Array.from(labels)).toEqual([0, 1, 1, 0, 0]);
  });
  it('locked: filling from a locked label or into a locked label changes nothing', () => {
    expect(run(ring, (t) => floodFill(t, { seed: [1, 1, 0], label: 2, dimensionality: '2d' }), [1])).toBe('00000 01110 01010 01100 00000');
    expect(run(ring, (t) => floodFill(t, { seed: [2, 2, 0], label: 2, dimensionality: '2d' }), [2])).toBe('00000 01110 01010 01100 00000');
  });
  it('bad input is a VoxaError', () => {
    const { labels, dims } = grid(ring);
    expect(() => floodFill({ labels, geometry: geom(dims) }, { seed: [9, 0, 0], label: 1, dimensionality: '2d' })).toThrow(VoxaError);
    expect(() => floodFill({ labels, geometry: geom(dims) }, { seed: [0, 0, 0], label: 1, dimensionality: '2d', connectivity: 6 })).toThrow(VoxaError);
    expect(() => floodFill({ labels, geometry: geom(dims) }, { seed: [0, 0, 0], label: 1, dimensionality: '3d', connectivity: 8 })).toThrow(VoxaError);
  });
});

/** Reference holes: flood the non-label voxels from the grid (or slice) border; what is not reached is a hole. */
function referenceFillHoles(labels: Uint8Array, dims: Vec3, label: number, planeAxis?: 0 | 1 | 2): Uint8Array {
  const out = labels.slice();
  const [ni, nj, nk] = dims;
  const reached = new Uint8Array(labels.length);
  const idx = (i: number, j: number, k: number) => i + ni * (j + nj * k);
  const queue: Vec3[] = [];
  for (let k = 0; k < nk; k++)
    for (let j = 0; j < nj; j++)
      for (let i = 0; i < ni; i++) {
        const c = [i, j, k];
        const border = [0, 1, 2].some((a) => a !== planeAxis && (c[a] === 0 || c[a] === dims[a as 0] - 1));
        if (border && labels[idx(i, j, k)] !== label) {
          reached[idx(i, j, k)] = 1;
          queue.push([i, j, k]);
        }
      }
  while (queue.length) {
    const [i, j, k] = queue.pop()!;
    for (const [a, s] of [[0, 1], [0, -1], [1, 1], [1, -1], [2, 1], [2, -1]] as const) {
      if (a === planeAxis) continue;
      const c: Vec3 = [i, j, k];
      c[a] += s;
      if (c.some((v, b) => v < 0 || v >= dims[b as 0])) continue;
      const p = idx(...c);
      if (!reached[p] && labels[p] !== label) {
        reached[p] = 1;
        queue.push(c);
      }
    }
  }
  for (let p = 0; p < out.length; p++) if (!reached[p] && out[p] === 0) out[p] = label;
  return out;
}

describe('hole filling', () => {
  it('fills an enclosed hole, leaves another segment inside it and an open notch alone (hand)', () => {
    expect(run('0000000 0111110 0100010 0102010 0111110 0000000', (t) => fillHoles(t, { label: 1, dimensionality: '2d' }))).toBe('0000000 0111110 0111110 0112110 0111110 0000000');
    expect(run('11111 10001 10001 11101', (t) => fillHoles(t, { label: 1, dimensionality: '2d' }))).toBe('11111 10001 10001 11101');
  });
  it('a tube open at both ends has holes slice by slice but none in 3D; a closed shell has one in 3D', () => {
    const tube = '111 101 111 | 111 101 111 | 111 101 111';
    expect(run(tube, (t) => fillHoles(t, { label: 1, dimensionality: '3d' }))).toBe(tube);
    expect(run(tube, (t) => fillHoles(t, { label: 1, dimensionality: '2d', planeAxis: 2 }))).toBe('111 111 111 | 111 111 111 | 111 111 111');
    expect(run(tube, (t) => fillHoles(t, { label: 1, dimensionality: '2d', planeAxis: 0 }))).toBe(tube);
    const shell = '00000 00000 00000 00000 00000 | 00000 01110 01110 01110 00000 | 00000 01110 01010 01110 00000 | 00000 01110 01110 01110 00000 | 00000 00000 00000 00000 00000';
    expect(run(shell, (t) => fillHoles(t, { label: 1, dimensionality: '3d' }))).toBe(shell.replace('01010', '01110'));
  });
  it('matches a border-flood reference on random volumes (3D and each slice axis), with locks', () => {
    let seed = 11;
    const r = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let trial = 0; trial < 60; trial++) {
      const dims: Vec3 = [3 + Math.floor(r() * 6), 3 + Math.floor(r() * 6), 1 + Math.floor(r() * 5)];
      const labels = new Uint8Array(dims[0] * dims[1] * dims[2]).map(() => (r() < 0.6 ? 1 : r() < 0.8 ? 0 : 2));
      for (const planeAxis of [undefined, 0, 1, 2] as const) {
        const d = fillHoles({ labels, geometry: geom(dims) }, planeAxis === undefined ? { label: 1, dimensionality: '3d' } : { label: 1, dimensionality: '2d', planeAxis });
        const out = labels.slice();
        applyEdit(out, d);
        expect(out).toEqual(referenceFillHoles(labels, dims, 1, planeAxis));
        const locked = fillHoles({ labels, geometry: geom(dims), locked: [1] }, { label: 1, dimensionality: '3d' });
        expect(locked.changed).toBe(0);
      }
    }
  });
});
