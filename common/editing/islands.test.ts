import { describe, it, expect } from 'vitest';
import { VoxaError } from '../contract/errors';
import type { Mat3, Vec3, VolumeGeometry } from '../volume';
import { applyEdit } from '../labelmap/editDelta';
import { removeIslands, type IslandOptions } from './islands';

const I3: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
const geom = (dimensions: Vec3): VolumeGeometry => ({ dimensions, spacingMm: [1, 1, 1], originLps: [0, 0, 0], direction: I3 });

// 7×3×2: blob A (5 voxels), blob B (4 voxels, touching A only by the edge
// (1,1,0)–(2,2,0)), C (1 voxel, two voxels from B), and a voxel of label 2.
//   k=0: 1100000   k=1: 1000000
//        1100100        0000000
//        0011102        0000001
const rows = ['1100000', '1100100', '0011102', '1000000', '0000000', '0000001'];
const base = () => {
  const l = new Uint8Array(42);
  rows.forEach((row, r) => [...row].forEach((c, i) => (l[i + 7 * r] = Number(c))));
  return l;
};
function keep(o: IslandOptions, locked: number[] = []): string {
  const labels = base();
  const d = removeIslands({ labels, geometry: geom([7, 3, 2]), locked }, o);
  applyEdit(labels, d);
  const out: string[] = [];
  for (let r = 0; r < 6; r++) out.push(Array.from(labels.slice(7 * r, 7 * r + 7)).join(''));
  return out.join(' ');
}

describe('island removal', () => {
  it('6-connected: keeps the largest island (A, 5 voxels)', () => {
    expect(keep({ label: 1, keep: { kind: 'largest' }, connectivity: 6 })).toBe('1100000 1100000 0000002 1000000 0000000 0000000');
  });
  it('18- and 26-connected: A and B merge through the shared edge (9 voxels); C goes', () => {
    expect(keep({ label: 1, keep: { kind: 'largest' }, connectivity: 26 })).toBe('1100000 1100100 0011102 1000000 0000000 0000000');
    expect(keep({ label: 1, keep: { kind: 'largest' }, connectivity: 18 })).toBe('1100000 1100100 0011102 1000000 0000000 0000000');
  });
  it('keeps the clicked island, or every island of at least N voxels', () => {
    expect(keep({ label: 1, keep: { kind: 'clicked', seed: [4, 1, 0] }, connectivity: 6 })).toBe('0000000 0000100 0011102 0000000 0000000 0000000');
    expect(keep({ label: 1, keep: { kind: 'minSize', minVoxels: 4 }, connectivity: 6 })).toBe('1100000 1100100 0011102 1000000 0000000 0000000');
    expect(keep({ label: 1, keep: { kind: 'minSize', minVoxels: 5 }, connectivity: 6 })).toBe('1100000 1100000 0000002 1000000 0000000 0000000');
    expect(keep({ label: 1, keep: { kind: 'clicked', seed: [6, 2, 1] }, connectivity: 6 })).toBe('0000000 0000000 0000002 0000000 0000000 0000001');
  });
  it('a locked segment keeps its islands; clicking outside the segment is a VoxaError', () => {
    expect(keep({ label: 1, keep: { kind: 'largest' } }, [1])).toBe(rows.join(' '));
    expect(() => keep({ label: 1, keep: { kind: 'clicked', seed: [6, 0, 0] } })).toThrow(VoxaError);
    expect(() => keep({ label: 1, keep: { kind: 'largest' }, connectivity: 4 })).toThrow(VoxaError);
  });
});
