import { describe, expect, it, vi } from 'vitest';
import { MAX_BRUSH_MM, MIN_BRUSH_MM } from './brush/state';
import { handleSegmentKey, SEGMENT_SHORTCUTS } from './toolKeys';
import { createEditToolStore } from './toolStore';
import { KEYBOARD_SHORTCUTS } from '../state/viewerKeys';

const key = (k: string, mods: Partial<{ shiftKey: boolean; ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({ key: k, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false, ...mods });

describe('edit tool store and keys', () => {
  it('P, X, B, E pick tools (again: back to navigation); Esc leaves a tool', () => {
    const t = createEditToolStore();
    const actions = { undo: vi.fn(), redo: vi.fn() };
    expect(handleSegmentKey(t, actions, key('p'))).toBe(true);
    expect(t.getState().tool).toBe('point');
    handleSegmentKey(t, actions, key('x'));
    expect(t.getState().tool).toBe('box');
    handleSegmentKey(t, actions, key('b'));
    handleSegmentKey(t, actions, key('b'));
    expect(t.getState().tool).toBe('navigate');
    handleSegmentKey(t, actions, key('e'));
    expect(t.getState().tool).toBe('eraser');
    expect(handleSegmentKey(t, actions, key('Escape'))).toBe(true);
    expect(t.getState().tool).toBe('navigate');
    expect(handleSegmentKey(t, actions, key('Escape'))).toBe(false);
    // Shift+P is the viewer's (patient identifiers), not a tool.
    expect(handleSegmentKey(t, actions, key('P', { shiftKey: true }))).toBe(false);
  });

  it('Ctrl+Z undoes, Ctrl+Shift+Z and Ctrl+Y redo', () => {
    const t = createEditToolStore();
    const actions = { undo: vi.fn(), redo: vi.fn() };
    handleSegmentKey(t, actions, key('z', { ctrlKey: true }));
    handleSegmentKey(t, actions, key('Z', { ctrlKey: true, shiftKey: true }));
    handleSegmentKey(t, actions, key('y', { metaKey: true }));
    expect(actions.undo).toHaveBeenCalledTimes(1);
    expect(actions.redo).toHaveBeenCalledTimes(2);
    expect(handleSegmentKey(t, actions, key('c', { ctrlKey: true }))).toBe(false);
  });

  it('[ and ] scale the brush by 1.25 within 0.5–100 mm', () => {
    const t = createEditToolStore();
    const actions = { undo: vi.fn(), redo: vi.fn() };
    expect(t.getState().brushRadiusMm).toBe(5);
    handleSegmentKey(t, actions, key(']'));
    expect(t.getState().brushRadiusMm).toBe(6.3);
    handleSegmentKey(t, actions, key('['));
    handleSegmentKey(t, actions, key('['));
    expect(t.getState().brushRadiusMm).toBe(4);
    for (let n = 0; n < 40; n++) handleSegmentKey(t, actions, key('['));
    expect(t.getState().brushRadiusMm).toBe(MIN_BRUSH_MM);
    for (let n = 0; n < 60; n++) handleSegmentKey(t, actions, key(']'));
    expect(t.getState().brushRadiusMm).toBe(MAX_BRUSH_MM);
  });

  it('N toggles new lesion / refine only with a selection; a session without the selected segment clears it', () => {
    const t = createEditToolStore();
    const actions = { undo: vi.fn(), redo: vi.fn() };
    handleSegmentKey(t, actions, key('n'));
    expect(t.getState().target).toBe('new');
    t.getState().select(2);
    handleSegmentKey(t, actions, key('n'));
    expect(t.getState().target).toBe('refine');
    t.getState().setSession('v', { items: [], position: 0 }, [{ label: 1, voxels: 3, volumeMl: 0.01, sliceSpan: [4, 4] }]);
    expect(t.getState()).toMatchObject({ selected: null, target: 'new' });
  });

  it('the help overlay lists every segmentation key, once', () => {
    for (const s of SEGMENT_SHORTCUTS) expect(KEYBOARD_SHORTCUTS).toContainEqual(s);
    const keys = KEYBOARD_SHORTCUTS.map((s) => s.keys);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
