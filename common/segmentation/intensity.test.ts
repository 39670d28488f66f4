import { describe, expect, it } from 'vitest';
import { intensityRuleFor, normaliseIntensity, percentile, percentiles } from './intensity';

describe('intensity normalisation', () => {
  it('computes percentiles like numpy (linear interpolation)', () => {
    // numpy.percentile([1, 2, 3, 4], 50) = 2.5; ([1..101], 0.5) = 1.5; ([10, 20], 25) = 12.5
    expect(percentile([4, 1, 3, 2], 50)).toBeCloseTo(2.5, 12);
    expect(percentile(Array.from({ length: 101 }, (_, n) => n + 1), 0.5)).toBeCloseTo(1.5, 12);
    expect(percentile([20, 10], 25)).toBeCloseTo(12.5, 12);
    expect(percentile([NaN, 5, 7], 0)).toBe(5);
    expect(percentile([NaN, Infinity], 50)).toBe(0);
  });

  it('gives several percentiles from one sort, each as numpy would', () => {
    // numpy.percentile([3, -1, NaN, 10, 4, -Inf, 8], [0, 12.5, 50, 99.5, 100]) over the finite ones [-1, 3, 4, 8, 10]
    // = [-1, 1.0, 4, 9.96, 10]
    const v = [3, -1, NaN, 10, 4, -Infinity, 8];
    const got = percentiles(v, [0, 12.5, 50, 99.5, 100]);
    [-1, 1.0, 4, 9.96, 10].forEach((want, n) => expect(got[n]).toBeCloseTo(want, 12));
    expect(percentiles([], [1, 99])).toEqual([0, 0]);
  });

  it('applies the RadSAM CT window [-500, 1000] → [0, 1] with clipping', () => {
    const v = Float32Array.of(-1000, -500, 250, 1000, 3000);
    normaliseIntensity(v, { type: 'window', minHu: -500, maxHu: 1000 });
    expect(Array.from(v)).toEqual([0, 0, 0.5, 1, 1]);
  });

  it('maps the 0.5–99.5 percentiles of the crop to [0, 1]', () => {
    const v = Float32Array.from({ length: 1001 }, (_, n) => n); // percentile q → q × 10
    normaliseIntensity(v, { type: 'percentile', low: 0.5, high: 99.5 });
    expect(v[5]).toBe(0);
    expect(v[500]).toBeCloseTo(0.5, 6);
    expect(v[995]).toBe(1);
    expect(v[1000]).toBe(1);
  });

  it('turns a flat crop into zeros and picks rules by modality', () => {
    const v = Float32Array.of(3, 3, 3);
    normaliseIntensity(v, { type: 'percentile', low: 1, high: 99 });
    expect(Array.from(v)).toEqual([0, 0, 0]);
    const rules = { CT: { type: 'window', minHu: -500, maxHu: 1000 }, default: { type: 'percentile', low: 0.5, high: 99.5 } } as const;
    expect(intensityRuleFor(rules, 'CT').type).toBe('window');
    expect(intensityRuleFor(rules, 'PT').type).toBe('percentile');
  });
});
