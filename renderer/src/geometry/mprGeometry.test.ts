import { describe, expect, it } from 'vitest';
import type { Mat3, Vec3, VolumeGeometry } from '../../../common/volume';
import { computeView, displayToLps, edgeLabels, lpsToDisplay, orientationLabel, PLANE_AXES, scaleBarMm, sliceGrid, sliceIndexOf, withSliceIndex } from './mprGeometry';

const g: VolumeGeometry = { dimensions: [100, 80, 40], spacingMm: [2, 2, 5], originLps: [-99, -79, -97.5], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
const size = { width: 800, height: 400 };

/** A rotation of θ about LPS z then φ about x (an oblique acquisition). */
function oblique(theta: number, phi: number): Mat3 {
  const c = Math.cos(theta), s = Math.sin(theta), cp = Math.cos(phi), sp = Math.sin(phi);
  const i: Vec3 = [c, s, 0];
  const j: Vec3 = [-s * cp, c * cp, sp];
  const k: Vec3 = [s * sp, -c * sp, cp];
  return [...i, ...j, ...k] as Mat3;
}

describe('MPR orientation labels', () => {
  it('labels every edge of every view as in the radiology convention table', () => {
    // Independent reference: axial seen from the feet, coronal from the front (patient left on the viewer's right), sagittal from the patient's left.
    expect(edgeLabels(PLANE_AXES.axial)).toEqual({ top: 'A', bottom: 'P', left: 'R', right: 'L' });
    expect(edgeLabels(PLANE_AXES.coronal)).toEqual({ top: 'S', bottom: 'I', left: 'R', right: 'L' });
    expect(edgeLabels(PLANE_AXES.sagittal)).toEqual({ top: 'S', bottom: 'I', left: 'A', right: 'P' });
  });

  it('names oblique directions by their strongest patient axes first', () => {
    expect(orientationLabel([0.9, -0.43, 0])).toBe('LA');
    expect(orientationLabel([-0.2, 0, -0.98])).toBe('I');
    expect(orientationLabel([0, 0.7071, 0.7071])).toMatch(/^(PS|SP)$/);
  });

  it('keeps the planes patient-aligned (upright) for an oblique acquisition', () => {
    const og = { ...g, direction: oblique(0.5, 0.3) };
    // The screen axes do not depend on the acquisition; only the sampling grid does.
    expect(sliceGrid(og, 'axial').axes).toEqual(PLANE_AXES.axial);
    const p: Vec3 = [60, 0, 0]; // patient left
    const v = computeView(og, 'axial', [0, 0, 0], size, 1, [0, 0]);
    expect(lpsToDisplay(v, size, p)[0]).toBeGreaterThan(lpsToDisplay(v, size, [-60, 0, 0])[0]);
  });
});

describe('MPR view geometry', () => {
  it('puts patient left on the screen right in axial and coronal, anterior up in axial, superior up in coronal and sagittal', () => {
    const ax = computeView(g, 'axial', [0, 0, 0], size, 1, [0, 0]);
    expect(lpsToDisplay(ax, size, [50, 0, 0])[0]).toBeGreaterThan(lpsToDisplay(ax, size, [-50, 0, 0])[0]);
    expect(lpsToDisplay(ax, size, [0, -50, 0])[1]).toBeLessThan(lpsToDisplay(ax, size, [0, 50, 0])[1]);
    const co = computeView(g, 'coronal', [0, 0, 0], size, 1, [0, 0]);
    expect(lpsToDisplay(co, size, [50, 0, 0])[0]).toBeGreaterThan(lpsToDisplay(co, size, [-50, 0, 0])[0]);
    expect(lpsToDisplay(co, size, [0, 0, 50])[1]).toBeLessThan(lpsToDisplay(co, size, [0, 0, -50])[1]);
    const sa = computeView(g, 'sagittal', [0, 0, 0], size, 1, [0, 0]);
    expect(lpsToDisplay(sa, size, [0, -50, 0])[0]).toBeLessThan(lpsToDisplay(sa, size, [0, 50, 0])[0]); // anterior on the left
  });

  it('fits the volume extent: axial 200 × 160 mm in an 800 × 400 view → height limits, 0.4 mm per pixel', () => {
    const ax = computeView(g, 'axial', [0, 0, 0], size, 1, [0, 0]);
    expect(ax.parallelScale).toBeCloseTo(80, 9);
    // Volume centre (0.0, 0.0) sits at the view centre; 40 mm to the patient's left is 100 px right.
    const [x, y] = lpsToDisplay(ax, size, [40, 0, 0]);
    expect(x).toBeCloseTo(500, 9);
    expect(y).toBeCloseTo(200, 9);
    // Sagittal: width = 160 mm (y), height = 200 mm (z) → scale 100.
    expect(computeView(g, 'sagittal', [0, 0, 0], size, 1, [0, 0]).parallelScale).toBeCloseTo(100, 9);
    expect(computeView(g, 'axial', [0, 0, 0], size, 2, [0, 0]).parallelScale).toBeCloseTo(40, 9);
  });

  it('displayToLps inverts lpsToDisplay on the plane through the crosshair, in every view', () => {
    for (const view of ['axial', 'coronal', 'sagittal'] as const) {
      const cross: Vec3 = [3, -7, 12.5];
      const v = computeView({ ...g, direction: oblique(0.4, 0.2) }, view, cross, size, 1.7, [5, -3]);
      const p: Vec3 = [21.5, -40.25, 11];
      const n = PLANE_AXES[view].normal;
      const onPlane = p.map((c, a) => (n[a] ? cross[a]! : c)) as Vec3;
      const [x, y] = lpsToDisplay(v, size, onPlane);
      displayToLps(v, size, x, y, cross).forEach((c, a) => expect(c).toBeCloseTo(onPlane[a]!, 9));
    }
  });

  it('slice grids: axial 40 slices of 5 mm from z = −97.5; coronal and sagittal step by the matching spacing', () => {
    const ax = sliceGrid(g, 'axial');
    expect(ax.normal).toEqual({ start: -97.5, step: 5, count: 40 });
    expect(ax.right).toEqual({ start: -99, step: 2, count: 100 });
    expect(sliceGrid(g, 'coronal').normal).toEqual({ start: -79, step: 2, count: 80 });
    expect(sliceGrid(g, 'sagittal').up).toEqual({ start: -97.5, step: 5, count: 40 });
    expect(sliceIndexOf(ax, [0, 0, -97.5 + 5 * 17 + 2])).toBe(17);
    expect(sliceIndexOf(ax, [0, 0, 1e6])).toBe(39);
    expect(withSliceIndex(ax, [1, 2, 3], 10)).toEqual([1, 2, -47.5]);
  });

  it('caps huge grids at 2048 samples per side', () => {
    const big = sliceGrid({ ...g, dimensions: [4000, 10, 10], spacingMm: [0.1, 1, 1] }, 'axial');
    expect(big.right.count).toBe(2048);
    expect(big.right.start + (big.right.count - 1) * big.right.step).toBeCloseTo(-99 + 3999 * 0.1, 6);
  });

  it('scale bar lengths are 1, 2 or 5 × 10^n mm', () => {
    expect(scaleBarMm(73)).toBe(50);
    expect(scaleBarMm(19.9)).toBe(10);
    expect(scaleBarMm(2.5)).toBe(2);
    expect(scaleBarMm(0)).toBe(0);
  });
});
