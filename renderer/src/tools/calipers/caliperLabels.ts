/**
 * Where a lesion's caliper handles and labels go on screen (pixels, y down).
 * A lesion whose long axis is short on screen (< SMALL_LESION_PX) would be
 * hidden under the usual handles and label: its handles shrink and its labels
 * move outside it, up and to the right, joined to it by a short leader line;
 * to the left (text ending at the leader) where the text would leave the view
 * on the right, and downwards near the top edge.
 */
export type Px = readonly [number, number];

/** Below this on-screen long-axis length (px) a lesion counts as small. */
export const SMALL_LESION_PX = 40;
/** Handle radii (px): the usual one, and over a small lesion. */
export const HANDLE_R = 4;
export const SMALL_HANDLE_R = 2;
/** Leader line length (px) from just outside the lesion to its label. */
const LEADER_PX = 18;
/** Gap (px) between the lesion's edge and the leader's start. */
const GAP_PX = 3;
/** The label's second line (the short axis) sits this far below the first (px). */
export const LINE_PX = 14;
/** Room kept for a label's text (px): "Segment 12 123.4 mm (manual)" at 11 px, and the edge letters. */
const LABEL_WIDTH_PX = 150;
const LABEL_HEIGHT_PX = 2 * LINE_PX + 12;

export interface CaliperLayout {
  small: boolean;
  handleR: number;
  /** The first line's anchor (text-anchor start, baseline y); the short axis's line is LINE_PX below. */
  label: Px;
  /** SVG text-anchor of the labels: they run right from `label`, or end at it. */
  anchor: 'start' | 'end';
  /** From the lesion's edge to the label; null for a lesion large enough to carry its label beside its axis. */
  leader: { from: Px; to: Px } | null;
}

/** Layout for a lesion whose long axis runs from `a` to `b` on screen, in a view of `size` (px; unbounded when omitted). */
export function caliperLayout(a: Px, b: Px, size: { width: number; height: number } = { width: Infinity, height: Infinity }): CaliperLayout {
  const lengthPx = Math.hypot(b[0] - a[0], b[1] - a[1]);
  if (!(lengthPx < SMALL_LESION_PX)) return { small: false, handleR: HANDLE_R, label: [Math.max(a[0], b[0]) + 6, (a[1] + b[1]) / 2], anchor: 'start', leader: null };
  const c: Px = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
  // The lesion fits in the circle through the long axis's ends; the leader leaves it up and to the right, unless the text would not fit there.
  const r = lengthPx / 2 + GAP_PX;
  const reach = (r + LEADER_PX) * Math.SQRT1_2;
  const right = c[0] + reach + LABEL_WIDTH_PX <= size.width || c[0] - reach - LABEL_WIDTH_PX < 0;
  const up = c[1] - reach - LINE_PX >= 0 || c[1] + reach + LABEL_HEIGHT_PX > size.height;
  const d: Px = [right ? Math.SQRT1_2 : -Math.SQRT1_2, up ? -Math.SQRT1_2 : Math.SQRT1_2];
  const from: Px = [c[0] + d[0] * r, c[1] + d[1] * r];
  const to: Px = [c[0] + d[0] * (r + LEADER_PX), c[1] + d[1] * (r + LEADER_PX)];
  // Text baseline: just above the leader's end going up, a line below it going down.
  return { small: true, handleR: SMALL_HANDLE_R, label: [to[0] + (right ? 3 : -3), up ? to[1] - 2 : to[1] + 11], anchor: right ? 'start' : 'end', leader: { from, to } };
}
