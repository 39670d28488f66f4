import { describe, expect, it } from 'vitest';
import { VoxaError } from '../contract';
import { auroc } from './auroc';
import { seededRandom, stratifiedFolds } from './crossValidation';
import { choleskySolve, fitLogistic, sigmoid } from './logisticRegression';
import { fitPlatt } from './platt';
import { MIN_CASES_PER_CLASS, probeScore, trainProbe, type FewShotCase } from './fewShotProbe';

function gaussianCases(nPos: number, nNeg: number, d: number, shift: number, seed: number): FewShotCase[] {
  const r = seededRandom(seed);
  const g = () => Math.sqrt(-2 * Math.log(Math.max(r(), 1e-12))) * Math.cos(2 * Math.PI * r());
  const out: FewShotCase[] = [];
  for (let i = 0; i < nPos + nNeg; i++) {
    const positive = i < nPos;
    out.push({ positive, embedding: Array.from({ length: d }, (_, j) => g() + (positive && j < 3 ? shift : 0)) });
  }
  return out;
}

describe('auroc', () => {
  it('matches hand-counted pairs', () => {
    // scikit-learn's roc_auc_score docstring example: 0.75 (3 of 4 positive–negative pairs ordered).
    expect(auroc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(auroc([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
    expect(auroc([1, 2, 3, 4], [1, 1, 0, 0])).toBe(0);
    // Ties count one half: every pair tied.
    expect(auroc([5, 5, 5, 5], [0, 1, 0, 1])).toBe(0.5);
    // One tie among 2×2 pairs: pairs (p=2 vs n=2) tie, (p=2 vs n=1) win, (p=3, *) win → 3.5 / 4.
    expect(auroc([1, 2, 2, 3], [0, 0, 1, 1])).toBe(0.875);
  });
  it('refuses a single class', () => expect(() => auroc([1, 2], [1, 1])).toThrow(RangeError));
});

describe('fitLogistic', () => {
  it('meets the optimality condition Σ(μ−y)x + λw = 0 (and Σ(μ−y) = 0 for the intercept)', () => {
    const cases = gaussianCases(12, 15, 6, 1.2, 3);
    const x = cases.map((c) => c.embedding);
    const y = cases.map((c) => (c.positive ? 1 : 0));
    const m = fitLogistic(x, y, { l2: 0.7 });
    expect(m.converged).toBe(true);
    const grad = new Array<number>(7).fill(0);
    x.forEach((row, i) => {
      const mu = sigmoid(row.reduce((s, v, j) => s + v * (m.weights[j] as number), m.intercept));
      row.forEach((v, j) => (grad[j] = (grad[j] as number) + (mu - (y[i] as number)) * v));
      grad[6] = (grad[6] as number) + mu - (y[i] as number);
    });
    m.weights.forEach((w, j) => expect((grad[j] as number) + 0.7 * w).toBeCloseTo(0, 7));
    expect(grad[6]).toBeCloseTo(0, 7);
  });

  it('solves the symmetric two-point case: b = 0 and w = 2σ(−w)/λ', () => {
    const m = fitLogistic([[1], [-1]], [1, 0], { l2: 1 });
    expect(m.intercept).toBeCloseTo(0, 9);
    const w = m.weights[0] as number;
    expect(w).toBeCloseTo(2 * sigmoid(-w), 9);
  });

  it('stays finite on perfectly separable data (the penalty bounds w)', () => {
    const m = fitLogistic([[0], [1], [2], [10], [11], [12]], [0, 0, 0, 1, 1, 1], { l2: 0.01 });
    expect(Number.isFinite(m.weights[0])).toBe(true);
    expect(m.converged).toBe(true);
  });

  it('refuses bad input', () => {
    expect(() => fitLogistic([], [])).toThrow(RangeError);
    expect(() => fitLogistic([[1], [1, 2]], [0, 1])).toThrow(/same length/);
    expect(() => fitLogistic([[1], [2]], [0, 2])).toThrow(/0 or 1/);
    expect(() => fitLogistic([[1], [Number.NaN]], [0, 1])).toThrow(/finite/);
    expect(() => fitLogistic([[1], [2]], [0, 1], { l2: 0 })).toThrow(/positive/);
  });

  it('cholesky solves a known system and rejects a non-SPD one', () => {
    // [[4,2],[2,3]] x = [2, 1] → x = [0.5, 0]
    const x = choleskySolve(Float64Array.from([4, 2, 2, 3]), Float64Array.from([2, 1]), 2);
    expect(Array.from(x ?? [])).toEqual([0.5, 0]);
    expect(choleskySolve(Float64Array.from([1, 2, 2, 1]), Float64Array.from([1, 1]), 2)).toBeNull();
  });
});

describe('stratifiedFolds', () => {
  it('puts both classes in every fold and balances fold sizes', () => {
    const labels = [...new Array<number>(7).fill(1), ...new Array<number>(13).fill(0)];
    const folds = stratifiedFolds(labels, 4, seededRandom(5));
    for (let f = 0; f < 4; f++) {
      const inFold = labels.filter((_, i) => folds[i] === f);
      expect(inFold.filter((v) => v === 1).length).toBeGreaterThanOrEqual(1);
      expect(inFold.filter((v) => v === 0).length).toBeGreaterThanOrEqual(3);
      expect(inFold.length === 5).toBe(true);
    }
  });
});

describe('fitPlatt', () => {
  it('is stationary for the smoothed targets and increases with the score', () => {
    const s = [-3, -2, -1.5, -0.2, 0.1, 0.5, 1, 2.5, 3, -0.5];
    const y = [0, 0, 0, 1, 0, 1, 1, 1, 1, 0];
    const p = fitPlatt(s, y);
    const t = y.map((v) => (v ? 6 / 7 : 1 / 7));
    let g1 = 0;
    let g2 = 0;
    s.forEach((v, i) => {
      const prob = sigmoid(-(p.a * v + p.b));
      g1 += v * ((t[i] as number) - prob);
      g2 += (t[i] as number) - prob;
    });
    expect(g1).toBeCloseTo(0, 6);
    expect(g2).toBeCloseTo(0, 6);
    expect(p.a).toBeLessThan(0);
  });
});

describe('trainProbe', () => {
  it(`refuses fewer than ${MIN_CASES_PER_CLASS} cases per class with a message that says what to tag`, () => {
    const cases = gaussianCases(3, 10, 4, 2, 1);
    try {
      trainProbe(cases, { finding: 'nodule', encoderId: 'voxa-encoder' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(VoxaError);
      expect((e as VoxaError).code).toBe('BAD_REQUEST');
      expect((e as Error).message).toBe(
        'few-shot training needs at least 4 positive and 4 negative cases; got 3 positive and 10 negative (tag 1 more positive)',
      );
    }
    expect(() => trainProbe(gaussianCases(4, 4, 4, 2, 1), { finding: 'x', encoderId: 'e' })).not.toThrow();
  });

  it('separates well-separated classes (CV AUROC near 1) and not noise (near 0.5)', () => {
    const easy = trainProbe(gaussianCases(10, 10, 16, 3, 7), { finding: 'x', encoderId: 'e' });
    expect(easy.cv.meanAuroc).toBeGreaterThan(0.95);
    expect(easy.cv.k).toBe(5);
    expect(easy.cvDetail.foldAurocs).toHaveLength(25);
    const noise = trainProbe(gaussianCases(10, 10, 16, 0, 8), { finding: 'x', encoderId: 'e' });
    expect(noise.cv.meanAuroc).toBeLessThan(0.75);
    expect(noise.cv.sdAuroc).toBeGreaterThan(0.1);
    // Calibrated scores on new cases: positives high, negatives low.
    const test = gaussianCases(20, 20, 16, 3, 99);
    const scores = test.map((c) => probeScore(easy, c.embedding).probability);
    expect(auroc(scores, test.map((c) => (c.positive ? 1 : 0)))).toBeGreaterThan(0.95);
    for (const p of scores) {
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThan(1);
    }
  });
});
