import { describe, it, expect } from 'vitest';
import type { Mat3, Vec3, VolumeGeometry } from '../volume';
import { deltaFromMask } from '../labelmap/labelmapDelta';
import { brushStroke } from './brush';
import { buildEditDelta, lockTable, type EditDelta } from '../labelmap/editDelta';
import { applySessionEvent, createSessionState } from './editSession';
import { canRedo, canUndo, createHistory, historyView, pushStep, redoStep, STEP_NAMES, undoStep } from './history';
import { editFromMask } from './maskEdit';

const I3: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
const geom = (dimensions: Vec3, spacingMm: Vec3 = [1, 1, 1]): VolumeGeometry => ({ dimensions, spacingMm, originLps: [0, 0, 0], direction: I3 });
const fakeDelta = (runsLength: number): EditDelta => ({ dimensions: [1, 1, 1], box: { min: [0, 0, 0], max: [0, 0, 0] }, runs: new Uint32Array(runsLength), changed: 1 });
const count = (a: ArrayLike<number>, v: number) => Array.from(a).filter((x) => x === v).length;

describe('history (pure)', () => {
  it('push / undo / redo move the position; a push after undo drops the redo tail', () => {
    let h = createHistory();
    for (const name of ['Click +', 'Brush', 'Erase']) h = pushStep(h, { name, delta: fakeDelta(3), at: 0 });
    expect(historyView(h)).toEqual({ items: [{ id: 1, name: 'Click +', applied: true }, { id: 2, name: 'Brush', applied: true }, { id: 3, name: 'Erase', applied: true }], position: 3 });
    const u = undoStep(h)!;
    expect(u.entry.name).toBe('Erase');
    h = undoStep(u.history)!.history;
    expect([h.position, canUndo(h), canRedo(h)]).toEqual([1, true, true]);
    expect(redoStep(h)!.entry.name).toBe('Brush');
    h = pushStep(h, { name: 'Interpolate', delta: fakeDelta(3), at: 0 });
    expect(historyView(h).items.map((i) => i.name)).toEqual(['Click +', 'Interpolate']);
    expect(canRedo(h)).toBe(false);
    expect(redoStep(h)).toBeNull();
    expect(undoStep(createHistory())).toBeNull();
  });

  it('the entry cap and the byte cap evict the oldest steps; the newest always stays', () => {
    let h = createHistory({ maxEntries: 3 });
    for (let n = 0; n < 5; n++) h = pushStep(h, { name: `s${n}`, delta: fakeDelta(3), at: 0 });
    expect(h.entries.map((e) => e.name)).toEqual(['s2', 's3', 's4']);
    // Each step: 4·runs + 64 bytes of delta + 2·name length (4) = 68 + 4·runs.
    let b = createHistory({ maxBytes: 300 });
    for (let n = 0; n < 4; n++) b = pushStep(b, { name: `b${n}`, delta: fakeDelta(6), at: 0 }); // 92 bytes each
    expect(b.entries.map((e) => e.name)).toEqual(['b1', 'b2', 'b3']);
    expect(b.bytes).toBe(276);
    b = pushStep(b, { name: 'hg', delta: fakeDelta(300), at: 0 }); // 1268 bytes, over the cap alone
    expect(b.entries.map((e) => e.name)).toEqual(['hg']);
    expect(b.position).toBe(1);
  });

  it('has the names the panel shows', () => {
    expect([STEP_NAMES.clickPositive, STEP_NAMES.box, STEP_NAMES.brush, STEP_NAMES.erase, STEP_NAMES.interpolate]).toEqual(['Click +', 'Box', 'Brush', 'Erase', 'Interpolate']);
  });
});

describe('edit session: undo/redo restore exact voxel counts, segments and prompts', () => {
  it('brush adds the expected count, erase removes it, undo/redo restore each count exactly', () => {
    const g = geom([11, 11, 11], [1, 1, 3]);
    const s = createSessionState(g.dimensions, new Uint8Array(11 ** 3));
    const seg = { label: 1, name: 'Lesion 1', colour: [255, 0, 0] as [number, number, number], visible: true, locked: false };
    const step = (name: string, delta: EditDelta, extra = {}) => applySessionEvent(s, { kind: 'step', step: { name, delta, at: 1, ...extra } });
    step('Click +', brushStroke({ labels: s.labels, geometry: g }, { mode: 'paint', label: 1, points: [[5, 5, 5]], radiusMm: 3, shape: 'sphere' }), {
      segments: { before: [], after: [seg] },
      prompts: { before: null, after: [{ kind: 'point', positive: true }] },
    });
    expect(count(s.labels, 1)).toBe(31); // hand count, brush.test.ts
    step('Erase', brushStroke({ labels: s.labels, geometry: g }, { mode: 'erase', label: 1, points: [[5, 5, 5]], radiusMm: 1, shape: 'disc', planeAxis: 2 }));
    expect(count(s.labels, 1)).toBe(26); // the 5-voxel cross of radius 1 mm
    applySessionEvent(s, { kind: 'undo' });
    expect(count(s.labels, 1)).toBe(31);
    applySessionEvent(s, { kind: 'undo' });
    expect(count(s.labels, 1)).toBe(0);
    expect(s.segments).toEqual([]);
    expect(s.prompts).toBeNull();
    expect(applySessionEvent(s, { kind: 'undo' })).toBe(false);
    applySessionEvent(s, { kind: 'redo' });
    expect(count(s.labels, 1)).toBe(31);
    expect(s.segments).toEqual([seg]);
    expect(s.prompts).toEqual([{ kind: 'point', positive: true }]);
    applySessionEvent(s, { kind: 'redo' });
    expect(count(s.labels, 1)).toBe(26);
    expect(applySessionEvent(s, { kind: 'redo' })).toBe(false);
  });

  it('a step whose delta does not fit is refused and changes nothing', () => {
    const s = createSessionState([4, 1, 1], Uint8Array.of(0, 1, 1, 2));
    const d = buildEditDelta(Uint8Array.of(0, 0, 0, 0), [4, 1, 1], { min: [0, 0, 0], max: [3, 0, 0] }, [5, 5, 5, 5], lockTable());
    expect(() => applySessionEvent(s, { kind: 'step', step: { name: 'Brush', delta: d, at: 0 } })).toThrow(/does not match/);
    expect(Array.from(s.labels)).toEqual([0, 1, 1, 2]);
    expect(s.history.entries).toHaveLength(0);
  });
});

describe('model results as edits', () => {
  it('replace makes the segment exactly the mask, add paints it in; other and locked segments stay', () => {
    const dims: Vec3 = [6, 1, 1];
    const labels = Uint8Array.of(1, 1, 0, 2, 0, 3);
    const mask = deltaFromMask([0, 1, 1, 1, 1, 1], dims);
    const t = { labels, geometry: geom(dims), locked: [3] };
    const apply = (d: EditDelta) => {
      const out = labels.slice();
      for (let r = 0, p = d.box.min[0]; r < d.runs.length; r += 3) for (let c = 0; c < d.runs[r]!; c++, p++) out[p] = d.runs[r + 2]!;
      return Array.from(out);
    };
    expect(apply(editFromMask(t, mask, { label: 1, mode: 'replace' }))).toEqual([0, 1, 1, 2, 1, 3]);
    expect(apply(editFromMask(t, mask, { label: 1, mode: 'add' }))).toEqual([1, 1, 1, 2, 1, 3]);
    expect(apply(editFromMask(t, mask, { label: 1, mode: 'add', overwrite: true }))).toEqual([1, 1, 1, 1, 1, 3]);
  });
});
