/**
 * Area under the ROC curve as the Mann–Whitney statistic: the probability
 * that a random positive scores above a random negative, ties counting one
 * half (average ranks), which equals the trapezoidal area under the ROC.
 */
export function auroc(scores: readonly number[], labels: readonly number[]): number {
  if (scores.length !== labels.length) throw new RangeError('scores and labels differ in length');
  const idx = scores.map((_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  const ranks = new Float64Array(scores.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1] as number] === scores[idx[i] as number]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[idx[k] as number] = r;
    i = j + 1;
  }
  let nPos = 0;
  let rankSum = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) {
      nPos++;
      rankSum += ranks[i] as number;
    }
  }
  const nNeg = labels.length - nPos;
  if (nPos === 0 || nNeg === 0) throw new RangeError('AUROC needs at least one positive and one negative');
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}
