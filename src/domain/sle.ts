import { addDays, type CalendarDate, localDate } from './calendar';
import { cycleDays, percentile, workItemAge } from './flow-metrics';
import { type FlowDates, isFinished, oldestFirst, type Pbi } from './pbi';
import type { Classed, ServiceClass } from './service-class';

/** Below this many finished items in the window a computed SLE would be a guess. */
export const MIN_ITEMS_FOR_SLE = 10;
/** Past this percentile of cycle times an item is "at risk". */
export const AT_RISK_PERCENTILE = 0.7;
export const DEFAULT_HISTORY_DAYS = 90;

export type SleSetting = { percentile: number; days: number | null; historyDays: number };

/** The SLE in force: "85% of PBIs finish within 12 days", set by hand or computed from the window's cycle times. */
export type Sle =
  | {
      kind: 'set' | 'computed';
      percentile: number;
      days: number;
      sampleSize: number;
      atRiskDays: number | null;
      /** a class of service's own SLE (set by hand), which its PBIs age against instead of the Nexus's */
      serviceClass?: string;
    }
  | { kind: 'not-enough-history'; percentile: number; sampleSize: number };

/** Cycle times of items finished in the `historyDays` calendar days ending today. */
export function cycleTimesInWindow(
  pbis: readonly FlowDates[],
  today: CalendarDate,
  zone: string,
  historyDays: number,
): number[] {
  const from = addDays(today, -(historyDays - 1));
  const times: number[] = [];
  for (const p of pbis) {
    if (!isFinished(p)) continue;
    const finished = localDate(p.finishedAt!, zone);
    if (finished >= from && finished <= today) times.push(cycleDays(localDate(p.startedAt!, zone), finished));
  }
  return times;
}

export function serviceLevelExpectation(setting: SleSetting, cycleTimes: readonly number[]): Sle {
  const sampleSize = cycleTimes.length;
  const atRiskDays = percentile(cycleTimes, AT_RISK_PERCENTILE) ?? null;
  if (setting.days !== null)
    return { kind: 'set', percentile: setting.percentile, days: setting.days, sampleSize, atRiskDays };
  if (sampleSize < MIN_ITEMS_FOR_SLE) return { kind: 'not-enough-history', percentile: setting.percentile, sampleSize };
  const days = percentile(cycleTimes, setting.percentile / 100)!;
  return { kind: 'computed', percentile: setting.percentile, days, sampleSize, atRiskDays };
}

export type AgingStatus = 'on-track' | 'at-risk' | 'aging';

/** Aging when the age passed the SLE; at risk when it passed the 70th percentile of cycle times. */
export function agingStatus(age: number, sle: Sle): AgingStatus {
  if (sle.kind === 'not-enough-history') return 'on-track';
  if (age > sle.days) return 'aging';
  if (sle.atRiskDays !== null && age > sle.atRiskDays) return 'at-risk';
  return 'on-track';
}

export type AgingItem = { pbi: Pbi; age: number; status: AgingStatus };

/**
 * Items in progress, oldest first, each with its age and status against the SLE: one for all, or each PBI's own (its
 * class's, `slesByClass` in service-class.ts).
 */
export function agingItems(
  pbis: readonly Pbi[],
  sle: Sle | ((pbi: Pbi) => Sle),
  today: CalendarDate,
  zone: string,
): AgingItem[] {
  const sleOf = typeof sle === 'function' ? sle : () => sle;
  return pbis
    .map((pbi) => ({ pbi, age: workItemAge(pbi, today, zone) }))
    .filter((x): x is { pbi: Pbi; age: number } => x.age !== null)
    .map(({ pbi, age }) => ({ pbi, age, status: agingStatus(age, sleOf(pbi)) }))
    .sort((a, b) => oldestFirst(a.pbi, b.pbi));
}

/**
 * The SLE for each PBI: its class's own when the class has one (set by hand, so no 70th percentile of its own to
 * mark "at risk" by), else the Nexus's.
 */
export function slesByClass(sle: Sle, classes: readonly ServiceClass[]): (pbi: Classed) => Sle {
  const own = new Map(
    classes
      .filter((c) => c.sleDays !== null)
      .map((c): [string, Sle] => [
        c.name.toLowerCase(),
        {
          kind: 'set',
          percentile: sle.percentile,
          days: c.sleDays!,
          sampleSize: sle.sampleSize,
          atRiskDays: null,
          serviceClass: c.name,
        },
      ]),
  );
  return (pbi) => own.get(pbi.serviceClass.toLowerCase()) ?? sle;
}
