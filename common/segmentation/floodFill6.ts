/**
 * The 6-connected part of `bits` (a grid of `dims`, i fastest) that holds voxel `seed`, as voxel
 * indices, optionally restricted by `allowed`. Voxels are marked in `seen` (pass one array to
 * label several components without revisiting). Empty when the seed is not in `bits`.
 */
import type { Vec3 } from '../volume';

export function floodFill6(bits: ArrayLike<number>, dims: Vec3, seed: number, opts: { allowed?: (q: number) => boolean; seen?: Uint8Array } = {}): number[] {
  const [ni, nj, nk] = dims;
  const allowed = opts.allowed ?? (() => true);
  const seen = opts.seen ?? new Uint8Array(bits.length);
  if (!bits[seed] || seen[seed] || !allowed(seed)) return [];
  const out: number[] = [];
  const stack = [seed];
  seen[seed] = 1;
  while (stack.length) {
    const q = stack.pop() as number;
    out.push(q);
    const i = q % ni, j = Math.floor(q / ni) % nj, k = Math.floor(q / (ni * nj));
    const visit = (r: number) => {
      if (!seen[r] && bits[r] && allowed(r)) {
        seen[r] = 1;
        stack.push(r);
      }
    };
    if (i > 0) visit(q - 1);
    if (i < ni - 1) visit(q + 1);
    if (j > 0) visit(q - ni);
    if (j < nj - 1) visit(q + ni);
    if (k > 0) visit(q - ni * nj);
    if (k < nk - 1) visit(q + ni * nj);
  }
  return out;
}
