/**
 * Repeated stratified k-fold cross-validation of a scoring model: each
 * repeat shuffles each class with a seeded generator and deals it round-robin
 * into k folds, so every fold holds both classes whenever k ≤ the smaller
 * class count. Reports the AUROC of every held-out fold (its mean and sample
 * standard deviation are the "spread") and the pooled out-of-fold AUROC.
 */
import { mulberry32 } from '../random';
import { auroc } from './auroc';

/** A deterministic PRNG so folds are reproducible. */
export const seededRandom = mulberry32;

/** Fold index (0..k−1) of each sample, stratified by label. */
export function stratifiedFolds(labels: readonly number[], k: number, rand: () => number): number[] {
  const folds = new Array<number>(labels.length).fill(0);
  let offset = 0;
  for (const cls of [0, 1]) {
    const idx = labels.map((v, i) => (v === cls ? i : -1)).filter((i) => i >= 0);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [idx[i], idx[j]] = [idx[j] as number, idx[i] as number];
    }
    // Continue the round-robin where the previous class stopped, so fold sizes stay balanced.
    idx.forEach((sample, n) => (folds[sample] = (n + offset) % k));
    offset = (offset + idx.length) % k;
  }
  return folds;
}

export interface CvResult {
  k: number;
  repeats: number;
  foldAurocs: number[];
  meanAuroc: number;
  /** Sample standard deviation of the fold AUROCs. */
  sdAuroc: number;
  minAuroc: number;
  maxAuroc: number;
  /** AUROC of all out-of-fold scores of the first repeat pooled. */
  pooledAuroc: number;
  /** Out-of-fold decision values of the first repeat (for calibration), by sample. */
  outOfFold: number[];
}

export type Trainer = (trainIdx: number[]) => (sample: number) => number;

export function crossValidate(labels: readonly number[], train: Trainer, opts: { k: number; repeats?: number; seed?: number }): CvResult {
  const repeats = opts.repeats ?? 1;
  const rand = seededRandom(opts.seed ?? 1);
  const foldAurocs: number[] = [];
  let outOfFold: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const folds = stratifiedFolds(labels, opts.k, rand);
    const oof = new Array<number>(labels.length).fill(0);
    for (let f = 0; f < opts.k; f++) {
      const trainIdx = folds.map((v, i) => (v === f ? -1 : i)).filter((i) => i >= 0);
      const testIdx = folds.map((v, i) => (v === f ? i : -1)).filter((i) => i >= 0);
      const score = train(trainIdx);
      for (const i of testIdx) oof[i] = score(i);
      foldAurocs.push(auroc(testIdx.map((i) => oof[i] as number), testIdx.map((i) => labels[i] as number)));
    }
    if (r === 0) outOfFold = oof;
  }
  const mean = foldAurocs.reduce((a, b) => a + b, 0) / foldAurocs.length;
  const sd = foldAurocs.length > 1 ? Math.sqrt(foldAurocs.reduce((a, b) => a + (b - mean) ** 2, 0) / (foldAurocs.length - 1)) : 0;
  return {
    k: opts.k,
    repeats,
    foldAurocs,
    meanAuroc: mean,
    sdAuroc: sd,
    minAuroc: Math.min(...foldAurocs),
    maxAuroc: Math.max(...foldAurocs),
    pooledAuroc: auroc(outOfFold, labels),
    outOfFold,
  };
}
