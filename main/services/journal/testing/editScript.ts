/**
 * A deterministic editing session for journal tests: event n is a function of
 * n and the state before it, so a test can rebuild the state after any number
 * of events without the journal, and compare.
 */
import { brushStroke } from '../../../../common/editing/brush';
import type { EditDelta } from '../../../../common/labelmap/editDelta';
import { canRedo, canUndo, STEP_NAMES, type SegmentMeta } from '../../../../common/editing/history';
import type { EditSessionState, SessionEvent } from '../../../../common/editing/editSession';
import { floodFill } from '../../../../common/editing/floodFill';
import { removeIslands } from '../../../../common/editing/islands';
import type { Vec3, VolumeGeometry } from '../../../../common/volume';

export const SCRIPT_GEOMETRY: VolumeGeometry = {
  dimensions: [32, 28, 12],
  spacingMm: [0.8, 0.8, 2.5],
  originLps: [-12, -11, 30],
  direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
};

function hash(n: number, salt: number): number {
  let x = (Math.imul(n + 1, 0x9e3779b1) ^ Math.imul(salt + 7, 0x85ebca77)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  return ((x ^ (x >>> 16)) >>> 0) / 4294967296;
}

const segment = (label: number, locked = false): SegmentMeta => ({ label, name: `Lesion ${label}`, colour: [label * 60, 200 - label * 40, 90], visible: true, locked });

/** The n-th event given the state before it (never a no-op). */
export function scriptEvent(n: number, s: EditSessionState): SessionEvent {
  const g = SCRIPT_GEOMETRY;
  const [ni, nj, nk] = g.dimensions;
  const r = (salt: number) => hash(n, salt);
  const locked = s.segments.filter((x) => x.locked).map((x) => x.label);
  const target = { labels: s.labels, geometry: g, locked };
  const at = 1_700_000_000_000 + n * 10;
  const point = (): Vec3 => [r(1) * (ni - 1), r(2) * (nj - 1), r(3) * (nk - 1)];
  const step = (name: string, delta: EditDelta, extra: Partial<Extract<SessionEvent, { kind: 'step' }>['step']> = {}): SessionEvent => ({ kind: 'step', step: { name, delta, at, ...extra } });
  if (s.segments.length === 0) {
    return step(STEP_NAMES.clickPositive, brushStroke(target, { mode: 'paint', label: 1, points: [point()], radiusMm: 4, shape: 'sphere' }), {
      segments: { before: [], after: [segment(1), segment(2)] },
      prompts: { before: s.prompts, after: { points: [{ n, positive: true }] } },
    });
  }
  const u = r(0);
  if (u < 0.1 && canUndo(s.history)) return { kind: 'undo' };
  if (u < 0.15 && canRedo(s.history)) return { kind: 'redo' };
  if (u < 0.2) {
    const label = r(4) < 0.5 ? 1 : 2;
    return { kind: 'segments', segments: s.segments.map((x) => (x.label === label ? { ...x, locked: !x.locked } : x)) };
  }
  if (u < 0.25) return { kind: 'prompts', prompts: { points: [{ n, positive: r(5) < 0.7 }] } };
  const label = r(6) < 0.6 ? 1 : 2;
  if (u < 0.35) return step(STEP_NAMES.erase, brushStroke(target, { mode: 'erase', label: 0, points: [point(), point()], radiusMm: 1 + r(7) * 3, shape: 'disc', planeAxis: 2 }));
  if (u < 0.4) {
    const seed: Vec3 = [Math.floor(r(8) * ni), Math.floor(r(9) * nj), Math.floor(r(10) * nk)];
    return step(STEP_NAMES.fill, floodFill(target, { seed, label, dimensionality: '2d', planeAxis: 2, connectivity: 4 }));
  }
  if (u < 0.43 && s.labels.includes(label)) return step(STEP_NAMES.removeIslands, removeIslands(target, { label, keep: { kind: 'largest' } }));
  const clickPrompt = { points: [{ n, positive: true }] };
  return step(r(11) < 0.2 ? STEP_NAMES.clickPositive : STEP_NAMES.brush, brushStroke(target, { mode: 'paint', label, points: [point()], radiusMm: 0.5 + r(12) * 3, shape: r(13) < 0.5 ? 'sphere' : 'disc', planeAxis: 2 }), {
    prompts: { before: s.prompts, after: clickPrompt },
  });
}
