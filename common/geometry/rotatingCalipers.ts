/**
 * Diameter (farthest pair of vertices) of a convex polygon by rotating
 * calipers (Shamos), O(h) for h vertices.
 *
 * Units: the coordinates' units (millimetres in Voxa). The polygon must be
 * given in counter-clockwise order without repeated or collinear vertices, as
 * {@link convexHull2d} returns it, in coordinates where distances are
 * Euclidean (i.e. already mapped to mm, not voxel indices).
 */

export interface FarthestPair {
  /** Euclidean distance between the two points, in the input units. */
  length: number;
  /** Positions of the two points in the input arrays. */
  a: number;
  b: number;
}

/**
 * @param xs, ys vertex coordinates of the polygon, in order (CCW).
 * @returns the farthest pair; {length 0, a 0, b 0} for a single vertex.
 */
export function convexPolygonDiameter(xs: ArrayLike<number>, ys: ArrayLike<number>): FarthestPair {
  const n = xs.length;
  if (n === 0) throw new RangeError('convexPolygonDiameter: empty polygon');
  if (n === 1) return { length: 0, a: 0, b: 0 };
  const x = (k: number) => xs[k % n] as number;
  const y = (k: number) => ys[k % n] as number;
  const dist2 = (a: number, b: number) => (x(a) - x(b)) ** 2 + (y(a) - y(b)) ** 2;
  // Twice the area of triangle (i, i+1, j): distance of j from edge i, up to a constant.
  const area = (i: number, j: number) => Math.abs((x(i + 1) - x(i)) * (y(j) - y(i)) - (y(i + 1) - y(i)) * (x(j) - x(i)));
  let best = { d2: -1, a: 0, b: 0 };
  const consider = (a: number, b: number) => {
    const d2 = dist2(a, b);
    if (d2 > best.d2) best = { d2, a: a % n, b: b % n };
  };
  if (n === 2) {
    consider(0, 1);
  } else {
    let j = 1;
    for (let i = 0; i < n; i++) {
      // Advance j to the vertex farthest from edge (i, i+1); at most n steps.
      for (let steps = 0; steps < n && area(i, j + 1) > area(i, j); steps++) j++;
      consider(i, j);
      consider(i + 1, j);
      // An edge parallel to edge i: both of its ends are antipodal to both ends of edge i.
      if (area(i, j + 1) === area(i, j)) {
        consider(i, j + 1);
        consider(i + 1, j + 1);
      }
    }
  }
  return { length: Math.sqrt(best.d2), a: best.a, b: best.b };
}
