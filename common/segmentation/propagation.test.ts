import { describe, expect, it } from 'vitest';
import { areaAbove, initialFovMm, propagationFovMm, sliceVerdict } from './propagation';

const post = { maskThreshold: 0, iouStopThreshold: 0.5, minAreaPx: 4 };
const pre = {
  cropSizePx: 128,
  fovMm: { default: 96, min: 24, max: 240, marginFactor: 2.5 },
  intensity: { default: { type: 'percentile' as const, low: 0.5, high: 99.5 } },
};

describe('propagation stop rules', () => {
  it('stops on an empty mask (below minAreaPx) before looking at the IoU', () => {
    expect(sliceVerdict(0, 0.99, post)).toEqual({ keep: false, reason: 'empty' });
    expect(sliceVerdict(3, 0.99, post)).toEqual({ keep: false, reason: 'empty' });
    expect(sliceVerdict(4, 0.99, post)).toEqual({ keep: true });
  });

  it('stops when the predicted IoU falls below the threshold (equal keeps going, NaN stops)', () => {
    expect(sliceVerdict(100, 0.49, post)).toEqual({ keep: false, reason: 'low-iou' });
    expect(sliceVerdict(100, 0.5, post)).toEqual({ keep: true });
    expect(sliceVerdict(100, NaN, post)).toEqual({ keep: false, reason: 'low-iou' });
  });

  it('minAreaPx 0 still stops on a truly empty mask', () => {
    expect(sliceVerdict(0, 1, { ...post, minAreaPx: 0 })).toEqual({ keep: false, reason: 'empty' });
    expect(sliceVerdict(1, 1, { ...post, minAreaPx: 0 })).toEqual({ keep: true });
  });

  it('frames the crop: default FOV for a click, marginFactor × extent otherwise, clamped', () => {
    expect(initialFovMm(pre)).toBe(96);
    expect(initialFovMm(pre, 40)).toBe(100);
    expect(initialFovMm(pre, 2)).toBe(24);
    expect(propagationFovMm(pre, 20)).toBe(50);
    expect(propagationFovMm(pre, 200)).toBe(240);
  });

  it('counts crop pixels above the mask threshold', () => {
    expect(areaAbove([-1, 0, 0.1, 5], 0)).toBe(2);
  });
});
