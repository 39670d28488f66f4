import { describe, expect, it } from 'vitest';
import type { RecistAxisError } from './recistError';
import { diceAfter, summarise, type CorrectionsResult, type MethodResult } from './summary';

const axis = (longPct: number, shortPct: number | null): RecistAxisError => ({ longMm: 0, shortMm: 0, longPct, shortPct });
const steps = (dice: number[]): CorrectionsResult => ({
  steps: dice.map((d, n) => ({ dice: d, recist: axis(10 * n, 5), click: n ? { ijk: [0, 0, 0], positive: true } : null, ms: n ? 10 : null })),
  worstStep: Math.min(0, ...dice.slice(1).map((d, n) => d - dice[n]!)),
  msPerCorrection: dice.length > 1 ? 10 : null,
});
const result = (name: string, group: string, method: string, click: number, totalMs: number, corr: number[], long: number): MethodResult => ({
  case: name,
  group,
  method,
  click: { dice: click, recist: axis(long, null), totalMs, modelMs: totalMs / 2, perSliceModelMs: 1, slicesSpanned: 3, provider: 'cpu', coldTotalMs: null },
  box: { dice: click + 0.1, recist: axis(2 * long, 4), totalMs },
  corrections: steps(corr),
  consistency: { clicks: [], pairs: [1, 0.5, 0.6], meanDice: 0.7 },
  errors: [],
});

describe('summarise', () => {
  const rs = [
    result('p1', 'phantom', 'm', 0.8, 100, [0.8, 0.9, 0.85], 10),
    result('p2', 'phantom', 'm', 0.6, 300, [0.6, 1], 30), // the reader stopped after one correction (mask = reference)
    result('p3', 'phantom', 'm', 0.7, 200, [0.7, 0.6, 0.7], 50),
    result('r1', 'real', 'm', 0.5, 50, [0.5, 0.6, 0.7], 20),
    { case: 'r2', group: 'real', method: 'm', errors: ['model failed'] },
  ];
  const s = summarise(rs, 2);

  it('summarises each group and then every case per method', () => {
    expect(s.map((x) => [x.group, x.method, x.cases, x.failed])).toEqual([
      ['phantom', 'm', 3, 0],
      ['real', 'm', 2, 1],
      ['all', 'm', 5, 1],
    ]);
  });

  it('averages Dice per protocol, carrying the last mask of a reader who stopped', () => {
    const p = s[0]!;
    expect(p.clickDice).toBeCloseTo(0.7, 12);
    expect(p.boxDice).toBeCloseTo(0.8, 12);
    expect(p.correctedDice[0]).toBeCloseTo((0.9 + 1 + 0.6) / 3, 12);
    expect(p.correctedDice[1]).toBeCloseTo((0.85 + 1 + 0.7) / 3, 12);
    expect(p.consistencyDice).toBeCloseTo(0.7, 12);
    expect(diceAfter(steps([0.6, 1]), 5)).toBe(1);
  });

  it('names the worst single step and the slowest case', () => {
    expect(s[0]!.worstStep?.case).toBe('p3');
    expect(s[0]!.worstStep?.dice).toBeCloseTo(-0.1, 12);
    expect(s[0]!.latency.slowest).toEqual({ totalMs: 300, case: 'p2' });
    expect(s[0]!.latency.meanTotalMs).toBe(200);
    expect(s[2]!.latency.slowest).toEqual({ totalMs: 300, case: 'p2' });
  });

  it('gives the median and mean RECIST axis errors, skipping undefined ones', () => {
    const p = s[0]!.recist;
    expect(p.click).toEqual({ longMedianPct: 30, longMeanPct: 30, shortMedianPct: null, shortMeanPct: null });
    expect(p.box.longMedianPct).toBe(60);
    // Final steps: p1 after 2 corrections (20 %), p2 after 1 (10 %), p3 after 2 (20 %).
    expect(p.corrected.longMedianPct).toBe(20);
    expect(p.corrected.longMeanPct).toBeCloseTo(50 / 3, 12);
    // Over every case: click long errors 10, 30, 50, 20 (r2 failed).
    expect(s[2]!.recist.click.longMedianPct).toBe(25);
  });
});
