/** Plain summary statistics for the segmentation benchmark; null (not NaN) when there is nothing to summarise. */

/** Arithmetic mean of the finite values, or null when there are none. */
export function mean(values: readonly (number | null | undefined)[]): number | null {
  const v = finite(values);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

/** Median of the finite values (mean of the two middle ones for an even count), or null when there are none. */
export function median(values: readonly (number | null | undefined)[]): number | null {
  const v = finite(values).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = v.length >> 1;
  return v.length % 2 ? (v[m] as number) : ((v[m - 1] as number) + (v[m] as number)) / 2;
}

function finite(values: readonly (number | null | undefined)[]): number[] {
  return values.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
}
