/**
 * Convex hull of a 2D point set (Andrew's monotone chain, O(n log n)).
 *
 * Units: whatever the coordinates are in; the hull is affine-invariant, so
 * callers may build it on integer voxel indices (exact arithmetic) and map
 * the vertices to millimetres afterwards.
 */

/**
 * Indices of the hull vertices in counter-clockwise order (for a right-handed
 * x/y frame), starting from the lowest-x (then lowest-y) point. Points lying on
 * a hull edge and duplicate points are not vertices and are left out.
 * Degenerate inputs: [] for no point, one index when all points coincide, two
 * indices (the two extremes) when all points are collinear.
 * `presorted`: the caller guarantees the points are already in increasing
 * (x, then y) order, which skips the O(n log n) sort.
 */
export function convexHull2d(xs: ArrayLike<number>, ys: ArrayLike<number>, options: { presorted?: boolean } = {}): number[] {
  const n = xs.length;
  if (ys.length !== n) throw new RangeError('convexHull2d: xs and ys differ in length');
  if (n === 0) return [];
  if (n === 1) return [0];
  const order = Array.from({ length: n }, (_, k) => k);
  if (!options.presorted) order.sort((a, b) => (xs[a] as number) - (xs[b] as number) || (ys[a] as number) - (ys[b] as number));
  // z of (a − o) × (b − o): > 0 when o → a → b turns left.
  const turn = (o: number, a: number, b: number): number => {
    const ox = xs[o] as number;
    const oy = ys[o] as number;
    return ((xs[a] as number) - ox) * ((ys[b] as number) - oy) - ((ys[a] as number) - oy) * ((xs[b] as number) - ox);
  };
  const hull: number[] = [];
  // Lower chain, left to right.
  for (const p of order) {
    while (hull.length >= 2 && turn(hull[hull.length - 2] as number, hull[hull.length - 1] as number, p) <= 0) hull.pop();
    hull.push(p);
  }
  // Upper chain, right to left.
  const lowerSize = hull.length + 1;
  for (let k = n - 2; k >= 0; k--) {
    const p = order[k] as number;
    while (hull.length >= lowerSize && turn(hull[hull.length - 2] as number, hull[hull.length - 1] as number, p) <= 0) hull.pop();
    hull.push(p);
  }
  hull.pop(); // the first point again
  if (hull.length === 0) return [order[0] as number];
  if (hull.length === 2) {
    const [a, b] = hull as [number, number];
    if (xs[a] === xs[b] && ys[a] === ys[b]) return [a];
  }
  return hull;
}
