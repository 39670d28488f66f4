import { describe, expect, it } from 'vitest';
import { isVoxaError } from '../contract/errors';
import { evaluateResponse, overallResponse } from './response';
import type { TimepointsFileInput } from './timepoints';

type Lesion = TimepointsFileInput['timepoints'][number]['lesions'][number];

/** Baseline: liver 30 mm + lung 20 mm (sum 50 mm), one non-target. */
const BASE: Lesion[] = [
  { id: 'L1', role: 'target', organ: 'liver', longAxisMm: 30, shortAxisMm: 20 },
  { id: 'L2', role: 'target', organ: 'lung', longAxisMm: 20, shortAxisMm: 12 },
  { id: 'NT1', role: 'nonTarget', organ: 'bone' },
];

function run(...followUps: Lesion[][]) {
  const doc: TimepointsFileInput = {
    timepoints: [
      { id: 'base', date: '2024-01-10', lesions: BASE },
      ...followUps.map((lesions, n) => ({ id: `fu${n + 1}`, date: `2024-0${n + 3}-01`, lesions })),
    ],
  };
  return evaluateResponse(doc);
}
const last = (r: ReturnType<typeof run>) => r.followUps[r.followUps.length - 1]!;
const tl = (l1: number, l2: number, nt: Lesion['status'] = 'present'): Lesion[] => [
  { id: 'L1', longAxisMm: l1 },
  { id: 'L2', longAxisMm: l2 },
  { id: 'NT1', status: nt },
];

describe('sum of diameters and changes', () => {
  it('sums long axes of non-nodal targets and short axes of nodal targets', () => {
    const r = evaluateResponse({
      timepoints: [
        {
          id: 'b',
          date: '2024-01-01',
          lesions: [
            { id: 'A', role: 'target', organ: 'liver', longAxisMm: 40, shortAxisMm: 25 },
            { id: 'N', role: 'target', organ: 'mediastinum', isNode: true, longAxisMm: 30, shortAxisMm: 18 },
          ],
        },
      ],
    });
    expect(r.baseline.sumMm).toBe(58);
    expect(r.followUps).toEqual([]);
  });

  it('reports change vs baseline and vs nadir', () => {
    const r = run(tl(20, 10), tl(24, 12));
    expect(r.followUps[0]).toMatchObject({ sumMm: 30, changeFromBaselineMm: -20, changeFromBaselinePct: -40, nadirMm: 50 });
    expect(last(r)).toMatchObject({ sumMm: 36, changeFromBaselinePct: -28, nadirMm: 30, nadirTimepointId: 'fu1', changeFromNadirMm: 6 });
    expect(last(r).changeFromNadirPct).toBeCloseTo(20, 9);
  });
});

describe('target response rules', () => {
  it('exactly −30 % vs baseline is PR; −29.8 % is SD', () => {
    expect(last(run(tl(21, 14)))).toMatchObject({ sumMm: 35, targetResponse: 'PR', overall: 'PR' });
    expect(last(run(tl(21.1, 14)))).toMatchObject({ targetResponse: 'SD', overall: 'SD' });
  });

  it('exactly +20 % and +5 mm over nadir is PD', () => {
    // Nadir 25 (fu1), then 30: +20 %, +5 mm.
    expect(last(run(tl(15, 10), tl(18, 12)))).toMatchObject({ nadirMm: 25, sumMm: 30, targetResponse: 'PD', overall: 'PD' });
  });

  it('+20 % over nadir but < 5 mm absolute is not PD', () => {
    // Nadir 20, then 24: +20 % but only +4 mm.
    const r = run(tl(12, 8), tl(14, 10));
    expect(last(r)).toMatchObject({ nadirMm: 20, sumMm: 24, targetResponse: 'PR' });
    // Against baseline 50, 24 is still −52 %: PR. Same rule with a smaller drop: nadir 22 → 26.4 (+20 %, +4.4 mm).
    const s = run(tl(24, 14), tl(14, 8), tl(16.4, 10));
    expect(last(s).changeFromNadirPct).toBeCloseTo(20, 9);
    expect(last(s).targetResponse).not.toBe('PD');
  });

  it('+5 mm but < 20 % over nadir is not PD', () => {
    // Nadir = baseline 50 → 55: +10 %, +5 mm.
    expect(last(run(tl(33, 22)))).toMatchObject({ targetResponse: 'SD', overall: 'SD' });
  });

  it('uses the nadir after baseline, not the baseline, for PD', () => {
    // 50 → 30 (PR) → 37: +23 % and +7 mm over the nadir 30 though −26 % vs baseline.
    const r = run(tl(20, 10), tl(25, 12));
    expect(r.followUps[0]!.targetResponse).toBe('PR');
    expect(last(r)).toMatchObject({ nadirMm: 30, nadirTimepointId: 'fu1', targetResponse: 'PD', overall: 'PD' });
    expect(last(r).changeFromBaselinePct).toBeCloseTo(-26, 9);
  });

  it('CR when all non-nodal targets are gone', () => {
    const r = run([
      { id: 'L1', status: 'absent' },
      { id: 'L2', status: 'absent' },
      { id: 'NT1', status: 'absent' },
    ]);
    expect(last(r)).toMatchObject({ sumMm: 0, targetResponse: 'CR', nonTargetResponse: 'CR', overall: 'CR' });
  });

  it('a node shrinking to 9 mm allows CR with a non-zero sum; at 10 mm it does not', () => {
    const doc = (nodeMm: number): TimepointsFileInput => ({
      timepoints: [
        {
          id: 'b',
          date: '2024-01-01',
          lesions: [
            { id: 'A', role: 'target', organ: 'liver', longAxisMm: 25 },
            { id: 'N', role: 'target', organ: 'neck', isNode: true, longAxisMm: 24, shortAxisMm: 16 },
          ],
        },
        {
          id: 'f',
          date: '2024-03-01',
          lesions: [
            { id: 'A', status: 'absent' },
            { id: 'N', longAxisMm: 12, shortAxisMm: nodeMm },
          ],
        },
      ],
    });
    expect(evaluateResponse(doc(9)).followUps[0]).toMatchObject({ sumMm: 9, targetResponse: 'CR', overall: 'CR' });
    // 10 mm: not normal, so not CR; sum 10 vs 41 is −76 %: PR.
    expect(evaluateResponse(doc(10)).followUps[0]).toMatchObject({ sumMm: 10, targetResponse: 'PR', overall: 'PR' });
  });

  it('a target not evaluable gives NE (not PR) even when the others shrink', () => {
    const r = run([{ id: 'L1', status: 'notEvaluable' }, { id: 'L2', longAxisMm: 5 }, { id: 'NT1' }]);
    expect(last(r)).toMatchObject({ sumComplete: false, targetResponse: 'NE', overall: 'NE' });
    // A target simply missing at the follow-up counts as not evaluable too.
    expect(last(run([{ id: 'L2', longAxisMm: 5 }, { id: 'NT1' }])).targetResponse).toBe('NE');
  });

  it('a target not evaluable still gives PD when the evaluable ones already meet PD', () => {
    const r = run([{ id: 'L1', status: 'notEvaluable' }, { id: 'L2', longAxisMm: 70 }, { id: 'NT1' }]);
    expect(last(r)).toMatchObject({ targetResponse: 'PD', overall: 'PD' });
  });

  it('an incomplete sum never becomes the nadir', () => {
    const r = run([{ id: 'L1', status: 'notEvaluable' }, { id: 'L2', longAxisMm: 5 }, { id: 'NT1' }], tl(30, 14));
    // Nadir stays 50 (baseline); 44 is −12 %: SD, not PD over the incomplete 5 mm.
    expect(last(r)).toMatchObject({ nadirMm: 50, targetResponse: 'SD' });
  });
});

describe('new lesions and non-targets', () => {
  it('a new lesion while the sum shrinks is PD', () => {
    const r = run([...tl(10, 5), { id: 'X1', role: 'new', organ: 'brain' }]);
    expect(last(r)).toMatchObject({ targetResponse: 'PR', newLesions: ['X1'], overall: 'PD' });
  });

  it('an equivocal new lesion is not PD', () => {
    const r = run([...tl(10, 5), { id: 'X1', role: 'new', status: 'notEvaluable' }]);
    expect(last(r)).toMatchObject({ newLesions: [], overall: 'PR' });
  });

  it('unequivocal non-target progression is PD whatever the targets do', () => {
    expect(last(run(tl(10, 5, 'unequivocalProgression')))).toMatchObject({ targetResponse: 'PR', nonTargetResponse: 'PD', overall: 'PD' });
  });

  it('targets CR with a persisting non-target is PR; with a non-evaluable non-target also PR', () => {
    const gone: Lesion[] = [
      { id: 'L1', status: 'absent' },
      { id: 'L2', status: 'absent' },
    ];
    expect(last(run([...gone, { id: 'NT1', status: 'present' }]))).toMatchObject({ targetResponse: 'CR', nonTargetResponse: 'NON_CR_NON_PD', overall: 'PR' });
    expect(last(run([...gone, { id: 'NT1', status: 'notEvaluable' }]))).toMatchObject({ nonTargetResponse: 'NE', overall: 'PR' });
  });

  it('SD with a non-evaluable non-target stays SD (table 1)', () => {
    expect(last(run(tl(28, 18, 'notEvaluable')))).toMatchObject({ targetResponse: 'SD', nonTargetResponse: 'NE', overall: 'SD' });
  });

  it('non-target-only disease follows table 2', () => {
    const doc = (status: Lesion['status'], extra: Lesion[] = []): TimepointsFileInput => ({
      timepoints: [
        { id: 'b', date: '2024-01-01', lesions: [{ id: 'NT', role: 'nonTarget', organ: 'pleura' }] },
        { id: 'f', date: '2024-02-01', lesions: [{ id: 'NT', status }, ...extra] },
      ],
    });
    expect(evaluateResponse(doc('present')).followUps[0]).toMatchObject({ targetResponse: null, overall: 'NON_CR_NON_PD' });
    expect(evaluateResponse(doc('absent')).followUps[0]!.overall).toBe('CR');
    expect(evaluateResponse(doc('notEvaluable')).followUps[0]!.overall).toBe('NE');
    expect(evaluateResponse(doc('present', [{ id: 'Y', role: 'new' }])).followUps[0]!.overall).toBe('PD');
  });

  it('overallResponse matches RECIST 1.1 table 1', () => {
    expect(overallResponse('CR', 'CR', false)).toBe('CR');
    expect(overallResponse('CR', null, false)).toBe('CR');
    expect(overallResponse('CR', 'NON_CR_NON_PD', false)).toBe('PR');
    expect(overallResponse('CR', 'NE', false)).toBe('PR');
    expect(overallResponse('PR', 'NE', false)).toBe('PR');
    expect(overallResponse('SD', 'NON_CR_NON_PD', false)).toBe('SD');
    expect(overallResponse('NE', 'NON_CR_NON_PD', false)).toBe('NE');
    expect(overallResponse('SD', 'CR', true)).toBe('PD');
    expect(overallResponse('CR', 'PD', false)).toBe('PD');
  });
});

describe('input checks', () => {
  const expectBad = (doc: unknown, match: RegExp) => {
    try {
      evaluateResponse(doc);
    } catch (e) {
      expect(isVoxaError(e) && e.code === 'BAD_REQUEST').toBe(true);
      const text = isVoxaError(e) ? [e.message, ...(e.details ?? [])].join('\n') : '';
      expect(text).toMatch(match);
      return;
    }
    throw new Error('expected a BAD_REQUEST');
  };
  const target = (id: string, organ: string, extra: Partial<Lesion> = {}): Lesion => ({ id, role: 'target', organ, longAxisMm: 20, ...extra });
  const one = (lesions: Lesion[]) => ({ timepoints: [{ id: 'b', date: '2024-01-01', lesions }] });

  it('refuses more than 5 targets and more than 2 per organ, naming them', () => {
    expectBad(one(['a', 'b', 'c', 'd', 'e', 'f'].map((id, n) => target(id, `organ${n}`))), /6 target lesions selected \(a, b, c, d, e, f\).*at most 5/);
    expectBad(one([target('a', 'Liver'), target('b', 'liver '), target('c', 'LIVER')]), /3 targets in liver \(a, b, c\).*at most 2 per organ/);
    // All nodes are one organ.
    const node = (id: string, organ: string) => target(id, organ, { isNode: true, shortAxisMm: 16 });
    expectBad(one([node('n1', 'neck'), node('n2', 'axilla'), node('n3', 'groin')]), /3 targets in lymph nodes.*all lymph nodes count as one organ/);
  });

  it('rejects malformed documents with the path of each problem', () => {
    expectBad({ timepoints: [] }, /at least one timepoint/);
    expectBad({ timepoints: [{ id: 'b', date: '10/01/2024', lesions: [] }] }, /timepoints\.0\.date/);
    expectBad(one([{ id: 'a', role: 'target', organ: 'x', longAxisMm: -3 }]), /timepoints\.0\.lesions\.0\.longAxisMm/);
    expectBad('nonsense', /invalid timepoints document/);
    expectBad(one([{ id: 'a', organ: 'x', longAxisMm: 20 }]), /role is required/);
    expectBad(one([{ id: 'a', role: 'target', organ: 'x' }]), /needs longAxisMm/);
    expectBad(
      {
        timepoints: [
          { id: 'b', date: '2024-01-01', lesions: [target('a', 'x')] },
          { id: 'f', date: '2024-02-01', lesions: [{ id: 'zz', longAxisMm: 4 }] },
        ],
      },
      /lesion zz at f: not at baseline/,
    );
    expectBad(
      {
        baselineId: 'f',
        timepoints: [
          { id: 'b', date: '2024-01-01', lesions: [target('a', 'x')] },
          { id: 'f', date: '2024-02-01', lesions: [target('a', 'x')] },
        ],
      },
      /dated before the baseline/,
    );
  });

  it('warns (does not refuse) about non-measurable targets', () => {
    const r = evaluateResponse({ timepoints: [{ id: 'b', date: '2024-01-01', sliceThicknessMm: 6.5, lesions: [target('a', 'x', { longAxisMm: 12 })] }] });
    expect(r.baseline.warnings.join()).toMatch(/target a is not measurable: long axis 12 mm < 2 × slice thickness \(6.5 mm\)/);
  });

  it('orders timepoints by date, whatever their order in the file', () => {
    const r = evaluateResponse({
      timepoints: [
        { id: 'late', date: '2024-06-01', lesions: [{ id: 'a', longAxisMm: 30 }] },
        { id: 'b', date: '2024-01-01', lesions: [target('a', 'x', { longAxisMm: 40 })] },
        { id: 'mid', date: '2024-03-01', lesions: [{ id: 'a', longAxisMm: 20 }] },
      ],
    });
    expect(r.followUps.map((f) => [f.timepointId, f.overall])).toEqual([
      ['mid', 'PR'],
      ['late', 'PD'],
    ]);
  });
});
