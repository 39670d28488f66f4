/** Keyboard navigation of the viewer for UI specs. */
import type { Page } from '@playwright/test';

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
