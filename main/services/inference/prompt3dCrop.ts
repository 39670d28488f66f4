/**
 * The crop of a segment.prompt3d pack and its prompt channels, exactly as
 * native-models/training/lesion3d/crop.py defines them (equality with torch's
 * grid_sample is tested in prompt3d.test.ts): G³ voxels of side fov/G mm along
 * the image's own axes, trilinear, the image border-clamped and the inside
 * channel zero outside the image; Gaussian click maps; a box's rectangle.
 */
import type { Vec3, Volume } from '../../../common/volume';

/**
 * Per-axis trilinear taps of a crop: lower and upper index (clamped into the
 * image) and their weights, either border-clamped or with a tap outside the
 * image weighing 0.
 */
interface AxisTaps {
  lo: Int32Array;
  hi: Int32Array;
  w0: Float32Array;
  w1: Float32Array;
}

function axisTaps(centre: number, stepVox: number, n: number, G: number, clamp: boolean): AxisTaps {
  const t: AxisTaps = { lo: new Int32Array(G), hi: new Int32Array(G), w0: new Float32Array(G), w1: new Float32Array(G) };
  for (let g = 0; g < G; g++) {
    const x = centre + (g + 0.5 - G / 2) * stepVox;
    const f = Math.floor(x);
    const w = x - f;
    t.lo[g] = Math.min(n - 1, Math.max(0, f));
    t.hi[g] = Math.min(n - 1, Math.max(0, f + 1));
    t.w0[g] = clamp || (f >= 0 && f < n) ? 1 - w : 0;
    t.w1[g] = clamp || (f + 1 >= 0 && f + 1 < n) ? w : 0;
  }
  return t;
}

export interface CropFrame {
  G: number;
  fovMm: number;
  centre: Vec3;
  /** Image voxels per crop voxel, per axis. */
  step: Vec3;
}

export function cropFrame(volume: Volume, centre: Vec3, fovMm: number, G: number): CropFrame {
  const sp = volume.geometry.spacingMm;
  return { G, fovMm, centre, step: [fovMm / G / sp[0], fovMm / G / sp[1], fovMm / G / sp[2]] };
}

/** Continuous crop-voxel coordinate (x along i, y along j, z along k) of an image index. */
export function toCrop(f: CropFrame, ijk: Vec3): Vec3 {
  return [0, 1, 2].map((a) => ((ijk[a] as number) - (f.centre[a] as number)) / (f.step[a] as number) + f.G / 2 - 0.5) as Vec3;
}

/**
 * Trilinear sample of `values` (the volume's grid) on the crop: border-clamped
 * (`clamp`), or 0 outside the image. Output index z·G² + y·G + x (k, j, i).
 */
export function sampleCrop(values: ArrayLike<number>, dims: Vec3, f: CropFrame, clamp: boolean): Float32Array {
  const G = f.G;
  const [ti, tj, tk] = [0, 1, 2].map((a) => axisTaps(f.centre[a] as number, f.step[a] as number, dims[a] as number, G, clamp)) as [AxisTaps, AxisTaps, AxisTaps];
  const out = new Float32Array(G * G * G);
  const ni = dims[0];
  const nij = dims[0] * dims[1];
  let o = 0;
  for (let z = 0; z < G; z++) {
    const k0 = (tk.lo[z] as number) * nij, k1 = (tk.hi[z] as number) * nij;
    const a0 = tk.w0[z] as number, a1 = tk.w1[z] as number;
    for (let y = 0; y < G; y++) {
      const j0 = (tj.lo[y] as number) * ni, j1 = (tj.hi[y] as number) * ni;
      const b0 = tj.w0[y] as number, b1 = tj.w1[y] as number;
      const r00 = k0 + j0, r01 = k0 + j1, r10 = k1 + j0, r11 = k1 + j1;
      for (let x = 0; x < G; x++) {
        const i0 = ti.lo[x] as number, i1 = ti.hi[x] as number;
        const c0 = ti.w0[x] as number, c1 = ti.w1[x] as number;
        out[o++] =
          a0 * (b0 * (c0 * (values[r00 + i0] as number) + c1 * (values[r00 + i1] as number)) + b1 * (c0 * (values[r01 + i0] as number) + c1 * (values[r01 + i1] as number))) +
          a1 * (b0 * (c0 * (values[r10 + i0] as number) + c1 * (values[r10 + i1] as number)) + b1 * (c0 * (values[r11 + i0] as number) + c1 * (values[r11 + i1] as number)));
      }
    }
  }
  return out;
}

/** The inside channel: the product of the three axes' in-range weights (the zero-padded sample of an all-ones image). */
export function insideCrop(dims: Vec3, f: CropFrame): Float32Array {
  const G = f.G;
  const [ti, tj, tk] = [0, 1, 2].map((a) => axisTaps(f.centre[a] as number, f.step[a] as number, dims[a] as number, G, false)) as [AxisTaps, AxisTaps, AxisTaps];
  const out = new Float32Array(G * G * G);
  let o = 0;
  for (let z = 0; z < G; z++) {
    const a = (tk.w0[z] as number) + (tk.w1[z] as number);
    for (let y = 0; y < G; y++) {
      const b = a * ((tj.w0[y] as number) + (tj.w1[y] as number));
      for (let x = 0; x < G; x++) out[o++] = b * ((ti.w0[x] as number) + (ti.w1[x] as number));
    }
  }
  return out;
}

/** Max over points of exp(-d² / 2σ²), d in crop voxels. */
export function clickMap(points: Vec3[], G: number, sigma: number, out = new Float32Array(G * G * G)): Float32Array {
  const s2 = 2 * sigma * sigma;
  const r = Math.ceil(sigma * 6);
  for (const p of points) {
    const [px, py, pz] = p;
    for (let z = Math.max(0, Math.floor(pz - r)); z <= Math.min(G - 1, Math.ceil(pz + r)); z++) {
      for (let y = Math.max(0, Math.floor(py - r)); y <= Math.min(G - 1, Math.ceil(py + r)); y++) {
        for (let x = Math.max(0, Math.floor(px - r)); x <= Math.min(G - 1, Math.ceil(px + r)); x++) {
          const v = Math.exp(-((x - px) ** 2 + (y - py) ** 2 + (z - pz) ** 2) / s2);
          const q = (z * G + y) * G + x;
          if (v > (out[q] as number)) out[q] = v;
        }
      }
    }
  }
  return out;
}

/** The box's rectangle on the crop slice nearest its slice, along `axis`. */
export function boxChannel(f: CropFrame, box: { a: Vec3; b: Vec3 }, axis: 0 | 1 | 2): Float32Array {
  const G = f.G;
  const out = new Float32Array(G * G * G);
  const ca = toCrop(f, box.a);
  const cb = toCrop(f, box.b);
  const lo: number[] = [], hi: number[] = [];
  for (let a = 0; a < 3; a++) {
    if (a === axis) {
      const s = Math.round(((ca[a] as number) + (cb[a] as number)) / 2);
      lo.push(s);
      hi.push(s);
    } else {
      // crop voxels whose centres fall within the box's voxels (their edges, ±0.5 image voxel)
      const half = 0.5 / (f.step[a] as number);
      lo.push(Math.ceil(Math.min(ca[a] as number, cb[a] as number) - half));
      hi.push(Math.floor(Math.max(ca[a] as number, cb[a] as number) + half));
    }
  }
  if ((lo[axis] as number) < 0 || (lo[axis] as number) >= G) return out;
  for (let z = Math.max(0, lo[2] as number); z <= Math.min(G - 1, hi[2] as number); z++)
    for (let y = Math.max(0, lo[1] as number); y <= Math.min(G - 1, hi[1] as number); y++) for (let x = Math.max(0, lo[0] as number); x <= Math.min(G - 1, hi[0] as number); x++) out[(z * G + y) * G + x] = 1;
  return out;
}

