/** Natural process limits of an XmR (process behaviour) chart. */
export type Xmr = { mean: number; lower: number; upper: number; outside: number[] };

/** Fewer points than this say nothing about stability. */
const MIN_POINTS = 6;
/** Wheeler's scaling constant for individual values from the average moving range. */
const SCALE = 2.66;

/**
 * X̄ ± 2.66 × the average moving range (the lower limit never below 0). Points outside the limits mean the history is a
 * poor guide to the future. Null with too few points to judge.
 */
export function xmrLimits(values: readonly number[]): Xmr | null {
  if (values.length < MIN_POINTS) return null;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const ranges = values.slice(1).map((v, i) => Math.abs(v - values[i]));
  const averageRange = ranges.reduce((a, b) => a + b, 0) / ranges.length;
  const upper = mean + SCALE * averageRange;
  const lower = Math.max(0, mean - SCALE * averageRange);
  const outside = values.flatMap((v, i) => (v > upper || v < lower ? [i] : []));
  return { mean, lower, upper, outside };
}

/** Counts per block of `size` consecutive days, the last block ending on the last day (a partial first block is dropped). */
export function blocksOf(daily: readonly number[], size: number): number[] {
  const blocks: number[] = [];
  for (let end = daily.length; end - size >= 0; end -= size)
    blocks.unshift(daily.slice(end - size, end).reduce((a, b) => a + b, 0));
  return blocks;
}
