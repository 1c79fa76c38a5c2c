import { spreadOf } from '../../charts/forecast-histogram';
import { teamQueue } from '../../domain/backlog';
import { addDays, type CalendarDate, daysBetween, localDate } from '../../domain/calendar';
import { percentile, windowEnding } from '../../domain/flow-metrics';
import { DEFAULT_TRIALS, HORIZON_DAYS } from '../../domain/forecast/monte-carlo';
import { dayAtConfidence, integrationStillAhead, type TeamPart } from '../../domain/forecast/pbi-forecast';
import { dateOfDay, daysUntil, MIN_DAYS_WITH_THROUGHPUT, onCountedDay } from '../../domain/forecast/sampling';
import type { Pbi } from '../../domain/pbi';
import { cycleTimesInWindow, type Sle } from '../../domain/sle';
import { lastSquareDone } from '../../domain/team-flow';
import { renderForecast } from '../../render/forecast';
import type { UnknownPbi } from '../../store/pbi-repository';
import { defineCommand, invalid, isInvalid, type NexusContext } from '../command';
import { parseFlags } from '../flags';
import { loadFlowView, today } from '../flow-view';
import { parseKey } from '../pbi/change';
import { type ByTeams, type ForecastOutcome, type ForecastProblem, keep, type PbiAnswer } from './answer';
import { simulateOpenBacklog } from './backlog';
import {
  type Basis,
  checkAfterToday,
  checkSince,
  forecastDays,
  isRough,
  loadBasis,
  parseConfidences,
  seededFor,
  tooThin,
} from './basis';
import { parseDate } from './dates';
import { integrationDays } from './integration';

const usage = '/forecast <key> [--by <YYYY-MM-DD>] [--at 60,90] [--since <YYYY-MM-DD>]';
type Input = { key: string; confidences: number[]; by: CalendarDate | null; since: string | null };

/** Why one PBI gets no date, as facts (worded by `explainForecast` in render/forecast). */
export type PbiForecastProblem =
  | UnknownPbi
  | { problem: 'pbi-already-done'; key: string; finishedOn: CalendarDate; today: CalendarDate }
  | { problem: 'pbi-discarded'; key: string }
  /** every team is done and no past integration took this long (`longest`; null: none in the window) */
  | { problem: 'integration-unknown'; key: string; waited: number; longest: number | null }
  /** no teams and not started: cycle times say how long once started (the SLE), not when it starts */
  | { problem: 'pbi-not-started'; key: string; sle: Sle }
  /** no teams, and fewer PBIs finished in the window than forecasts need (MIN_DAYS_WITH_THROUGHPUT) */
  | { problem: 'few-cycle-times'; finished: number }
  | { problem: 'pbi-older-than-history'; key: string; age: number }
  /** it depends (maybe through others) on an open PBI no forecast can date: `on`, the one it waits on */
  | { problem: 'waits-on-undated'; key: string; on: string };

export const forecastPbi = defineCommand<Input, ForecastOutcome>({
  path: ['forecast', 'pbi'],
  usage,
  summary:
    "when will this PBI be done? (each team's remaining part and queue, then integration); `--by` adds the chance of a date",
  scope: 'nexus',
  nitOnly: false,
  parse(words) {
    const parsed = parseFlags(words, ['at', 'by', 'since']);
    if (isInvalid(parsed)) return parsed;
    if (parsed.positional.length !== 1) return invalid('Name one PBI, like `/forecast PBI-42`.');
    const key = parseKey(parsed.positional[0]);
    if (isInvalid(key)) return key;
    const confidences = parseConfidences(parsed.flags.at);
    if (isInvalid(confidences)) return confidences;
    const by = parsed.flags.by === undefined ? null : parseDate(parsed.flags.by);
    if (by !== null && 'invalid' in by) return by;
    const since = parsed.flags.since === undefined ? null : parseDate(parsed.flags.since);
    if (since !== null && 'invalid' in since) return since;
    return { key, confidences, by: by?.date ?? null, since: since?.date ?? null };
  },
  async execute({ key, confidences, by, since }, ctx) {
    const early = checkSince(since, today(ctx)) ?? (by === null ? null : checkAfterToday(by, today(ctx)));
    if (early) return early;
    const pbi = await ctx.store.pbis.get(ctx.nexus.id, key);
    if (!pbi) return { problem: 'unknown-pbi', key };
    if (pbi.finishedAt) {
      const finishedOn = localDate(pbi.finishedAt, ctx.nexus.timeZone);
      return { problem: 'pbi-already-done', key: pbi.key, finishedOn, today: today(ctx) };
    }
    if (pbi.discardedAt) return { problem: 'pbi-discarded', key: pbi.key };
    const forecast = await forecastOpenPbi(ctx, pbi, confidences, since, by);
    if ('problem' in forecast) return forecast;
    await keep(
      ctx,
      { kind: 'pbi', key: pbi.key },
      forecast.answer.map(({ confidence, date }) => ({ confidence, date })),
    );
    return forecast;
  },
  render: (outcome) => renderForecast(outcome, usage),
});

/**
 * When an open PBI will be done, as `/forecast <key>` answers (the start nudge asks it too): by its teams' parts, or
 * without teams by cycle times. Nothing is kept: only the command's answers are judged later.
 */
export function forecastOpenPbi(
  ctx: NexusContext,
  pbi: Pbi,
  confidences: number[],
  since: CalendarDate | null,
  by: CalendarDate | null = null,
): Promise<PbiAnswer | ForecastProblem> {
  return pbi.squares.length
    ? byTeams(ctx, pbi, confidences, by, since)
    : byCycleTimes(ctx, pbi, confidences, by, since);
}

/**
 * Each team not done forecasts its part (its queue ahead included) from its own squares done; the product of their
 * chances, then integration. It rests on the teams' samples and on the PBIs integrated, never on the Nexus's
 * throughput: a Nexus that has integrated nothing yet can still forecast from its teams.
 */
async function byTeams(
  ctx: NexusContext,
  pbi: Pbi,
  confidences: number[],
  by: CalendarDate | null,
  since: CalendarDate | null,
): Promise<PbiAnswer | ForecastProblem> {
  const open = await ctx.store.pbis.listOpen(ctx.nexus.id);
  const parts: TeamPart[] = [];
  const bases: Basis[] = [];
  const queues: ByTeams['queues'] = [];
  for (const square of pbi.squares.filter((s) => s.state !== 'done')) {
    const teamBasis = await loadBasis(ctx, square.team, since);
    if ('problem' in teamBasis) return teamBasis;
    bases.push(teamBasis);
    const queue = teamQueue(open, square.team);
    const ahead = Math.max(
      0,
      queue.findIndex((p) => p.key === pbi.key),
    );
    parts.push({ team: square.team, items: ahead + 1, throughput: teamBasis.sample.throughput });
    queues.push({ team: square.team, ahead });
  }
  const thin = tooThin(bases);
  if (thin) return thin;
  const day = today(ctx);
  const days = forecastDays(ctx.nexus);
  const history = await integrationDays(ctx, day, days);
  const waited = parts.length ? 0 : daysUntil(lastSquareDone(pbi, ctx.nexus.timeZone), day, days);
  const lags = integrationStillAhead(history, waited);
  if (!parts.length && !lags.length) {
    const longest = history.length ? Math.max(...history) : null;
    return { problem: 'integration-unknown', key: pbi.key, waited, longest };
  }
  const simulated = await simulateWithDependencies(ctx, open, pbi, since);
  if ('problem' in simulated) return simulated;
  const { doneWithin, seed } = simulated;
  const atConfidence = confidences.map((confidence) => ({ confidence, day: dayAtConfidence(doneWithin, confidence) }));
  const answer = atConfidence.map(({ confidence, day: d }) => ({
    confidence,
    day: d,
    date: Number.isFinite(d) ? (d === 0 ? day : dateOfDay(day, d, days)) : undefined,
  }));
  const spread = [...doneWithin]
    .map((p, d) => ({ value: d, share: p - (doneWithin[d - 1] ?? 0) }))
    .filter((s) => s.share > 0);
  const integrated = history.length ? { count: history.length, median: percentile(history, 0.5)! } : null;
  return {
    question: 'pbi',
    key: pbi.key,
    today: day,
    seed,
    rough: isRough(simulated.bases),
    answer,
    by: by === null ? null : { date: by, share: doneWithin[Math.min(HORIZON_DAYS, daysUntil(day, by, days))] },
    spread,
    from: {
      kind: 'teams',
      days,
      bases: simulated.bases,
      queues,
      waited,
      integrated,
      lags: lags.length,
      trials: DEFAULT_TRIALS,
      waitsOn: simulated.waitsOn,
    },
  };
}

type Simulated = { doneWithin: Float64Array; seed: string; bases: Basis[]; waitsOn: string[] };

/**
 * The PBI's chance by each day from the backlog simulation of it and every open PBI it depends on (however
 * indirectly), as `/forecast backlog` simulates them: so the PBI is never integrated before what it depends on, and
 * its answer is the backlog forecast's. Without dependencies it is the simulation of a backlog of one PBI, which draws
 * exactly as pbiDoneWithin did. `bases`: every team the simulation drew from (a dependency's teams too).
 */
async function simulateWithDependencies(
  ctx: NexusContext,
  open: readonly Pbi[],
  pbi: Pbi,
  since: CalendarDate | null,
): Promise<Simulated | Extract<PbiForecastProblem, { problem: 'waits-on-undated' }>> {
  const { sim, index, noDate, bases, depsOf, seed } = await simulateOpenBacklog(ctx, open, [pbi], since, {
    kind: 'pbi',
    key: pbi.key,
  });
  const i = index.get(pbi.key);
  const why = noDate.get(pbi.key);
  if (i === undefined) {
    // its own teams and integration were checked before: only a dependency no forecast can date is left
    const on = why?.why === 'waits-on' ? why.key : depsOf(pbi)[0]?.key;
    return { problem: 'waits-on-undated', key: pbi.key, on: on ?? pbi.key };
  }
  return {
    doneWithin: sim.doneWithin[i],
    seed,
    bases: [...bases.values()],
    waitsOn: depsOf(pbi).map((d) => d.key),
  };
}

/**
 * No team breakdown: the cycle times of finished PBIs that lasted at least as long as this one has so far (calendar
 * days, as cycle time is). No trials are run, and the rests-on line says so. In working-days mode a date that falls on
 * a non-working day moves to the next working day.
 */
async function byCycleTimes(
  ctx: NexusContext,
  pbi: Pbi,
  confidences: number[],
  by: CalendarDate | null,
  since: CalendarDate | null,
): Promise<PbiAnswer | ForecastProblem> {
  const view = await loadFlowView(ctx);
  const historyDays = since === null ? ctx.nexus.sle.historyDays : daysBetween(since, view.today) + 1;
  const days = forecastDays(ctx.nexus);
  const finished = cycleTimesInWindow(view.finished, view.today, ctx.nexus.timeZone, historyDays);
  if (!finished.length) return { problem: 'no-history', who: 'the Nexus' };
  // an unstarted PBI has no age to condition on: cycle times say how long work takes once started, not when it starts
  if (pbi.startedAt === null) return { problem: 'pbi-not-started', key: pbi.key, sle: view.sle };
  if (finished.length < MIN_DAYS_WITH_THROUGHPUT) return { problem: 'few-cycle-times', finished: finished.length };
  const age = view.ageOf(pbi)?.age ?? 0;
  const cycleTimes = finished.filter((t) => t >= age);
  if (!cycleTimes.length) return { problem: 'pbi-older-than-history', key: pbi.key, age };
  const answer = confidences.map((confidence) => {
    const remaining = percentile(cycleTimes, confidence / 100)! - age;
    return { confidence, day: remaining, date: onCountedDay(addDays(view.today, remaining), days) };
  });
  // the share of those cycle times that would see it done by the date, moved to a working day as the answer's dates are
  const doneBy = (date: CalendarDate) =>
    cycleTimes.filter((t) => onCountedDay(addDays(view.today, t - age), days) <= date).length / cycleTimes.length;
  const { from } = windowEnding(view.today, historyDays);
  const { seed } = seededFor({ kind: 'pbi', key: pbi.key }, [], `${age}|${cycleTimes.join(',')}`);
  return {
    question: 'pbi',
    key: pbi.key,
    today: view.today,
    seed,
    rough: false,
    answer,
    by: by === null ? null : { date: by, share: doneBy(by) },
    spread: spreadOf(Float64Array.from(cycleTimes, (t) => t - age)),
    from: {
      kind: 'cycle-times',
      since: from,
      finished: cycleTimes.length,
      age,
      few: cycleTimes.length < FEW_CYCLE_TIMES,
    },
  };
}

/** Fewer cycle times than this say little (the SLE's own rule: fewer than 10 finished items is "not enough history"). */
const FEW_CYCLE_TIMES = 10;
