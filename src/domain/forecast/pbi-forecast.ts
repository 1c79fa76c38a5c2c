import type { Rng } from '../random';
import { HORIZON_DAYS, simulateWhen } from './monte-carlo';

/** A team's remaining part of a PBI: its own square plus the squares ahead of it in the team's queue. */
export type TeamPart = { team: string; items: number; throughput: readonly number[] };

/**
 * P(PBI done within d days) for d = 0…horizon. Each team not done is forecast from its own throughput of team squares;
 * the PBI's parts are done by day d with the product of the teams' chances (teams taken as independent); then the
 * integration step: the days from the last square done to the PBI finishing, drawn from history (`integrationDays`).
 */
export function pbiDoneWithin(
  parts: readonly TeamPart[],
  integrationDays: readonly number[],
  trials: number,
  rng: Rng,
): Float64Array {
  const partsDone = new Float64Array(HORIZON_DAYS + 1).fill(1);
  for (const part of parts) {
    const cdf = cumulative(simulateWhen(part.throughput, part.items, trials, rng));
    for (let d = 0; d <= HORIZON_DAYS; d++) partsDone[d] *= cdf[d];
  }
  return integrationDays.length === 0 ? partsDone : convolve(partsDone, integrationDays);
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

/** cdf[d] = share of the (ascending) simulated days that are ≤ d. */
function cumulative(sortedDays: Float64Array): Float64Array {
  const cdf = new Float64Array(HORIZON_DAYS + 1);
  let i = 0;
  for (let d = 0; d <= HORIZON_DAYS; d++) {
    while (i < sortedDays.length && sortedDays[i] <= d) i++;
    cdf[d] = i / sortedDays.length;
  }
  return cdf;
}

/** P(done within d) when an integration step of a historical length follows the parts being done. */
function convolve(partsDone: Float64Array, integrationDays: readonly number[]): Float64Array {
  const lagShare = new Map<number, number>();
  for (const lag of integrationDays) lagShare.set(lag, (lagShare.get(lag) ?? 0) + 1 / integrationDays.length);
  const out = new Float64Array(partsDone.length);
  for (const [lag, share] of lagShare) for (let d = lag; d < out.length; d++) out[d] += share * partsDone[d - lag];
  return out;
}
