import { addDays, type CalendarDate } from '../calendar';
import type { DailyCount } from '../flow-metrics';
import type { Rng } from '../random';
import { daysAtConfidence, itemsAtConfidence, simulateHowMany, simulateWhen } from './monte-carlo';
import { dateOfDay, daysUntil, type ForecastDays, isCounted, sampleAsOf, sufficiencyOf } from './sampling';

export type BacktestSettings = {
  /** the Nexus's history window in calendar days, as the live forecasts use it */
  historyDays: number;
  /** working-days mode or not, as the live forecasts use it */
  days: ForecastDays;
  /** a past day is replayed only when at least this many calendar days of history came before it */
  minHistoryDays: number;
  /** "how many by the date this many calendar days ahead?" (`/forecast by <date>`) */
  horizonDays: number;
  /** "when will the next N be done?" (`/forecast <N>`) */
  nextItems: number;
  confidences: readonly number[];
  trials: number;
};

export type HitRate = { confidence: number; hits: number; judged: number };
export type Backtest = { forecastDays: number; howMany: HitRate[]; when: HitRate[] };

export const BACKTEST_DEFAULTS = { minHistoryDays: 30, horizonDays: 14, nextItems: 10 } as const;

/**
 * Fewer judged forecasts than this: the hit rate is not shown as a figure. Below 30, one forecast more or less moves
 * it by over 3 points, and neighbouring days' forecasts share most of their history, so they are not 30 independent
 * tries either.
 */
export const MIN_JUDGED_TO_TELL = 30;

export function isTooFewToTell(rate: HitRate): boolean {
  return rate.judged < MIN_JUDGED_TO_TELL;
}

/**
 * Replays a history of one series (PBIs finished, or a team's squares done): at every past day the bot could have been
 * asked on, answers as `/forecast by <that day + horizon>` and `/forecast <N>` would have answered that day (the same
 * window, first-start and working-days rules: `sampleAsOf`, `daysUntil`, `dateOfDay`), then compares with what
 * happened. An honest 85% comes true about 85% of the time. A day the bot would have declined (too few days with
 * throughput) is not replayed; one it would have answered with a rough range is judged at each confidence.
 *
 * `daily` holds every calendar day from `firstStart` to the last day whose outcome is known (yesterday), zero days
 * kept; what happened counts every day, working or not. A forecast whose outcome lies past the end is not judged.
 * A generator: it yields after each replayed day, so a caller can share the thread and stop at a budget.
 */
export function* replayHistory(
  daily: readonly DailyCount[],
  firstStart: CalendarDate,
  settings: BacktestSettings,
  rng: Rng,
): Generator<void, Backtest> {
  const howMany = settings.confidences.map((confidence) => ({ confidence, hits: 0, judged: 0 }));
  const when = settings.confidences.map((confidence) => ({ confidence, hits: 0, judged: 0 }));
  const last = daily.at(-1)?.date;
  let forecastDays = 0;
  for (let i = settings.minHistoryDays; i < daily.length; i++) {
    const today = daily[i].date;
    if (!isCounted(today, settings.days)) continue; // nobody asks on a day off
    const recent = daily.slice(Math.max(0, i - settings.historyDays), i);
    const sample = sampleAsOf(recent, firstStart, today, settings.historyDays, settings.days);
    if (!sample || sufficiencyOf(sample) === 'too-little') continue; // the bot answers "not enough history"
    forecastDays++;
    const after = daily.slice(i + 1);
    judgeHowMany(howMany, sample.throughput, today, after, last!, settings, rng);
    judgeWhen(when, sample.throughput, today, after, last!, settings, rng);
    yield;
  }
  return { forecastDays, howMany, when };
}

/** The whole replay at once (no sharing of the thread). */
export function backtest(
  daily: readonly DailyCount[],
  firstStart: CalendarDate,
  settings: BacktestSettings,
  rng: Rng,
): Backtest {
  const steps = replayHistory(daily, firstStart, settings, rng);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

type Judge = (
  rates: HitRate[],
  throughput: number[],
  today: CalendarDate,
  after: readonly DailyCount[],
  last: CalendarDate,
  settings: BacktestSettings,
  rng: Rng,
) => void;

/** `/forecast by <today + horizon>`: judged once that date has passed. */
const judgeHowMany: Judge = (rates, throughput, today, after, last, settings, rng) => {
  const date = addDays(today, settings.horizonDays);
  if (date > last) return;
  const totals = simulateHowMany(throughput, daysUntil(today, date, settings.days), settings.trials, rng);
  const happened = after.filter((d) => d.date <= date).reduce((n, d) => n + d.count, 0);
  for (const rate of rates) judge(rate, happened >= itemsAtConfidence(totals, rate.confidence));
};

/** `/forecast <N>`: judged when the N-th item was done, or when the forecast date passed without it. */
const judgeWhen: Judge = (rates, throughput, today, after, last, settings, rng) => {
  const doneOn = dateReaching(after, settings.nextItems);
  const days = simulateWhen(throughput, settings.nextItems, settings.trials, rng);
  for (const rate of rates) {
    const d = daysAtConfidence(days, rate.confidence);
    const date = Number.isFinite(d) ? dateOfDay(today, d, settings.days) : null;
    if (doneOn !== null) judge(rate, date !== null && doneOn <= date);
    else if (date !== null && date <= last) judge(rate, false); // the history shows it was not done by then
  }
};

function judge(rate: HitRate, hit: boolean): void {
  rate.judged++;
  if (hit) rate.hits++;
}

/** The date on which the running total first reaches `items`, or null if it never does. */
function dateReaching(daily: readonly DailyCount[], items: number): CalendarDate | null {
  let total = 0;
  for (const d of daily) if ((total += d.count) >= items) return d.date;
  return null;
}
