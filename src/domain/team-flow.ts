import type { DateTime } from 'luxon';
import { type CalendarDate, localDate } from './calendar';
import { cycleDays } from './flow-metrics';
import { isSnoozed, oldestFirst, type Pbi, type Square } from './pbi';
import { type AgingStatus, agingStatus, type Sle, type SleSetting, serviceLevelExpectation } from './sle';

/** A team's square in progress, with its age and status against the team's SLE. */
export type AgingSquare = { pbi: Pbi; square: Square; age: number; status: AgingStatus };

/** A team's cycle time of a square: done date − start date + 1 in calendar days; null for a square not done. */
export function squareCycleTime(square: Square, zone: string): number | null {
  if (square.state !== 'done' || !square.doneAt) return null;
  // a square marked done at once was started then (pbi.ts); an imported one may carry only its finish
  return cycleDays(localDate(square.startedAt ?? square.doneAt, zone), localDate(square.doneAt, zone));
}

/** The local date the PBI's last team square was done (every square is done). */
export function lastSquareDone(pbi: Pbi, zone: string): CalendarDate {
  return pbi.squares.map((s) => localDate(s.doneAt!, zone)).reduce((a, b) => (b > a ? b : a));
}

/** A team's work item age of a square in progress: today − start date + 1; null for a square not started or done. */
export function squareAge(square: Square, today: CalendarDate, zone: string): number | null {
  if (square.state !== 'started' || !square.startedAt) return null;
  return cycleDays(localDate(square.startedAt, zone), today);
}

/** A square done in a window: its team, the PBI, its done date and cycle time. */
export type DoneSquare = { pbi: Pbi; team: string; done: CalendarDate; days: number };

/**
 * Squares done from `from` to `to` (calendar dates, both included). Squares of PBIs discarded unfinished never count,
 * as for team throughput.
 */
export function doneSquares(
  pbis: readonly Pbi[],
  { from, to }: { from: CalendarDate; to: CalendarDate },
  zone: string,
): DoneSquare[] {
  const done: DoneSquare[] = [];
  for (const pbi of pbis) {
    if (pbi.discardedAt && !pbi.finishedAt) continue;
    for (const square of pbi.squares) {
      const days = squareCycleTime(square, zone);
      if (days === null) continue;
      const date = localDate(square.doneAt!, zone);
      if (date >= from && date <= to) done.push({ pbi, team: square.team, done: date, days });
    }
  }
  return done;
}

/** Each team's cycle times of squares done in the window (doneSquares); teams the Nexus no longer has are left out. */
export function teamCycleTimes(
  pbis: readonly Pbi[],
  teams: readonly string[],
  window: { from: CalendarDate; to: CalendarDate },
  zone: string,
): Map<string, number[]> {
  const times = new Map(teams.map((t) => [t, [] as number[]]));
  for (const { team, days } of doneSquares(pbis, window, zone)) times.get(team)?.push(days);
  return times;
}

/**
 * A team's SLE: the Nexus's percentile of the team's cycle times. Always computed, even where the Nexus set its own by
 * hand: a PBI's SLE says nothing about how long one team's part takes.
 */
export function teamSle(setting: SleSetting, cycleTimes: readonly number[]): Sle {
  return serviceLevelExpectation({ ...setting, days: null }, cycleTimes);
}

/** A team's squares in progress on open PBIs, oldest start first, each against the team's SLE. */
export function teamAgingSquares(
  open: readonly Pbi[],
  team: string,
  sle: Sle,
  today: CalendarDate,
  zone: string,
): AgingSquare[] {
  return open
    .filter((pbi) => !pbi.discardedAt && !pbi.finishedAt)
    .flatMap((pbi) => {
      const square = pbi.squares.find((s) => s.team === team);
      const age = square ? squareAge(square, today, zone) : null;
      return square && age !== null ? [{ pbi, square, age, status: agingStatus(age, sle) }] : [];
    })
    .sort((a, b) => a.square.startedAt!.toMillis() - b.square.startedAt!.toMillis() || oldestFirst(a.pbi, b.pbi));
}

/** A square past its team's SLE, with that SLE's days. */
export type PastTeamSle = AgingSquare & { sleDays: number };

/**
 * Squares past their own team's SLE on open PBIs not snoozed, oldest first: what the digest names. A team without
 * enough history has no SLE, so none of its squares is past it.
 */
export function squaresPastTeamSle(
  open: readonly Pbi[],
  sles: ReadonlyMap<string, Sle>,
  today: CalendarDate,
  zone: string,
): PastTeamSle[] {
  const awake = open.filter((p) => !isSnoozed(p, today));
  return [...sles]
    .flatMap(([team, sle]) =>
      sle.kind === 'not-enough-history'
        ? []
        : teamAgingSquares(awake, team, sle, today, zone)
            .filter((a) => a.status === 'aging')
            .map((a) => ({ ...a, sleDays: sle.days })),
    )
    .sort((a, b) => b.age - a.age || oldestFirst(a.pbi, b.pbi) || a.square.team.localeCompare(b.square.team));
}

/**
 * A team's squares as WIP dates: each started square from its start to its done, or to its PBI's finish or discard
 * when it was never done (a reset clears the done, not the start). Squares never started are not WIP.
 */
export function teamWipDates(
  pbis: readonly Pbi[],
  team: string,
): { startedAt: DateTime; finishedAt: DateTime | null; discardedAt: DateTime | null }[] {
  return pbis.flatMap((p) =>
    p.squares
      .filter((s) => s.team === team && s.startedAt !== null)
      .map((s) => ({ startedAt: s.startedAt!, finishedAt: s.doneAt ?? p.finishedAt, discardedAt: p.discardedAt })),
  );
}
