import fc from 'fast-check';
import { addDays, weekdayOf } from '../../src/domain/calendar';
import { backtest, isTooFewToTell, MIN_JUDGED_TO_TELL } from '../../src/domain/forecast/backtest';
import {
  daysAtConfidence,
  itemsAtConfidence,
  shareDoneWithin,
  simulateHowMany,
  simulateWhen,
} from '../../src/domain/forecast/monte-carlo';
import { dayAtConfidence, integrationStillAhead, pbiDoneWithin } from '../../src/domain/forecast/pbi-forecast';
import {
  dateOfDay,
  daysUntil,
  FIRM_DAYS_WITH_THROUGHPUT,
  type ForecastDays,
  isCounted,
  MIN_DAYS_WITH_THROUGHPUT,
  onCountedDay,
  sufficiencyOf,
  throughputSample,
} from '../../src/domain/forecast/sampling';
import { blocksOf, xmrLimits } from '../../src/domain/forecast/xmr';
import { randomInt, seededRng } from '../../src/domain/random';

const H = [0, 1, 0, 2, 1, 0, 3, 1, 0, 2];
const CONFIDENCES = [50, 70, 85, 95];
const TRIALS = 10_000;
/** Sampling error allowed at 10,000 trials: about three standard errors of a share near 0.5. */
const TOLERANCE = 0.015;

/** Exact distribution of the total of `days` draws from `h`, by convolution. */
function exactTotals(h: number[], days: number): number[] {
  let dist = [1];
  for (let d = 0; d < days; d++) {
    const next = new Array(dist.length + Math.max(...h)).fill(0);
    dist.forEach((p, total) => h.forEach((x) => (next[total + x] += p / h.length)));
    dist = next;
  }
  return dist;
}
const atLeast = (dist: number[], n: number) => dist.slice(n).reduce((a, b) => a + b, 0);
/** P(done within d days) for N items = P(total of d draws ≥ N). */
const doneWithin = (h: number[], items: number, d: number) => atLeast(exactTotals(h, d), items);

describe('Monte Carlo forecasts (FLOW.md known answers)', () => {
  test('the known answers follow from the exact convolution', () => {
    const ten = exactTotals(H, 10);
    const largest = (c: number) => Math.max(...ten.map((_, n) => n).filter((n) => atLeast(ten, n) >= c / 100));
    expect(CONFIDENCES.map(largest)).toEqual([10, 8, 7, 5]);
    const smallest = (c: number) => [...Array(40).keys()].find((d) => doneWithin(H, 10, d) >= c / 100);
    expect(CONFIDENCES.map(smallest)).toEqual([10, 12, 14, 16]);
  });

  test('how many in 10 days at 10,000 trials is the exact answer within sampling error', () => {
    const totals = simulateHowMany(H, 10, TRIALS, seededRng('how-many'));
    const exact = exactTotals(H, 10);
    for (const c of CONFIDENCES) {
      const answer = itemsAtConfidence(totals, c);
      expect(atLeast(exact, answer)).toBeGreaterThanOrEqual(c / 100 - TOLERANCE);
      expect(atLeast(exact, answer + 1)).toBeLessThan(c / 100 + TOLERANCE);
    }
    expect(CONFIDENCES.map((c) => itemsAtConfidence(totals, c))).toEqual([10, 8, 7, 5]);
  });

  test('when will 10 items be done at 10,000 trials is the exact answer within sampling error', () => {
    const days = simulateWhen(H, 10, TRIALS, seededRng('when'));
    for (const c of CONFIDENCES) {
      const answer = daysAtConfidence(days, c);
      expect(doneWithin(H, 10, answer)).toBeGreaterThanOrEqual(c / 100 - TOLERANCE);
      expect(doneWithin(H, 10, answer - 1)).toBeLessThan(c / 100 + TOLERANCE);
    }
    expect(CONFIDENCES.map((c) => daysAtConfidence(days, c))).toEqual([10, 12, 14, 16]);
    expect(shareDoneWithin(days, 12)).toBeCloseTo(doneWithin(H, 10, 12), 1);
  });

  test('constant throughput gives exact answers at every confidence', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 60 }), (d, n) => {
        const ones = [1, 1, 1];
        const totals = simulateHowMany(ones, d, 500, seededRng(d));
        const days = simulateWhen(ones, n, 500, seededRng(n));
        return CONFIDENCES.every((c) => itemsAtConfidence(totals, c) === d && daysAtConfidence(days, c) === n);
      }),
    );
  });

  test('no throughput at all never finishes (Infinity, not a date)', () => {
    expect(daysAtConfidence(simulateWhen([0, 0, 0], 1, 100, seededRng(1)), 50)).toBe(Infinity);
  });

  test('the same question on the same data gives the same answer; another seed may differ only by sampling', () => {
    const a = simulateWhen(H, 25, TRIALS, seededRng('q|data'));
    const b = simulateWhen(H, 25, TRIALS, seededRng('q|data'));
    expect(a).toEqual(b);
  });
});

describe('forecast calendar', () => {
  const workingDays: ForecastDays = { kind: 'working', days: ['mon', 'tue', 'wed', 'thu', 'fri'] };

  test('day 1 is tomorrow; working days skip the weekend', () => {
    expect(dateOfDay('2026-11-25', 1, { kind: 'calendar' })).toBe('2026-11-26');
    expect(dateOfDay('2026-11-27', 1, workingDays)).toBe('2026-11-30'); // Friday → Monday
    expect(daysUntil('2026-11-27', '2026-12-04', workingDays)).toBe(5);
    expect(daysUntil('2026-11-27', '2026-12-04', { kind: 'calendar' })).toBe(7);
  });

  test('a date read from cycle times moves off non-working days in working-days mode only', () => {
    const table: [string, ForecastDays, string][] = [
      ['2026-11-21', workingDays, '2026-11-23'], // Saturday → Monday
      ['2026-11-22', workingDays, '2026-11-23'], // Sunday → Monday
      ['2026-11-23', workingDays, '2026-11-23'],
      ['2026-11-21', { kind: 'calendar' }, '2026-11-21'],
    ];
    for (const [date, days, expected] of table) expect(onCountedDay(date, days)).toBe(expected);
  });

  test('working-days mode never lands on a non-working day, and counting back gives the same day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 800 }), fc.integer({ min: 1, max: 200 }), (offset, n) => {
        const today = dateOfDay('2026-01-01', offset, { kind: 'calendar' });
        const date = dateOfDay(today, n, workingDays);
        return !['sat', 'sun'].includes(weekdayOf(date)) && daysUntil(today, date, workingDays) === n;
      }),
    );
  });

  test('the sample keeps zero days, drops days before the first start and, in working-days mode, weekend days (not their finishes)', () => {
    const daily = ['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24'].map((date, i) => ({
      date,
      count: [0, 5, 0, 0, 2][i],
    }));
    expect(throughputSample(daily, '2026-11-18', { kind: 'calendar' })?.throughput).toEqual([0, 5, 0, 0, 2]);
    expect(throughputSample(daily, '2026-11-22', { kind: 'calendar' })).toEqual({
      from: '2026-11-22',
      to: '2026-11-24',
      throughput: [0, 0, 2],
      daysWithThroughput: 1,
    });
    expect(throughputSample(daily, '2026-11-18', workingDays)?.throughput).toEqual([0, 5, 2]); // Fri, Mon (+ Sat's 5), Tue
    expect(throughputSample(daily, null, { kind: 'calendar' })).toBeNull();
  });

  test('how far a sample can be trusted: days with throughput against the named bars (5 and 10)', () => {
    const sampleWith = (days: number) => ({
      from: '2026-11-01',
      to: '2026-11-30',
      throughput: [...Array(30)].map((_, i) => (i < days ? 1 : 0)),
      daysWithThroughput: days,
    });
    expect([MIN_DAYS_WITH_THROUGHPUT, FIRM_DAYS_WITH_THROUGHPUT]).toEqual([5, 10]);
    const table: [number, string][] = [
      [1, 'too-little'],
      [4, 'too-little'],
      [5, 'range'],
      [9, 'range'],
      [10, 'enough'],
      [30, 'enough'],
    ];
    for (const [days, expected] of table) expect(sufficiencyOf(sampleWith(days))).toBe(expected);
  });

  test('working-days mode counts what finished on a non-working day on the next working day, never dropping it', () => {
    const dates = ['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24']; // Fri … Tue
    const table: [string, number[], number[]][] = [
      ['Saturday and Sunday count on Monday', [1, 5, 1, 0, 2], [1, 6, 2]],
      ['a weekend with nothing changes nothing', [1, 0, 0, 3, 2], [1, 3, 2]],
      ['a Sunday finish counts on Monday', [0, 0, 4, 0, 0], [0, 4, 0]],
    ];
    for (const [, counts, expected] of table) {
      const sample = throughputSample(
        dates.map((date, i) => ({ date, count: counts[i] })),
        '2026-11-18',
        workingDays,
      )!;
      expect(sample.throughput).toEqual(expected);
      expect(sample.daysWithThroughput).toBe(expected.filter((n) => n > 0).length);
    }
    // the window ends on a Sunday: its finishes count on Monday, today, so they enter tomorrow's history
    const endingSunday = [
      { date: '2026-11-20', count: 1 },
      { date: '2026-11-21', count: 2 },
      { date: '2026-11-22', count: 3 },
    ];
    expect(throughputSample(endingSunday, '2026-11-18', workingDays)!.throughput).toEqual([1]);
  });
});

describe('when will this PBI be done', () => {
  test("two teams: the joint chance is the product of the teams' chances (worked example)", () => {
    // Alpha finishes one square every day: its 2 remaining squares are done by day 2, surely.
    // Beta finishes one square on half of its days: 1 square is done within d days with 1 − 0.5^d.
    const parts = [
      { team: 'Alpha', items: 2, throughput: [1] },
      { team: 'Beta', items: 1, throughput: [0, 1] },
    ];
    const joint = pbiDoneWithin(parts, [], TRIALS, seededRng('pbi'));
    expect(joint[1]).toBe(0); // Alpha can't be done in one day
    for (const d of [2, 3, 4]) expect(joint[d]).toBeCloseTo(1 - 0.5 ** d, 1);
    expect(dayAtConfidence(joint, 70)).toBe(2); // 1 − 0.5² = 0.75 ≥ 0.70
    expect(dayAtConfidence(joint, 85)).toBe(3); // 0.875
    expect(dayAtConfidence(joint, 95)).toBe(5); // 0.969
  });

  test('the integration step from history is added after the last team', () => {
    const joint = pbiDoneWithin([{ team: 'Alpha', items: 3, throughput: [1] }], [1, 1, 2, 4], 1_000, seededRng('lag'));
    expect(dayAtConfidence(joint, 50)).toBe(4); // 3 days of work + 1 day of integration half the time
    expect(dayAtConfidence(joint, 70)).toBe(5);
    expect(dayAtConfidence(joint, 95)).toBe(7);
  });
});

describe('the integration step, given the days a PBI has already waited for it', () => {
  const history = [1, 1, 2, 4, 10];
  test.each([
    [0, [1, 1, 2, 4, 10], 2, 10],
    [2, [0, 2, 8], 2, 8], // only the steps of 2, 4 and 10 days could still be this one
    [4, [0, 6], 0, 6],
  ])('waited %i days: %j still ahead, 50%% by day %s, 95%% by day %s', (waited, ahead, median, p95) => {
    expect(integrationStillAhead(history, waited)).toEqual(ahead);
    const done = pbiDoneWithin([], ahead, 100, seededRng('done'));
    expect([dayAtConfidence(done, 50), dayAtConfidence(done, 95)]).toEqual([median, p95]);
  });

  test('waited longer than any integration in the history took: nothing is left to draw from', () => {
    expect(integrationStillAhead(history, 11)).toEqual([]);
  });
});

describe('stability (XmR)', () => {
  test('limits are the mean ± 2.66 × the average moving range; a spike is outside', () => {
    const steady = [10, 12, 11, 9, 10, 12, 11, 10];
    const limits = xmrLimits(steady)!;
    expect(limits.mean).toBeCloseTo(10.625);
    expect(limits.outside).toEqual([]);
    expect(xmrLimits([...steady, 40])!.outside).toEqual([8]);
    expect(xmrLimits([1, 2, 3])).toBeNull();
  });

  test('weekly blocks end on the last day', () => {
    expect(blocksOf([1, 1, 1, 2, 2, 2, 2, 2, 2, 2], 7)).toEqual([14 - 0]);
    expect(blocksOf([...Array(14).fill(1)], 7)).toEqual([7, 7]);
  });
});

describe('backtest', () => {
  const WORKDAYS: ForecastDays = { kind: 'working', days: ['mon', 'tue', 'wed', 'thu', 'fri'] };
  /** Calendar days from Mon 5 Jan 2026, with the count of each day. */
  const history = (counts: (day: number, date: string) => number, length: number) =>
    Array.from({ length }, (_, i) => addDays('2026-01-05', i)).map((date, i) => ({ date, count: counts(i, date) }));
  const settings = {
    historyDays: 90,
    minHistoryDays: 30,
    horizonDays: 14,
    nextItems: 10,
    confidences: CONFIDENCES,
    trials: 2_000,
  };

  test('on a simulated stable process an 85% forecast is right about 85% of the time', () => {
    const rng = seededRng('stable');
    const daily = history(() => randomInt(rng, 0, 4), 400);
    const result = backtest(daily, daily[0].date, { ...settings, days: { kind: 'calendar' } }, seededRng('bt'));
    expect(result.forecastDays).toBe(370);
    for (const rates of [result.howMany, result.when]) {
      const percent = rates.map(({ hits, judged }) => (hits / judged) * 100);
      expect(rates.every((r) => r.judged > 300)).toBe(true);
      expect(Math.abs(percent[2] - 85)).toBeLessThan(5);
      // whole items and whole days make every level a little cautious, never over-confident
      rates.forEach(({ confidence }, i) => expect(percent[i]).toBeGreaterThan(confidence - 5));
      expect([...percent].sort((a, b) => a - b)).toEqual(percent);
    }
  });

  test('working-days mode replays the live rules: a 90-calendar-day window, "by" a date 14 calendar days ahead', () => {
    // one item each working day for 120 days, then nothing: a day is replayed while its 90 calendar days ending the day
    // before hold enough days with throughput for the bot to answer
    const workday = (date: string) => isCounted(date, WORKDAYS);
    const daily = history((i, date) => (i < 120 && workday(date) ? 1 : 0), 300);
    const withAny = (i: number) => daily.slice(Math.max(0, i - 90), i).filter((d) => d.count > 0).length;
    const replayed = daily
      .map((d, i) => ({ ...d, i }))
      .filter(({ i, date }) => i >= 30 && workday(date) && withAny(i) >= MIN_DAYS_WITH_THROUGHPUT);
    expect(replayed.at(-1)!.i).toBeGreaterThan(150); // the window is calendar days: the drop is forecast from for weeks
    const result = backtest(daily, daily[0].date, { ...settings, days: WORKDAYS }, seededRng('working'));
    expect(result.forecastDays).toBe(replayed.length);
    // "how many by today + 14 calendar days" is judged once that date has passed, not 14 working days later
    const judged = replayed.filter(({ i }) => i + 14 <= daily.length - 1).length;
    expect(result.howMany.map((r) => r.judged)).toEqual(CONFIDENCES.map(() => judged));
    // before the drop: 10 working days ahead forecast 10 at every confidence, and 10 came: every one right
    const steady = backtest(daily.slice(0, 120), daily[0].date, { ...settings, days: WORKDAYS }, seededRng('steady'));
    expect(steady.howMany.every((r) => r.hits === r.judged && r.judged > 0)).toBe(true);
    expect(steady.when.every((r) => r.hits === r.judged && r.judged > 0)).toBe(true);
  });

  test('what happened counts items done on days off; the forecast samples working days only', () => {
    // one item every calendar day: the live forecast sees 1 a working day, so "by 14 days ahead" says 10; 14 came
    const daily = history(() => 1, 120);
    const result = backtest(daily, daily[0].date, { ...settings, days: WORKDAYS }, seededRng('weekends'));
    expect(result.howMany.every((r) => r.hits === r.judged && r.judged > 0)).toBe(true);
  });

  test(`fewer than ${MIN_JUDGED_TO_TELL} judged forecasts are too few to tell`, () => {
    expect(isTooFewToTell({ confidence: 85, hits: 29, judged: 29 })).toBe(true);
    expect(isTooFewToTell({ confidence: 85, hits: 25, judged: 30 })).toBe(false);
  });
});
