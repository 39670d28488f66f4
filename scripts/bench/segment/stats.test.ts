import { describe, expect, it } from 'vitest';
import { mean, median } from './stats';

describe('mean and median', () => {
  it('summarise the finite values only', () => {
    expect(mean([1, 2, 6])).toBe(3);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(mean([1, null, 3, undefined, Number.NaN])).toBe(2);
    expect(median([10, null, Infinity, 2, 4])).toBe(4);
  });

  it('give null when there is nothing', () => {
    expect(mean([])).toBeNull();
    expect(median([null, Number.NaN])).toBeNull();
  });
});
