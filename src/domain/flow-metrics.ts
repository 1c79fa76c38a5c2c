import { addDays, type CalendarDate, datesFrom, daysBetween, localDate, weekStart } from './calendar';
import { type FlowDates, isFinished, isInProgress, type Pbi } from './pbi';
import { isExpedite, type ServiceClass } from './service-class';
import { sameName, type Workflow } from './workflow';

/** Work Item Age: today − start date + 1, in calendar days of the Nexus's zone (started today is 1). */
export function workItemAge(pbi: Pbi, today: CalendarDate, zone: string): number | null {
  if (!isInProgress(pbi) || !pbi.startedAt) return null;
  return daysBetween(localDate(pbi.startedAt, zone), today) + 1;
}

/** Cycle Time: finish date − start date + 1, in calendar days (same-day finish is 1). */
export function cycleTime(pbi: FlowDates, zone: string): number | null {
  if (!isFinished(pbi)) return null;
  return cycleDays(localDate(pbi.startedAt!, zone), localDate(pbi.finishedAt!, zone));
}

export function cycleDays(startDate: CalendarDate, finishDate: CalendarDate): number {
  return daysBetween(startDate, finishDate) + 1;
}

/** Nearest-rank percentile: sorted ascending, x[ceil(p·n) − 1]. `p` in (0, 1]. Undefined for no values. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

/** Nexus WIP: items started and not finished. */
export function nexusWip(pbis: readonly Pbi[]): number {
  return pbis.filter(isInProgress).length;
}

/** `count`: the stage's items its WIP limit counts; `expedite`: its expedite items besides, which it does not. */
export type StageLoad = { stage: string; count: number; wipLimit: number | null; overLimit: boolean; expedite: number };

/**
 * Items in each stage against its WIP limit, in workflow order. Discarded items are nowhere. Expedite items are
 * counted apart: they don't count against a stage's limit (service-class.ts).
 */
export function stageLoads(pbis: readonly Pbi[], workflow: Workflow): StageLoad[] {
  return workflow.stages.map((stage) => {
    const there = pbis.filter((p) => !p.discardedAt && sameName(p.stage, stage.name));
    const expedite = there.filter(isExpedite).length;
    const count = there.length - expedite;
    return {
      stage: stage.name,
      count,
      wipLimit: stage.wipLimit,
      overLimit: stage.wipLimit !== null && count > stage.wipLimit,
      expedite,
    };
  });
}

export type ClassLoad = { serviceClass: string; count: number; wipLimit: number; overLimit: boolean };

/** PBIs in progress of each class of service that has a WIP limit, against it (a class's WIP counts work started, not finished). */
export function classLoads(pbis: readonly Pbi[], classes: readonly ServiceClass[]): ClassLoad[] {
  return classes
    .filter((c) => c.wipLimit !== null)
    .map((c) => {
      const count = pbis.filter((p) => isInProgress(p) && sameName(p.serviceClass, c.name)).length;
      return { serviceClass: c.name, count, wipLimit: c.wipLimit!, overLimit: count > c.wipLimit! };
    });
}

export type TeamLoad = { team: string; started: number; waiting: number };

/** Per team: squares started and not done (the team's WIP), and squares not started on items in progress. */
export function teamLoads(pbis: readonly Pbi[], teams: readonly string[]): TeamLoad[] {
  const loads = new Map(teams.map((team) => [team, { team, started: 0, waiting: 0 }]));
  for (const pbi of pbis) {
    if (pbi.discardedAt || pbi.finishedAt) continue;
    const inProgress = isInProgress(pbi);
    for (const square of pbi.squares) {
      const load = loads.get(square.team);
      if (!load) continue;
      if (square.state === 'started') load.started++;
      else if (square.state === 'not-started' && inProgress) load.waiting++;
    }
  }
  return [...loads.values()];
}

export type DailyCount = { date: CalendarDate; count: number };

/** Nexus throughput: PBIs finished per calendar day from `from` to `to`, zero days kept. */
export function nexusThroughput(
  pbis: readonly FlowDates[],
  from: CalendarDate,
  to: CalendarDate,
  zone: string,
): DailyCount[] {
  const finishDates = pbis.filter(isFinished).map((p) => localDate(p.finishedAt!, zone));
  return dailyCounts(finishDates, from, to);
}

/** Team throughput: the team's squares done per calendar day, zero days kept. Items discarded unfinished never count. */
export function teamThroughput(
  pbis: readonly Pbi[],
  team: string,
  from: CalendarDate,
  to: CalendarDate,
  zone: string,
): DailyCount[] {
  return teamsThroughput(pbis, [team], from, to, zone).get(team)!;
}

/** teamThroughput of several teams, in one pass over the PBIs. */
export function teamsThroughput(
  pbis: readonly Pbi[],
  teams: readonly string[],
  from: CalendarDate,
  to: CalendarDate,
  zone: string,
): Map<string, DailyCount[]> {
  const doneDates = new Map(teams.map((t) => [t, [] as CalendarDate[]]));
  for (const p of pbis) {
    if (p.discardedAt && !p.finishedAt) continue;
    for (const s of p.squares)
      if (s.state === 'done' && s.doneAt) doneDates.get(s.team)?.push(localDate(s.doneAt, zone));
  }
  return new Map([...doneDates].map(([team, dates]) => [team, dailyCounts(dates, from, to)]));
}

/** How many of `dates` fall on each calendar day from `from` to `to`, zero days kept. */
export function dailyCounts(dates: readonly CalendarDate[], from: CalendarDate, to: CalendarDate): DailyCount[] {
  const counts = new Map<CalendarDate, number>();
  for (const d of dates) if (d >= from && d <= to) counts.set(d, (counts.get(d) ?? 0) + 1);
  return datesFrom(from, to).map((date) => ({ date, count: counts.get(date) ?? 0 }));
}

export type WeeklyCount = { weekOf: CalendarDate; count: number; days: number };

/** Daily counts summed per ISO week (Monday first); `days` says how many days of that week the range covers. */
export function perWeek(daily: readonly DailyCount[]): WeeklyCount[] {
  const weeks = new Map<CalendarDate, WeeklyCount>();
  for (const { date, count } of daily) {
    const weekOf = weekStart(date);
    const week = weeks.get(weekOf) ?? { weekOf, count: 0, days: 0 };
    weeks.set(weekOf, { weekOf, count: week.count + count, days: week.days + 1 });
  }
  return [...weeks.values()];
}

/** The `days` calendar days ending on `last`, both included. */
export function windowEnding(last: CalendarDate, days: number): { from: CalendarDate; to: CalendarDate } {
  return { from: addDays(last, -(days - 1)), to: last };
}
