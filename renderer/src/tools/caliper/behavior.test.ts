import { describe, expect, it, vi } from 'vitest';
import type { LesionTableStore } from '../../state/lesionTableStore';
import { movePointer, pressEndpoint, pressView, release } from './behavior';
import { IDLE } from './state';

function fakeLesions() {
  const calls = { select: vi.fn(), dragEndpoint: vi.fn(), finishDrawing: vi.fn() };
  return { calls, lesions: { getState: () => calls } as unknown as LesionTableStore };
}

describe('caliper gestures', () => {
  it('a press on the view draws only while the table is drawing; the release adds the line', () => {
    const { calls, lesions } = fakeLesions();
    expect(pressView(false, [1, 2, 3])).toBeNull();
    let g = pressView(true, [1, 2, 3])!;
    expect(g).toEqual({ kind: 'draft', a: [1, 2, 3], b: [1, 2, 3] });
    g = movePointer(g, lesions, [4, 2, 3]);
    g = movePointer(g, lesions, [7, 2, 3]);
    expect(g).toEqual({ kind: 'draft', a: [1, 2, 3], b: [7, 2, 3] });
    expect(release(g, lesions)).toEqual(IDLE);
    expect(calls.finishDrawing).toHaveBeenCalledWith([1, 2, 3], [7, 2, 3]);
    expect(calls.dragEndpoint).not.toHaveBeenCalled();
  });

  it('a press on an endpoint selects its lesion and every move drags that end; the release adds nothing', () => {
    const { calls, lesions } = fakeLesions();
    const g = pressEndpoint(lesions, 'T1', 'short', 'end');
    expect(calls.select).toHaveBeenCalledWith('T1');
    movePointer(g, lesions, [5, 5, 5]);
    expect(calls.dragEndpoint).toHaveBeenCalledWith('T1', 'short', 'end', [5, 5, 5]);
    expect(release(g, lesions)).toEqual(IDLE);
    expect(calls.finishDrawing).not.toHaveBeenCalled();
    // Idle: moves do nothing.
    expect(movePointer(IDLE, lesions, [0, 0, 0])).toBe(IDLE);
    expect(calls.dragEndpoint).toHaveBeenCalledTimes(1);
  });
});
