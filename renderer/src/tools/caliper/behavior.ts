/**
 * The caliper tool's pointer events (pure: the overlay passes positions in
 * LPS mm). While the lesion table is drawing, a press on the view starts a
 * draft line and the release adds it as the selected lesion's manual
 * caliper; a press on an endpoint selects its lesion and drags that end (the
 * caliper turns manual, its length follows in mm).
 */
import type { Vec3 } from '../../../../common/volume';
import type { LesionTableStore } from '../../state/lesionTableStore';
import { IDLE, type CaliperAxis, type CaliperEnd, type CaliperGesture } from './state';

/** A press on the view (not on an endpoint): a draft line while drawing, else nothing (the view's own tools act). */
export function pressView(drawing: boolean, p: Vec3): CaliperGesture | null {
  return drawing ? { kind: 'draft', a: p, b: p } : null;
}

export function pressEndpoint(lesions: LesionTableStore, id: string, which: CaliperAxis, end: CaliperEnd): CaliperGesture {
  lesions.getState().select(id);
  return { kind: 'drag', id, which, end };
}

export function movePointer(g: CaliperGesture, lesions: LesionTableStore, p: Vec3): CaliperGesture {
  if (g.kind === 'drag') {
    lesions.getState().dragEndpoint(g.id, g.which, g.end, p);
    return g;
  }
  return g.kind === 'draft' ? { kind: 'draft', a: g.a, b: p } : g;
}

export function release(g: CaliperGesture, lesions: LesionTableStore): CaliperGesture {
  if (g.kind === 'draft') lesions.getState().finishDrawing(g.a, g.b);
  return IDLE;
}
