import { describe, expect, it } from 'vitest';
import { caliperLayout, EDGE_PX, HANDLE_R, labelWidthPx, LINE_PX, SMALL_HANDLE_R } from './caliperLabels';

const dist = (p: readonly [number, number], q: readonly [number, number]) => Math.hypot(p[0] - q[0], p[1] - q[1]);

describe('caliper layout', () => {
  it('a lesion 20 px long: small handles, both label lines outside the lesion, a leader from its edge', () => {
    const a = [100, 100] as const;
    const b = [116, 112] as const; // 20 px
    const l = caliperLayout(a, b);
    expect(l.small).toBe(true);
    expect(l.handleR).toBe(SMALL_HANDLE_R);
    expect(l.handleR).toBeLessThan(HANDLE_R);
    const c = [108, 106] as const;
    // Text of the two lines starts at the anchor and runs right (x grows), the second line LINE_PX lower:
    // both begin outside the 10 px circle of the lesion, and the text boxes (11 px high) never reach into it.
    for (const y of [l.label[1], l.label[1] + LINE_PX]) {
      expect(dist([l.label[0], y], c)).toBeGreaterThan(10 + 11);
      expect(l.label[0]).toBeGreaterThan(c[0] + 10);
    }
    expect(l.leader).not.toBeNull();
    expect(dist(l.leader!.from, c)).toBeGreaterThan(10);
    expect(dist(l.leader!.from, c)).toBeLessThan(16);
    expect(dist(l.leader!.to, l.leader!.from)).toBeGreaterThan(10);
  });
  it('a degenerate (one-pixel) lesion still gets its label outside', () => {
    const l = caliperLayout([50, 50], [50, 50]);
    expect(l.small).toBe(true);
    expect(dist(l.label, [50, 50])).toBeGreaterThan(15);
  });
  it('a lesion 40 px or longer keeps the usual handles and the label beside its axis', () => {
    expect(caliperLayout([0, 0], [40, 0])).toEqual({ small: false, handleR: HANDLE_R, label: [46, 0], anchor: 'start', leader: null });
    expect(caliperLayout([10, 80], [30, 20])).toMatchObject({ small: false, label: [36, 50] });
  });
  it('near the right edge the labels go to the left and end at the leader; near the top they go down', () => {
    const size = { width: 434, height: 365 };
    const l = caliperLayout([300, 210], [320, 214], size);
    expect(l.anchor).toBe('end');
    expect(l.label[0]).toBeLessThan(310 - 10);
    expect(l.leader!.to[0]).toBeLessThan(l.leader!.from[0]);
    const top = caliperLayout([100, 8], [110, 10], size);
    expect(top.anchor).toBe('start');
    expect(top.label[1]).toBeGreaterThan(9 + 10);
    // Text of LABEL_WIDTH is kept inside the view either way.
    expect(caliperLayout([200, 200], [215, 200], size).anchor).toBe('start');
  });
});

describe('caliper labels of a large lesion near the view edge', () => {
  const size = { width: 435, height: 365 };
  // The demo's walk: long axis from (128, 200) to (310, 165) px in a 435 px axial view, label "Segment 1 67.6 mm".
  const text = labelWidthPx('Segment 1 67.6 mm');
  it('stay clear of the orientation letter at the right edge', () => {
    const l = caliperLayout([128, 200], [310, 165], size, text);
    const end = l.anchor === 'start' ? l.label[0] + text : l.label[0];
    expect(end).toBeLessThanOrEqual(size.width - EDGE_PX);
    const start = l.anchor === 'start' ? l.label[0] : l.label[0] - text;
    expect(start).toBeGreaterThanOrEqual(EDGE_PX);
    // Neither side had room: both lines sit above the upper handle (y 165), not across the lesion.
    expect(l.label[1] + LINE_PX).toBeLessThan(165 - HANDLE_R - 2);
  });
  it("end at the lesion's left end when only the left side has room", () => {
    const l = caliperLayout([250, 100], [380, 120], size, text);
    expect(l.anchor).toBe('end');
    expect(l.label[0]).toBe(244);
  });
  it('keep the usual place where the text fits on the right', () => {
    expect(caliperLayout([40, 100], [120, 100], size, text)).toMatchObject({ anchor: 'start', label: [126, 100] });
  });
  it('the width estimate covers the text at 11 px (about 6 px a glyph)', () => {
    expect(labelWidthPx('Segment 1 67.6 mm')).toBeGreaterThanOrEqual(17 * 6);
  });
});

describe('caliper labels beside both axes', () => {
  it("a large lesion's labels start right of its short axis too, not across it (the oblique phantom's short axis ran under them)", () => {
    // Long axis nearly vertical, short axis reaching further right.
    const l = caliperLayout([551, 299], [544, 356], { width: 870, height: 732 }, labelWidthPx('Segment 1 23.0 mm'), [
      [520, 327],
      [578, 335],
    ]);
    expect(l).toMatchObject({ anchor: 'start', label: [584, 327.5] });
  });
});
