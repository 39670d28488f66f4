/** Keyboard navigation of the viewer for UI specs. */
import type { Page } from '@playwright/test';
import type { Vec3, VolumeGeometry } from '../../common/volume';
import { computeView, lpsToDisplay } from '../../renderer/src/geometry/mprGeometry';

/** Scrolls the axial view to slice k (0-based), reading the status bar's "Slice n/N". */
export async function goToAxialSlice(page: Page, k: number): Promise<void> {
  const canvas = page.getByTestId('axial-viewport').locator('.viewport-canvas');
  await canvas.focus();
  for (let n = 0; n < 400; n++) {
    const text = (await page.getByTestId('status-slice').textContent()) ?? '';
    const current = Number(/Slice (\d+)/.exec(text)?.[1]) - 1;
    if (current === k) return;
    await page.keyboard.press(current < k ? 'ArrowUp' : 'ArrowDown');
  }
  throw new Error(`could not reach slice ${k}`);
}

/**
 * Screen pixel of an LPS point in the axial view (zoom 1, no pan), computed
 * from the view's size and the crosshair, as the app documents its mapping
 * (mprGeometry). Waits until the app's own crosshair overlay sits where the
 * same computation puts it and has the canvas's size: right after a layout
 * change the app may still be working with the old size, and a click then
 * lands somewhere else.
 */
export async function axialPixel(page: Page, geometry: VolumeGeometry, lps: Vec3, timeoutMs = 15_000): Promise<{ x: number; y: number }> {
  const canvas = page.getByTestId('axial-viewport').locator('.viewport-canvas');
  const overlay = page.getByTestId('axial-crosshair');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const box = await canvas.boundingBox();
    if (!box) throw new Error('no axial viewport');
    const crosshair = JSON.parse((await page.getByTestId('status-crosshair').getAttribute('data-lps')) ?? '[0,0,0]') as Vec3;
    const size = { width: box.width, height: box.height };
    const view = computeView(geometry, 'axial', crosshair, size, 1, [0, 0]);
    const [cx, cy] = lpsToDisplay(view, size, crosshair);
    const shown = (await overlay.count()) > 0 ? await overlay.evaluate((el) => [el.dataset.x, el.dataset.y, el.getAttribute('width'), el.getAttribute('height')].map(Number)) : null;
    if (shown && Math.abs(shown[0]! - cx) < 0.5 && Math.abs(shown[1]! - cy) < 0.5 && Math.abs(shown[2]! - size.width) < 1 && Math.abs(shown[3]! - size.height) < 1) {
      const [x, y] = lpsToDisplay(view, size, lps);
      return { x: box.x + x, y: box.y + y };
    }
    if (Date.now() > deadline) throw new Error(`the axial view did not settle: overlay ${JSON.stringify(shown)}, expected crosshair at ${cx.toFixed(1)}, ${cy.toFixed(1)} in ${size.width}×${size.height}`);
    await page.waitForTimeout(100);
  }
}

/**
 * Waits until the open volume's voxels have all arrived (a large volume is
 * shown while it still streams; the MPR views redraw, and tools that need
 * every voxel unlock, once it is complete).
 */
export async function waitForVoxels(page: Page, timeoutMs = 120_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const s = (window as unknown as { __voxaStore: { getState(): { volume: unknown; streaming: unknown } } }).__voxaStore.getState();
      return s.volume !== null && s.streaming === null;
    },
    undefined,
    { timeout: timeoutMs },
  );
}
