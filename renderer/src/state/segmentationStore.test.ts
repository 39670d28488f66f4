import { describe, expect, it } from 'vitest';
import { buildEditDelta, invertEdit, lockTable, type EditDelta } from '../../../common/labelmap/editDelta';
import type { VoxelBox } from '../../../common/labelmap/voxelBox';
import type { Vec3 } from '../../../common/volume';
import { colourTable, createSegmentationStore } from './segmentationStore';

/** The delta main would send for writing `values` over `box` of `before` (common's builder). */
const edit = (before: Uint8Array, dims: Vec3, box: VoxelBox, values: number[]): EditDelta => buildEditDelta(before, dims, box, values, lockTable());

describe('segmentation store', () => {
  it('loads a labelmap with one segment per label present, and changes voxels only through deltas', () => {
    const s = createSegmentationStore();
    const labels = new Uint8Array(24);
    labels[3] = 2;
    labels[10] = 5;
    s.getState().load('v', [2, 3, 4], labels, { 5: 'Lesion' });
    const seg = s.getState().segmentation!;
    expect(seg.segments.map((x) => [x.label, x.name])).toEqual([[2, 'Segment 2'], [5, 'Lesion']]);
    const v0 = seg.version;
    const d = edit(labels, [2, 3, 4], { min: [0, 0, 0], max: [1, 0, 0] }, [5, 5]);
    s.getState().applyEdit(d);
    expect(s.getState().segmentation!.version).toBe(v0 + 1);
    expect(s.getState().segmentation!.lastChange).toEqual({ min: [0, 0, 0], max: [1, 0, 0] });
    expect([...s.getState().segmentation!.labels!.slice(0, 4)]).toEqual([5, 5, 0, 2]);
    s.getState().applyEdit(invertEdit(d));
    expect([...s.getState().segmentation!.labels!.slice(0, 4)]).toEqual([0, 0, 0, 2]);
    expect(() => s.getState().applyEdit({ ...d, box: { min: [0, 0, 0], max: [5, 0, 0] }, runs: Uint32Array.of(6, 0, 1), changed: 6 })).toThrow(/outside/);
    expect(() => s.getState().applyEdit({ ...d, dimensions: [2, 3, 5] })).toThrow(/grid/);
    expect(() => s.getState().applyEdit({ ...d, runs: Uint32Array.of(2, 0, 300), changed: 2 })).toThrow(/0\.\.255/);
    expect(() => s.getState().load('v', [2, 2, 2], new Uint8Array(3))).toThrow(RangeError);
  });

  it('adds segments with the lowest free label, removes them with their voxels', () => {
    const s = createSegmentationStore();
    s.getState().create('v', [4, 1, 1]);
    expect(s.getState().addSegment({ name: 'Liver' }).label).toBe(1);
    expect(s.getState().addSegment().label).toBe(2);
    s.getState().applyEdit(edit(new Uint8Array(4), [4, 1, 1], { min: [0, 0, 0], max: [3, 0, 0] }, [1, 1, 2, 2]));
    s.getState().removeSegment(1);
    expect([...s.getState().segmentation!.labels!]).toEqual([0, 0, 2, 2]);
    expect(s.getState().addSegment().label).toBe(1);
    s.getState().updateSegment(2, { visible: false });
    const t = colourTable(s.getState().segmentation!.segments, 0.5);
    expect(t[2 * 4 + 3]).toBe(0); // hidden
    expect(t[1 * 4 + 3]).toBe(128);
    expect(t[0 * 4 + 3]).toBe(0); // background
  });

  it('clamps the representation opacity', () => {
    const s = createSegmentationStore();
    s.getState().setRepresentation({ opacity: 3, mode: 'outline' });
    expect(s.getState().representation).toMatchObject({ opacity: 1, mode: 'outline' });
  });

  it('an empty session holds no full-size labelmap: none until a label is written (512² × 1000 would be 262 MB of zeros)', () => {
    const s = createSegmentationStore();
    const dims: [number, number, number] = [512, 512, 1000];
    s.getState().create('v', dims);
    expect(s.getState().segmentation!.labels).toBeNull();
    s.getState().addSegment({ name: 'Lesion' });
    s.getState().removeSegment(1);
    s.getState().load('v', dims, null, {});
    expect(s.getState().segmentation).toMatchObject({ labels: null, segments: [] });
    // A delta that writes only zeros (main's copy held a label there) still allocates nothing.
    const box: VoxelBox = { min: [0, 0, 0], max: [9, 0, 0] };
    const row = (values: number[]) => Uint8Array.from(values);
    const erase = buildEditDelta(row([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]), [10, 1, 1], box, new Array(10).fill(0), lockTable());
    s.getState().applyEdit({ ...erase, dimensions: dims });
    expect(s.getState().segmentation!.labels).toBeNull();
    expect(s.getState().segmentation!.lastChange).toEqual(box);
    // The first label written makes the array, on the image grid, with that label in place.
    const paint = buildEditDelta(new Uint8Array(10), [10, 1, 1], box, [0, 0, 0, 0, 3, 3, 3, 3, 3, 3], lockTable());
    s.getState().applyEdit({ ...paint, dimensions: dims });
    const labels = s.getState().segmentation!.labels!;
    expect(labels).toBeInstanceOf(Uint8Array);
    expect(labels.length).toBe(512 * 512 * 1000);
    expect([...labels.subarray(0, 11)]).toEqual([0, 0, 0, 0, 3, 3, 3, 3, 3, 3, 0]);
  });
});
