import { describe, expect, it } from 'vitest';
import { createViewerStore } from '../../state/viewerStore';
import { testHeader } from '../../testing/volumeHeader';
import { navigateDragFor, navigateStep, navigateWheel } from './behavior';

const down = (button: number, mods: Partial<{ shiftKey: boolean; ctrlKey: boolean; altKey: boolean }> = {}) => ({ button, shiftKey: false, ctrlKey: false, altKey: false, ...mods });

describe('navigation', () => {
  it('which drag a button starts', () => {
    expect(navigateDragFor(down(0), 'crosshair')).toBe('crosshair');
    expect(navigateDragFor(down(0), 'window')).toBe('window');
    expect(navigateDragFor(down(0, { ctrlKey: true }), 'crosshair')).toBe('window');
    expect(navigateDragFor(down(0, { altKey: true }), 'crosshair')).toBe('window');
    expect(navigateDragFor(down(0, { shiftKey: true }), 'window')).toBe('pan');
    expect(navigateDragFor(down(1), 'crosshair')).toBe('pan');
    expect(navigateDragFor(down(2, { shiftKey: true }), 'crosshair')).toBe('zoom');
  });

  it('window, zoom and pan steps change the store; pan needs the view scale', () => {
    const store = createViewerStore();
    store.getState().setWindow(400, 40);
    navigateStep(store, 'axial', 'window', 100, 10, null);
    expect(store.getState().windowWidth).toBeCloseTo(400 * Math.exp(0.5), 6);
    expect(store.getState().windowLevel).toBeCloseTo(40 - 10 * 400 * 0.002, 6);
    const zoom0 = store.getState().cameras.axial.zoom;
    navigateStep(store, 'axial', 'zoom', 0, -50, null);
    expect(store.getState().cameras.axial.zoom).toBeCloseTo(zoom0 * Math.exp(0.5), 6);
    const pan0 = store.getState().cameras.axial.panMm;
    navigateStep(store, 'axial', 'pan', 10, 10, null);
    expect(store.getState().cameras.axial.panMm).toEqual(pan0);
    navigateStep(store, 'axial', 'pan', 10, 10, 0.5);
    expect(store.getState().cameras.axial.panMm).not.toEqual(pan0);
  });

  it('the wheel zooms with Ctrl and otherwise scrolls (and says so, for the readout)', () => {
    const store = createViewerStore();
    store.getState().setVolume({ header: testHeader({ dimensions: [4, 4, 5] }), voxels: new Int16Array(80) });
    const z = () => store.getState().crosshairLps[2];
    const z0 = z();
    expect(navigateWheel(store, 'axial', { ctrlKey: false, deltaY: 100 })).toBe(true);
    expect(z()).not.toBe(z0);
    expect(store.getState().activeView).toBe('axial');
    const zoom0 = store.getState().cameras.axial.zoom;
    expect(navigateWheel(store, 'axial', { ctrlKey: true, deltaY: -100 })).toBe(false);
    expect(store.getState().cameras.axial.zoom).toBeGreaterThan(zoom0);
  });
});
