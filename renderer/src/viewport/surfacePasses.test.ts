import { describe, expect, it } from 'vitest';
import { ON_TOP_ALPHA, surfaceOpacities } from './surfacePasses';

describe('segment surface passes in 3D', () => {
  it('a segment at full opacity: solid where nothing is in front, a half tint over the anatomy in front of it', () => {
    expect(surfaceOpacities(1)).toEqual({ inScene: 1, onTop: ON_TOP_ALPHA });
    expect(ON_TOP_ALPHA).toBeLessThan(1);
    expect(ON_TOP_ALPHA).toBeGreaterThan(0.3);
  });
  it('both passes follow the segment opacity slider; 0 hides it; no value means 1; out of range is clamped', () => {
    expect(surfaceOpacities(0.4)).toEqual({ inScene: 0.4, onTop: ON_TOP_ALPHA * 0.4 });
    expect(surfaceOpacities(0)).toEqual({ inScene: 0, onTop: 0 });
    expect(surfaceOpacities(undefined)).toEqual(surfaceOpacities(1));
    expect(surfaceOpacities(3)).toEqual(surfaceOpacities(1));
    expect(surfaceOpacities(-1)).toEqual(surfaceOpacities(0));
  });
});
