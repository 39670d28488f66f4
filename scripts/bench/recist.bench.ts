/**
 * RECIST measurement of a ~50,000-voxel lesion (oblique, anisotropic grid):
 * Voxa's hull + rotating-calipers core vs a brute-force all-pairs search for
 * the same outputs (per-slice long axis, short axis, 3D longest diameter),
 * both measured in this run. Target (issue 7): ≤ 10 ms.
 *
 * Run: node --import tsx scripts/bench/recist.bench.ts   (or npm run bench:recist)
 */
import type { Mat3, Vec3, VolumeGeometry } from '../../common/volume';
import { ijkToLps } from '../../common/geometry/affine';
import { cropMask, type CroppedMask } from '../../common/geometry/croppedMask';
import { measureCroppedLesion, measureLesion } from '../../common/geometry/recistAxes';
import { medianMs } from './timing';

const median = medianMs;

// Oblique grid: axes rotated 20° about (1, 1, 0.5); 0.8 × 0.8 × 1.5 mm voxels.
const axis = [1, 1, 0.5].map((v) => v / 1.5) as Vec3;
const th = (20 * Math.PI) / 180;
const [x, y, z] = axis;
const c = Math.cos(th);
const s = Math.sin(th);
const C = 1 - c;
const R: Mat3 = [c + x * x * C, y * x * C + z * s, z * x * C - y * s, x * y * C - z * s, c + y * y * C, z * y * C + x * s, x * z * C + y * s, y * z * C - x * s, c + z * z * C];
const dims: Vec3 = [110, 110, 60];
const geometry: VolumeGeometry = { dimensions: dims, spacingMm: [0.8, 0.8, 1.5], originLps: [0, 0, 0], direction: R };
const centre = ijkToLps(geometry, [55, 55, 30]);
const radii: Vec3 = [30, 22, 17.4]; // ≈ 48 mL ≈ 50,000 voxels of 0.96 mm³
const voxels = new Uint8Array(dims[0] * dims[1] * dims[2]);
for (let k = 0, n = 0; k < dims[2]; k++)
  for (let j = 0; j < dims[1]; j++)
    for (let i = 0; i < dims[0]; i++, n++) {
      const p = ijkToLps(geometry, [i, j, k]);
      const d = [p[0] - centre[0], p[1] - centre[1], p[2] - centre[2]];
      if ((d[0]! / radii[0]) ** 2 + (d[1]! / radii[1]) ** 2 + (d[2]! / radii[2]) ** 2 <= 1) voxels[n] = 1;
    }
const mask = { geometry, voxels };

let result = measureLesion(mask);
if (!result) throw new Error('empty lesion');
const ours = median(() => {
  result = measureLesion(mask);
}, 31);
const crop = cropMask(dims, voxels) as CroppedMask;
const core = median(() => measureCroppedLesion(geometry, crop), 31);
const scan = median(() => cropMask(dims, voxels), 31);

/**
 * Brute force: every pair of lesion voxel centres in 3D, every pair on each
 * slice for the long axis, every pair on the long axis's slice for the short
 * axis (same perpendicularity rule: |Δ along long axis| ≤ one pixel and closer to
 * perpendicular than to parallel).
 */
function bruteForce(): { long: number; short: number; d3: number } {
  const xyz: number[] = [];
  const start: number[] = []; // first point of each k slice
  for (let k = 0, n = 0; k < dims[2]; k++) {
    start.push(xyz.length / 3);
    for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++, n++) if (voxels[n]) xyz.push(...ijkToLps(geometry, [i, j, k]));
  }
  start.push(xyz.length / 3);
  const P = Float64Array.from(xyz);
  const m = P.length / 3;
  const d2 = (p: number, q: number) => (P[3 * p]! - P[3 * q]!) ** 2 + (P[3 * p + 1]! - P[3 * q + 1]!) ** 2 + (P[3 * p + 2]! - P[3 * q + 2]!) ** 2;
  let best3 = 0;
  for (let p = 0; p < m; p++) {
    const x = P[3 * p]!;
    const y = P[3 * p + 1]!;
    const z = P[3 * p + 2]!;
    for (let q = p + 1; q < m; q++) {
      const dx = P[3 * q]! - x;
      const dy = P[3 * q + 1]! - y;
      const dz = P[3 * q + 2]! - z;
      const v = dx * dx + dy * dy + dz * dz;
      if (v > best3) best3 = v;
    }
  }
  let long = 0;
  let lp = 0;
  let lq = 0;
  let lk = 0;
  for (let k = 0; k < dims[2]; k++)
    for (let p = start[k]!; p < start[k + 1]!; p++)
      for (let q = p + 1; q < start[k + 1]!; q++) {
        const v = d2(p, q);
        if (v > long) {
          long = v;
          lp = p;
          lq = q;
          lk = k;
        }
      }
  long = Math.sqrt(long);
  const u = [0, 1, 2].map((r) => (P[3 * lq + r]! - P[3 * lp + r]!) / long);
  let short = 0;
  for (let p = start[lk]!; p < start[lk + 1]!; p++)
    for (let q = p + 1; q < start[lk + 1]!; q++) {
      const w = [0, 1, 2].map((r) => P[3 * q + r]! - P[3 * p + r]!);
      const dt = Math.abs(w[0]! * u[0]! + w[1]! * u[1]! + w[2]! * u[2]!);
      const len = Math.hypot(w[0]!, w[1]!, w[2]!);
      if (dt <= 0.8 && dt < Math.sqrt(len * len - dt * dt) && len > short) short = len;
    }
  return { long, short, d3: Math.sqrt(best3) };
}
let brute = { long: 0, short: 0, d3: 0 };
const baseline = median(() => {
  brute = bruteForce();
}, 3);

const fmt = (v: number) => v.toFixed(3);
console.log(`lesion: ${result.voxelCount} voxels, ${fmt(result.volumeMl)} mL on a ${dims.join('×')} oblique grid (0.8 × 0.8 × 1.5 mm)`);
console.table([
  {
    method: 'Voxa: hulls + rotating calipers (measureLesion, median of 31)',
    'median ms': ours.toFixed(2),
    'long mm': fmt(result.longAxis.lengthMm),
    'short mm': fmt(result.shortAxis.lengthMm),
    '3D mm': fmt(result.longest3d.lengthMm),
    'ratio vs brute force': (ours / baseline).toExponential(2),
  },
  {
    method: '  of which: measurement on the cropped mask',
    'median ms': core.toFixed(2),
    'long mm': '',
    'short mm': '',
    '3D mm': '',
    'ratio vs brute force': (core / baseline).toExponential(2),
  },
  {
    method: `  of which: scanning the ${dims.join('×')} volume for the label`,
    'median ms': scan.toFixed(2),
    'long mm': '',
    'short mm': '',
    '3D mm': '',
    'ratio vs brute force': (scan / baseline).toExponential(2),
  },
  {
    method: 'baseline: all pairs (median of 3 runs)',
    'median ms': baseline.toFixed(0),
    'long mm': fmt(brute.long),
    'short mm': fmt(brute.short),
    '3D mm': fmt(brute.d3),
    'ratio vs brute force': '1',
  },
]);
const agree = Math.abs(brute.long - result.longAxis.lengthMm) < 1e-9 && Math.abs(brute.d3 - result.longest3d.lengthMm) < 1e-9;
console.log(`results agree with brute force: ${agree ? 'yes' : 'NO'}; target ≤ 10 ms: ${ours <= 10 ? 'met' : 'NOT met'}`);
if (!agree) process.exitCode = 1;
