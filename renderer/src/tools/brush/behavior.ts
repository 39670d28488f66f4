/**
 * The brush on the left button: a drag is a stroke of brush centres, sent on
 * release (the eraser's stroke is the same with `erase`).
 */
import type { Vec3 } from '../../../../common/volume';
import type { SegmentEditor } from '../../actions/segmentEditing';
import type { ToolDrag, ToolPointerDown } from '../toolPointer';

const distanceMm = (a: Vec3, b: Vec3) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

export function strokeDrag(editor: SegmentEditor, { view, lps }: ToolPointerDown, brushRadiusMm: number, mode: 'paint' | 'erase'): ToolDrag {
  const points: Vec3[] = [lps];
  // Centres closer than a third of the radius add nothing the segment between them does not cover.
  const step = Math.max(0.25, brushRadiusMm / 3);
  return {
    kind: 'stroke',
    move: (p) => {
      if (distanceMm(p, points[points.length - 1] as Vec3) >= step) points.push(p);
    },
    up: (p) => {
      if (p && distanceMm(p, points[points.length - 1] as Vec3) > 0) points.push(p);
      void editor.stroke(view, points, mode);
    },
  };
}

export function brushDrag(editor: SegmentEditor, down: ToolPointerDown, brushRadiusMm: number): ToolDrag {
  return strokeDrag(editor, down, brushRadiusMm, 'paint');
}
