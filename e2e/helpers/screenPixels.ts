/**
 * Screenshot pixels and the expected screen position of LPS points in the
 * MPR views, computed here from the documented conventions (not from product
 * code): screen axes per view, and the fit rule (volume centre in the middle,
 * parallelScale = max(heightMm, widthMm / aspect) / 2, extent along a screen
 * axis a = Σ_n |dir_n · a| · spacing_n · dims_n).
 */
import type { Page } from '@playwright/test';

type V3 = [number, number, number];
export type View = 'axial' | 'coronal' | 'sagittal';

/** Screen right / up in LPS: radiological axial and coronal; sagittal with anterior on the left. */
export const SCREEN: Record<View, { right: V3; up: V3 }> = {
  axial: { right: [1, 0, 0], up: [0, -1, 0] },
  coronal: { right: [1, 0, 0], up: [0, 0, 1] },
  sagittal: { right: [0, 1, 0], up: [0, 0, 1] },
};

const dot = (a: V3, b: V3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

export interface GridInfo {
  dims: V3;
  spacing: V3;
  axes: [V3, V3, V3];
  centreLps: V3;
}

export function expectedPixel(g: GridInfo, view: View, lps: V3, size: { width: number; height: number }) {
  const { right, up } = SCREEN[view];
  const extent = (a: V3) => [0, 1, 2].reduce((s, n) => s + Math.abs(dot(g.axes[n]!, a)) * g.spacing[n]! * g.dims[n]!, 0);
  const scale = Math.max(extent(up), extent(right) / (size.width / size.height)) / 2;
  const mmPerPx = (2 * scale) / size.height;
  const d: V3 = [lps[0] - g.centreLps[0], lps[1] - g.centreLps[1], lps[2] - g.centreLps[2]];
  return { x: size.width / 2 + dot(d, right) / mmPerPx, y: size.height / 2 - dot(d, up) / mmPerPx, mmPerPx };
}

/** A PNG's RGBA pixels, decoded by the browser (the one PNG decoder the e2e tests use). */
export async function decodePng(page: Page, png: Buffer): Promise<{ width: number; height: number; data: Uint8Array }> {
  const r = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d');
    if (!ctx) throw new Error('no 2d context');
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, img.width, img.height).data;
    let bin = '';
    for (let n = 0; n < d.length; n += 0x8000) bin += String.fromCharCode(...d.subarray(n, n + 0x8000));
    return { width: img.width, height: img.height, rgba: btoa(bin) };
  }, png.toString('base64'));
  return { width: r.width, height: r.height, data: new Uint8Array(Buffer.from(r.rgba, 'base64')) };
}

/** RGB at pixel positions of a PNG. */
export async function rgbAt(page: Page, png: Buffer, points: { x: number; y: number }[]): Promise<[number, number, number][]> {
  const { width, data } = await decodePng(page, png);
  return points.map((p) => {
    const at = (Math.round(p.y) * width + Math.round(p.x)) * 4;
    return [data[at] ?? 0, data[at + 1] ?? 0, data[at + 2] ?? 0] as [number, number, number];
  });
}

/** Difference of two same-size PNGs: mean absolute grey difference and the fraction of pixels differing by more than `tol`. */
export async function pngDifference(page: Page, a: Buffer, b: Buffer, tol = 8): Promise<{ meanAbs: number; fractionOver: number; width: number; height: number }> {
  const x = await decodePng(page, a);
  const y = await decodePng(page, b);
  if (x.width !== y.width || x.height !== y.height) return { meanAbs: 255, fractionOver: 1, width: x.width, height: x.height };
  let sum = 0;
  let over = 0;
  const n = x.width * x.height;
  for (let p = 0; p < n; p++) {
    const gx = (x.data[p * 4]! + x.data[p * 4 + 1]! + x.data[p * 4 + 2]!) / 3;
    const gy = (y.data[p * 4]! + y.data[p * 4 + 1]! + y.data[p * 4 + 2]!) / 3;
    const d = Math.abs(gx - gy);
    sum += d;
    if (d > tol) over++;
  }
  return { meanAbs: sum / n, fractionOver: over / n, width: x.width, height: x.height };
}

