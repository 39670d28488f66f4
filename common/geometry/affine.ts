/**
 * Voxel ↔ patient transforms for a {@link VolumeGeometry}.
 * Units: millimetres in LPS patient space; voxel indices are continuous
 * (integer values are voxel centres).
 */
import type { Mat3, Vec3, VolumeGeometry } from '../volume';

/** A 4×4 affine stored row-major: element (r, c) at index r·4 + c. */
export type Mat4 = number[];

/** IJK → LPS as a row-major 4×4 affine. */
export function ijkToLpsMatrix(g: VolumeGeometry): Mat4 {
  const d = g.direction;
  const s = g.spacingMm;
  const o = g.originLps;
  // Column c of the linear part is axis c's direction times its spacing.
  return [
    d[0] * s[0], d[3] * s[1], d[6] * s[2], o[0],
    d[1] * s[0], d[4] * s[1], d[7] * s[2], o[1],
    d[2] * s[0], d[5] * s[1], d[8] * s[2], o[2],
    0, 0, 0, 1,
  ];
}

export function ijkToLps(g: VolumeGeometry, ijk: Vec3): Vec3 {
  const m = ijkToLpsMatrix(g);
  return applyAffine(m, ijk);
}

export function applyAffine(m: Mat4, p: Vec3): Vec3 {
  return [
    (m[0] as number) * p[0] + (m[1] as number) * p[1] + (m[2] as number) * p[2] + (m[3] as number),
    (m[4] as number) * p[0] + (m[5] as number) * p[1] + (m[6] as number) * p[2] + (m[7] as number),
    (m[8] as number) * p[0] + (m[9] as number) * p[1] + (m[10] as number) * p[2] + (m[11] as number),
  ];
}

/** LPS → continuous IJK. Assumes an orthonormal direction matrix (its inverse is its transpose). */
export function lpsToIjk(g: VolumeGeometry, lps: Vec3): Vec3 {
  const d = g.direction;
  const r: Vec3 = [lps[0] - g.originLps[0], lps[1] - g.originLps[1], lps[2] - g.originLps[2]];
  return [
    (d[0] * r[0] + d[1] * r[1] + d[2] * r[2]) / g.spacingMm[0],
    (d[3] * r[0] + d[4] * r[1] + d[5] * r[2]) / g.spacingMm[1],
    (d[6] * r[0] + d[7] * r[1] + d[8] * r[2]) / g.spacingMm[2],
  ];
}

/**
 * Splits a row-major 4×4 IJK→LPS affine into spacing, unit directions and origin.
 * Reports the largest deviation from orthogonality between the axes (|cos|), so
 * callers can warn about sheared inputs.
 */
export function decomposeAffine(m: Mat4): { geometry: Omit<VolumeGeometry, 'dimensions'>; shear: number } {
  const col = (c: number): Vec3 => [m[c] as number, m[4 + c] as number, m[8 + c] as number];
  const axes = [col(0), col(1), col(2)];
  const spacing = axes.map((a) => Math.hypot(a[0], a[1], a[2])) as Vec3;
  if (spacing.some((s) => !(s > 0) || !Number.isFinite(s))) {
    throw new RangeError(`degenerate affine: axis lengths ${spacing.join(', ')}`);
  }
  const units = axes.map((a, n) => a.map((v) => v / (spacing[n] as number)) as Vec3);
  const [u0, u1, u2] = units as [Vec3, Vec3, Vec3];
  const shear = Math.max(Math.abs(dot(u0, u1)), Math.abs(dot(u0, u2)), Math.abs(dot(u1, u2)));
  return {
    geometry: {
      spacingMm: spacing,
      direction: [...u0, ...u1, ...u2] as Mat3,
      originLps: [m[3] as number, m[7] as number, m[11] as number],
    },
    shear,
  };
}

export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function normalize(a: Vec3): Vec3 {
  const n = Math.hypot(a[0], a[1], a[2]);
  if (!(n > 0)) throw new RangeError('cannot normalise a zero vector');
  return [a[0] / n, a[1] / n, a[2] / n];
}

/** Three-letter orientation code (e.g. "LPS", "RAS") of the i, j, k axes, by their dominant LPS component. */
export function orientationCode(direction: Mat3): string {
  const letters = [
    ['L', 'R'],
    ['P', 'A'],
    ['S', 'I'],
  ] as const;
  let code = '';
  for (let axis = 0; axis < 3; axis++) {
    const v: Vec3 = [direction[axis * 3] as number, direction[axis * 3 + 1] as number, direction[axis * 3 + 2] as number];
    let best = 0;
    for (let c = 1; c < 3; c++) if (Math.abs(v[c] as number) > Math.abs(v[best] as number)) best = c;
    const pair = letters[best] as readonly [string, string];
    code += (v[best] as number) >= 0 ? pair[0] : pair[1];
  }
  return code;
}
