import type { Rng } from '../random';
import { daysAtConfidence, itemsAtConfidence, simulateHowMany, simulateWhen } from './monte-carlo';

export type BacktestSettings = {
  /** days of history each forecast samples (the window), at most */
  historyDays: number;
  /** a past day is forecast from only when at least this many days came before it */
  minHistoryDays: number;
  /** "how many in the next N days" */
  horizonDays: number;
  /** "when will the next N be done" */
  nextItems: number;
  confidences: readonly number[];
  trials: number;
};

export type HitRate = { confidence: number; hits: number; judged: number };
export type Backtest = { forecastDays: number; howMany: HitRate[]; when: HitRate[] };

export const BACKTEST_DEFAULTS = { minHistoryDays: 30, horizonDays: 14, nextItems: 10 } as const;

/**
 * Replays a throughput history (one count per counted day, oldest first): at every past day with enough history
 * before it, forecasts from the window ending the day before, then compares with what happened. An honest 85% is
 * right about 85% of the time. "When" forecasts whose outcome lies past the end of the history are not judged.
 */
export function backtest(daily: readonly number[], settings: BacktestSettings, rng: Rng): Backtest {
  const howMany = settings.confidences.map((confidence) => ({ confidence, hits: 0, judged: 0 }));
  const when = settings.confidences.map((confidence) => ({ confidence, hits: 0, judged: 0 }));
  let forecastDays = 0;
  for (let today = settings.minHistoryDays; today < daily.length; today++) {
    const window = daily.slice(Math.max(0, today - settings.historyDays), today);
    if (!window.some((n) => n > 0)) continue;
    forecastDays++;
    const future = daily.slice(today);
    if (future.length >= settings.horizonDays) {
      const happened = sum(future.slice(0, settings.horizonDays));
      const totals = simulateHowMany(window, settings.horizonDays, settings.trials, rng);
      howMany.forEach((h) => judge(h, happened >= itemsAtConfidence(totals, h.confidence)));
    }
    const doneOnDay = dayReaching(future, settings.nextItems);
    const days = simulateWhen(window, settings.nextItems, settings.trials, rng);
    when.forEach((h) => {
      const forecast = daysAtConfidence(days, h.confidence);
      if (doneOnDay !== null) judge(h, doneOnDay <= forecast);
      else if (forecast < future.length) judge(h, false); // the history shows it was not done by the forecast day
    });
  }
  return { forecastDays, howMany, when };
}

function judge(rate: HitRate, hit: boolean): void {
  rate.judged++;
  if (hit) rate.hits++;
}

/** The 1-based day on which the running total first reaches `items`, or null if it never does. */
function dayReaching(daily: readonly number[], items: number): number | null {
  let total = 0;
  for (let d = 0; d < daily.length; d++) if ((total += daily[d]) >= items) return d + 1;
  return null;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
