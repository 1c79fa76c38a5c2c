import type { Rng } from '../random';
import { daysToFinish, HORIZON_DAYS } from './monte-carlo';

/** A team's remaining part of a PBI: its own square plus the squares ahead of it in the team's queue. */
export type TeamPart = { team: string; items: number; throughput: readonly number[] };

/**
 * P(PBI done within d days) for d = 0…horizon. Each team not done is forecast from its own throughput of team squares,
 * the teams drawn independently within each trial, so the parts are done by day d with the product of the teams'
 * chances; then the integration step: the days from the last square done to the PBI finishing, taken from history
 * (`integrationDays`). Each trial draws every team's part in turn, as the backlog forecast does (backlog-forecast.ts),
 * which gives exactly this answer for a backlog of one PBI.
 */
export function pbiDoneWithin(
  parts: readonly TeamPart[],
  integrationDays: readonly number[],
  trials: number,
  rng: Rng,
): Float64Array {
  const partsDay = new Float64Array(trials); // 0: every team is done already
  for (let t = 0; t < trials; t++)
    for (const part of parts) partsDay[t] = Math.max(partsDay[t], daysToFinish(part.throughput, part.items, rng));
  return integratedWithin(partsDay, null, integrationDays);
}

/**
 * P(integrated within d days), d = 0…horizon, from each trial's day the PBI's parts were done (`partsDay`, Infinity:
 * not within the horizon), its integration step (each of `integrationDays` equally likely, none: no step), and
 * `waitFor`, each trial's day every PBI it depends on was integrated (null: it depends on none). The step is taken
 * exactly, every length weighted in every trial, not drawn, so it adds no sampling error of its own.
 */
export function integratedWithin(
  partsDay: ArrayLike<number>,
  waitFor: ArrayLike<number> | null,
  integrationDays: readonly number[],
): Float64Array {
  const trials = partsDay.length;
  if (waitFor === null) {
    const done = cumulative(partsDay);
    return integrationDays.length === 0 ? done : convolve(done, integrationDays);
  }
  const steps = [...shares(integrationDays.length ? integrationDays : [0])];
  const pmf = new Float64Array(HORIZON_DAYS + 1);
  for (let t = 0; t < trials; t++) {
    const parts = partsDay[t];
    const wait = waitFor[t];
    for (const [lag, share] of steps) {
      const day = Math.max(parts + lag, wait);
      if (day <= HORIZON_DAYS) pmf[day] += share;
    }
  }
  let sum = 0;
  for (let d = 0; d <= HORIZON_DAYS; d++) {
    sum += pmf[d];
    pmf[d] = sum / trials;
  }
  return pmf;
}

/**
 * The integration steps still possible for a PBI whose teams all finished `waited` days ago and that is not integrated
 * yet: only past steps at least that long could be this one, less the time already spent. Empty when it has waited
 * longer than any integration in the history took.
 */
export function integrationStillAhead(integrationDays: readonly number[], waited: number): number[] {
  return integrationDays.filter((lag) => lag >= waited).map((lag) => lag - waited);
}

/** The first day by which the PBI is done with at least `confidence` percent; Infinity when not within the horizon. */
export function dayAtConfidence(doneWithin: Float64Array, confidence: number): number {
  const target = confidence / 100 - 1e-12;
  for (let d = 0; d < doneWithin.length; d++) if (doneWithin[d] >= target) return d;
  return Infinity;
}

/** cdf[d] = share of the trials' days that are ≤ d (in any order; Infinity never is). */
function cumulative(days: ArrayLike<number>): Float64Array {
  const cdf = new Float64Array(HORIZON_DAYS + 1);
  for (let t = 0; t < days.length; t++) if (days[t] <= HORIZON_DAYS) cdf[days[t]]++;
  let sum = 0;
  for (let d = 0; d <= HORIZON_DAYS; d++) {
    sum += cdf[d];
    cdf[d] = sum / days.length;
  }
  return cdf;
}

/** Each integration step's length and its share of the steps in history. */
function shares(integrationDays: readonly number[]): Map<number, number> {
  const lagShare = new Map<number, number>();
  for (const lag of integrationDays) lagShare.set(lag, (lagShare.get(lag) ?? 0) + 1 / integrationDays.length);
  return lagShare;
}

/** P(done within d) when an integration step of a historical length follows the parts being done. */
function convolve(partsDone: Float64Array, integrationDays: readonly number[]): Float64Array {
  const out = new Float64Array(partsDone.length);
  // past the parts' last change plus the longest step nothing changes: the rest is a copy (a backlog has 200 of these)
  let settled = partsDone.length - 1;
  while (settled > 0 && partsDone[settled - 1] === partsDone[settled]) settled--;
  const end = Math.min(out.length - 1, settled + Math.max(...integrationDays));
  for (const [lag, share] of shares(integrationDays))
    for (let d = lag; d <= end; d++) out[d] += share * partsDone[d - lag];
  out.fill(out[end], end + 1);
  return out;
}
