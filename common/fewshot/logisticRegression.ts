/**
 * L2-regularised logistic regression fitted by Newton's method (IRLS).
 *
 * Minimises Σᵢ log(1 + exp(−ỹᵢ (w·xᵢ + b))) + (λ/2)‖w‖², ỹ ∈ {−1, +1}; the
 * intercept b is not penalised. This is scikit-learn's `LogisticRegression`
 * objective with C = 1/λ. The objective is strictly convex for λ > 0, so
 * Newton steps with step halving converge to the unique optimum; each step
 * solves the (d+1)×(d+1) Hessian system by Cholesky. For the few-shot sizes
 * Voxa meets (tens of cases, embeddings of a few hundred floats) that is a
 * few milliseconds.
 */

export interface LogisticModel {
  weights: number[];
  intercept: number;
}

export interface LogisticFitOptions {
  /** λ, the L2 penalty on the weights (default 1, i.e. scikit-learn's C = 1). */
  l2?: number;
  maxIter?: number;
  /** Stop when the largest gradient component falls below this. */
  tol?: number;
}

export interface LogisticFit extends LogisticModel {
  iterations: number;
  objective: number;
  converged: boolean;
}

/** log(1 + exp(z)) without overflow. */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

export function decision(m: LogisticModel, x: readonly number[]): number {
  let s = m.intercept;
  for (let j = 0; j < m.weights.length; j++) s += (m.weights[j] as number) * (x[j] as number);
  return s;
}

/** Solves A x = b for symmetric positive definite A (row-major n×n) by Cholesky; null if A is not SPD. */
export function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j] as number;
      for (let k = 0; k < j; k++) s -= (l[i * n + k] as number) * (l[j * n + k] as number);
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * n + i] = Math.sqrt(s);
      } else l[i * n + j] = s / (l[j * n + j] as number);
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (l[i * n + k] as number) * (y[k] as number);
    y[i] = s / (l[i * n + i] as number);
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i] as number;
    for (let k = i + 1; k < n; k++) s -= (l[k * n + i] as number) * (x[k] as number);
    x[i] = s / (l[i * n + i] as number);
  }
  return x;
}

function objective(x: readonly (readonly number[])[], y: readonly number[], w: Float64Array, l2: number): number {
  const d = w.length - 1;
  let f = 0;
  for (let i = 0; i < x.length; i++) {
    const row = x[i] as readonly number[];
    let z = w[d] as number;
    for (let j = 0; j < d; j++) z += (w[j] as number) * (row[j] as number);
    f += softplus(y[i] === 1 ? -z : z);
  }
  for (let j = 0; j < d; j++) f += 0.5 * l2 * (w[j] as number) ** 2;
  return f;
}

/**
 * Fits the model to rows `x` (n × d) with labels `y` ∈ {0, 1}. Throws a
 * RangeError on empty input, ragged rows, labels other than 0/1, non-finite
 * values or λ ≤ 0 (the optimum would not be unique on separable data).
 */
export function fitLogistic(x: readonly (readonly number[])[], y: readonly number[], opts: LogisticFitOptions = {}): LogisticFit {
  const l2 = opts.l2 ?? 1;
  const maxIter = opts.maxIter ?? 100;
  const tol = opts.tol ?? 1e-8;
  if (!(l2 > 0)) throw new RangeError('the L2 penalty must be positive');
  const n = x.length;
  if (n === 0 || y.length !== n) throw new RangeError('need as many labels as rows, and at least one row');
  const d = (x[0] as readonly number[]).length;
  for (const row of x) {
    if (row.length !== d) throw new RangeError('all rows must have the same length');
    for (const v of row) if (!Number.isFinite(v)) throw new RangeError('features must be finite numbers');
  }
  for (const v of y) if (v !== 0 && v !== 1) throw new RangeError('labels must be 0 or 1');
  const p = d + 1; // weights then intercept
  const w = new Float64Array(p);
  let f = objective(x, y, w, l2);
  let iterations = 0;
  let converged = false;
  const grad = new Float64Array(p);
  const hess = new Float64Array(p * p);
  for (; iterations < maxIter; iterations++) {
    grad.fill(0);
    hess.fill(0);
    for (let i = 0; i < n; i++) {
      const row = x[i] as readonly number[];
      let z = w[d] as number;
      for (let j = 0; j < d; j++) z += (w[j] as number) * (row[j] as number);
      const mu = sigmoid(z);
      const r = mu - (y[i] as number);
      const s = mu * (1 - mu);
      for (let j = 0; j < p; j++) {
        const xj = j < d ? (row[j] as number) : 1;
        grad[j] = (grad[j] as number) + r * xj;
        if (s === 0) continue;
        for (let k = 0; k <= j; k++) {
          const xk = k < d ? (row[k] as number) : 1;
          hess[j * p + k] = (hess[j * p + k] as number) + s * xj * xk;
        }
      }
    }
    for (let j = 0; j < d; j++) {
      grad[j] = (grad[j] as number) + l2 * (w[j] as number);
      hess[j * p + j] = (hess[j * p + j] as number) + l2;
    }
    // The intercept's curvature can vanish when every point is fitted; a tiny ridge keeps the system SPD.
    hess[d * p + d] = (hess[d * p + d] as number) + 1e-10;
    for (let j = 0; j < p; j++) for (let k = j + 1; k < p; k++) hess[j * p + k] = hess[k * p + j] as number;
    let gmax = 0;
    for (const g of grad) gmax = Math.max(gmax, Math.abs(g));
    if (gmax < tol) {
      converged = true;
      break;
    }
    const step = choleskySolve(hess, grad, p);
    if (!step) break;
    let t = 1;
    let next = new Float64Array(p);
    let fNext = Infinity;
    for (let h = 0; h < 40; h++, t /= 2) {
      next = w.map((v, j) => v - t * (step[j] as number));
      fNext = objective(x, y, next, l2);
      if (fNext <= f) break;
    }
    if (!(fNext <= f)) break;
    w.set(next);
    const improvement = f - fNext;
    f = fNext;
    if (improvement < 1e-14 * Math.max(1, Math.abs(f))) {
      converged = true;
      iterations++;
      break;
    }
  }
  return { weights: Array.from(w.subarray(0, d)), intercept: w[d] as number, iterations, objective: f, converged };
}
