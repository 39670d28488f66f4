/** The point prompt on the left button: a click prompts at that point (Ctrl/Alt/⌘, or the toggle, for a negative point). */
import type { SegmentEditor } from '../../actions/segmentEditing';
import type { ToolDrag, ToolPointerDown } from '../toolPointer';

export function pointDrag(editor: SegmentEditor, { view, lps, negative }: ToolPointerDown, negativeClicks: boolean): ToolDrag {
  const positive = negative === negativeClicks;
  return { kind: 'click', move: () => undefined, up: () => void editor.prompt(view, { points: [{ lps, positive }] }) };
}
