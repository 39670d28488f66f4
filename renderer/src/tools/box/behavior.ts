/** The box prompt on the left button: drag a box around a lesion; a release prompts with it. */
import type { SegmentEditor } from '../../actions/segmentEditing';
import type { ToolDrag, ToolPointerDown } from '../toolPointer';

/** A box smaller than this (mm, either side) is taken as a slip, not a box. */
export const MIN_BOX_MM = 2;

export function boxDrag(editor: SegmentEditor, { view, lps }: ToolPointerDown): ToolDrag {
  let last = lps;
  return {
    kind: 'box',
    move: (p) => {
      last = p;
    },
    up: (p) => {
      const b = p ?? last;
      const extent = [0, 1, 2].map((a) => Math.abs((b[a] as number) - (lps[a] as number))).sort((x, y) => y - x);
      if ((extent[1] as number) < MIN_BOX_MM) return;
      void editor.prompt(view, { box: { a: lps, b } });
    },
  };
}
