import { describe, expect, it } from 'vitest';
import { combineSeriesAnswers } from './taskOutputs';

describe('combineSeriesAnswers (a VQA question about a whole series)', () => {
  it('yes/no: yes when any slice says yes, with that slice and its P(yes)', () => {
    const r = combineSeriesAnswers([
      { answerType: 'yes/no', answer: 'no', confidence: 0.9, alternatives: [{ answer: 'yes', probability: 0.1 }], slice: 3 },
      { answerType: 'yes/no', answer: 'yes', confidence: 0.7, alternatives: [{ answer: 'no', probability: 0.3 }], slice: 8 },
      { answerType: 'yes/no', answer: 'no', confidence: 0.6, alternatives: [{ answer: 'yes', probability: 0.4 }], slice: 12 },
    ]);
    expect(r).toEqual({ answer: 'yes', confidence: 0.7, alternatives: [{ answer: 'no', probability: expect.closeTo(0.3, 12) }], slice: 8 });
    const none = combineSeriesAnswers([
      { answerType: 'yes/no', answer: 'no', confidence: 0.8, alternatives: [{ answer: 'yes', probability: 0.2 }], slice: 1 },
      { answerType: 'yes/no', answer: 'no', confidence: 0.65, alternatives: [{ answer: 'yes', probability: 0.35 }], slice: 2 },
    ]);
    expect(none).toMatchObject({ answer: 'no', confidence: 0.65, slice: 2 });
  });

  it('open answers: the mean distribution (hand-computed), reported on the slice most sure of the winner', () => {
    const r = combineSeriesAnswers([
      { answerType: 'open', answer: 'thorax', confidence: 0.6, alternatives: [{ answer: 'abdomen', probability: 0.4 }], slice: 10 },
      { answerType: 'open', answer: 'abdomen', confidence: 0.9, alternatives: [{ answer: 'thorax', probability: 0.1 }], slice: 40 },
      { answerType: 'open', answer: 'abdomen', confidence: 0.5, alternatives: [{ answer: 'thorax', probability: 0.5 }], slice: 20 },
    ]);
    // abdomen (0.4 + 0.9 + 0.5) / 3 = 0.6; thorax (0.6 + 0.1 + 0.5) / 3 = 0.4.
    expect(r.answer).toBe('abdomen');
    expect(r.confidence).toBeCloseTo(0.6, 12);
    expect(r.alternatives).toEqual([{ answer: 'thorax', probability: expect.closeTo(0.4, 12) }]);
    expect(r.slice).toBe(40);
    expect(() => combineSeriesAnswers([])).toThrow(/no slice answers/);
  });
});
