import type { DateTime } from 'luxon';
import { type CalendarDate, localDate } from './calendar';
import type { Pbi, StageEntry } from './pbi';
import { inProgressStages, isFinishedStage, isStartedStage, type Workflow } from './workflow';

export type DayWip = { date: CalendarDate; count: number };
/** What WIP on a day needs of a PBI: when it started, finished or was discarded (any may be missing). */
export type WipDates = Pick<Pbi, 'startedAt' | 'finishedAt' | 'discardedAt'>;

/**
 * WIP at the end of each day of `days` (consecutive, oldest first; FLOW.md): PBIs started on or before the day and
 * neither finished nor discarded by its end. A PBI started and finished on the same day is never WIP at a day's end.
 */
export function wipPerDay(pbis: readonly WipDates[], days: readonly CalendarDate[], zone: string): DayWip[] {
  if (!days.length) return [];
  const first = days[0];
  const index = new Map(days.map((d, i) => [d, i]));
  // +1 on the day it starts counting, −1 on the day it stops; a day before the window counts from its first day
  const change = new Array<number>(days.length + 1).fill(0);
  const at = (date: CalendarDate) => (date < first ? 0 : (index.get(date) ?? days.length));
  for (const p of pbis) {
    if (p.startedAt === null) continue;
    const ends = [p.finishedAt, p.discardedAt].flatMap((t) => (t === null ? [] : [localDate(t, zone)]));
    const from = at(localDate(p.startedAt, zone));
    const until = ends.length ? at(ends.sort()[0]) : days.length;
    if (until <= from) continue;
    change[from]++;
    change[until]--;
  }
  let wip = 0;
  return days.map((date, i) => ({ date, count: (wip += change[i]) }));
}

export type SummedWipLimit = { limit: number; unlimited: string[] };

/**
 * A PBI's stretches in flow, each as WIP dates: from its start, or from a reopening (a move out of the finished part),
 * to its next finish; a discard ends the last. A PBI keeps only its first start and its last finish, so one finished
 * on day 5 and reopened on day 9 would count as WIP on days 5 to 8. `entries`: its stage entries in order, read under
 * the workflow its start and finish were derived by (as `flowDatesOf` reads them).
 */
export function stretchesInFlow(pbi: WipDates, entries: readonly StageEntry[], workflow: Workflow): WipDates[] {
  const stretches: { startedAt: DateTime; finishedAt: DateTime | null; discardedAt: DateTime | null }[] = [];
  let stage: string | null = null;
  for (const entry of entries) {
    if (entry.stage === stage) continue; // as a move into the stage it is already in
    stage = entry.stage;
    const open = stretches.at(-1);
    const finished = isFinishedStage(workflow, stage);
    if (!open) {
      if (isStartedStage(workflow, stage))
        stretches.push({ startedAt: entry.at, finishedAt: finished ? entry.at : null, discardedAt: null });
    } else if (finished && open.finishedAt === null) open.finishedAt = entry.at;
    else if (!finished && open.finishedAt !== null)
      stretches.push({ startedAt: entry.at, finishedAt: null, discardedAt: null });
  }
  if (!stretches.length) return [pbi];
  stretches.at(-1)!.discardedAt = pbi.discardedAt;
  return stretches;
}

/**
 * The WIP limit of the stages in progress summed: what the Nexus's WIP should stay under. `unlimited` names the
 * stages in progress that have no limit (the sum then says less); null when none has one.
 */
export function summedWipLimit(workflow: Workflow): SummedWipLimit | null {
  const stages = inProgressStages(workflow);
  const limited = stages.filter((s) => s.wipLimit !== null);
  if (!limited.length) return null;
  return {
    limit: limited.reduce((n, s) => n + s.wipLimit!, 0),
    unlimited: stages.filter((s) => s.wipLimit === null).map((s) => s.name),
  };
}

/** A young Nexus's run starts the day before its first WIP, not with weeks of zeroes (as its CFD does). */
export function fromFirstWip(daily: readonly DayWip[]): DayWip[] {
  const first = daily.findIndex((d) => d.count > 0);
  return first < 0 ? daily.slice(-1) : daily.slice(Math.max(0, first - 1));
}
