import { addDays, type CalendarDate, daysBetween, localDate, type Weekday, weekdayOf } from './calendar';
import { openKeys, waitingOn } from './dependencies';
import { type ClassLoad, classLoads, type StageLoad, stageLoads } from './flow-metrics';
import { type FlowDates, isInProgress, isSnoozed, oldestFirst, type Pbi } from './pbi';
import { fixedDatePbis, type ServiceClass } from './service-class';
import { type AgingItem, agingItems, type Sle, slesByClass } from './sle';
import { type PastTeamSle, squaresPastTeamSle } from './team-flow';

/** The working days a "stop starting" judgement looks back over. */
export const NUDGE_WORKING_DAYS = 5;
/** A PBI with some squares done and others not started for longer than this is stalled at integration. */
export const STALL_DAYS = 2;
/** Ready items beyond this many times the next Sprint's likely throughput: stop refining. */
const FAR_TOO_MANY = 2;

export type WipPoint = { date: CalendarDate; wip: number };
export type StopStarting = { started: number; finished: number; wipFrom: number; wipTo: number; swarmOn: AgingItem[] };
export type Stall = { pbi: Pbi; doneTeams: string[]; waitingTeams: string[]; days: number };
export type Refinement = { ready: number; sprintLikely: number; advice: 'refine' | 'stop-refining' };
/** A PBI in progress that can't be integrated before `on` are. */
export type Waiting = { pbi: Pbi; on: string[] };
/** A fixed-date PBI whose 85% forecast (`likely`) falls after the date it is due by. */
export type LateFixedDate = { pbi: Pbi; due: CalendarDate; likely: CalendarDate };
export type Yesterday = { date: CalendarDate; integrated: Pbi[]; started: Pbi[]; blocked: Pbi[] };

/** What the daily digest says: each part empty when there is nothing to say about it. */
export type Digest = {
  aging: AgingItem[];
  /** aging items someone snoozed: left out of the nudge, still shown as snoozed */
  snoozed: AgingItem[];
  /** team squares past their own team's SLE, oldest first (snoozed PBIs left out) */
  teamAging: PastTeamSle[];
  overLimit: StageLoad[];
  /** classes of service with more PBIs in progress than their WIP limit */
  classesOverLimit: ClassLoad[];
  /** fixed-date PBIs likely late, the soonest due first */
  late: LateFixedDate[];
  wipTrend: WipPoint[];
  stopStarting: StopStarting | null;
  stalls: Stall[];
  /** PBIs in progress, oldest first, with their dependencies not integrated yet */
  waiting: Waiting[];
  refinement: Refinement | null;
  yesterday: Yesterday;
};

export type DigestInput = {
  today: CalendarDate;
  zone: string;
  workingDays: readonly Weekday[];
  /** the Nexus's SLE; a PBI of a class with its own ages against that instead */
  sle: Sle;
  classes: readonly ServiceClass[];
  /** each team's SLE of its squares (team-flow.ts) */
  teamSles: ReadonlyMap<string, Sle>;
  workflow: Parameters<typeof stageLoads>[1];
  readyStage: string | null;
  /** PBIs open now */
  open: readonly Pbi[];
  /** start and finish of PBIs finished lately (at least the last NUDGE_WORKING_DAYS working days) */
  finished: readonly FlowDates[];
  /** PBIs changed since yesterday began (finished ones included), for what happened yesterday */
  touched: readonly Pbi[];
  /** PBIs the Nexus likely finishes in the next Sprint (50%), or null without a forecast */
  sprintLikely: number | null;
  /** the 85% forecast date of open fixed-date PBIs, by key (none for a PBI no forecast could date) */
  likelyDone: ReadonlyMap<string, CalendarDate>;
};

export function buildDigest(input: DigestInput): Digest {
  const { today, zone, open } = input;
  const sleOf = slesByClass(input.sle, input.classes);
  const flagged = agingItems(
    open.filter((p) => !p.finishedAt),
    sleOf,
    today,
    zone,
  ).filter((a) => a.status !== 'on-track');
  const snoozed = (a: AgingItem) => isSnoozed(a.pbi, today);
  const aging = flagged.filter((a) => !snoozed(a));
  const days = lastWorkingDays(today, input.workingDays, NUDGE_WORKING_DAYS);
  const wipTrend = days.map((date) => ({ date, wip: wipAtEndOf(date, open, input.finished, zone) }));
  return {
    aging,
    snoozed: flagged.filter(snoozed),
    teamAging: squaresPastTeamSle(open, input.teamSles, today, zone),
    overLimit: stageLoads(open, input.workflow).filter((l) => l.overLimit),
    classesOverLimit: classLoads(open, input.classes).filter((l) => l.overLimit),
    late: lateFixedDates(open, input.likelyDone),
    wipTrend,
    stopStarting: stopStarting(input, days, aging),
    stalls: integrationStalls(open, today, zone),
    waiting: waitingInProgress(open),
    refinement: refinement(input),
    yesterday: yesterday(input),
  };
}

export function isQuiet(d: Digest): boolean {
  return (
    !d.aging.length &&
    !d.teamAging.length &&
    !d.overLimit.length &&
    !d.classesOverLimit.length &&
    !d.late.length &&
    !d.stopStarting &&
    !d.stalls.length &&
    !d.waiting.length &&
    !d.refinement
  );
}

/** PBIs in progress whose dependencies are not all integrated, oldest first: they can't be integrated yet. */
function waitingInProgress(open: readonly Pbi[]): Waiting[] {
  const keys = openKeys(open);
  return open
    .filter((p) => isInProgress(p) && p.dependsOn.length)
    .sort(oldestFirst)
    .map((pbi) => ({ pbi, on: waitingOn(pbi, keys) }))
    .filter((w) => w.on.length);
}

/** Fixed-date PBIs whose 85% forecast falls after their date, the soonest due first. */
function lateFixedDates(open: readonly Pbi[], likelyDone: ReadonlyMap<string, CalendarDate>): LateFixedDate[] {
  return fixedDatePbis(open).flatMap((pbi) => {
    const likely = likelyDone.get(pbi.key);
    return likely !== undefined && likely > pbi.dueDate! ? [{ pbi, due: pbi.dueDate!, likely }] : [];
  });
}

/** The `count` working days before today, oldest first. */
export function lastWorkingDays(today: CalendarDate, workingDays: readonly Weekday[], count: number): CalendarDate[] {
  const days: CalendarDate[] = [];
  for (
    let date = addDays(today, -1);
    days.length < count && daysBetween(date, today) <= 7 * count;
    date = addDays(date, -1)
  ) {
    if (workingDays.includes(weekdayOf(date))) days.unshift(date);
  }
  return days;
}

/** Items started by the end of `date` and not finished by then. */
function wipAtEndOf(date: CalendarDate, open: readonly Pbi[], finished: readonly FlowDates[], zone: string): number {
  const startedBy = (p: FlowDates) => p.startedAt !== null && localDate(p.startedAt, zone) <= date;
  const finishedBy = (p: FlowDates) => p.finishedAt !== null && localDate(p.finishedAt, zone) <= date;
  return [...open, ...finished].filter((p) => startedBy(p) && !finishedBy(p)).length;
}

/** Started more than finished over the last working days while WIP rose: name the oldest items to swarm on. */
function stopStarting(input: DigestInput, days: CalendarDate[], aging: AgingItem[]): StopStarting | null {
  if (!days.length) return null;
  const { zone, open, finished } = input;
  const within = (instant: FlowDates['startedAt']) =>
    instant !== null && localDate(instant, zone) >= days[0] && localDate(instant, zone) <= days[days.length - 1];
  const started = [...open, ...finished].filter((p) => within(p.startedAt)).length;
  const finishedCount = finished.filter((p) => within(p.finishedAt)).length;
  const wipFrom = wipAtEndOf(addDays(days[0], -1), open, finished, zone);
  const wipTo = wipAtEndOf(days[days.length - 1], open, finished, zone);
  if (started <= finishedCount || wipTo <= wipFrom) return null;
  const oldest = agingItems(open, slesByClass(input.sle, input.classes), input.today, zone);
  return { started, finished: finishedCount, wipFrom, wipTo, swarmOn: (aging.length ? aging : oldest).slice(0, 3) };
}

/** Some team squares done, others not started, for more than STALL_DAYS since the first was done. */
export function integrationStalls(open: readonly Pbi[], today: CalendarDate, zone: string): Stall[] {
  return open
    .flatMap((pbi) => {
      const done = pbi.squares.filter((s) => s.state === 'done' && s.doneAt);
      const waiting = pbi.squares.filter((s) => s.state === 'not-started');
      if (!done.length || !waiting.length) return [];
      const firstDone = done.map((s) => s.doneAt!).reduce((a, b) => (b < a ? b : a));
      const days = daysBetween(localDate(firstDone, zone), today);
      return days > STALL_DAYS
        ? [{ pbi, doneTeams: done.map((s) => s.team), waitingTeams: waiting.map((s) => s.team), days }]
        : [];
    })
    .sort((a, b) => b.days - a.days);
}

function refinement({ readyStage, open, sprintLikely }: DigestInput): Refinement | null {
  if (readyStage === null || sprintLikely === null) return null;
  const ready = open.filter((p) => p.stage.toLowerCase() === readyStage.toLowerCase()).length;
  if (ready < sprintLikely) return { ready, sprintLikely, advice: 'refine' };
  if (ready > FAR_TOO_MANY * sprintLikely) return { ready, sprintLikely, advice: 'stop-refining' };
  return null;
}

function yesterday({ today, zone, touched }: DigestInput): Yesterday {
  const date = addDays(today, -1);
  const on = (instant: Pbi['startedAt']) => instant !== null && localDate(instant, zone) === date;
  return {
    date,
    integrated: touched.filter((p) => on(p.finishedAt)),
    started: touched.filter((p) => on(p.startedAt)),
    blocked: touched.filter((p) => p.blocked !== null && on(p.blocked.at)),
  };
}
