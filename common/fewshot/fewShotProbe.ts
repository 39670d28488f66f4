/**
 * Few-shot adaptation: a linear probe on frozen encoder embeddings.
 *
 * Features are standardised (training mean and standard deviation), an
 * L2-regularised logistic regression is fitted (λ = 1 by default, i.e.
 * scikit-learn's C = 1 on standardised features), its skill is estimated by
 * repeated stratified k-fold cross-validation (AUROC per held-out fold, with
 * the spread), and its decision values are calibrated by Platt scaling fitted
 * on the out-of-fold values, so the score shown to the user is a probability
 * that was not fitted on the cases it describes.
 *
 * Fewer than {@link MIN_CASES_PER_CLASS} cases in either class is refused:
 * with three or fewer, a fold cannot hold both classes and the AUROC of a
 * held-out fold means nothing.
 */
import { z } from 'zod';
import { VoxaError } from '../contract';
import { crossValidate, type CvResult } from './crossValidation';
import { decision, fitLogistic } from './logisticRegression';
import { fitPlatt, plattProbability } from './platt';

export const MIN_CASES_PER_CLASS = 4;

export const probeSchema = z.object({
  kind: z.literal('voxa-fewshot-probe'),
  version: z.literal(1),
  finding: z.string().min(1),
  encoderId: z.string().regex(/^[a-z0-9-]+$/),
  embeddingDim: z.number().int().positive(),
  mean: z.array(z.number()),
  scale: z.array(z.number().positive()),
  weights: z.array(z.number()),
  intercept: z.number(),
  l2: z.number().positive(),
  platt: z.object({ a: z.number(), b: z.number() }),
  counts: z.object({ positive: z.number().int(), negative: z.number().int() }),
  cv: z.object({
    k: z.number().int(),
    repeats: z.number().int(),
    meanAuroc: z.number(),
    sdAuroc: z.number(),
    minAuroc: z.number(),
    maxAuroc: z.number(),
    pooledAuroc: z.number(),
  }),
});
export type FewShotProbe = z.infer<typeof probeSchema>;

export interface FewShotCase {
  embedding: readonly number[];
  positive: boolean;
}

export interface TrainProbeOptions {
  finding: string;
  encoderId: string;
  l2?: number;
  folds?: number;
  repeats?: number;
  seed?: number;
}

function standardiser(rows: readonly (readonly number[])[]): { mean: number[]; scale: number[] } {
  const d = (rows[0] as readonly number[]).length;
  const mean = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(0);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (r[j] as number) / rows.length;
  for (const r of rows) for (let j = 0; j < d; j++) scale[j] = (scale[j] as number) + ((r[j] as number) - (mean[j] as number)) ** 2 / rows.length;
  // A constant feature keeps scale 1 (it is zero after centring either way).
  return { mean, scale: scale.map((v) => (v > 1e-12 ? Math.sqrt(v) : 1)) };
}

const standardise = (r: readonly number[], s: { mean: number[]; scale: number[] }) => r.map((v, j) => (v - (s.mean[j] as number)) / (s.scale[j] as number));

/** Checks the cases and says plainly what is missing. */
export function checkCases(cases: readonly FewShotCase[]): void {
  const pos = cases.filter((c) => c.positive).length;
  const neg = cases.length - pos;
  if (pos < MIN_CASES_PER_CLASS || neg < MIN_CASES_PER_CLASS) {
    const need: string[] = [];
    if (pos < MIN_CASES_PER_CLASS) need.push(`${MIN_CASES_PER_CLASS - pos} more positive`);
    if (neg < MIN_CASES_PER_CLASS) need.push(`${MIN_CASES_PER_CLASS - neg} more negative`);
    throw new VoxaError(
      'BAD_REQUEST',
      `few-shot training needs at least ${MIN_CASES_PER_CLASS} positive and ${MIN_CASES_PER_CLASS} negative cases; got ${pos} positive and ${neg} negative (tag ${need.join(' and ')})`,
    );
  }
  const d = cases[0]?.embedding.length ?? 0;
  for (const c of cases) {
    if (c.embedding.length !== d || d === 0) throw new VoxaError('BAD_REQUEST', 'every case must have an embedding of the same, non-zero length');
    if (c.embedding.some((v) => !Number.isFinite(v))) throw new VoxaError('BAD_REQUEST', 'an embedding holds a non-finite value');
  }
}

export function trainProbe(cases: readonly FewShotCase[], opts: TrainProbeOptions): FewShotProbe & { cvDetail: CvResult } {
  checkCases(cases);
  const l2 = opts.l2 ?? 1;
  const labels = cases.map((c) => (c.positive ? 1 : 0));
  const rows = cases.map((c) => c.embedding);
  const pos = labels.filter((v) => v === 1).length;
  const k = Math.min(opts.folds ?? 5, pos, cases.length - pos);
  const cv = crossValidate(
    labels,
    (trainIdx) => {
      const s = standardiser(trainIdx.map((i) => rows[i] as readonly number[]));
      const m = fitLogistic(trainIdx.map((i) => standardise(rows[i] as readonly number[], s)), trainIdx.map((i) => labels[i] as number), { l2 });
      return (i) => decision(m, standardise(rows[i] as readonly number[], s));
    },
    { k, repeats: opts.repeats ?? 5, seed: opts.seed ?? 1 },
  );
  const s = standardiser(rows);
  const m = fitLogistic(rows.map((r) => standardise(r, s)), labels, { l2 });
  const platt = fitPlatt(cv.outOfFold, labels);
  return {
    kind: 'voxa-fewshot-probe',
    version: 1,
    finding: opts.finding,
    encoderId: opts.encoderId,
    embeddingDim: (rows[0] as readonly number[]).length,
    mean: s.mean,
    scale: s.scale,
    weights: m.weights,
    intercept: m.intercept,
    l2,
    platt,
    counts: { positive: pos, negative: cases.length - pos },
    cv: { k: cv.k, repeats: cv.repeats, meanAuroc: cv.meanAuroc, sdAuroc: cv.sdAuroc, minAuroc: cv.minAuroc, maxAuroc: cv.maxAuroc, pooledAuroc: cv.pooledAuroc },
    cvDetail: cv,
  };
}

/** The probe's raw decision value (logit) for an embedding. */
export function probeDecision(p: FewShotProbe, embedding: readonly number[]): number {
  if (embedding.length !== p.embeddingDim) throw new VoxaError('BAD_REQUEST', `the probe expects ${p.embeddingDim}-float embeddings, got ${embedding.length}`);
  return decision({ weights: p.weights, intercept: p.intercept }, standardise(embedding, p));
}

/** Calibrated probability that the finding is present. */
export function probeScore(p: FewShotProbe, embedding: readonly number[]): { decision: number; probability: number } {
  const d = probeDecision(p, embedding);
  return { decision: d, probability: plattProbability(p.platt, d) };
}
