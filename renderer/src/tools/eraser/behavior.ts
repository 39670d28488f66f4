/** The eraser on the left button: the brush's stroke (brush/behavior.ts), erasing; it shares the brush's radius and cursor. */
import type { SegmentEditor } from '../../actions/segmentEditing';
import { strokeDrag } from '../brush/behavior';
import type { ToolDrag, ToolPointerDown } from '../toolPointer';

export function eraserDrag(editor: SegmentEditor, down: ToolPointerDown, brushRadiusMm: number): ToolDrag {
  return strokeDrag(editor, down, brushRadiusMm, 'erase');
}
