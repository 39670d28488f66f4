import { describe, expect, it } from 'vitest';
import type { VolumeGeometry } from '../../../common/volume';
import { sliceGrid } from '../geometry/mprGeometry';
import { resliceInto } from '../geometry/reslice';
import { blankUnloadedSlices, planeLoadKey } from './unloadedSlices';

// i → x, j → y, k → z, 1 mm voxels but 2 mm slices: a coronal image's row b lies at z = b mm... the grid says.
const g: VolumeGeometry = { dimensions: [4, 3, 6], spacingMm: [1, 1, 2], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
const vox = new Int16Array(4 * 3 * 6).fill(100);

describe('blanking unloaded slices', () => {
  it('a coronal image is blank exactly on the rows of missing slices (nearest), by slice position', () => {
    const grid = sliceGrid(g, 'coronal');
    const out = new Float32Array(grid.right.count * grid.up.count);
    resliceInto(g, vox, grid, 1, 'nearest', -1, out);
    const loaded = Uint8Array.from([0, 0, 1, 1, 0, 0]);
    blankUnloadedSlices(g, grid, 1, 'nearest', loaded, -1, out);
    for (let b = 0; b < grid.up.count; b++) {
      const z = grid.up.start + b * grid.up.step; // mm along +z = 2 k
      const k = Math.round(z / 2);
      const row = Array.from(out.subarray(b * grid.right.count, (b + 1) * grid.right.count));
      const want = k < 0 || k > 5 ? -1 : loaded[k] ? 100 : -1;
      expect(row.every((v) => v === want), `row ${b} (z ${z})`).toBe(true);
    }
  });

  it('linear: a pixel blending a loaded and a missing slice is blank; the axial image of a loaded slice is untouched', () => {
    const cor = sliceGrid(g, 'coronal');
    const out = new Float32Array(cor.right.count * cor.up.count).fill(7);
    blankUnloadedSlices(g, cor, 1, 'linear', Uint8Array.from([1, 1, 1, 0, 1, 1]), -1, out);
    for (let b = 0; b < cor.up.count; b++) {
      const k = (cor.up.start + b * cor.up.step) / 2;
      const blank = Math.min(5, Math.max(0, k)) > 2 && Math.min(5, Math.max(0, k)) < 4;
      expect(out[b * cor.right.count]!, `k ${k}`).toBe(blank ? -1 : 7);
    }
    const ax = sliceGrid(g, 'axial');
    const a = new Float32Array(ax.right.count * ax.up.count).fill(7);
    blankUnloadedSlices(g, ax, 4, 'nearest', Uint8Array.from([0, 0, 1, 0, 0, 0]), -1, a);
    expect(a.every((v) => v === 7)).toBe(true);
    blankUnloadedSlices(g, ax, 6, 'nearest', Uint8Array.from([0, 0, 1, 0, 0, 0]), -1, a);
    expect(a.every((v) => v === -1)).toBe(true);
  });

  it('planeLoadKey: an axial image changes only when slices under it arrive; a coronal image with every new slice', () => {
    const ax = sliceGrid(g, 'axial');
    const cor = sliceGrid(g, 'coronal');
    const loaded = Uint8Array.from([0, 0, 1, 0, 0, 0]);
    const axialAt = planeLoadKey(g, ax, 4, loaded); // z 4 mm: slice 2
    const coronal = planeLoadKey(g, cor, 1, loaded);
    loaded[5] = 1; // far from slice 2
    expect(planeLoadKey(g, ax, 4, loaded)).toBe(axialAt);
    expect(planeLoadKey(g, cor, 1, loaded)).not.toBe(coronal);
    loaded[3] = 1; // beside slice 2: a linear sample may read it
    expect(planeLoadKey(g, ax, 4, loaded)).not.toBe(axialAt);
    // Another position is another key.
    expect(planeLoadKey(g, ax, 10, loaded)).not.toBe(planeLoadKey(g, ax, 4, loaded));
  });
});
