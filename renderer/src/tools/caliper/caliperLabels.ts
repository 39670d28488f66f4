/**
 * Where a lesion's caliper handles and labels go on screen (pixels, y down).
 * A lesion whose long axis is short on screen (< SMALL_LESION_PX) would be
 * hidden under the usual handles and label: its handles shrink and its labels
 * move outside it, up and to the right, joined to it by a short leader line;
 * to the left (text ending at the leader) where the text would leave the view
 * on the right, and downwards near the top edge. A larger lesion's labels run
 * right from its rightmost end, or end at its leftmost one where they would
 * reach the view's edge (where the orientation letter is: the demo's
 * "Segment 1 67.6 mm" ran under the axial view's "L").
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
/** Kept free at the view's left and right edges (px): the orientation letters sit 8 px in, about 10 px wide. */
export const EDGE_PX = 22;

/** About how wide (px) `text` is at the labels' 11 px (a mean glyph of 0.6 em, on the wide side for digits and capitals). */
export const labelWidthPx = (text: string) => Math.ceil(text.length * 6.6);

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

/**
 * Layout for a lesion whose long axis runs from `a` to `b` on screen, in a view of `size` (px; unbounded when omitted);
 * `textPx`: the width of its widest label (labelWidthPx); `others`: the ends of its other caliper (the short axis),
 * which a large lesion's labels also keep clear of.
 */
export function caliperLayout(a: Px, b: Px, size: { width: number; height: number } = { width: Infinity, height: Infinity }, textPx = LABEL_WIDTH_PX, others: readonly Px[] = []): CaliperLayout {
  const lengthPx = Math.hypot(b[0] - a[0], b[1] - a[1]);
  if (!(lengthPx < SMALL_LESION_PX)) {
    const y = (a[1] + b[1]) / 2;
    // Beside the lesion's calipers, not across its short axis (`others`: the other caliper's ends).
    const xs = [a[0], b[0], ...others.map((p) => p[0])];
    const right = Math.max(...xs) + 6;
    const left = Math.min(...xs) - 6;
    const big = { small: false, handleR: HANDLE_R, leader: null };
    if (right + textPx <= size.width - EDGE_PX) return { ...big, label: [right, y], anchor: 'start' };
    if (left - textPx >= EDGE_PX) return { ...big, label: [left, y], anchor: 'end' };
    // Neither side has room: as far right as the edge allows, and above the axis's upper end (below its lower one near
    // the top), so that the text covers neither a handle nor the middle of the lesion.
    const top = Math.min(a[1], b[1]) - 8 - LINE_PX;
    return { ...big, label: [Math.max(EDGE_PX, size.width - EDGE_PX - textPx), top >= 12 ? top : Math.max(a[1], b[1]) + 16], anchor: 'start' };
  }
  const c: Px = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
  // The lesion fits in the circle through the long axis's ends; the leader leaves it up and to the right, unless the text would not fit there.
  const r = lengthPx / 2 + GAP_PX;
  const reach = (r + LEADER_PX) * Math.SQRT1_2;
  const right = c[0] + reach + textPx <= size.width - EDGE_PX || c[0] - reach - textPx < EDGE_PX;
  const up = c[1] - reach - LINE_PX >= 0 || c[1] + reach + LABEL_HEIGHT_PX > size.height;
  const d: Px = [right ? Math.SQRT1_2 : -Math.SQRT1_2, up ? -Math.SQRT1_2 : Math.SQRT1_2];
  const from: Px = [c[0] + d[0] * r, c[1] + d[1] * r];
  const to: Px = [c[0] + d[0] * (r + LEADER_PX), c[1] + d[1] * (r + LEADER_PX)];
  // Text baseline: just above the leader's end going up, a line below it going down.
  return { small: true, handleR: SMALL_HANDLE_R, label: [to[0] + (right ? 3 : -3), up ? to[1] - 2 : to[1] + 11], anchor: right ? 'start' : 'end', leader: { from, to } };
}
