/**
 * Dice overlap 2|A∩B| / (|A| + |B|) between two voxel sets given as
 * predicates over the voxel index: the one measure every segmentation test,
 * e2e spec and benchmark reports. Two empty sets agree perfectly (1).
 */
export function diceBy(n: number, inA: (q: number) => boolean, inB: (q: number) => boolean): number {
  let a = 0;
  let b = 0;
  let both = 0;
  for (let q = 0; q < n; q++) {
    const x = inA(q);
    const y = inB(q);
    if (x) a++;
    if (y) b++;
    if (x && y) both++;
  }
  return a + b === 0 ? 1 : (2 * both) / (a + b);
}

/** Dice of `label` in `labels` against `truthLabel` in `truth` (same grid). */
export function labelDice(labels: ArrayLike<number>, label: number, truth: ArrayLike<number>, truthLabel: number): number {
  if (labels.length !== truth.length) throw new RangeError(`labelDice: ${labels.length} voxels against ${truth.length}`);
  return diceBy(labels.length, (q) => labels[q] === label, (q) => truth[q] === truthLabel);
}
