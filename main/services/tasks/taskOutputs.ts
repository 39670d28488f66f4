/**
 * What task models' outputs become, as pure functions: class probabilities
 * from a row by the pack's activation, one embedding pooled over a series'
 * slices, and one answer to a question about a whole series.
 */
import { VoxaError } from '../../../common/contract';
import type { AnswerType } from './vqaText';

/** One slice's answer to a question (a ModelAnswer's fields that combining reads). */
export interface SliceAnswer {
  answerType: AnswerType;
  answer: string;
  confidence: number;
  alternatives: { answer: string; probability: number }[];
  slice: number;
}

/** Series answer from per-slice answers (same question, same allowed answers); see TaskService.vqaSeries. */
export function combineSeriesAnswers(answers: readonly SliceAnswer[]): {
  answer: string;
  confidence: number;
  alternatives: { answer: string; probability: number }[];
  slice: number;
} {
  const dist = (a: (typeof answers)[number]) => new Map([[a.answer, a.confidence], ...a.alternatives.map((x) => [x.answer, x.probability] as const)]);
  const first = answers[0];
  if (!first) throw new VoxaError('BAD_REQUEST', 'no slice answers to combine');
  if (first.answerType === 'yes/no') {
    let best = first;
    for (const a of answers) if ((dist(a).get('yes') ?? 0) > (dist(best).get('yes') ?? 0)) best = a;
    const pYes = dist(best).get('yes') ?? 0;
    return pYes >= 0.5
      ? { answer: 'yes', confidence: pYes, alternatives: [{ answer: 'no', probability: 1 - pYes }], slice: best.slice }
      : { answer: 'no', confidence: 1 - pYes, alternatives: [{ answer: 'yes', probability: pYes }], slice: best.slice };
  }
  const mean = new Map<string, number>();
  for (const a of answers) for (const [k, p] of dist(a)) mean.set(k, (mean.get(k) ?? 0) + p / answers.length);
  const ranked = [...mean].map(([answer, probability]) => ({ answer, probability })).sort((x, y) => y.probability - x.probability);
  const top = ranked[0] as { answer: string; probability: number };
  let at = first;
  for (const a of answers) if ((dist(a).get(top.answer) ?? 0) > (dist(at).get(top.answer) ?? 0)) at = a;
  return { answer: top.answer, confidence: top.probability, alternatives: ranked.slice(1), slice: at.slice };
}

/** [mean ‖ max] over rows. */
export function poolMeanMax(rows: Float32Array[]): number[] {
  const d = (rows[0] as Float32Array).length;
  const mean = new Array<number>(d).fill(0);
  const max = new Array<number>(d).fill(-Infinity);
  for (const r of rows) {
    for (let j = 0; j < d; j++) {
      const v = r[j] as number;
      mean[j] = (mean[j] as number) + v / rows.length;
      if (v > (max[j] as number)) max[j] = v;
    }
  }
  return [...mean, ...max];
}

/** Class probabilities from a model's output row by the pack's postprocessing. */
export function activate(row: ArrayLike<number>, post: { activation: 'softmax' | 'sigmoid' | 'platt'; platt?: { a: number; b: number } }): number[] {
  const v = Array.from(row);
  if (post.activation === 'softmax') {
    const m = Math.max(...v);
    const e = v.map((x) => Math.exp(x - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / s);
  }
  // One output: probability of the positive class; two labels [absent, present].
  const s = v[0] as number;
  const p = post.activation === 'platt' ? 1 / (1 + Math.exp((post.platt?.a ?? -1) * s + (post.platt?.b ?? 0))) : 1 / (1 + Math.exp(-s));
  return v.length === 1 ? [1 - p, p] : v.map((x) => 1 / (1 + Math.exp(-x)));
}
