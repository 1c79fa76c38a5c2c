/**
 * A shift in throughput inside the history window: the recent weeks finished far fewer (or far more) than draws from
 * the whole window would. The simulation draws every day of the window alike, so after a drop it keeps forecasting
 * the old pace (on histories that fell from 2.0 to 0.75 a day, "85%" came true 12–18% of the time); the XmR chart of
 * weekly throughput misses most such drops because its limits widen to hold both paces.
 */
export type Shift = {
  direction: 'drop' | 'rise';
  /** counted days in the recent stretch, and what finished in them */
  recentDays: number;
  recentTotal: number;
  /** items per counted day: the recent stretch, and the days before it */
  recentRate: number;
  earlierRate: number;
  /** how often a stretch this far from the days before would come by chance (all stretches tried counted) */
  chance: number;
  /** index in the sample of the day the pace most likely changed (where the two paces split best) */
  changedAt: number;
};

/** Recent stretches tried, in weeks: a drop three weeks ago and one ten weeks ago both show in one of them. */
export const RECENT_WEEKS = [3, 4, 6, 8, 10] as const;
/** Below this chance (for all stretches together) the recent total is called a shift. */
export const SHIFT_CHANCE = 0.01;
/** A stretch is compared only with at least this many weeks before it: no "before", no comparison. */
export const EARLIER_WEEKS = 3;

/**
 * For each recent stretch (the last 3, 4, 6, 8 and 10 weeks) compares its daily mean with the days before it: the
 * difference over its standard error (each side's own day-to-day variance, so quiet weekends and lumpy days widen it
 * instead of raising alarms) gives a one-sided chance from the normal curve. The smallest chance, times the number of
 * stretches tried (so trying several does not raise false alarms), below SHIFT_CHANCE is a shift. Null when the window
 * is too short to tell or the recent weeks fit what came before.
 */
export function throughputShift(throughput: readonly number[], weekLength: number): Shift | null {
  let found: Shift | null = null;
  const stretches = RECENT_WEEKS.filter((w) => throughput.length >= (w + EARLIER_WEEKS) * weekLength);
  for (const weeks of stretches) {
    const recent = throughput.slice(-weeks * weekLength);
    const earlier = throughput.slice(0, -weeks * weekLength);
    const error = Math.sqrt(variance(recent) / recent.length + variance(earlier) / earlier.length);
    if (error === 0) continue;
    const z = (mean(recent) - mean(earlier)) / error;
    const chance = Math.min(1, upperTail(Math.abs(z)) * stretches.length);
    if (chance >= SHIFT_CHANCE || (found && found.chance <= chance)) continue;
    found = {
      direction: z < 0 ? 'drop' : 'rise',
      recentDays: recent.length,
      recentTotal: sum(recent),
      recentRate: mean(recent),
      earlierRate: mean(earlier),
      chance,
      changedAt: changePoint(throughput, weekLength),
    };
  }
  return found;
}

const mean = (values: readonly number[]): number => sum(values) / values.length;

function variance(values: readonly number[]): number {
  const m = mean(values);
  return values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1);
}

/** P(Z > z) for a standard normal Z (Abramowitz and Stegun 7.1.26 for erfc, error below 1.5e-7). */
function upperTail(z: number): number {
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return (poly * Math.exp(-x * x)) / 2;
}

/**
 * Where the history splits best into two steady paces: the split with the largest likelihood ratio of two Poisson
 * rates against one. Both sides keep at least a week.
 */
function changePoint(daily: readonly number[], weekLength: number): number {
  const n = daily.length;
  const total = sum(daily);
  const ll = (items: number, days: number) => (items === 0 ? 0 : items * Math.log(items / days));
  let best = weekLength;
  let bestGain = -Infinity;
  let before = sum(daily.slice(0, weekLength));
  for (let k = weekLength; k <= n - weekLength; k++) {
    const gain = ll(before, k) + ll(total - before, n - k);
    if (gain > bestGain) [best, bestGain] = [k, gain];
    before += daily[k];
  }
  return best;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
