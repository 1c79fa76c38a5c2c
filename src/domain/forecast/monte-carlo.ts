import type { Rng } from '../random';

export const DEFAULT_TRIALS = 10_000;
export const DEFAULT_CONFIDENCES = [50, 70, 85, 95] as const;
/** Simulated days a trial may run before it counts as "not within ten years". */
export const HORIZON_DAYS = 3_650;

/**
 * "When will N items be done?": each trial draws days from the throughput history (with replacement) until the total
 * reaches N. Returns each trial's number of days, ascending; a trial not done within the horizon is Infinity.
 */
export function simulateWhen(throughput: readonly number[], items: number, trials: number, rng: Rng): Float64Array {
  return trialDays(throughput, items, trials, rng).sort();
}

/** simulateWhen's trials in the order they ran, unsorted. */
export function trialDays(throughput: readonly number[], items: number, trials: number, rng: Rng): Float64Array {
  const days = new Float64Array(trials);
  for (let t = 0; t < trials; t++) days[t] = daysToFinish(throughput, items, rng);
  return days;
}

/** One trial of "when will N items be done?": days drawn until their throughput reaches N (Infinity: not within ten years). */
export function daysToFinish(throughput: readonly number[], items: number, rng: Rng): number {
  const n = throughput.length;
  let total = 0;
  let d = 0;
  while (total < items && d < HORIZON_DAYS) {
    total += throughput[Math.floor(rng() * n)];
    d++;
  }
  return total >= items ? d : Infinity;
}

/** "How many by day D?": each trial adds D draws. Returns the trials' totals, ascending. */
export function simulateHowMany(throughput: readonly number[], days: number, trials: number, rng: Rng): Float64Array {
  const totals = new Float64Array(trials);
  const n = throughput.length;
  for (let t = 0; t < trials; t++) {
    let total = 0;
    for (let d = 0; d < days; d++) total += throughput[Math.floor(rng() * n)];
    totals[t] = total;
  }
  return totals.sort();
}

/** The smallest d such that at least ceil(c·T) trials finished within d days (Infinity: not within the horizon). */
export function daysAtConfidence(sortedDays: Float64Array, confidence: number): number {
  return sortedDays[needed(sortedDays.length, confidence) - 1];
}

/** The largest N such that at least ceil(c·T) trials reached N or more: 85% is the 15th percentile of the totals. */
export function itemsAtConfidence(sortedTotals: Float64Array, confidence: number): number {
  return sortedTotals[sortedTotals.length - needed(sortedTotals.length, confidence)];
}

/** The share of trials done within `day` days. */
export function shareDoneWithin(sortedDays: Float64Array, day: number): number {
  let lo = 0;
  let hi = sortedDays.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sortedDays[mid] <= day) lo = mid + 1;
    else hi = mid;
  }
  return lo / sortedDays.length;
}

/** ceil(c·T), with c in percent; rounding first so 0.85 × 10,000 is 8,500, not 8,501. */
function needed(trials: number, confidence: number): number {
  return Math.max(1, Math.ceil(Math.round(confidence * trials * 1e6) / 1e8));
}
