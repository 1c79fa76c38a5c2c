import type { DateTime } from 'luxon';
import { addDays, type CalendarDate, daysBetween, localDate } from '../../domain/calendar';
import { type DailyCount, nexusThroughput, teamsThroughput } from '../../domain/flow-metrics';
import { DEFAULT_CONFIDENCES, DEFAULT_TRIALS } from '../../domain/forecast/monte-carlo';
import {
  dateOfDay,
  type ForecastDays,
  forecastWindow,
  type Sample,
  sampleAsOf,
  sufficiencyOf,
} from '../../domain/forecast/sampling';
import { type Shift, throughputShift } from '../../domain/forecast/shift';
import { blocksOf, xmrLimits } from '../../domain/forecast/xmr';
import type { Nexus } from '../../domain/nexus';
import { type Rng, seededRng, seedName } from '../../domain/random';
import { code } from '../../render/blocks';
import { type Invalid, invalid, type NexusContext } from '../command';
import { startOfDay, today } from '../flow-view';
import { wholeNumber } from '../numbers';

/** What a forecast rests on: whose throughput, which days, the sample. */
export type Basis = {
  who: string;
  team: string | null;
  today: CalendarDate;
  days: ForecastDays;
  sample: Sample;
  trials: number;
  warnings: BasisWarning[];
};

/**
 * Why a sample is a poor guide (worded by render/forecast-answer.ts): `rough`, too few days with throughput for a
 * line at each confidence (FIRM_DAYS_WITH_THROUGHPUT); `shift`, the pace changed on `since`; `unstable`, weeks outside
 * the natural process limits, the latest `latestWeeksAgo`.
 */
export type BasisWarning =
  | { warning: 'rough'; daysWithThroughput: number }
  | { warning: 'shift'; shift: Shift; since: CalendarDate; weekLength: number }
  | { warning: 'unstable'; outside: number; weeks: number; lower: number; upper: number; latestWeeksAgo: number };

/**
 * A forecast's question, in the same words whichever command asks it: `/forecast sprint`, `/forecast by` the Sprint's
 * last day and the digest all ask "how many until that date?". With the data it makes the seed.
 */
export type Question =
  | { kind: 'how-many'; until: CalendarDate }
  | { kind: 'when'; items: number }
  | { kind: 'pbi'; key: string }
  | { kind: 'backlog'; top: number }
  /** the Sprint's chance: every PBI of the Sprint Backlog integrated by the Sprint's last day */
  | { kind: 'sprint-chance'; until: CalendarDate }
  /** the start nudge: when the PBIs one started depends on are integrated */
  | { kind: 'waiting-on'; keys: string };
export type Seeded = { seed: string; rng: Rng };

/**
 * The seeded generator for a question on these samples (and anything else the answer uses, like integration days):
 * the same question on the same data gives the same answer, whoever asks and through whichever command.
 */
export function seededFor(question: Question, bases: readonly Basis[], extra = ''): Seeded {
  const asked =
    question.kind === 'how-many' || question.kind === 'sprint-chance'
      ? question.until
      : question.kind === 'when'
        ? question.items
        : question.kind === 'pbi'
          ? question.key
          : question.kind === 'waiting-on'
            ? question.keys
            : question.top;
  const data = bases.map((b) => `${b.who}|${b.today}|${describeDays(b.days)}|${b.sample.throughput.join(',')}`);
  const seed = seedName([question.kind, asked, ...data, extra].join('|'));
  return { seed, rng: seededRng(seed) };
}

const describeDays = (days: ForecastDays): string => (days.kind === 'working' ? days.days.join(',') : 'calendar');

export type NoHistory = { problem: 'no-history'; who: string };
/** Fewer days with anything finished than forecasts need (MIN_DAYS_WITH_THROUGHPUT). */
export type ThinHistory = { problem: 'thin-history'; who: string; days: number };

/** A sample below the bar gets no forecast: say so instead of a confident-sounding number. */
export function tooThin(bases: readonly Basis[]): ThinHistory | null {
  const thin = bases.find((b) => sufficiencyOf(b.sample) === 'too-little');
  return thin ? { problem: 'thin-history', who: thin.who, days: thin.sample.daysWithThroughput } : null;
}

/** Between the two bars every answer is one rough range, not a line per confidence. */
export const isRough = (bases: readonly Basis[]): boolean => bases.some((b) => sufficiencyOf(b.sample) === 'range');

export function forecastDays(nexus: Nexus): ForecastDays {
  return nexus.forecast.days === 'working' ? { kind: 'working', days: nexus.digest.days } : { kind: 'calendar' };
}

/**
 * The throughput history of the Nexus (PBIs finished) or of one team (its squares done), window ending yesterday;
 * `since` (from `--since`, before today) starts the window there instead, to forecast from the recent history only.
 */
export async function loadBasis(
  ctx: NexusContext,
  team: string | null,
  since: CalendarDate | null = null,
): Promise<Basis | NoHistory> {
  if (team !== null) return (await loadTeamBases(ctx, [team], since)).get(team)!;
  const { nexus, store } = ctx;
  const { from, to, loadFrom, historyDays } = windowOf(ctx, since);
  const [daily, firstStarts] = await Promise.all([
    store.pbis.finishedSince(nexus.id, loadFrom).then((f) => nexusThroughput(f, from, to, nexus.timeZone)),
    store.pbis.firstStarts(nexus.id),
  ]);
  return basisOf(ctx, null, daily, firstStarts.nexus, historyDays);
}

/**
 * loadBasis for several teams, reading the Nexus's PBIs once: each team's squares done are counted in one pass (a
 * backlog forecast of 50 teams would otherwise walk every PBI of the window 50 times).
 */
export async function loadTeamBases(
  ctx: NexusContext,
  teams: readonly string[],
  since: CalendarDate | null = null,
): Promise<Map<string, Basis | NoHistory>> {
  const { nexus, store } = ctx;
  const { from, to, loadFrom, historyDays } = windowOf(ctx, since);
  const [pbis, firstStarts] = await Promise.all([
    store.pbis.listForFlow(nexus.id, loadFrom),
    store.pbis.firstStarts(nexus.id),
  ]);
  const daily = teamsThroughput(pbis, teams, from, to, nexus.timeZone);
  return new Map(
    teams.map((team) => [team, basisOf(ctx, team, daily.get(team)!, firstStarts.teams.get(team) ?? null, historyDays)]),
  );
}

/** The calendar days a forecast's history window covers, and the instant to load from. */
function windowOf(ctx: NexusContext, since: CalendarDate | null) {
  const { nexus } = ctx;
  const day = today(ctx);
  // --since: the window from that day to yesterday, as if the Nexus's history window were that long
  const historyDays = since === null ? nexus.sle.historyDays : daysBetween(since, addDays(day, -1)) + 1;
  const { from, to } = forecastWindow(day, historyDays);
  return { from, to, historyDays, loadFrom: startOfDay(nexus, from) };
}

function basisOf(
  ctx: NexusContext,
  team: string | null,
  daily: readonly DailyCount[],
  first: DateTime | null,
  historyDays: number,
): Basis | NoHistory {
  const { nexus } = ctx;
  const who = team ?? 'the Nexus';
  const day = today(ctx);
  const days = forecastDays(nexus);
  const sample = sampleAsOf(daily, first && localDate(first, nexus.timeZone), day, historyDays, days);
  if (!sample || sample.daysWithThroughput === 0) return { problem: 'no-history', who };
  return {
    who,
    team,
    today: day,
    days,
    sample,
    trials: DEFAULT_TRIALS,
    warnings: warningsOf(sample, days),
  };
}

/** What makes the sample a poor guide, as facts: few days with throughput, a shifted pace, unstable weeks. */
function warningsOf(sample: Sample, days: ForecastDays): BasisWarning[] {
  const out: BasisWarning[] = [];
  if (sufficiencyOf(sample) === 'range') out.push({ warning: 'rough', daysWithThroughput: sample.daysWithThroughput });
  const weekLength = days.kind === 'calendar' ? 7 : days.days.length;
  const shift = throughputShift(sample.throughput, weekLength);
  if (shift) {
    const since = shift.changedAt === 0 ? sample.from : dateOfDay(sample.from, shift.changedAt, days);
    out.push({ warning: 'shift', shift, since, weekLength });
  }
  const weeks = blocksOf(sample.throughput, weekLength);
  const xmr = xmrLimits(weeks);
  if (xmr && xmr.outside.length) {
    const { lower, upper, outside } = xmr;
    const latestWeeksAgo = weeks.length - 1 - Math.max(...outside);
    out.push({ warning: 'unstable', outside: outside.length, weeks: weeks.length, lower, upper, latestWeeksAgo });
  }
  return out;
}

/** `--since` on or after today: it leaves no history to forecast from. */
export type SinceNotBeforeToday = { problem: 'since-not-before-today'; since: CalendarDate; today: CalendarDate };
/** A forecast's date (`by <date>`, `--by`) that is today or has passed. */
export type DateNotAfterToday = { problem: 'date-not-after-today'; date: CalendarDate; today: CalendarDate };

/** `--since <YYYY-MM-DD>`: a date before today, or why not. */
export function checkSince(since: CalendarDate | null, day: CalendarDate): SinceNotBeforeToday | null {
  return since === null || since < day ? null : { problem: 'since-not-before-today', since, today: day };
}

/** A forecast's date that has come, or null when it is after today. */
export function checkAfterToday(date: CalendarDate, day: CalendarDate): DateNotAfterToday | null {
  return date > day ? null : { problem: 'date-not-after-today', date, today: day };
}

/** The confidences asked for (`--at 60,90`), or 50/70/85/95. */
export function parseConfidences(text: string | undefined): number[] | Invalid {
  if (text === undefined) return [...DEFAULT_CONFIDENCES];
  const words = text.split(',').map((v) => v.trim());
  const values = words.map((v) => wholeNumber(v.replace(/%$/, ''), 1, 99));
  const wrong = values.indexOf(null);
  if (wrong >= 0)
    return invalid(
      `Confidences are whole percentages from 1 to 99, like \`--at 60,90\`: ${code(words[wrong].slice(0, 20))} is not one.`,
    );
  return [...new Set(values as number[])].sort((a, b) => a - b);
}
