import { describe, expect, it, vi } from 'vitest';
import type { Vec3 } from '../../../common/volume';
import type { SegmentEditor } from '../actions/segmentEditing';
import { MIN_BOX_MM } from './box/behavior';
import { segmentToolHandler } from './toolHandler';
import { createEditToolStore, type EditTool } from './toolStore';

function setup(tool: EditTool) {
  const tools = createEditToolStore();
  tools.getState().setTool(tool);
  const prompt = vi.fn<SegmentEditor['prompt']>(async () => undefined);
  const stroke = vi.fn<SegmentEditor['stroke']>(async () => undefined);
  const editor = { tools, prompt, stroke } as unknown as SegmentEditor;
  return { tools, prompt, stroke, handler: segmentToolHandler(editor) };
}
const at = (x: number, y = 0, z = 0): Vec3 => [x, y, z];

describe('the left button of each tool', () => {
  it('navigate takes no drag (the viewport navigates)', () => {
    expect(setup('navigate').handler({ view: 'axial', lps: at(0), negative: false })).toBeNull();
  });

  it('point: a click prompts there; Ctrl/Alt/⌘ or the toggle makes it negative, both together positive again', () => {
    const { tools, prompt, handler } = setup('point');
    const click = (negative: boolean) => handler({ view: 'coronal', lps: at(1, 2, 3), negative })!.up(null);
    click(false);
    click(true);
    tools.getState().setNegativeClicks(true);
    click(false);
    click(true);
    expect(prompt.mock.calls.map((c) => [c[0], c[1].points?.[0]?.positive])).toEqual([
      ['coronal', true],
      ['coronal', false],
      ['coronal', false],
      ['coronal', true],
    ]);
  });

  it('box: a drag prompts with its corners; a box under 2 mm on its second side is a slip', () => {
    const { prompt, handler } = setup('box');
    const drag = handler({ view: 'axial', lps: at(0), negative: false })!;
    expect(drag.kind).toBe('box');
    drag.move(at(10, 10));
    drag.up(null); // released outside the view: the last position counts
    expect(prompt).toHaveBeenLastCalledWith('axial', { box: { a: at(0), b: at(10, 10) } });
    const slip = handler({ view: 'axial', lps: at(0), negative: false })!;
    slip.up(at(30, MIN_BOX_MM - 0.1));
    expect(prompt).toHaveBeenCalledTimes(1);
  });

  it('brush and eraser: a stroke keeps centres a third of the radius apart, plus the release point, and paints or erases', () => {
    for (const [tool, mode] of [
      ['brush', 'paint'],
      ['eraser', 'erase'],
    ] as const) {
      const { tools, stroke, handler } = setup(tool);
      tools.getState().setBrushRadius(3); // step 1 mm
      const drag = handler({ view: 'sagittal', lps: at(0), negative: false })!;
      expect(drag.kind).toBe('stroke');
      for (const x of [0.4, 0.9, 1.2, 1.5, 2.3]) drag.move(at(x));
      drag.up(at(2.5));
      expect(stroke).toHaveBeenCalledWith('sagittal', [at(0), at(1.2), at(2.3), at(2.5)], mode);
    }
  });
});
