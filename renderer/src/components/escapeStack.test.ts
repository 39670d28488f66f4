import { describe, expect, it } from 'vitest';
import { createEscapeStack } from './escapeStack';

describe('escapeStack', () => {
  it('Esc closes the one opened last, and only it; then the one below', () => {
    const s = createEscapeStack();
    const closed: string[] = [];
    const offPanel = s.push(() => closed.push('panel'));
    const offDialog = s.push(() => closed.push('dialog'));
    expect(s.handle('Escape')).toBe(true);
    expect(closed).toEqual(['dialog']);
    offDialog();
    expect(s.handle('Escape')).toBe(true);
    expect(closed).toEqual(['dialog', 'panel']);
    offPanel();
    // Nothing open: the key is left to the viewer (which cancels a tool).
    expect(s.handle('Escape')).toBe(false);
    expect(s.size).toBe(0);
  });

  it('other keys pass; removing one from the middle keeps the order of the rest', () => {
    const s = createEscapeStack();
    const closed: string[] = [];
    s.push(() => closed.push('a'));
    const offB = s.push(() => closed.push('b'));
    s.push(() => closed.push('c'));
    expect(s.handle('Enter')).toBe(false);
    offB();
    offB();
    s.handle('Escape');
    expect(closed).toEqual(['c']);
    expect(s.size).toBe(2);
  });
});
