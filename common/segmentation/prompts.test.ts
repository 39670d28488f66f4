import { describe, expect, it } from 'vitest';
import { encodePrompt } from './prompts';

describe('SAM prompt encoding', () => {
  it('appends the SAM padding point when there is no box', () => {
    const e = encodePrompt({ points: [{ x: 10.5, y: 20.5, positive: true }, { x: 3, y: 4, positive: false }] }, 8);
    expect(e.n).toBe(3);
    expect(Array.from(e.pointCoords)).toEqual([10.5, 20.5, 3, 4, 0, 0]);
    expect(Array.from(e.pointLabels)).toEqual([1, 0, -1]);
    expect(e.hasMaskInput[0]).toBe(0);
    expect(e.maskInput.length).toBe(64);
    expect(e.maskInput.every((v) => v === 0)).toBe(true);
  });

  it('encodes a box as top-left (2) and bottom-right (3) corners, normalising swapped corners, without padding', () => {
    const e = encodePrompt({ points: [], box: { x1: 40, y1: 10, x2: 12, y2: 30 } }, 4);
    expect(Array.from(e.pointCoords)).toEqual([12, 10, 40, 30]);
    expect(Array.from(e.pointLabels)).toEqual([2, 3]);
  });

  it('turns a binary mask prompt into ±10 logits with has_mask_input = 1', () => {
    const mask = new Uint8Array(16);
    mask[5] = 1;
    mask[6] = 1;
    const e = encodePrompt({ points: [], mask }, 4);
    expect(e.hasMaskInput[0]).toBe(1);
    expect(e.maskInput[5]).toBe(10);
    expect(e.maskInput[6]).toBe(10);
    expect(e.maskInput[0]).toBe(-10);
    expect(Array.from(e.pointLabels)).toEqual([-1]);
  });

  it('rejects a mask prompt of the wrong size', () => {
    expect(() => encodePrompt({ points: [], mask: new Uint8Array(15) }, 4)).toThrow(RangeError);
  });
});
