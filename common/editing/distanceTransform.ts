/**
 * Exact Euclidean distance transforms on a 2D grid with anisotropic spacing
 * (mm), by the separable lower-envelope algorithm of Felzenszwalb and
 * Huttenlocher ("Distance transforms of sampled functions", Theory of
 * Computing 8, 2012). Axes are taken as orthogonal (true of every grid whose
 * direction matrix is orthonormal).
 */

const FAR = 1e30;

/** 1D squared-distance transform of f (FAR = no site) with sample spacing s; in place via out. */
function edt1d(f: Float64Array, n: number, s: number, out: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = -1;
  for (let q = 0; q < n; q++) {
    const fq = f[q] as number;
    if (fq >= FAR) continue;
    const xq = q * s;
    while (k >= 0) {
      const p = v[k] as number;
      const xp = p * s;
      const inter = (fq + xq * xq - ((f[p] as number) + xp * xp)) / (2 * (xq - xp));
      if (inter <= (z[k] as number)) k--;
      else {
        k++;
        v[k] = q;
        z[k] = inter;
        break;
      }
    }
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -Infinity;
    }
  }
  if (k < 0) {
    for (let q = 0; q < n; q++) out[q] = FAR;
    return;
  }
  let j = 0;
  for (let q = 0; q < n; q++) {
    const x = q * s;
    while (j < k && (z[j + 1] as number) < x) j++;
    const p = v[j] as number;
    const d = x - p * s;
    out[q] = d * d + (f[p] as number);
  }
}

/**
 * Squared distance (mm²) from every pixel centre to the nearest pixel where
 * `sites` is non-zero; 1e30 where there is none. `w` columns (spacing `sx`
 * mm), `h` rows (spacing `sy` mm), row-major (x fastest).
 */
export function squaredDistanceTransform2d(sites: ArrayLike<number>, w: number, h: number, sx: number, sy: number): Float64Array {
  const n = Math.max(w, h);
  const f = new Float64Array(n);
  const out = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n);
  const g = new Float64Array(w * h);
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) f[y] = sites[x + w * y] ? 0 : FAR;
    edt1d(f, h, sy, out, v, z);
    for (let y = 0; y < h; y++) g[x + w * y] = out[y] as number;
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) f[x] = g[x + w * y] as number;
    edt1d(f, w, sx, out, v, z);
    for (let x = 0; x < w; x++) g[x + w * y] = Math.min(FAR, out[x] as number);
  }
  return g;
}

/**
 * Signed distance (mm) of a binary mask: inside pixels get minus the distance
 * to the nearest outside pixel, outside pixels the distance to the nearest
 * inside pixel (both ≠ 0, so a mask is recovered exactly as `sd < 0`).
 */
export function signedDistance2d(mask: ArrayLike<number>, w: number, h: number, sx: number, sy: number): Float64Array {
  const toInside = squaredDistanceTransform2d(mask, w, h, sx, sy);
  const outside = new Uint8Array(w * h);
  for (let p = 0; p < w * h; p++) outside[p] = mask[p] ? 0 : 1;
  const toOutside = squaredDistanceTransform2d(outside, w, h, sx, sy);
  const sd = new Float64Array(w * h);
  for (let p = 0; p < w * h; p++) sd[p] = mask[p] ? -Math.sqrt(toOutside[p] as number) : Math.sqrt(toInside[p] as number);
  return sd;
}
