import {
  agingChartSpec,
  cfdChartSpec,
  cycleTimeHistogramSpec,
  type PercentileLine,
  scatterChartSpec,
  stagesChartSpec,
  throughputChartSpec,
  wipChartSpec,
} from '../../charts/flow-charts';
import { withWorkflowMarks } from '../../charts/workflow-marks';
import { addDays, type CalendarDate, datesFrom, localDate } from '../../domain/calendar';
import { cumulativeFlow, fromFirstPbi, type StageCount } from '../../domain/cumulative-flow';
import { cycleTime, nexusThroughput, percentile, teamThroughput, windowEnding } from '../../domain/flow-metrics';
import type { FlowDates } from '../../domain/pbi';
import { cycleTimesInWindow } from '../../domain/sle';
import { lastFinishedSprint, type Sprint, type SprintProblem, sprintInstants } from '../../domain/sprint';
import { doneSquares, teamAgingSquares, teamWipDates } from '../../domain/team-flow';
import { type StageTime, stageTimes } from '../../domain/time-in-stage';
import {
  type DayWip,
  fromFirstWip,
  type SummedWipLimit,
  stretchesInFlow,
  summedWipLimit,
  wipPerDay,
} from '../../domain/wip-per-day';
import { inProgressStages, isFinishedStage } from '../../domain/workflow';
import {
  changesBetween,
  type WorkflowChange,
  type WorkflowVersion,
  workflowChanges,
  workflowEachDay,
} from '../../domain/workflow-changes';
import { code } from '../../render/blocks';
import { refuse } from '../../render/problems';
import { ephemeral, type Reply } from '../../render/reply';
import { count, formatDate } from '../../render/words';
import { defineCommand, invalid, isInvalid, type NexusContext } from '../command';
import { type FlowView, loadFlowView, startOfDay } from '../flow-view';
import { knownTeam, loadTeamFlow, type TeamFlow, takeTeam, type UnknownTeam } from '../team-flow';

const KINDS = ['aging', 'scatter', 'histogram', 'throughput', 'cfd', 'wip', 'stages'] as const;
/** Days a cumulative flow diagram and a WIP run chart show. */
const CFD_DAYS = 60;
type Kind = (typeof KINDS)[number];
/** The charts a team has of its own: its squares' aging, cycle times and throughput. */
const TEAM_KINDS: readonly Kind[] = ['aging', 'scatter', 'histogram', 'throughput', 'wip', 'stages'];
const usage = `/flow chart ${KINDS.join('|')} [--team <team>] [--sprint]`;
const PERCENTILES = [50, 70, 85, 95];
/** Charts whose x axis is dates: the days the Definition of Workflow changed are drawn on them. */
const DATE_AXES: readonly Kind[] = ['scatter', 'throughput', 'cfd', 'wip'];

/** `sprint`: the last finished Sprint (`--sprint`) and the PBIs it finished; null: the usual window. */
type InSprint = { sprint: Sprint; finished: readonly FlowDates[] };
type Outcome =
  | {
      kind: Kind;
      view: FlowView;
      flow: StageCount[];
      wip: WipDays;
      stages: StagesSpent;
      team: TeamFlow | null;
      sprint: InSprint | null;
      /** the days the Definition of Workflow changed, every one */
      changes: WorkflowChange[];
    }
  | UnknownTeam
  | SprintProblem;

export const flowChart = defineCommand<{ kind: Kind; team: string | null; sprint: boolean }, Outcome>({
  path: ['flow', 'chart'],
  usage,
  summary:
    'a chart as an image: aging WIP, cycle-time scatter, cycle-time histogram, throughput run chart, cumulative ' +
    "flow, WIP run chart, or days spent per stage (the console writes a PNG); `--team`: a team's squares; " +
    "`--sprint`: the last Sprint's (all but aging)",
  scope: 'nexus',
  nitOnly: false,
  parse(words) {
    const taken = takeTeam(words);
    if (isInvalid(taken)) return taken;
    const sprint = taken.rest.some((w) => w.toLowerCase() === '--sprint');
    const { team } = taken;
    const rest = taken.rest.filter((w) => w.toLowerCase() !== '--sprint');
    const kind = rest[0]?.toLowerCase() as Kind;
    if (rest.length !== 1 || !KINDS.includes(kind)) return invalid(`Name one chart: ${KINDS.map(code).join(', ')}.`);
    if (team !== null && !TEAM_KINDS.includes(kind))
      return invalid(`A team has ${TEAM_KINDS.map(code).join(', ')} charts; ${code(kind)} is the Nexus's alone.`);
    // aging WIP is the work in progress now: a finished Sprint has none left to age
    if (sprint && kind === 'aging')
      return invalid('`/flow chart aging` is the work in progress today; `--sprint` goes with every other chart.');
    if (sprint && team !== null) return invalid("`--sprint` charts the Nexus's PBIs; leave out `--team` with it.");
    return { kind, team, sprint };
  },
  async execute({ kind, team: name, sprint: asked }, ctx) {
    const team = name === null ? null : knownTeam(ctx, name);
    if (team !== null && typeof team !== 'string') return team;
    const view = await loadFlowView(ctx);
    const sprint = asked ? lastFinishedSprint(ctx.nexus.forecast, view.today) : null;
    if (sprint && 'problem' in sprint) return sprint;
    const days = sprint ? { from: sprint.first, to: sprint.last } : windowEnding(view.today, CFD_DAYS);
    const versions = await ctx.store.nexuses.workflowHistory(ctx.nexus.id);
    // a team's WIP run reaches back to the chart's first day, which may be before the SLE window
    const teamFlow = team === null ? null : await loadTeamFlow(ctx, team, days.from);
    const wip = kind !== 'wip' ? null : teamFlow ? teamWip(ctx, teamFlow, days) : await loadWip(ctx, days, versions);
    return {
      kind,
      view,
      flow: kind === 'cfd' ? await loadCumulativeFlow(ctx, days) : [],
      wip: wip ?? { days: [], limits: [] },
      stages: kind === 'stages' ? await loadStageTimes(ctx, sprint, teamFlow) : { times: [], finished: 0 },
      team: teamFlow,
      sprint: sprint ? { sprint, finished: await finishedIn(ctx, sprint) } : null,
      changes: workflowChanges(versions, ctx.nexus.timeZone),
    };
  },
  render: (outcome) => ('problem' in outcome ? refuse(outcome, usage) : chartReply(outcome)),
});

/** The PBIs finished in the Sprint, read from its first day (the SLE's window may not reach back that far). */
async function finishedIn(ctx: NexusContext, sprint: Sprint): Promise<FlowDates[]> {
  const { nexus } = ctx;
  const finished = await ctx.store.pbis.finishedSince(nexus.id, sprintInstants(sprint, nexus.timeZone).from);
  return finished.filter((p) => localDate(p.finishedAt!, nexus.timeZone) <= sprint.last);
}

/** Cycle-time percentiles of the SLE window, the lines charts draw. */
export function percentileLines(view: FlowView): PercentileLine[] {
  return linesOf(windowCycleTimes(view));
}

function windowCycleTimes(view: FlowView): number[] {
  return cycleTimesInWindow(view.finished, view.today, view.nexus.timeZone, view.nexus.sle.historyDays);
}

function linesOf(times: readonly number[]): PercentileLine[] {
  return times.length ? PERCENTILES.map((p) => ({ percentile: p, days: percentile(times, p / 100)! })) : [];
}

export function agingChart(view: FlowView) {
  const { nexus } = view;
  const dots = view.open.flatMap((p) => {
    const age = view.ageOf(p)?.age;
    return age === undefined ? [] : [{ key: p.key, stage: p.stage, age }];
  });
  const title = `${nexus.name} · aging WIP (${dots.length} in progress)`;
  return {
    title,
    spec: agingChartSpec(
      title,
      inProgressStages(nexus.workflow).map((s) => s.name),
      dots,
      percentileLines(view),
    ),
  };
}

/**
 * The aging chart with the days the Definition of Workflow changed in the SLE window (which its percentile lines rest
 * on) named under its title, as `/flow chart aging` draws it: for the digest's thread.
 */
export function markedAgingChart(view: FlowView, changes: readonly WorkflowChange[]) {
  const { from, to } = windowEnding(view.today, view.nexus.sle.historyDays);
  const drawn = agingChart(view);
  return { ...drawn, spec: withWorkflowMarks(drawn.spec, changesBetween(changes, from, to), false) };
}

/**
 * Stage counts per day for the last CFD_DAYS days (from the day before the first PBI, for a younger Nexus), walked back
 * from today's counts through the window's events.
 */
export async function loadCumulativeFlow(
  ctx: NexusContext,
  { from, to }: { from: CalendarDate; to: CalendarDate },
): Promise<StageCount[]> {
  const { nexus, store } = ctx;
  // the stages are walked back from today's counts, so every change since the first day shown is read
  const since = startOfDay(nexus, from);
  const [now, touched, changes] = await Promise.all([
    store.pbis.countByStage(nexus.id),
    store.pbis.listForFlow(nexus.id, since),
    store.pbis.stageChangesSince(nexus.id, since),
  ]);
  const current = new Map(touched.map((p) => [p.key, { stage: p.stage, discarded: p.discardedAt !== null }]));
  return fromFirstPbi(
    cumulativeFlow(
      now,
      current,
      changes,
      datesFrom(from, to),
      nexus.workflow.stages.map((s) => s.name),
      nexus.timeZone,
    ),
  );
}

/** WIP at the end of each day shown, and the WIP limits summed under the Definition of Workflow of that day. */
type WipDays = { days: DayWip[]; limits: (SummedWipLimit | null)[] };

/** A team's WIP at the end of each day shown: its squares started and not done (a team has no WIP limit). */
function teamWip(ctx: NexusContext, flow: TeamFlow, { from, to }: { from: CalendarDate; to: CalendarDate }): WipDays {
  const days = fromFirstWip(wipPerDay(teamWipDates(flow.pbis, flow.team), datesFrom(from, to), ctx.nexus.timeZone));
  return { days, limits: days.map(() => null) };
}

/** WIP at the end of each day shown (from the day before the first WIP, for a younger Nexus), and its limit. */
async function loadWip(
  ctx: NexusContext,
  { from, to }: { from: CalendarDate; to: CalendarDate },
  versions: readonly WorkflowVersion[],
): Promise<WipDays> {
  const { nexus } = ctx;
  const since = startOfDay(nexus, from);
  const finished = nexus.workflow.stages.filter((s) => isFinishedStage(nexus.workflow, s.name)).map((s) => s.name);
  const [pbis, reopened] = await Promise.all([
    ctx.store.pbis.listForFlow(nexus.id, since),
    ctx.store.pbis.reopenedSince(nexus.id, since, finished),
  ]);
  // a PBI reopened in the window is WIP in each of its stretches in flow, not from its first start on
  const inFlow = pbis.flatMap((p) => {
    const entries = reopened.get(p.key);
    return entries ? stretchesInFlow(p, entries, nexus.workflow) : [p];
  });
  const days = fromFirstWip(wipPerDay(inFlow, datesFrom(from, to), nexus.timeZone));
  const workflows = workflowEachDay(
    versions,
    nexus.workflow,
    days.map((d) => d.date),
    nexus.timeZone,
  );
  return { days, limits: workflows.map(summedWipLimit) };
}

type StagesSpent = { times: StageTime[]; finished: number };

/** Days the PBIs finished in the SLE window (or the Sprint) spent in each stage in progress. */
async function loadStageTimes(ctx: NexusContext, sprint: Sprint | null, team: TeamFlow | null): Promise<StagesSpent> {
  const { nexus } = ctx;
  const from = sprint ? sprint.first : windowEnding(localDate(ctx.now(), nexus.timeZone), nexus.sle.historyDays).from;
  const read = await ctx.store.pbis.flowHistoriesSince(nexus.id, startOfDay(nexus, from));
  const last = sprint && startOfDay(nexus, addDays(sprint.last, 1)).toMillis();
  // a team's: the PBIs that needed it (its flow holds every PBI finished in the SLE window)
  const needing =
    team && new Set(team.pbis.filter((p) => p.squares.some((s) => s.team === team.team)).map((p) => p.key));
  const histories = read.filter((h) => (!last || h.finishedAt < last) && (!needing || needing.has(h.key)));
  const stages = inProgressStages(nexus.workflow).map((s) => s.name);
  return { times: stageTimes(histories, stages, nexus.timeZone), finished: histories.length };
}

type Drawn = Exclude<Outcome, UnknownTeam | SprintProblem>;

function chartReply({ kind, view, flow, wip, stages, team, sprint: inSprint, changes }: Drawn): Reply {
  const { nexus } = view;
  const charts = { aging: agingChart, scatter, histogram, throughput, cfd, wip: wipChart, stages: stagesChart };
  // a team's WIP and days in stages are drawn as the Nexus's, from its squares and the PBIs needing it
  const who = team ? `${nexus.name} · ${team.team}` : nexus.name;
  const drawn = team && kind !== 'wip' && kind !== 'stages' ? teamChart(kind, view, team) : charts[kind](view);
  const { title } = drawn;
  const spec = withWorkflowMarks(drawn.spec, marksShown(), DATE_AXES.includes(kind));
  const when = inSprint ? `sprint-${inSprint.sprint.number}` : view.today;
  const fileName = `${kind}${team ? `-${fileSafe(team.team)}` : ''}-${when}.png`;
  return {
    ...ephemeral(`${title}: the chart follows as an image.`),
    chart: { title, fileName, spec, requested: true },
  };

  /**
   * Charts over dates get every change (the plot shows those on its days); the others name those of the days their
   * data comes from: the Sprint's, or the SLE window's.
   */
  function marksShown() {
    if (DATE_AXES.includes(kind)) return changes;
    const { from, to } = inSprint
      ? { from: inSprint.sprint.first, to: inSprint.sprint.last }
      : windowEnding(view.today, nexus.sle.historyDays);
    return changesBetween(changes, from, to);
  }

  /** "Sprint 2 (Thu 12 Mar – Sat 21 Mar)" */
  function sprintName({ number, first, last }: Sprint): string {
    return `Sprint ${number} (${formatDate(first, view.today)} – ${formatDate(last, view.today)})`;
  }

  /** Each finished PBI's finish date and cycle time. */
  function dotsOf(finished: readonly FlowDates[]) {
    return finished.flatMap((p) => {
      const days = cycleTime(p, nexus.timeZone);
      return days === null ? [] : [{ finished: localDate(p.finishedAt!, nexus.timeZone), days }];
    });
  }

  /** The PBIs the last Sprint finished, as dots (with `--sprint` only). */
  function sprintDots() {
    return dotsOf(inSprint!.finished);
  }

  function scatter(v: FlowView) {
    const dots = inSprint ? sprintDots() : dotsOf(v.finished);
    const when = inSprint ? `finished in ${sprintName(inSprint.sprint)}` : `of the last ${nexus.sle.historyDays} days`;
    const t = `${nexus.name} · cycle times ${when} (${count(dots.length, 'PBI')})`;
    // in a Sprint, the lines are its own cycle times' percentiles, as /flow sle --sprint gives them
    const lines = inSprint ? linesOf(dots.map((d) => d.days)) : percentileLines(v);
    return { title: t, spec: scatterChartSpec(t, dots, lines) };
  }

  function histogram(v: FlowView) {
    const times = inSprint ? sprintDots().map((d) => d.days) : windowCycleTimes(v);
    const when = inSprint ? `finished in ${sprintName(inSprint.sprint)}` : `of the last ${nexus.sle.historyDays} days`;
    const t = `${nexus.name} · cycle-time histogram ${when} (${count(times.length, 'PBI')})`;
    return { title: t, spec: cycleTimeHistogramSpec(t, times, linesOf(times)) };
  }

  function cfd() {
    const days = new Set(flow.map((c) => c.date)).size;
    const t = inSprint
      ? `${nexus.name} · cumulative flow in ${sprintName(inSprint.sprint)}`
      : days < CFD_DAYS
        ? `${nexus.name} · cumulative flow since ${formatDate(flow[0]?.date ?? view.today, view.today)}`
        : `${nexus.name} · cumulative flow, last ${CFD_DAYS} days`;
    return {
      title: t,
      spec: cfdChartSpec(
        t,
        nexus.workflow.stages.map((s) => s.name),
        flow,
      ),
    };
  }

  function wipChart() {
    // the line is each day's limit; the title and the label say the last day's
    const summed = wip.limits.at(-1) ?? null;
    const label = summed && `limit ${summed.limit}${summed.unlimited.length ? '+' : ''}`;
    const limits = wip.days.map((d, i) => ({ date: d.date, limit: wip.limits[i]?.limit ?? null }));
    const when = inSprint
      ? `in ${sprintName(inSprint.sprint)}`
      : `since ${formatDate(wip.days[0]?.date ?? view.today, view.today)}`;
    const what = team ? 'squares started and not done' : limitNote(summed);
    const t = `${who} · ${team ? 'squares in progress' : 'WIP'} per day ${when} (${what})`;
    return { title: t, spec: wipChartSpec(t, wip.days, limits, label) };
  }

  function stagesChart() {
    const when = inSprint ? sprintName(inSprint.sprint) : `the last ${nexus.sle.historyDays} days`;
    const needing = team ? ` needing ${team.team}` : '';
    const t = `${who} · days in each stage of ${count(stages.finished, 'PBI')}${needing} finished in ${when}`;
    return { title: t, spec: stagesChartSpec(t, stages.times) };
  }

  function throughput(v: FlowView) {
    if (inSprint) {
      const { first, last } = inSprint.sprint;
      const t = `${nexus.name} · PBIs finished per day in ${sprintName(inSprint.sprint)}`;
      return {
        title: t,
        spec: throughputChartSpec(t, nexusThroughput(inSprint.finished, first, last, nexus.timeZone)),
      };
    }
    const { from, to } = windowEnding(addDays(v.today, -1), nexus.sle.historyDays);
    const t = `${nexus.name} · PBIs finished per day, ${formatDate(from, v.today)} – ${formatDate(to, v.today)}`;
    return { title: t, spec: throughputChartSpec(t, nexusThroughput(v.finished, from, to, nexus.timeZone)) };
  }
}

/** A team's chart: its squares in progress by their PBI's stage and age, its squares' cycle times, or squares done. */
function teamChart(kind: Kind, view: FlowView, flow: TeamFlow) {
  const { nexus } = view;
  const zone = nexus.timeZone;
  const lines = linesOf(flow.times);
  if (kind === 'aging') {
    const squares = teamAgingSquares(view.open, flow.team, flow.sle, view.today, zone);
    const dots = squares.map(({ pbi, age }) => ({ key: pbi.key, stage: pbi.stage, age }));
    const title = `${nexus.name} · ${flow.team} · aging squares (${dots.length} in progress)`;
    // a team may work on a PBI before the Nexus's flow starts it: that stage gets a column too
    const inProgress = new Set(inProgressStages(nexus.workflow).map((s) => s.name));
    const held = new Set(dots.map((d) => d.stage));
    const stages = nexus.workflow.stages.map((s) => s.name).filter((s) => inProgress.has(s) || held.has(s));
    return { title, spec: agingChartSpec(title, stages, dots, lines) };
  }
  if (kind === 'scatter') {
    const dots = doneSquares(flow.pbis, flow.window, zone)
      .filter((d) => d.team === flow.team)
      .map((d) => ({ finished: d.done, days: d.days }));
    const last = `last ${nexus.sle.historyDays} days (${count(dots.length, 'square')})`;
    const title = `${nexus.name} · ${flow.team} · cycle times of squares, ${last}`;
    return { title, spec: scatterChartSpec(title, dots, lines) };
  }
  if (kind === 'histogram') {
    const last = `last ${nexus.sle.historyDays} days (${count(flow.times.length, 'square')})`;
    const title = `${nexus.name} · ${flow.team} · cycle-time histogram of squares, ${last}`;
    return { title, spec: cycleTimeHistogramSpec(title, flow.times, lines) };
  }
  const { from, to } = windowEnding(addDays(view.today, -1), nexus.sle.historyDays);
  const dates = `${formatDate(from, view.today)} – ${formatDate(to, view.today)}`;
  const title = `${nexus.name} · ${flow.team} · squares done per day, ${dates}`;
  return { title, spec: throughputChartSpec(title, teamThroughput(flow.pbis, flow.team, from, to, zone)) };
}

/** What the WIP chart's limit line is: each day's stage limits summed, and which stages have none on the last. */
function limitNote(summed: SummedWipLimit | null): string {
  if (!summed) return 'no stage in progress has a WIP limit';
  const without = summed.unlimited.join(', ');
  return `limit: the stages' WIP limits of each day summed${without ? `, ${without} without one` : ''}`;
}

/** A team's name as part of a file name: spaces and dots as hyphens. */
function fileSafe(name: string): string {
  return name.replace(/[^\p{L}\p{N}_-]+/gu, '-');
}
