import { describe, expect, it } from 'vitest';
import { assessMeasurability } from './measurability';
import { checkTargetSelection } from './targetSelection';

describe('assessMeasurability (RECIST 1.1)', () => {
  it('non-nodal: ≥ 10 mm on thin slices', () => {
    expect(assessMeasurability({ isNode: false, longAxisMm: 10 }, 5).category).toBe('measurable');
    expect(assessMeasurability({ isNode: false, longAxisMm: 9.9 }, 1).category).toBe('nonMeasurable');
    expect(assessMeasurability({ isNode: false, longAxisMm: 10 }).measurable).toBe(true);
  });

  it('non-nodal on slices thicker than 5 mm: ≥ 2 × slice thickness', () => {
    const m = assessMeasurability({ isNode: false, longAxisMm: 12 }, 6.5);
    expect(m).toMatchObject({ category: 'nonMeasurable', minimumMm: 13 });
    expect(m.reason).toMatch(/2 × slice thickness/);
    expect(assessMeasurability({ isNode: false, longAxisMm: 13 }, 6.5).measurable).toBe(true);
    // Exactly 5 mm slices are not "thicker than 5 mm": the 10 mm rule applies.
    expect(assessMeasurability({ isNode: false, longAxisMm: 10 }, 5).measurable).toBe(true);
  });

  it('nodes by short axis: ≥ 15 measurable, 10–15 pathological, < 10 normal', () => {
    expect(assessMeasurability({ isNode: true, longAxisMm: 30, shortAxisMm: 15 }).category).toBe('measurable');
    expect(assessMeasurability({ isNode: true, longAxisMm: 30, shortAxisMm: 14.9 }).category).toBe('pathologicalNode');
    expect(assessMeasurability({ isNode: true, longAxisMm: 30, shortAxisMm: 10 }).category).toBe('pathologicalNode');
    expect(assessMeasurability({ isNode: true, longAxisMm: 30, shortAxisMm: 9.9 }).category).toBe('normalNode');
    expect(assessMeasurability({ isNode: true, longAxisMm: 30 }).measurable).toBe(false);
  });
});

describe('checkTargetSelection', () => {
  it('allows 5 targets with 2 per organ', () => {
    const t = [
      { id: 'a', organ: 'liver', isNode: false },
      { id: 'b', organ: 'liver', isNode: false },
      { id: 'c', organ: 'lung', isNode: false },
      { id: 'd', organ: 'neck', isNode: true },
      { id: 'e', organ: 'axilla', isNode: true },
    ];
    expect(checkTargetSelection(t)).toEqual([]);
    expect(checkTargetSelection([...t, { id: 'f', organ: 'bone', isNode: false }])).toHaveLength(1);
    expect(checkTargetSelection([{ id: 'x', isNode: false }])[0]).toMatch(/has no organ/);
  });
});
