import { describe, expect, it } from 'vitest';
import type { Vec3, VolumeGeometry } from '../../../common/volume';
import { onSlice } from '../tools/caliper/caliperOnView';
import { createLesionTableStore, rowValues, shownCaliper } from './lesionTableStore';

// Two discs on a 0.5 × 0.5 × 2 mm grid: label 1 radius 12 voxels on slices 2–4, label 2 radius 3 voxels on slice 6.
const g: VolumeGeometry = { dimensions: [64, 64, 8], spacingMm: [0.5, 0.5, 2], originLps: [-10, 5, 30], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
const labels = new Uint8Array(64 * 64 * 8);
for (let k = 0; k < 8; k++)
  for (let j = 0; j < 64; j++)
    for (let i = 0; i < 64; i++) {
      if (k >= 2 && k <= 4 && (i - 30) ** 2 + (j - 30) ** 2 <= 144) labels[i + 64 * (j + 64 * k)] = 1;
      if (k === 6 && (i - 50) ** 2 + (j - 50) ** 2 <= 9) labels[i + 64 * (j + 64 * k)] = 2;
    }

describe('lesion table store', () => {
  it('measures each label: a 24-voxel disc is 12 mm across (0.5 mm pixels), the 6-voxel one 3 mm and gets a measurability warning', () => {
    const s = createLesionTableStore();
    s.getState().setTimepoint('P', 'base', '2026-01-01', 2);
    s.getState().measureLabelmap(g, labels, [
      { label: 1, name: 'T1' },
      { label: 2, name: 'T2' },
    ]);
    const rows = s.getState().lesions;
    expect(rows.map((r) => r.id)).toEqual(['T1', 'T2']);
    expect(rows[0]!.auto!.longAxis.lengthMm).toBeCloseTo(12, 9);
    expect(rows[1]!.auto!.longAxis.lengthMm).toBeCloseTo(3, 9);
    expect(rows[0]!.auto!.longAxis.startLps[2]).toBeGreaterThanOrEqual(34);
    const w = s.getState().check.warnings;
    expect(Object.keys(w).sort()).toEqual(['T1', 'T2']); // both lack an organ; T2 is also too small
    expect(w.T2!.join(' ')).toMatch(/not measurable: long axis 3 mm < 10 mm/);
    s.getState().update('T1', { organ: 'liver' });
    expect(s.getState().check.warnings.T1).toBeUndefined();
  });

  it('dragging an endpoint makes the caliper manual; its length is the new endpoint distance; reset returns to automatic', () => {
    const s = createLesionTableStore();
    s.getState().measureLabelmap(g, labels, [{ label: 1, name: 'T1' }]);
    const auto = shownCaliper(s.getState().lesions[0]!, 'long')!;
    expect(auto.manual).toBe(false);
    const start = auto.caliper.startLps;
    const moved: Vec3 = [start[0] + 3, start[1] + 4, start[2]];
    s.getState().dragEndpoint('T1', 'long', 'start', moved);
    const r = s.getState().lesions[0]!;
    const e = auto.caliper.endLps;
    expect(r.manualLongAxis!.lengthMm).toBeCloseTo(Math.hypot(e[0] - moved[0], e[1] - moved[1], e[2] - moved[2]), 9);
    expect(rowValues(r)).toMatchObject({ manualLong: true, longAxisMm: r.manualLongAxis!.lengthMm });
    s.getState().setManual('T1', 'long', null);
    expect(rowValues(s.getState().lesions[0]!).longAxisMm).toBeCloseTo(12, 9);
  });

  it('manual line tool: a drawn short axis replaces the automatic one with its endpoint distance; a click without a drag changes nothing', () => {
    const s = createLesionTableStore();
    s.getState().measureLabelmap(g, labels, [{ label: 1, name: 'T1' }]);
    s.getState().startDrawing({ id: 'T1', which: 'short' });
    expect(s.getState().drawing).toEqual({ id: 'T1', which: 'short' });
    s.getState().finishDrawing([0, 0, 36], [6, 8, 36]);
    const r = s.getState().lesions[0]!;
    expect(r.manualShortAxis).toEqual({ lengthMm: 10, startLps: [0, 0, 36], endLps: [6, 8, 36] });
    expect(rowValues(r)).toMatchObject({ shortAxisMm: 10, manualShort: true, manualLong: false });
    expect(s.getState().drawing).toBeNull();
    s.getState().startDrawing({ id: 'T1', which: 'long' });
    s.getState().finishDrawing([1, 1, 36], [1, 1, 36]);
    expect(s.getState().lesions[0]!.manualLongAxis).toBeUndefined();
  });

  it('three liver targets give the 2-per-organ message; a sixth new label becomes a non-target', () => {
    const s = createLesionTableStore();
    s.getState().load({
      id: 'b',
      date: '2026-01-01',
      lesions: ['A', 'B', 'C', 'D', 'E'].map((id) => ({ id, role: 'target' as const, organ: id < 'D' ? 'liver' : 'lung', status: 'present' as const, longAxisMm: 20 })),
    });
    expect(s.getState().check.errors).toHaveLength(1); // five targets are allowed; three in one organ are not
    expect(s.getState().check.errors.join(' ')).toMatch(/3 targets in liver \(A, B, C\).*at most 2 per organ/);
    s.getState().measureLabelmap(g, labels, [{ label: 2, name: 'F' }]);
    expect(s.getState().lesions.at(-1)).toMatchObject({ id: 'F', role: 'nonTarget' });
  });

  it('onSlice: a caliper shows only on the slice it lies on (within half a slice step)', () => {
    const n: Vec3 = [0, 0, 1];
    expect(onSlice([0, 0, 10], [5, 5, 10], n, 10.9, 1)).toBe(true);
    expect(onSlice([0, 0, 10], [5, 5, 10], n, 11.1, 1)).toBe(false);
    expect(onSlice([0, 0, 10], [5, 5, 12], n, 10, 1)).toBe(false);
  });
});
