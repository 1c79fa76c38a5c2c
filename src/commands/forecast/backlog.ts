import { backlogOrder, teamQueue } from '../../domain/backlog';
import type { CalendarDate } from '../../domain/calendar';
import { openKeys, waitingOn } from '../../domain/dependencies';
import { percentile } from '../../domain/flow-metrics';
import {
  type BacklogPbi,
  type BacklogTeam,
  cutLine,
  isLikely,
  simulateBacklog,
} from '../../domain/forecast/backlog-forecast';
import { DEFAULT_TRIALS, HORIZON_DAYS } from '../../domain/forecast/monte-carlo';
import { dayAtConfidence, integrationStillAhead } from '../../domain/forecast/pbi-forecast';
import { dateOfDay, daysUntil, type ForecastDays, sufficiencyOf } from '../../domain/forecast/sampling';
import type { Pbi } from '../../domain/pbi';
import { lastSquareDone } from '../../domain/team-flow';
import { renderBacklogForecast } from '../../render/backlog-forecast';
import { defineCommand, invalid, isInvalid, type NexusContext } from '../command';
import { parseFlags } from '../flags';
import { today } from '../flow-view';
import { wholeNumber } from '../numbers';
import type { DateAt, ForecastProblem } from './answer';
import {
  type Basis,
  checkAfterToday,
  checkSince,
  forecastDays,
  loadTeamBases,
  parseConfidences,
  type Question,
  seededFor,
} from './basis';
import { parseDate } from './dates';
import { integrationDays } from './integration';

/** PBIs forecast unless told, as `/flow backlog` lists them: a screenful. */
const DEFAULT_TOP = 30;
/** The most one answer lists (Slack's 50 blocks hold about this many lines), as `/flow backlog`. */
const MOST_TOP = 200;
/** Without `--at`, one date per PBI: the one to plan on. */
const DEFAULT_CONFIDENCE = 85;

const usage = '/forecast backlog [--top <n>] [--by <YYYY-MM-DD>] [--at 50,85] [--since <YYYY-MM-DD>]';
export type BacklogQuestion = {
  top: number;
  by: CalendarDate | null;
  confidences: number[];
  since: CalendarDate | null;
};

/** Why a PBI of the backlog gets no date, as facts. */
export type NoDate =
  | { why: 'no-teams' }
  /** a team it needs finished something on fewer days than forecasts need (none: `days` 0) */
  | { why: 'thin-team'; team: string; days: number }
  /** every team is done, longer ago than any integration in the window took */
  | { why: 'integration-unknown'; waited: number }
  /** it depends on a PBI that gets no date */
  | { why: 'waits-on'; key: string };

/** One PBI of the backlog: its date at each confidence and its chance by `--by`, or why it has none. */
export type BacklogRow = {
  key: string;
  title: string;
  answer: DateAt[] | NoDate;
  /** the share of trials that integrated it by the `--by` date; null: no date, or no `--by` */
  chance: number | null;
  /** the open PBIs it depends on */
  waitsOn: string[];
  /** its 50% and 95% dates, for the chart; null: no date, or none within ten years at 95% */
  range: { from: CalendarDate; to: CalendarDate } | null;
};

/**
 * The cut line at one confidence: `from`, the first PBI in order whose own chance by the date is below it (null: none
 * is); `likely`, how many of those listed have a chance at least the confidence, above the line or below it. PBIs
 * without a date count as neither.
 */
export type Cut = { confidence: number; likely: number; from: string | null };

/** A team and the PBIs it is most often alone the last to finish, with that share of the trials. */
export type HoldUp = { team: string; pbis: { key: string; share: number }[] };

/** `/forecast backlog`: each open PBI's date in backlog order, from one simulation of every team's queue. */
export type BacklogAnswer = {
  question: 'backlog';
  today: CalendarDate;
  days: ForecastDays;
  seed: string;
  confidences: number[];
  rows: BacklogRow[];
  /** the open PBIs in the Product Backlog, shown or not */
  open: number;
  by: { date: CalendarDate; cuts: Cut[] } | null;
  holdUps: HoldUp[];
  bases: Basis[];
  /** the PBIs integrated in the window and the median days they took after their last team (null: none) */
  integrated: { count: number; median: number } | null;
  trials: number;
};
export type BacklogOutcome = BacklogAnswer | ForecastProblem | { problem: 'empty-backlog' };

export const forecastBacklog = defineCommand<BacklogQuestion, BacklogOutcome>({
  path: ['forecast', 'backlog'],
  usage,
  summary: `when will each PBI of the Product Backlog be done, in order (the first ${DEFAULT_TOP} unless --top, at ${DEFAULT_CONFIDENCE}% unless --at); \`--by\` adds each one's chance and the cut line`,
  scope: 'nexus',
  nitOnly: false,
  parse(words, raw) {
    const parsed = parseFlags(words, ['top', 'by', 'at', 'since'], raw);
    if (isInvalid(parsed)) return parsed;
    if (parsed.positional.length)
      return invalid('`/forecast backlog` takes only `--top <n>`, `--by <YYYY-MM-DD>`, `--at` and `--since`.');
    const top = parsed.flags.top === undefined ? DEFAULT_TOP : wholeNumber(parsed.flags.top, 1, MOST_TOP);
    if (top === null) return invalid(`\`--top\` is a whole number from 1 to ${MOST_TOP}.`);
    const confidences = parsed.flags.at === undefined ? [DEFAULT_CONFIDENCE] : parseConfidences(parsed.flags.at);
    if (isInvalid(confidences)) return confidences;
    const by = parsed.flags.by === undefined ? null : parseDate(parsed.flags.by);
    if (by !== null && 'invalid' in by) return by;
    const since = parsed.flags.since === undefined ? null : parseDate(parsed.flags.since);
    if (since !== null && 'invalid' in since) return since;
    return { top, confidences, by: by?.date ?? null, since: since?.date ?? null };
  },
  execute: forecastTheBacklog,
  render: (outcome) => renderBacklogForecast(outcome, usage),
});

/** The backlog forecast as `/forecast backlog` answers it; the Nexus Sprint Review asks it too. */
export async function forecastTheBacklog(input: BacklogQuestion, ctx: NexusContext): Promise<BacklogOutcome> {
  const day = today(ctx);
  const early = checkSince(input.since, day) ?? (input.by === null ? null : checkAfterToday(input.by, day));
  if (early) return early;
  const open = [...(await ctx.store.pbis.listOpen(ctx.nexus.id))].sort(backlogOrder);
  if (!open.length) return { problem: 'empty-backlog' };
  const asked = open.slice(0, input.top);
  const { sim, index, noDate, teams, bases, history, depsOf, seed } = await simulateOpenBacklog(
    ctx,
    open,
    asked,
    input.since,
    { kind: 'backlog', top: input.top },
  );
  const days = forecastDays(ctx.nexus);

  const byDay = input.by === null ? null : Math.min(HORIZON_DAYS, daysUntil(day, input.by, days));
  const rows: BacklogRow[] = asked.map((pbi) => {
    const i = index.get(pbi.key);
    const waitsOn = depsOf(pbi).map((d) => d.key);
    const { key, title } = pbi;
    if (i === undefined) return { key, title, answer: noDate.get(key)!, chance: null, waitsOn, range: null };
    const dateAt = (confidence: number): DateAt => {
      const d = dayAtConfidence(sim.doneWithin[i], confidence);
      return { confidence, day: d, date: Number.isFinite(d) ? (d === 0 ? day : dateOfDay(day, d, days)) : undefined };
    };
    const [from, to] = [dateAt(50).date, dateAt(95).date];
    const chance = byDay === null ? null : sim.doneWithin[i][byDay];
    const range = from && to ? { from, to } : null;
    return { key, title, answer: input.confidences.map(dateAt), chance, waitsOn, range };
  });
  const chances = rows.map((r) => r.chance);
  const cuts = input.confidences.map((confidence): Cut => {
    const at = cutLine(chances, confidence);
    const likely = chances.filter((c) => c !== null && isLikely(c, confidence)).length;
    return { confidence, likely, from: at === null ? null : rows[at].key };
  });
  return {
    question: 'backlog',
    today: day,
    days,
    seed,
    confidences: input.confidences,
    rows,
    open: open.length,
    by: input.by === null ? null : { date: input.by, cuts },
    holdUps: holdUps(asked, index, sim.lastTeam, teams, sim.trials),
    bases: [...bases.values()],
    integrated: history.length ? { count: history.length, median: percentile(history, 0.5)! } : null,
    trials: sim.trials,
  };
}

/**
 * One backlog simulation for the PBIs `asked` (open): every open PBI they depend on is simulated
 * too, each team works its whole queue up to its last square asked about. `noDate`: the PBIs that can't be forecast
 * and why; `index`: each simulated PBI's place in `sim`. `/forecast backlog` and the Sprint's chance ask it.
 */
export async function simulateOpenBacklog(
  ctx: NexusContext,
  unordered: readonly Pbi[],
  asked: readonly Pbi[],
  since: CalendarDate | null,
  question: Question,
) {
  const day = today(ctx);
  // the simulation's order is the backlog's, whatever order the PBIs were read in: it orders the draws and the seed
  const open = [...unordered].sort(backlogOrder);
  const byKey = new Map(open.map((p) => [p.key.toLowerCase(), p]));
  const stillOpen = openKeys(open);
  const depsOf = (p: Pbi) => waitingOn(p, stillOpen).flatMap((k) => byKey.get(k.toLowerCase()) ?? []);
  const needed = withDependencies(asked, depsOf);

  // each team needed: its throughput of squares, unless too thin to forecast from (its PBIs then get no date)
  const days = forecastDays(ctx.nexus);
  const bases = new Map<string, Basis>();
  const thin = new Map<string, number>();
  for (const [team, basis] of await loadTeamBases(ctx, [...new Set(needed.flatMap(teamsNotDone))], since)) {
    if ('problem' in basis) thin.set(team, 0);
    else if (sufficiencyOf(basis.sample) === 'too-little') thin.set(team, basis.sample.daysWithThroughput);
    else bases.set(team, basis);
  }
  const history = await integrationDays(ctx, day, days);
  const noDate = new Map<string, NoDate>();
  const steps = new Map<string, number[]>();
  for (const pbi of needed) {
    const teams = teamsNotDone(pbi);
    const thinTeam = teams.find((t) => thin.has(t));
    if (!pbi.squares.length) noDate.set(pbi.key, { why: 'no-teams' });
    else if (thinTeam) noDate.set(pbi.key, { why: 'thin-team', team: thinTeam, days: thin.get(thinTeam)! });
    else {
      const waited = teams.length ? 0 : daysUntil(lastSquareDone(pbi, ctx.nexus.timeZone), day, days);
      const lags = integrationStillAhead(history, waited);
      if (!teams.length && !lags.length) noDate.set(pbi.key, { why: 'integration-unknown', waited });
      else steps.set(pbi.key, lags);
    }
  }
  // a PBI waiting on one with no date has none either (needed lists dependencies first)
  for (const pbi of needed) {
    const blocker = depsOf(pbi).find((d) => noDate.has(d.key));
    if (blocker && !noDate.has(pbi.key)) noDate.set(pbi.key, { why: 'waits-on', key: blocker.key });
  }

  const forecast = open.filter((p) => steps.has(p.key) && !noDate.has(p.key));
  const forecastKeys = new Set(forecast.map((p) => p.key));
  const pbis: BacklogPbi[] = forecast.map((p) => ({ key: p.key, integrationDays: steps.get(p.key)! }));
  const teams: BacklogTeam[] = [...bases].map(([team, basis]) => {
    const queue = teamQueue(open, team).map((p) => p.key);
    let end = queue.length; // squares after the last one forecast can wait: they would only lengthen the trials
    while (end > 0 && !forecastKeys.has(queue[end - 1])) end--;
    return { team, throughput: basis.sample.throughput, queue: queue.slice(0, end) };
  });
  const depends = new Map(forecast.map((p) => [p.key, depsOf(p).map((d) => d.key)]));
  const { seed, rng } = seededFor(question, [...bases.values()], seedData(pbis, teams, depends));
  const sim = simulateBacklog({ pbis, teams, depends }, DEFAULT_TRIALS, rng);
  const index = new Map(pbis.map((p, i) => [p.key, i]));
  return { sim, index, noDate, teams, bases, history, depsOf, seed };
}

const teamsNotDone = (pbi: Pbi): string[] => pbi.squares.filter((s) => s.state !== 'done').map((s) => s.team);

/** The PBIs asked about and every open PBI they depend on, however indirectly, each after its dependencies. */
function withDependencies(asked: readonly Pbi[], depsOf: (p: Pbi) => Pbi[]): Pbi[] {
  const out: Pbi[] = [];
  const seen = new Set<string>();
  const visit = (pbi: Pbi): void => {
    if (seen.has(pbi.key)) return;
    seen.add(pbi.key);
    for (const dep of depsOf(pbi)) visit(dep);
    out.push(pbi);
  };
  for (const pbi of asked) visit(pbi);
  return out;
}

/**
 * For each team, the PBIs asked about that need more than one team still and that it was most often alone the last
 * to finish: the team holding them up. Teams holding up the most come first.
 */
function holdUps(
  asked: readonly Pbi[],
  index: ReadonlyMap<string, number>,
  lastTeam: readonly Map<number, number>[],
  teams: readonly BacklogTeam[],
  trials: number,
): HoldUp[] {
  const byTeam = new Map<string, { key: string; share: number }[]>();
  for (const pbi of asked) {
    const i = index.get(pbi.key);
    if (i === undefined || teamsNotDone(pbi).length < 2) continue;
    const [j, n] = [...lastTeam[i]].reduce((a, b) => (b[1] > a[1] ? b : a), [-1, 0]);
    if (j < 0) continue;
    const team = teams[j].team;
    byTeam.set(team, [...(byTeam.get(team) ?? []), { key: pbi.key, share: n / trials }]);
  }
  return [...byTeam]
    .map(([team, pbis]) => ({ team, pbis }))
    .sort((a, b) => b.pbis.length - a.pbis.length || a.team.localeCompare(b.team));
}

/** What the simulation draws from besides the teams' samples: the queues, integration steps and dependencies. */
function seedData(
  pbis: readonly BacklogPbi[],
  teams: readonly BacklogTeam[],
  depends: ReadonlyMap<string, readonly string[]>,
): string {
  return [
    ...teams.map((t) => `${t.team}:${t.queue.join(',')}`),
    ...pbis.map((p) => `${p.key}:${p.integrationDays.join(',')}>${(depends.get(p.key) ?? []).join(',')}`),
  ].join('|');
}
