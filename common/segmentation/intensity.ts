/**
 * Intensity normalisation of a crop as a pack's manifest says
 * (`preprocessing.intensity`): a fixed window (CT: clip to [minHu, maxHu] and
 * scale to [0, 1], as RadSAM does with [−500, 1000]) or percentiles of the
 * crop itself (MR), mapped to [0, 1] and clipped.
 */
import type { IntensityRule } from '../models/manifest';

/** The rule for a modality: its own entry, else `default`. */
export function intensityRuleFor(rules: Record<string, IntensityRule>, modality: string): IntensityRule {
  const r = rules[modality] ?? rules.default;
  if (!r) throw new RangeError(`no intensity rule for ${modality} and no default`);
  return r;
}

/** The q-th percentile (0..100) of the finite values, linear interpolation between order statistics (numpy's default). */
export function percentile(values: ArrayLike<number>, q: number): number {
  return percentiles(values, [q])[0] as number;
}

/** Several percentiles (0..100) of the same finite values, as `percentile` gives each, sorting them once. */
export function percentiles(values: ArrayLike<number>, qs: readonly number[]): number[] {
  const finite = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isFinite(v)) finite[n++] = v;
  }
  const sorted = finite.subarray(0, n).sort();
  return qs.map((q) => {
    if (n === 0) return 0;
    const pos = (q / 100) * (n - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, n - 1);
    return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
  });
}

/** The [low, high] input range a rule maps to [0, 1] for these crop values. */
export function intensityRange(values: ArrayLike<number>, rule: IntensityRule): [number, number] {
  if (rule.type === 'window') return [rule.minHu, rule.maxHu];
  const [lo, hi] = percentiles(values, [rule.low, rule.high]) as [number, number];
  return [lo, hi];
}

/** Normalises crop values in place to [0, 1]; a flat crop (high = low) becomes 0. NaN becomes 0. */
export function normaliseIntensity(values: Float32Array, rule: IntensityRule): Float32Array {
  const [lo, hi] = intensityRange(values, rule);
  const span = hi - lo;
  for (let n = 0; n < values.length; n++) {
    const v = values[n] as number;
    if (!(span > 0) || !Number.isFinite(v)) {
      values[n] = 0;
      continue;
    }
    const t = (v - lo) / span;
    values[n] = t < 0 ? 0 : t > 1 ? 1 : t;
  }
  return values;
}
