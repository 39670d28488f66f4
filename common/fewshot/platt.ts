/**
 * Platt scaling: P(y = 1 | s) = 1 / (1 + exp(A·s + B)) fitted to decision
 * values `s` by maximum likelihood against Platt's smoothed targets
 * t₊ = (N₊ + 1)/(N₊ + 2), t₋ = 1/(N₋ + 2) (Platt 1999; Lin, Lin & Weng 2007),
 * which keeps the fit finite on separable scores. Newton's method on (A, B)
 * with backtracking, as in Lin et al.'s algorithm.
 */
import { sigmoid, softplus } from './logisticRegression';

export interface PlattScaling {
  a: number;
  b: number;
}

export function plattProbability(p: PlattScaling, s: number): number {
  return sigmoid(-(p.a * s + p.b));
}

export function fitPlatt(scores: readonly number[], labels: readonly number[]): PlattScaling {
  const nPos = labels.filter((v) => v === 1).length;
  const nNeg = labels.length - nPos;
  if (nPos === 0 || nNeg === 0) throw new RangeError('Platt scaling needs both classes');
  const hi = (nPos + 1) / (nPos + 2);
  const lo = 1 / (nNeg + 2);
  const t = labels.map((v) => (v === 1 ? hi : lo));
  // Negative log-likelihood of the targets with f = A s + B and P = 1/(1+e^f): Σ t·f + softplus(−f).
  const nll = (a: number, b: number) => {
    let s = 0;
    for (let i = 0; i < scores.length; i++) {
      const f = a * (scores[i] as number) + b;
      s += (t[i] as number) * f + softplus(-f);
    }
    return s;
  };
  let a = 0;
  let b = Math.log((nNeg + 1) / (nPos + 1));
  let f = nll(a, b);
  for (let it = 0; it < 100; it++) {
    let g1 = 0;
    let g2 = 0;
    let h11 = 1e-12;
    let h22 = 1e-12;
    let h21 = 0;
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i] as number;
      const p = sigmoid(-(a * s + b));
      const d1 = (t[i] as number) - p;
      const d2 = p * (1 - p);
      g1 += s * d1;
      g2 += d1;
      h11 += s * s * d2;
      h22 += d2;
      h21 += s * d2;
    }
    if (Math.abs(g1) < 1e-10 && Math.abs(g2) < 1e-10) break;
    const det = h11 * h22 - h21 * h21;
    const da = -(h22 * g1 - h21 * g2) / det;
    const db = -(-h21 * g1 + h11 * g2) / det;
    let step = 1;
    let improved = false;
    while (step >= 1e-10) {
      const fn = nll(a + step * da, b + step * db);
      if (fn < f + 1e-4 * step * (g1 * da + g2 * db)) {
        a += step * da;
        b += step * db;
        f = fn;
        improved = true;
        break;
      }
      step /= 2;
    }
    if (!improved) break;
  }
  return { a, b };
}
