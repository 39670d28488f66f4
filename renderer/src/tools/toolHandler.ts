/**
 * The left-button behaviour of the active editing tool on an MPR viewport,
 * dispatched to each tool's behavior.ts: point (click), box (drag), brush
 * and eraser (drag a stroke); navigate has none here (the viewport's own
 * crosshair, window, zoom and pan: navigate/behavior.ts). Pure wiring
 * between the viewport's pointer events and the SegmentEditor.
 */
import type { SegmentEditor } from '../actions/segmentEditing';
import { boxDrag } from './box/behavior';
import { brushDrag } from './brush/behavior';
import { eraserDrag } from './eraser/behavior';
import { pointDrag } from './point/behavior';
import type { ToolPointerHandler } from './toolPointer';

export function segmentToolHandler(editor: SegmentEditor): ToolPointerHandler {
  return (down) => {
    const t = editor.tools.getState();
    switch (t.tool) {
      case 'point':
        return pointDrag(editor, down, t.negativeClicks);
      case 'box':
        return boxDrag(editor, down);
      case 'brush':
        return brushDrag(editor, down, t.brushRadiusMm);
      case 'eraser':
        return eraserDrag(editor, down, t.brushRadiusMm);
      default:
        return null;
    }
  };
}
