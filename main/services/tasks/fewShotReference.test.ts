/**
 * common/fewshot against an independent reference: scipy (Debian's python3)
 * minimising the same objectives with L-BFGS, and scipy's Mann–Whitney U for
 * the AUROC.
 */
import { describe, expect, it } from 'vitest';
import { auroc } from '../../../common/fewshot/auroc';
import { seededRandom } from '../../../common/fewshot/crossValidation';
import { fitLogistic } from '../../../common/fewshot/logisticRegression';
import { fitPlatt } from '../../../common/fewshot/platt';
import { pythonJson, REFERENCE_PYTHON } from '../../testing/dataDir';

const HAS_SCIPY = (() => {
  if (!REFERENCE_PYTHON) return false;
  try {
    pythonJson<number>('import scipy, json; print(json.dumps(1))');
    return true;
  } catch {
    return false;
  }
})();

const REF = `
import sys, json, numpy as np
from scipy.optimize import minimize
from scipy.stats import mannwhitneyu
d = json.loads(sys.argv[1])
X, y, lam = np.array(d["x"]), np.array(d["y"]), d["l2"]
def f(p):
    w, b = p[:-1], p[-1]
    z = X @ w + b
    return np.sum(np.logaddexp(0, -np.where(y == 1, z, -z))) + 0.5 * lam * w @ w
r = minimize(f, np.zeros(X.shape[1] + 1), method="L-BFGS-B", options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 10000})
s, l = np.array(d["scores"]), np.array(d["labels"])
u = mannwhitneyu(s[l == 1], s[l == 0]).statistic
npos, nneg = (l == 1).sum(), (l == 0).sum()
t = np.where(l == 1, (npos + 1) / (npos + 2), 1 / (nneg + 2))
def g(p):
    fz = p[0] * s + p[1]
    return np.sum(t * fz + np.logaddexp(0, -fz))
pr = minimize(g, np.zeros(2), method="L-BFGS-B", options={"ftol": 1e-15, "gtol": 1e-10})
print(json.dumps({"w": r.x[:-1].tolist(), "b": float(r.x[-1]), "obj": float(r.fun), "auc": float(u / (npos * nneg)), "platt": pr.x.tolist()}))
`;

describe.skipIf(!HAS_SCIPY)('few-shot maths vs scipy', () => {
  it('logistic weights, AUROC (with ties) and Platt parameters agree', () => {
    const rand = seededRandom(11);
    const g = () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
    const x = Array.from({ length: 30 }, (_, i) => Array.from({ length: 5 }, (_, j) => g() + (i < 12 && j < 2 ? 1 : 0)));
    const y = x.map((_, i) => (i < 12 ? 1 : 0));
    // Scores rounded to one decimal so that ties occur.
    const scores = Array.from({ length: 40 }, (_, i) => Math.round((g() + (i % 3 === 0 ? 1 : 0)) * 10) / 10);
    const labels = scores.map((_, i) => (i % 3 === 0 ? 1 : 0));
    const ref = pythonJson<{ w: number[]; b: number; obj: number; auc: number; platt: [number, number] }>(REF, [JSON.stringify({ x, y, l2: 0.5, scores, labels })]);
    const m = fitLogistic(x, y, { l2: 0.5 });
    m.weights.forEach((w, j) => expect(w).toBeCloseTo(ref.w[j] as number, 4));
    expect(m.intercept).toBeCloseTo(ref.b, 4);
    expect(m.objective).toBeLessThanOrEqual(ref.obj + 1e-9);
    expect(auroc(scores, labels)).toBeCloseTo(ref.auc, 12);
    const p = fitPlatt(scores, labels);
    expect(p.a).toBeCloseTo(ref.platt[0], 4);
    expect(p.b).toBeCloseTo(ref.platt[1], 4);
  });
});
