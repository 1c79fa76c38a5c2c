import { DateTime } from 'luxon';
import { addDays, type CalendarDate, daysBetween, localDate, type Weekday, weekdayOf } from './calendar';
import type { ForecastSetting } from './nexus';
import { findStage, readyStage, stageIndex, type Workflow } from './workflow';

/** The Sprint length a Nexus gets unless it sets one, in calendar days. */
export const DEFAULT_SPRINT_DAYS = 14;
/** The longest Sprint a cadence may have: Scrum's Sprints are a month or less. */
export const MAX_SPRINT_DAYS = 60;

/** The Nexus's Sprints: Sprint 1 begins on `firstDay`, each lasts `length` calendar days, one after another. */
export type SprintCadence = { firstDay: CalendarDate; length: number };

/**
 * A Sprint as dates in the Nexus's zone, both days included. `number` counts the cadence's Sprints from 1; null for
 * the Sprint a Nexus without a cadence assumes (the next `length` days from tomorrow).
 */
export type Sprint = { number: number | null; first: CalendarDate; last: CalendarDate };

/** The Sprints around one day: the one it is in (none before the cadence begins or without one), the next and the last. */
export type Sprints = { current: Sprint | null; next: Sprint; last: Sprint | null };

export function cadenceOf(setting: ForecastSetting): SprintCadence | null {
  return setting.sprintStart === null ? null : { firstDay: setting.sprintStart, length: setting.sprintDays };
}

/** Sprint `number` of the cadence (1 is the first). */
export function sprintNumbered(cadence: SprintCadence, number: number): Sprint {
  const first = addDays(cadence.firstDay, (number - 1) * cadence.length);
  return { number, first, last: addDays(first, cadence.length - 1) };
}

/**
 * The Sprints around `today` (a date in the Nexus's zone). Before a cadence begins there is no Sprint now and none
 * finished; the next is its first. Without a cadence, "the next Sprint" is the next `sprintDays` days from tomorrow,
 * as forecasts always took it, and there is no current or last one.
 */
export function sprintsOn(setting: ForecastSetting, today: CalendarDate): Sprints {
  const cadence = cadenceOf(setting);
  if (!cadence) {
    const first = addDays(today, 1);
    return { current: null, next: { number: null, first, last: addDays(first, setting.sprintDays - 1) }, last: null };
  }
  // Sprint k (from 0) holds firstDay + k·length … + (k+1)·length − 1
  const k = Math.floor(daysBetween(cadence.firstDay, today) / cadence.length);
  if (k < 0) return { current: null, next: sprintNumbered(cadence, 1), last: null };
  return {
    current: sprintNumbered(cadence, k + 1),
    next: sprintNumbered(cadence, k + 2),
    last: k === 0 ? null : sprintNumbered(cadence, k),
  };
}

/**
 * Why a report asked about the last finished Sprint (`--sprint`) has none: no cadence set, or none finished yet (`next`:
 * the Sprint to come or under way whose end makes the first one).
 */
export type SprintProblem = { problem: 'no-sprint-cadence' } | { problem: 'no-sprint-finished'; next: Sprint };

/** The last finished Sprint, or why there is none. */
export function lastFinishedSprint(setting: ForecastSetting, today: CalendarDate): Sprint | SprintProblem {
  if (setting.sprintStart === null) return { problem: 'no-sprint-cadence' };
  const { current, next, last } = sprintsOn(setting, today);
  return last ?? { problem: 'no-sprint-finished', next: current ?? next };
}

/** The last day of a Sprint that is a working day (the digest's days); its last day when none is. */
export function lastWorkingDay(sprint: Sprint, workingDays: readonly Weekday[]): CalendarDate {
  for (let day = sprint.last; day >= sprint.first; day = addDays(day, -1))
    if (workingDays.includes(weekdayOf(day))) return day;
  return sprint.last;
}

/** The first day of a Sprint that is a working day (the digest's days); its first day when none is. */
export function firstWorkingDay(sprint: Sprint, workingDays: readonly Weekday[]): CalendarDate {
  for (let day = sprint.first; day <= sprint.last; day = addDays(day, 1))
    if (workingDays.includes(weekdayOf(day))) return day;
  return sprint.first;
}

/** The Sprint Nexus Sprint Planning plans, and whether it is the one under way. */
export type PlannedSprint = { sprint: Sprint; underWay: boolean };

/**
 * The Sprint `/forecast sprint` forecasts on `today`: Nexus Sprint Planning opens a Sprint, so with a cadence it is
 * this Sprint up to its first working day (asked that morning, the forecast is for the Sprint being planned, which is
 * the one the Nexus Sprint Review later sets it against), and the next one after. Without a cadence, the next Sprint.
 */
export function sprintBeingPlanned(
  setting: ForecastSetting,
  today: CalendarDate,
  workingDays: readonly Weekday[],
): PlannedSprint {
  const { current, next } = sprintsOn(setting, today);
  return current && today <= firstWorkingDay(current, workingDays)
    ? { sprint: current, underWay: true }
    : { sprint: next, underWay: false };
}

/** The Sprint a Nexus event inspects, and the one before it to compare with (null for the cadence's first). */
export type SprintUnderReview = { sprint: Sprint; before: Sprint | null };

/**
 * The Sprint the Nexus Sprint Review and Retrospective inspect on `today`: the current Sprint from its last working
 * day on (both events end a Sprint, inside it), otherwise the last finished one; or why there is none.
 */
export function sprintUnderReview(
  setting: ForecastSetting,
  today: CalendarDate,
  workingDays: readonly Weekday[],
): SprintUnderReview | SprintProblem {
  const cadence = cadenceOf(setting);
  if (!cadence) return { problem: 'no-sprint-cadence' };
  const { current, next, last } = sprintsOn(setting, today);
  const sprint = current && today >= lastWorkingDay(current, workingDays) ? current : last;
  if (!sprint?.number) return { problem: 'no-sprint-finished', next: current ?? next };
  return { sprint, before: sprint.number > 1 ? sprintNumbered(cadence, sprint.number - 1) : null };
}

/** The Sprints at an instant, its date taken in the Nexus's zone. */
export function sprintsAt(setting: ForecastSetting, now: DateTime, zone: string): Sprints {
  return sprintsOn(setting, localDate(now, zone));
}

/**
 * The instants a Sprint covers in the zone: from the start of its first day until the start of the day after its
 * last (so a Sprint over a daylight-saving change is an hour shorter or longer, and still whole days).
 */
export function sprintInstants(sprint: Sprint, zone: string): { from: DateTime; until: DateTime } {
  return {
    from: DateTime.fromISO(sprint.first, { zone }),
    until: DateTime.fromISO(addDays(sprint.last, 1), { zone }),
  };
}

/** Calendar days of a Sprint, both ends included. */
export const sprintLength = (sprint: Sprint): number => daysBetween(sprint.first, sprint.last) + 1;

/** The stage name that holds the PBIs planned into the current Sprint. */
export const SPRINT_BACKLOG_STAGE = 'sprint-backlog';

/**
 * Where the Nexus Sprint Backlog begins in the workflow: the stage named `sprint-backlog` when it comes before the
 * finish; else the stage after the ready stage (readyStage); else the start stage. PBIs there or later, not finished,
 * are the Sprint's.
 */
export function sprintBacklogStage(workflow: Workflow): string {
  const finish = stageIndex(workflow, workflow.finishStage);
  const named = findStage(workflow, SPRINT_BACKLOG_STAGE);
  if (named && stageIndex(workflow, named.name) < finish) return named.name;
  const ready = readyStage(workflow);
  const after = ready === null ? -1 : stageIndex(workflow, ready) + 1;
  return after > 0 && after < finish ? workflow.stages[after].name : workflow.startStage;
}

/** A stage at or after the Sprint Backlog's first stage (finished stages included: callers take open PBIs). */
export function isSprintBacklogStage(workflow: Workflow, stage: string): boolean {
  const from = stageIndex(workflow, sprintBacklogStage(workflow));
  const i = stageIndex(workflow, stage);
  return from >= 0 && i >= from;
}
