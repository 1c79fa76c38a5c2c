import { DateTime } from 'luxon';
import { type BlockSpan, blockedInWindow, type DateWindow, groupReasons, type ReasonGroup } from './blocked-time';
import { type CalendarDate, datesFrom, daysBetween, localDate, type Weekday, weekdayOf } from './calendar';
import type { StageCount } from './cumulative-flow';
import { type FlowEfficiency, type FlowHistory, flowEfficiency } from './flow-efficiency';
import { cycleTime, percentile } from './flow-metrics';
import type { Pbi } from './pbi';
import type { Sle } from './sle';
import type { Sprint } from './sprint';
import { type DoneSquare, doneSquares, lastSquareDone } from './team-flow';
import type { Workflow } from './workflow';
import { changesBetween, type WorkflowChange, type WorkflowVersion } from './workflow-changes';

/** A stage at or over its limit on more than this share of the Sprint's working days is worth a question. */
export const FULL_MOST_DAYS = 0.5;
/** A stage holding at least this share of the days of cycle time waiting (or blocked) there is worth a question. */
export const WAITING_SHARE = 0.25;
/** A fall of the SLE hit rate by at least this many points (of 100) is worth a question. */
export const SLE_FALL_POINTS = 10;
/** Reasons of blocks the retrospective names. */
export const TOP_REASONS = 3;
/** Questions to inspect and adapt the Definition of Workflow: a few the Nexus can take on, not a list. */
export const MAX_QUESTIONS = 3;

/** Cycle times' median and 85th percentile (nearest rank); null when nothing finished. */
export type Spread = { count: number; p50: number | null; p85: number | null };
/** How many finished within their SLE, of those that had one to be judged by. */
export type SleHits = { within: number; judged: number };
export type TeamSprint = { team: string; done: Spread; sle: SleHits };
/** A stage with a WIP limit over the Sprint's working days: days at or over it (`full`), days over it, the most held. */
export type StageBreach = { stage: string; limit: number; full: number; over: number; most: number };
export type IntegrationWait = { key: string; days: number };

/** One Sprint's flow, as the Nexus Sprint Retrospective inspects it. */
export type SprintFlow = {
  sprint: Sprint;
  /** the Sprint's working days counted so far (a Sprint inspected on its last working day is not over) */
  workingDays: number;
  /** PBIs integrated (finished) and their cycle times */
  finished: Spread;
  sle: SleHits;
  teams: TeamSprint[];
  /** stages with a WIP limit, most days full first */
  breaches: StageBreach[];
  blocked: { days: number; pbis: number; reasons: ReasonGroup[] };
  /** days from a PBI's last team square done to its integration, for the PBIs it finished with team squares */
  integration: Spread & { longest: IntegrationWait | null };
  efficiency: FlowEfficiency;
  changes: WorkflowChange[];
};

/** A question to inspect and adapt the Definition of Workflow, from what the Sprint's numbers show. */
export type RetroQuestion =
  | { kind: 'stage-full'; stage: string; limit: number; days: number; of: number; over: number }
  | { kind: 'stage-waits'; stage: string; days: number; share: number }
  | { kind: 'sle-falling'; from: number; to: number }
  | { kind: 'integration-rising'; from: number; to: number }
  | { kind: 'blocked-rising'; from: number; to: number; reason: string | null };

export type Retro = { now: SprintFlow; before: SprintFlow | null; questions: RetroQuestion[] };

/**
 * What the retrospective reads, for both Sprints: PBIs touched since the earlier one began (and open ones), their
 * flow histories and blocks, each stage's count at the end of each day, and the Definition of Workflow's versions.
 */
export type RetroHistory = {
  zone: string;
  today: CalendarDate;
  now: DateTime;
  workingDays: readonly Weekday[];
  teams: readonly string[];
  workflow: Workflow;
  pbis: readonly Pbi[];
  /** the SLE a PBI is judged by: the Nexus's in force now, or its class's own */
  sleOf: (pbi: Pbi) => Sle;
  teamSles: ReadonlyMap<string, Sle>;
  histories: readonly FlowHistory[];
  spans: readonly BlockSpan[];
  stageCounts: readonly StageCount[];
  versions: readonly WorkflowVersion[];
  changes: readonly WorkflowChange[];
};

/** The Nexus Sprint Retrospective: the Sprint under review, the one before (null: the first), questions from both. */
export function sprintRetro(history: RetroHistory, sprint: Sprint, before: Sprint | null): Retro {
  // one walk of every square for both Sprints: a large Nexus has thousands of PBIs touched since
  const squares = doneSquares(history.pbis, { from: (before ?? sprint).first, to: history.today }, history.zone);
  const now = sprintFlow(history, sprint, squares);
  const earlier = before && sprintFlow(history, before, squares);
  return { now, before: earlier, questions: retroQuestions(now, earlier) };
}

/** One Sprint's numbers, its days counted up to today; `squares`: the squares done in it (and others). */
function sprintFlow(h: RetroHistory, sprint: Sprint, squares: readonly DoneSquare[]): SprintFlow {
  const window: DateWindow = { from: sprint.first, to: sprint.last < h.today ? sprint.last : h.today };
  const inSprint = (date: CalendarDate) => date >= window.from && date <= window.to;
  const finished = h.pbis.flatMap((pbi) => {
    const days = cycleTime(pbi, h.zone);
    return days !== null && inSprint(localDate(pbi.finishedAt!, h.zone)) ? [{ pbi, days }] : [];
  });
  const workingDays = countedDays(window, h.workingDays);
  const teamTimes = new Map(h.teams.map((t) => [t, [] as number[]]));
  for (const s of squares) if (inSprint(s.done)) teamTimes.get(s.team)?.push(s.days);
  const blocked = blockedInWindow(h.spans, h.now, h.zone, window);
  return {
    sprint,
    workingDays: workingDays.length,
    finished: spread(finished.map((f) => f.days)),
    sle: sleHits(finished.map((f) => [f.days, h.sleOf(f.pbi)])),
    teams: h.teams.map((team) => {
      const times = teamTimes.get(team)!;
      const sle = h.teamSles.get(team);
      return { team, done: spread(times), sle: sleHits(sle ? times.map((t) => [t, sle]) : []) };
    }),
    breaches: stageBreaches(h, workingDays),
    blocked: {
      days: blocked.reduce((n, p) => n + p.days, 0),
      pbis: blocked.length,
      reasons: groupReasons(h.spans, h.now, h.zone, window).slice(0, TOP_REASONS),
    },
    integration: integrationWaits(
      finished.map((f) => f.pbi),
      h.zone,
    ),
    efficiency: flowEfficiency(
      h.histories.filter((x) => inSprint(localDate(DateTime.fromMillis(x.finishedAt), h.zone))),
      h.workflow,
      h.zone,
    ),
    changes: changesBetween(h.changes, sprint.first, sprint.last),
  };
}

function spread(values: readonly number[]): Spread {
  return { count: values.length, p50: percentile(values, 0.5) ?? null, p85: percentile(values, 0.85) ?? null };
}

/** Cycle times against the SLE each was judged by; an SLE without enough history judges nothing. */
function sleHits(judged: readonly [number, Sle][]): SleHits {
  const withSle = judged.filter(([, sle]) => sle.kind !== 'not-enough-history');
  return {
    within: withSle.filter(([days, sle]) => sle.kind !== 'not-enough-history' && days <= sle.days).length,
    judged: withSle.length,
  };
}

/** The share within the SLE in points of 100, rounded; null when nothing was judged. */
export function hitRate({ within, judged }: SleHits): number | null {
  return judged ? Math.round((within / judged) * 100) : null;
}

/** The window's working days (the Nexus's digest days). */
function countedDays(window: DateWindow, workingDays: readonly Weekday[]): CalendarDate[] {
  return datesFrom(window.from, window.to).filter((day) => workingDays.includes(weekdayOf(day)));
}

/**
 * Each stage's count at the end of each working day against the WIP limit in force that day (the Definition of
 * Workflow as it stood at the day's end): stages that had a limit on some day, most days full first.
 */
function stageBreaches(h: RetroHistory, days: readonly CalendarDate[]): StageBreach[] {
  const counts = new Map(h.stageCounts.map((c) => [`${c.date}|${c.stage}`, c.count]));
  const breaches = new Map<string, StageBreach>();
  for (const day of days) {
    const workflow = workflowOn(h.versions, day, h.zone) ?? h.workflow;
    for (const { name, wipLimit } of workflow.stages) {
      if (wipLimit === null) continue;
      const count = counts.get(`${day}|${name}`) ?? 0;
      const b = breaches.get(name) ?? { stage: name, limit: wipLimit, full: 0, over: 0, most: 0 };
      // the limit the Sprint ended with names the stage's line
      b.limit = wipLimit;
      if (count >= wipLimit) b.full++;
      if (count > wipLimit) b.over++;
      b.most = Math.max(b.most, count);
      breaches.set(name, b);
    }
  }
  return [...breaches.values()].sort((a, b) => b.full - a.full || b.over - a.over || a.stage.localeCompare(b.stage));
}

/** The Definition of Workflow at the end of a day: the last version made on or before it. */
function workflowOn(versions: readonly WorkflowVersion[], day: CalendarDate, zone: string): Workflow | null {
  let found: Workflow | null = null;
  for (const v of versions) if (localDate(v.at, zone) <= day) found = v.workflow;
  return found;
}

/** Days from the last team square done to the PBI's integration (calendar days; the same day is 0). */
function integrationWaits(finished: readonly Pbi[], zone: string): SprintFlow['integration'] {
  const waits = finished
    .filter((p) => p.squares.length && p.squares.every((s) => s.doneAt))
    .map((p) => ({ key: p.key, days: daysBetween(lastSquareDone(p, zone), localDate(p.finishedAt!, zone)) }));
  const longest = waits.reduce<IntegrationWait | null>((a, w) => (!a || w.days > a.days ? w : a), null);
  return { ...spread(waits.map((w) => w.days)), longest };
}

/**
 * At most MAX_QUESTIONS questions, the strongest signal first: a stage at or over its WIP limit most working days,
 * a stage holding a large share of cycle time waiting, then against the Sprint before: the SLE hit rate falling,
 * integration waits rising, blocked days rising.
 */
export function retroQuestions(now: SprintFlow, before: SprintFlow | null): RetroQuestion[] {
  const questions: RetroQuestion[] = [];
  for (const b of now.breaches)
    if (now.workingDays && b.full / now.workingDays > FULL_MOST_DAYS)
      questions.push({
        kind: 'stage-full',
        stage: b.stage,
        limit: b.limit,
        days: b.full,
        of: now.workingDays,
        over: b.over,
      });
  const e = now.efficiency;
  const [waits] = e.stages;
  if (waits && e.cycleTime && (waits.waiting + waits.blocked) / e.cycleTime >= WAITING_SHARE)
    questions.push({
      kind: 'stage-waits',
      stage: waits.stage,
      days: waits.waiting + waits.blocked,
      share: (waits.waiting + waits.blocked) / e.cycleTime,
    });
  if (before) questions.push(...comparedQuestions(now, before));
  return questions.slice(0, MAX_QUESTIONS);
}

function comparedQuestions(now: SprintFlow, before: SprintFlow): RetroQuestion[] {
  const questions: RetroQuestion[] = [];
  const [hitNow, hitBefore] = [hitRate(now.sle), hitRate(before.sle)];
  if (hitNow !== null && hitBefore !== null && hitBefore - hitNow >= SLE_FALL_POINTS)
    questions.push({ kind: 'sle-falling', from: hitBefore, to: hitNow });
  const [waitNow, waitBefore] = [now.integration.p50, before.integration.p50];
  if (waitNow !== null && waitBefore !== null && waitNow > waitBefore)
    questions.push({ kind: 'integration-rising', from: waitBefore, to: waitNow });
  if (now.blocked.days > before.blocked.days && now.blocked.days > 0)
    questions.push({
      kind: 'blocked-rising',
      from: before.blocked.days,
      to: now.blocked.days,
      reason: now.blocked.reasons[0]?.reason ?? null,
    });
  return questions;
}
