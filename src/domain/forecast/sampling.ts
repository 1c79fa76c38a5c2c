import { addDays, type CalendarDate, datesFrom, type Weekday, weekdayOf } from '../calendar';
import { type DailyCount, windowEnding } from '../flow-metrics';

/**
 * Which days a forecast counts: every calendar day, or only the Nexus's working days. Both the history sampled and
 * the simulated days that become dates follow the same choice (doing only one puts an 85% date on a Saturday).
 */
export type ForecastDays = { kind: 'calendar' } | { kind: 'working'; days: readonly Weekday[] };

/** The throughput history a forecast draws from, and what it rests on. */
export type Sample = { from: CalendarDate; to: CalendarDate; throughput: number[]; daysWithThroughput: number };

/**
 * Lighthouse's bar (ForecastDataSufficiencyPolicy.MinimumActiveDays): with fewer days on which anything finished, the
 * sample says almost nothing about the pace (one finished PBI made "85%: 30 PBIs or more"), so no forecast is given.
 */
export const MIN_DAYS_WITH_THROUGHPUT = 5;
/** From the bar up to this many days with throughput: a range with a strong caveat, not a line per confidence. */
export const FIRM_DAYS_WITH_THROUGHPUT = 10;

/** How far a sample can be trusted: no answer, a rough range, or an answer at each confidence. */
export type Sufficiency = 'too-little' | 'range' | 'enough';

export function sufficiencyOf(sample: Sample): Sufficiency {
  if (sample.daysWithThroughput < MIN_DAYS_WITH_THROUGHPUT) return 'too-little';
  return sample.daysWithThroughput < FIRM_DAYS_WITH_THROUGHPUT ? 'range' : 'enough';
}

/**
 * The window ends yesterday and reaches back `historyDays` calendar days, but never before the first start: a young
 * Nexus (or team) is not diluted with days before it existed. Zero days are kept; in working-days mode non-working
 * days are dropped and what finished on them counts on the next working day. Null when nothing ever started.
 */
export function throughputSample(
  daily: readonly DailyCount[],
  firstStart: CalendarDate | null,
  days: ForecastDays,
): Sample | null {
  if (firstStart === null) return null;
  const kept = countedDays(
    daily.filter((d) => d.date >= firstStart),
    days,
  );
  if (kept.length === 0) return null;
  const throughput = kept.map((d) => d.count);
  return {
    from: kept[0].date,
    to: kept[kept.length - 1].date,
    throughput,
    daysWithThroughput: throughput.filter((n) => n > 0).length,
  };
}

/**
 * The counted days of a daily series. In working-days mode an item finished on a Saturday was still finished: it
 * counts on the next working day (Monday) instead of vanishing. Items finished after the last working day of the
 * series count on the next working day after it, so they enter the history when that day does, as they would have.
 */
export function countedDays(daily: readonly DailyCount[], days: ForecastDays): DailyCount[] {
  if (days.kind === 'calendar') return [...daily];
  const counted: DailyCount[] = [];
  let carried = 0;
  for (const { date, count } of daily) {
    if (!isCounted(date, days)) carried += count;
    else {
      counted.push({ date, count: count + carried });
      carried = 0;
    }
  }
  return counted;
}

/** The calendar days a forecast asked on `today` samples: the `historyDays` days ending yesterday. */
export function forecastWindow(today: CalendarDate, historyDays: number): { from: CalendarDate; to: CalendarDate } {
  return windowEnding(addDays(today, -1), historyDays);
}

/**
 * What a forecast asked on `today` draws from, taken out of a longer daily history: the live forecasts and the
 * accuracy replay both come here, so a replayed day samples exactly what the bot would have answered that day.
 */
export function sampleAsOf(
  daily: readonly DailyCount[],
  firstStart: CalendarDate | null,
  today: CalendarDate,
  historyDays: number,
  days: ForecastDays,
): Sample | null {
  const { from, to } = forecastWindow(today, historyDays);
  return throughputSample(
    daily.filter((d) => d.date >= from && d.date <= to),
    firstStart,
    days,
  );
}

export function isCounted(date: CalendarDate, days: ForecastDays): boolean {
  return days.kind === 'calendar' || days.days.includes(weekdayOf(date));
}

/** The date of simulated day `n` (day 1 is the first counted day after today). */
export function dateOfDay(today: CalendarDate, n: number, days: ForecastDays): CalendarDate {
  if (days.kind === 'calendar') return addDays(today, n);
  let date = today;
  for (let left = n; left > 0; ) {
    date = addDays(date, 1);
    if (isCounted(date, days)) left--;
  }
  return date;
}

/** The date itself when it is counted, else the next counted day: in working-days mode nothing is due on a Saturday. */
export function onCountedDay(date: CalendarDate, days: ForecastDays): CalendarDate {
  return isCounted(date, days) ? date : dateOfDay(date, 1, days);
}

/** How many simulated days fall after today up to and including `target`. */
export function daysUntil(today: CalendarDate, target: CalendarDate, days: ForecastDays): number {
  if (target <= today) return 0;
  return datesFrom(addDays(today, 1), target).filter((d) => isCounted(d, days)).length;
}
