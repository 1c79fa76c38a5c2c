import { agingChartSpec, scatterChartSpec, throughputChartSpec, type PercentileLine } from '../../charts/flow-charts';
import { addDays, localDate } from '../../domain/calendar';
import { cycleTime, nexusThroughput, percentile, windowEnding } from '../../domain/flow-metrics';
import { inProgressStages } from '../../domain/workflow';
import { cycleTimesInWindow } from '../../domain/sle';
import { defineCommand, invalid } from '../command';
import { loadFlowView, type FlowView } from '../flow-view';
import { ephemeral, type Reply } from '../reply';

const KINDS = ['aging', 'scatter', 'throughput'] as const;
type Kind = (typeof KINDS)[number];
const usage = `/flow chart ${KINDS.join('|')}`;
const PERCENTILES = [50, 70, 85, 95];

export const flowChart = defineCommand<{ kind: Kind }, { kind: Kind; view: FlowView }>({
  path: ['flow', 'chart'],
  usage,
  summary: 'a chart as an image: aging WIP, cycle-time scatter or throughput run chart (the console writes a PNG)',
  scope: 'nexus',
  nitOnly: false,
  parse(words) {
    const kind = words[0]?.toLowerCase() as Kind;
    if (words.length !== 1 || !KINDS.includes(kind)) return invalid(`Name one chart: ${KINDS.map((k) => `\`${k}\``).join(', ')}.`);
    return { kind };
  },
  execute: async ({ kind }, ctx) => ({ kind, view: await loadFlowView(ctx) }),
  render: ({ kind, view }) => chartReply(kind, view),
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
  return { title, spec: agingChartSpec(title, inProgressStages(nexus.workflow).map((s) => s.name), dots, percentileLines(view)) };
}

function chartReply(kind: Kind, view: FlowView): Reply {
  const { nexus } = view;
  const { title, spec } = kind === 'aging' ? agingChart(view) : kind === 'scatter' ? scatter(view) : throughput(view);
  return { ...ephemeral(`${title}: the chart follows as an image.`), chart: { title, fileName: `${kind}-${view.today}.png`, spec, requested: true } };

  function scatter(v: FlowView) {
    const dots = v.finished.flatMap((p) => {
      const days = cycleTime(p, nexus.timeZone);
      return days === null ? [] : [{ finished: localDate(p.finishedAt!, nexus.timeZone), days }];
    });
    const t = `${nexus.name} · cycle times of the last ${nexus.sle.historyDays} days (${dots.length} PBIs)`;
    return { title: t, spec: scatterChartSpec(t, dots, percentileLines(v)) };
  }

  function throughput(v: FlowView) {
    const { from, to } = windowEnding(addDays(v.today, -1), nexus.sle.historyDays);
    const t = `${nexus.name} · PBIs finished per day, ${from} – ${to}`;
    return { title: t, spec: throughputChartSpec(t, nexusThroughput(v.finished, from, to, nexus.timeZone)) };
  }
}
