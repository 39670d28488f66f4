/**
 * The left-button behaviour of each editing tool on an MPR viewport:
 * point (click; Ctrl/Alt/⌘ or the toggle for a negative point), box (drag),
 * brush and eraser (drag a stroke). Pure wiring between the viewport's
 * pointer events and the SegmentEditor.
 */
import type { Vec3 } from '../../../common/volume';
import type { ToolPointerHandler } from '../viewport/toolPointer';
import type { SegmentEditor } from './segmentEditing';

const distanceMm = (a: Vec3, b: Vec3) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

/** A box smaller than this (mm, either side) is taken as a slip, not a box. */
const MIN_BOX_MM = 2;

export function segmentToolHandler(editor: SegmentEditor): ToolPointerHandler {
  return ({ view, lps, negative }) => {
    const t = editor.tools.getState();
    switch (t.tool) {
      case 'point': {
        const positive = negative === t.negativeClicks;
        return { kind: 'click', move: () => undefined, up: () => void editor.prompt(view, { points: [{ lps, positive }] }) };
      }
      case 'box': {
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
      case 'brush':
      case 'eraser': {
        const points: Vec3[] = [lps];
        // Centres closer than a third of the radius add nothing the segment between them does not cover.
        const step = Math.max(0.25, t.brushRadiusMm / 3);
        return {
          kind: 'stroke',
          move: (p) => {
            if (distanceMm(p, points[points.length - 1] as Vec3) >= step) points.push(p);
          },
          up: (p) => {
            if (p && distanceMm(p, points[points.length - 1] as Vec3) > 0) points.push(p);
            void editor.stroke(view, points, t.tool === 'brush' ? 'paint' : 'erase');
          },
        };
      }
      default:
        return null;
    }
  };
}
