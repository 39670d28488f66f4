/**
 * Pure: blanks, in a resliced image, the pixels that read a k slice which has
 * not arrived yet (a streaming volume's array holds zeros there, which a CT
 * window would show as a grey slab). Runs after resliceInto on the same grid
 * and position, only while a volume is streaming.
 */
import type { VolumeGeometry } from '../../../common/volume';
import type { SliceGrid } from '../geometry/mprGeometry';
import { sliceIjkFrame, type Interpolation } from '../geometry/reslice';

/**
 * Sets `out` to `outside` wherever the sample at that pixel reads a slice k
 * with `sliceLoaded[k] === 0` (the nearest slice; for linear interpolation
 * either of the two it blends with a non-zero weight). Pixels outside the volume are left as they are.
 */
export function blankUnloadedSlices(
  g: VolumeGeometry,
  grid: SliceGrid,
  normalMm: number,
  interpolation: Interpolation,
  sliceLoaded: Uint8Array,
  outside: number,
  out: { [n: number]: number; length: number },
): void {
  const na = grid.right.count;
  const nb = grid.up.count;
  const nk = g.dimensions[2];
  const { base, da, db } = sliceIjkFrame(g, grid, normalMm);
  for (let b = 0; b < nb; b++) {
    let fk = base[2] + b * db[2];
    let o = b * na;
    for (let a = 0; a < na; a++, o++, fk += da[2]) {
      if (interpolation === 'nearest') {
        const k = Math.round(fk);
        if (k >= 0 && k < nk && sliceLoaded[k] === 0) out[o] = outside;
      } else {
        const ck = Math.min(nk - 1, Math.max(0, fk));
        const k0 = Math.min(nk - 2 < 0 ? 0 : nk - 2, Math.floor(ck));
        // Only a slice with a non-zero weight counts (weight of k0 + 1: ck − k0).
        if ((ck < k0 + 1 && sliceLoaded[k0] === 0) || (ck > k0 && sliceLoaded[k0 + 1] === 0)) out[o] = outside;
      }
    }
  }
}

/**
 * What of a streaming volume a view's image at `normalMm` depends on: the k slices its plane reads
 * (with one slice to spare each side, for linear interpolation) and how many of them have arrived.
 * Equal keys mean an equal image, so a view redraws for newly arrived slices only when they are
 * under its plane: the axial view no longer reslices on every chunk while the reader scrolls it
 * (its slices arrived long before); coronal and sagittal, which read every slice, still follow the stream.
 */
export function planeLoadKey(g: VolumeGeometry, grid: SliceGrid, normalMm: number, sliceLoaded: Uint8Array): string {
  const nk = g.dimensions[2];
  const { base, da, db } = sliceIjkFrame(g, grid, normalMm);
  const a = grid.right.count - 1;
  const b = grid.up.count - 1;
  const ks = [base[2], base[2] + a * da[2], base[2] + b * db[2], base[2] + a * da[2] + b * db[2]];
  const k0 = Math.max(0, Math.floor(Math.min(...ks)) - 1);
  const k1 = Math.min(nk - 1, Math.ceil(Math.max(...ks)) + 1);
  let loaded = 0;
  for (let k = k0; k <= k1; k++) loaded += sliceLoaded[k] ?? 0;
  return `${k0}-${k1}:${loaded}`;
}
