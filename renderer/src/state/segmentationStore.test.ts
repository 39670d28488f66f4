import { describe, expect, it } from 'vitest';
import { colourTable, createSegmentationStore } from './segmentationStore';

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
    const inverse = s.getState().applyDelta({ box: { min: [0, 0, 0], max: [1, 0, 0] }, runs: [2, 5] });
    expect(s.getState().segmentation!.version).toBe(v0 + 1);
    expect(s.getState().segmentation!.lastChange).toEqual({ min: [0, 0, 0], max: [1, 0, 0] });
    expect([...s.getState().segmentation!.labels!.slice(0, 2)]).toEqual([5, 5]);
    s.getState().applyDelta(inverse);
    expect([...s.getState().segmentation!.labels!.slice(0, 2)]).toEqual([0, 0]);
    expect(() => s.getState().applyDelta({ box: { min: [0, 0, 0], max: [5, 0, 0] }, runs: [6, 1] })).toThrow(/outside/);
    expect(() => s.getState().load('v', [2, 2, 2], new Uint8Array(3))).toThrow(RangeError);
  });

  it('adds segments with the lowest free label, removes them with their voxels', () => {
    const s = createSegmentationStore();
    s.getState().create('v', [4, 1, 1]);
    expect(s.getState().addSegment({ name: 'Liver' }).label).toBe(1);
    expect(s.getState().addSegment().label).toBe(2);
    s.getState().applyDelta({ box: { min: [0, 0, 0], max: [3, 0, 0] }, runs: [2, 1, 2, 2] });
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
    // Zeros written into it (an erase on an empty map) still allocate nothing, and their inverse is zeros.
    const box = { min: [0, 0, 0] as [number, number, number], max: [9, 0, 0] as [number, number, number] };
    expect(s.getState().applyDelta({ box, runs: [10, 0] })).toEqual({ box, runs: [10, 0] });
    expect(s.getState().segmentation!.labels).toBeNull();
    // The first label written makes the array, on the image grid, with that label in place.
    const inverse = s.getState().applyDelta({ box, runs: [4, 0, 6, 3] });
    const labels = s.getState().segmentation!.labels!;
    expect(labels).toBeInstanceOf(Uint8Array);
    expect(labels.length).toBe(512 * 512 * 1000);
    expect([...labels.subarray(0, 11)]).toEqual([0, 0, 0, 0, 3, 3, 3, 3, 3, 3, 0]);
    expect(inverse).toEqual({ box, runs: [10, 0] });
  });
});
