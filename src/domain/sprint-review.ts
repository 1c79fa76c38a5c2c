import type { DateTime } from 'luxon';
import { addDays, type CalendarDate, localDate, type Weekday, weekdayOf } from './calendar';
import { teamsThroughput } from './flow-metrics';
import { countCameTrue, type ItemsForecast } from './forecast/came-true';
import { isFinished, type Pbi } from './pbi';
import { type Sprint, type SprintCadence, sprintInstants, sprintNumbered } from './sprint';

/** The Sprints after the one reviewed whose likely PBIs the review names: the Product Owner's "what's possible when". */
export const SPRINTS_AHEAD = 3;
/** The confidence the review plans on, as `/forecast backlog` does unless asked. */
export const REVIEW_CONFIDENCE = 85;

/**
 * A `/forecast sprint` answer as kept for judging: the Sprint it forecast (its number null without a cadence) and each
 * team's row (null: too little history to answer); the Nexus's row is the kept answer itself. `underWay`: the
 * Sprint's chance then given for the Sprint under way (not the one forecast), if any.
 */
export type KeptSprintQuestion = {
  kind: 'sprint';
  number: number | null;
  first: CalendarDate;
  last: CalendarDate;
  teams: { team: string; answer: ItemsForecast | null }[];
  underWay: { first: CalendarDate; last: CalendarDate; chance: number } | null;
};

/** The Sprint forecast kept at Nexus Sprint Planning; `late`: asked only after the Sprint's first working day. */
export type PlanningForecast<F> = { forecast: F; late: boolean };

/**
 * Which kept forecast of a Sprint was its planning forecast: the last one asked before the end of the Sprint's first
 * working day (Nexus Sprint Planning opens the Sprint); if every one was asked later, the earliest, marked late.
 * `/forecast sprint` forecasts the next Sprint, so its answers for a Sprint are normally all asked before it began.
 */
export function planningForecast<F extends { askedAt: DateTime }>(
  kept: readonly F[],
  sprint: Sprint,
  workingDays: readonly Weekday[],
  zone: string,
): PlanningForecast<F> | null {
  const planningEnds = sprintInstants({ ...sprint, last: firstWorkingDay(sprint, workingDays) }, zone).until;
  const byAsking = [...kept].sort((a, b) => a.askedAt.toMillis() - b.askedAt.toMillis());
  const before = byAsking.filter((f) => f.askedAt < planningEnds).at(-1);
  if (before) return { forecast: before, late: false };
  return byAsking.length ? { forecast: byAsking[0], late: true } : null;
}

/** The first working day of a Sprint; its first day when none is. */
export function firstWorkingDay(sprint: Sprint, workingDays: readonly Weekday[]): CalendarDate {
  for (let day = sprint.first; day <= sprint.last; day = addDays(day, 1))
    if (workingDays.includes(weekdayOf(day))) return day;
  return sprint.first;
}

/** The days of a Sprint that have happened by `today`: its first day to its last, or to today while it runs. */
export const daysSoFar = (sprint: Sprint, today: CalendarDate): { from: CalendarDate; to: CalendarDate } => ({
  from: sprint.first,
  to: sprint.last < today ? sprint.last : today,
});

/** The PBIs integrated in a Sprint (so far), in the order they were: finished on one of its days in the zone. */
export function integratedIn(pbis: readonly Pbi[], sprint: Sprint, today: CalendarDate, zone: string): Pbi[] {
  const { from, to } = daysSoFar(sprint, today);
  return pbis
    .filter((p) => isFinished(p) && within(localDate(p.finishedAt!, zone), from, to))
    .sort((a, b) => a.finishedAt!.toMillis() - b.finishedAt!.toMillis());
}

const within = (day: CalendarDate, from: CalendarDate, to: CalendarDate): boolean => day >= from && day <= to;

/** Each team's squares done in a Sprint (so far), as team throughput counts them. */
export function squaresDoneIn(
  pbis: readonly Pbi[],
  teams: readonly string[],
  sprint: Sprint,
  today: CalendarDate,
  zone: string,
): Map<string, number> {
  const { from, to } = daysSoFar(sprint, today);
  const daily = teamsThroughput(pbis, teams, from, to, zone);
  return new Map(teams.map((t) => [t, (daily.get(t) ?? []).reduce((n, d) => n + d.count, 0)]));
}

/** One row of the planning forecast against what happened: the Nexus (team null) or a team. */
export type ForecastAgainst = {
  team: string | null;
  /** null: the row had too little history to answer at planning */
  forecast: ItemsForecast | null;
  done: number;
  /** each confidence's verdict: done at least the items forecast */
  cameTrue: Map<number, boolean>;
};

/** The planning forecast's rows (the Nexus's, then each team's it answered for) against what was done. */
export function forecastAgainst(
  question: KeptSprintQuestion,
  answer: ItemsForecast,
  integrated: number,
  squares: ReadonlyMap<string, number>,
): ForecastAgainst[] {
  const row = (team: string | null, forecast: ItemsForecast | null, done: number): ForecastAgainst => ({
    team,
    forecast,
    done,
    cameTrue: forecast ? countCameTrue(forecast, done) : new Map(),
  });
  return [row(null, answer, integrated), ...question.teams.map((t) => row(t.team, t.answer, squares.get(t.team) ?? 0))];
}

/** The `count` Sprints of the cadence after `sprint`. */
export function sprintsAfter(cadence: SprintCadence, sprint: Sprint, count: number): Sprint[] {
  return Array.from({ length: count }, (_, i) => sprintNumbered(cadence, sprint.number! + 1 + i));
}

/** The PBIs likely integrated by the end of one Sprint: those newly likely in it, and how many by then in all. */
export type LikelyBy = { sprint: Sprint; pbis: { key: string; title: string }[]; total: number };

/**
 * What's possible when: for each Sprint, the PBIs whose date at the confidence asked falls on or before its last day
 * and after the Sprint before's (`date` undefined: no date, never likely). Backlog order is kept within a Sprint.
 */
export function likelyBySprint(
  rows: readonly { key: string; title: string; date: CalendarDate | undefined }[],
  sprints: readonly Sprint[],
): LikelyBy[] {
  let total = 0;
  return sprints.map((sprint, i) => {
    const after = i === 0 ? null : sprints[i - 1].last;
    const pbis = rows
      .filter((r) => r.date !== undefined && r.date <= sprint.last && (after === null || r.date > after))
      .map(({ key, title }) => ({ key, title }));
    total += pbis.length;
    return { sprint, pbis, total };
  });
}
