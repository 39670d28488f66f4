/**
 * The caliper tool's gesture on the overlay (no React, no vtk.js): nothing,
 * drawing a new caliper (the draft line, LPS mm), or dragging one endpoint of
 * a lesion's caliper. The calipers themselves are the lesion table's
 * (state/lesionTableStore.ts: each row's automatic and manual axes).
 */
import type { Vec3 } from '../../../../common/volume';

export type CaliperAxis = 'long' | 'short';
export type CaliperEnd = 'start' | 'end';

export type CaliperGesture = { kind: 'idle' } | { kind: 'draft'; a: Vec3; b: Vec3 } | { kind: 'drag'; id: string; which: CaliperAxis; end: CaliperEnd };

export const IDLE: CaliperGesture = { kind: 'idle' };
