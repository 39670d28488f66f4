/** A small PNG preview of the axial slice through a point (for the study panel). */
import { dot } from '../../../common/geometry/affine';
import type { Vec3, VolumeGeometry } from '../../../common/volume';
import { sliceGrid, type GridAxis } from '../geometry/mprGeometry';
import { resliceInto } from '../geometry/reslice';

export function axialThumbnail(g: VolumeGeometry, voxels: ArrayLike<number>, at: Vec3, windowWidth: number, windowLevel: number, sizePx = 64): string | null {
  const full = sliceGrid(g, 'axial');
  const shrink = (a: GridAxis): GridAxis => (a.count <= 1 ? a : { start: a.start, count: sizePx, step: ((a.count - 1) * a.step) / (sizePx - 1) });
  const grid = { ...full, right: shrink(full.right), up: shrink(full.up) };
  const values = new Float32Array(grid.right.count * grid.up.count);
  resliceInto(g, voxels, grid, dot(at, grid.axes.normal), 'nearest', -Infinity, values);
  const canvas = document.createElement('canvas');
  canvas.width = grid.right.count;
  canvas.height = grid.up.count;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  const img = ctx.createImageData(canvas.width, canvas.height);
  const lo = windowLevel - windowWidth / 2;
  for (let b = 0; b < canvas.height; b++)
    for (let a = 0; a < canvas.width; a++) {
      const v = values[a + b * canvas.width]!;
      const grey = Math.max(0, Math.min(255, Math.round(((v - lo) / windowWidth) * 255)));
      const q = (a + (canvas.height - 1 - b) * canvas.width) * 4; // row b = 0 is the screen bottom
      img.data[q] = img.data[q + 1] = img.data[q + 2] = grey;
      img.data[q + 3] = 255;
    }
  ctx.putImageData(img, 0, 0);
  return canvas.toDataURL('image/png');
}
