import { describe, expect, it } from 'vitest';
import { orientationLabel } from './mprGeometry';
import { ORIENTATION_FACES } from './orientationCube';

describe('3D orientation cube', () => {
  it('each face carries the letter the MPR views give its direction (LPS: +x L, +y P, +z S)', () => {
    for (const f of Object.values(ORIENTATION_FACES)) expect(f.text).toBe(orientationLabel(f.normal));
    expect(Object.values(ORIENTATION_FACES).map((f) => f.text).sort()).toEqual(['A', 'I', 'L', 'P', 'R', 'S']);
  });
  it('opposite faces are opposite letters of one axis', () => {
    expect([ORIENTATION_FACES.xPlusFaceProperty.text, ORIENTATION_FACES.xMinusFaceProperty.text]).toEqual(['L', 'R']);
    expect([ORIENTATION_FACES.yPlusFaceProperty.text, ORIENTATION_FACES.yMinusFaceProperty.text]).toEqual(['P', 'A']);
    expect([ORIENTATION_FACES.zPlusFaceProperty.text, ORIENTATION_FACES.zMinusFaceProperty.text]).toEqual(['S', 'I']);
  });
});
