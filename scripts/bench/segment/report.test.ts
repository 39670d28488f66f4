import { describe, expect, it } from 'vitest';
import { fmt, formatTable, summaryTables } from './report';
import { summarise, type MethodResult } from './summary';

describe('formatTable', () => {
  it('pads text columns left and number columns right', () => {
    expect(formatTable([['case', 'Dice'], ['a long name', '0.9'], ['b', '0.85']], 1)).toEqual(['case         Dice', 'a long name   0.9', 'b            0.85']);
  });
  it('prints null as a dash', () => {
    expect([fmt(null), fmt(undefined), fmt(Number.NaN), fmt(1.24, 1)]).toEqual(['-', '-', '-', '1.2']);
  });
});

describe('summaryTables', () => {
  const r = (group: string): MethodResult => ({ case: `${group} case`, group, method: 'm', errors: [] });
  it('shows the "all" line only when there are several groups', () => {
    const count = (rs: MethodResult[]) => summaryTables(summarise(rs, 0), 0).filter((l) => l.startsWith('all ')).length;
    expect(count([r('phantom')])).toBe(0);
    expect(count([r('phantom'), r('real')])).toBe(3); // one line in each of the three summaries
  });
});
