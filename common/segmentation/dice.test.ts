import { describe, expect, it } from 'vitest';
import { diceBy, labelDice } from './dice';

describe('Dice', () => {
  it('matches hand counts: |A| = 3, |B| = 2, |A∩B| = 1 → 2/5', () => {
    const labels = [1, 1, 1, 0, 2, 0];
    const truth = [0, 0, 3, 3, 2, 0];
    expect(labelDice(labels, 1, truth, 3)).toBeCloseTo(0.4, 12);
    // label 2 in both at voxel 4 only: 2·1 / (1 + 1)
    expect(labelDice(labels, 2, truth, 2)).toBe(1);
    // disjoint
    expect(labelDice(labels, 2, truth, 3)).toBe(0);
  });

  it('two empty sets agree, and the grids must match', () => {
    expect(diceBy(4, () => false, () => false)).toBe(1);
    expect(() => labelDice([1, 2], 1, [1], 1)).toThrow(RangeError);
  });

  it('predicate form equals the label form', () => {
    const a = Uint8Array.from({ length: 1000 }, (_, q) => (q % 7 < 3 ? 1 : 0));
    const b = Uint8Array.from({ length: 1000 }, (_, q) => (q % 5 < 2 ? 4 : 0));
    expect(diceBy(1000, (q) => a[q] === 1, (q) => b[q] === 4)).toBe(labelDice(a, 1, b, 4));
  });
});
