import type { DateTime } from 'luxon';
import { type CalendarDate, localDate } from './calendar';
import type { Workflow } from './workflow';

/** The Definition of Workflow from an instant on: as the Nexus was set up, then after each change. */
export type WorkflowVersion = { at: DateTime; workflow: Workflow };
/** The days the Definition of Workflow changed, each with what changed that day, in words. */
export type WorkflowChange = { date: CalendarDate; what: string[] };

/**
 * The days the Definition of Workflow changed (Nexus zone), oldest first, from its versions in order: a stage added
 * or removed, a WIP limit changed, the start or finish moved. Marking a wait stage or renaming nothing else is not
 * a change of what flow counts, so it is left out.
 */
export function workflowChanges(versions: readonly WorkflowVersion[], zone: string): WorkflowChange[] {
  const byDate = new Map<CalendarDate, string[]>();
  for (let i = 1; i < versions.length; i++) {
    const what = differences(versions[i - 1].workflow, versions[i].workflow);
    if (!what.length) continue;
    const date = localDate(versions[i].at, zone);
    byDate.set(date, [...(byDate.get(date) ?? []), ...what]);
  }
  return [...byDate].map(([date, what]) => ({ date, what }));
}

function differences(before: Workflow, after: Workflow): string[] {
  const was = new Map(before.stages.map((s) => [s.name, s.wipLimit]));
  const is = new Map(after.stages.map((s) => [s.name, s.wipLimit]));
  const limit = (n: number | null) => (n === null ? 'none' : String(n));
  return [
    ...after.stages.filter((s) => !was.has(s.name)).map((s) => `+${s.name}`),
    ...before.stages.filter((s) => !is.has(s.name)).map((s) => `−${s.name}`),
    ...after.stages
      .filter((s) => was.has(s.name) && was.get(s.name) !== s.wipLimit)
      .map((s) => `${s.name} WIP ${limit(was.get(s.name)!)}→${limit(s.wipLimit)}`),
    ...(before.startStage === after.startStage ? [] : [`start ${before.startStage}→${after.startStage}`]),
    ...(before.finishStage === after.finishStage ? [] : [`finish ${before.finishStage}→${after.finishStage}`]),
  ];
}

/**
 * The Definition of Workflow in force at the end of each of `days` (Nexus zone): the last version made by then. Days
 * before the first version take the first; with no version kept at all, `current` stands for every day.
 */
export function workflowEachDay(
  versions: readonly WorkflowVersion[],
  current: Workflow,
  days: readonly CalendarDate[],
  zone: string,
): Workflow[] {
  const dated = versions.map((v) => ({ date: localDate(v.at, zone), workflow: v.workflow }));
  let next = 0;
  let inForce = dated[0]?.workflow ?? current;
  return days.map((day) => {
    while (next < dated.length && dated[next].date <= day) inForce = dated[next++].workflow;
    return inForce;
  });
}

/** The changes on the days from `from` to `to`. */
export function changesBetween(changes: readonly WorkflowChange[], from: CalendarDate, to: CalendarDate) {
  return changes.filter((c) => c.date >= from && c.date <= to);
}
