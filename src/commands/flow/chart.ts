import {
  agingChartSpec,
  cfdChartSpec,
  type PercentileLine,
  scatterChartSpec,
  throughputChartSpec,
} from '../../charts/flow-charts';
import { addDays, datesFrom, localDate } from '../../domain/calendar';
import { cumulativeFlow, fromFirstPbi, type StageCount } from '../../domain/cumulative-flow';
import { cycleTime, nexusThroughput, percentile, windowEnding } from '../../domain/flow-metrics';
import { cycleTimesInWindow } from '../../domain/sle';
import { inProgressStages } from '../../domain/workflow';
import { code } from '../../render/blocks';
import { ephemeral, type Reply } from '../../render/reply';
import { count, formatDate } from '../../render/words';
import { defineCommand, invalid, type NexusContext } from '../command';
import { type FlowView, loadFlowView, startOfDay, today } from '../flow-view';

const KINDS = ['aging', 'scatter', 'throughput', 'cfd'] as const;
/** Days a cumulative flow diagram shows. */
const CFD_DAYS = 60;
type Kind = (typeof KINDS)[number];
const usage = `/flow chart ${KINDS.join('|')}`;
const PERCENTILES = [50, 70, 85, 95];

type Outcome = { kind: Kind; view: FlowView; flow: StageCount[] };

export const flowChart = defineCommand<{ kind: Kind }, Outcome>({
  path: ['flow', 'chart'],
  usage,
  summary:
    'a chart as an image: aging WIP, cycle-time scatter, throughput run chart or cumulative flow (the console writes a PNG)',
  scope: 'nexus',
  nitOnly: false,
  parse(words) {
    const kind = words[0]?.toLowerCase() as Kind;
    if (words.length !== 1 || !KINDS.includes(kind)) return invalid(`Name one chart: ${KINDS.map(code).join(', ')}.`);
    return { kind };
  },
  execute: async ({ kind }, ctx) => ({
    kind,
    view: await loadFlowView(ctx),
    flow: kind === 'cfd' ? await loadCumulativeFlow(ctx) : [],
  }),
  render: chartReply,
});

/** Cycle-time percentiles of the SLE window, the lines charts draw. */
export function percentileLines(view: FlowView): PercentileLine[] {
  const times = cycleTimesInWindow(view.finished, view.today, view.nexus.timeZone, view.nexus.sle.historyDays);
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
 * Stage counts per day for the last CFD_DAYS days (from the day before the first PBI, for a younger Nexus), walked back
 * from today's counts through the window's events.
 */
async function loadCumulativeFlow(ctx: NexusContext): Promise<StageCount[]> {
  const { nexus, store } = ctx;
  const { from, to } = windowEnding(today(ctx), CFD_DAYS);
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

function chartReply({ kind, view, flow }: Outcome): Reply {
  const { nexus } = view;
  const charts = { aging: agingChart, scatter, throughput, cfd };
  const { title, spec } = charts[kind](view);
  return {
    ...ephemeral(`${title}: the chart follows as an image.`),
    chart: { title, fileName: `${kind}-${view.today}.png`, spec, requested: true },
  };

  function scatter(v: FlowView) {
    const dots = v.finished.flatMap((p) => {
      const days = cycleTime(p, nexus.timeZone);
      return days === null ? [] : [{ finished: localDate(p.finishedAt!, nexus.timeZone), days }];
    });
    const t = `${nexus.name} · cycle times of the last ${nexus.sle.historyDays} days (${count(dots.length, 'PBI')})`;
    return { title: t, spec: scatterChartSpec(t, dots, percentileLines(v)) };
  }

  function cfd() {
    const days = new Set(flow.map((c) => c.date)).size;
    const t =
      days < CFD_DAYS
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

  function throughput(v: FlowView) {
    const { from, to } = windowEnding(addDays(v.today, -1), nexus.sle.historyDays);
    const t = `${nexus.name} · PBIs finished per day, ${formatDate(from, v.today)} – ${formatDate(to, v.today)}`;
    return { title: t, spec: throughputChartSpec(t, nexusThroughput(v.finished, from, to, nexus.timeZone)) };
  }
}
