import { barsWithLinesSpec, binned } from './forecast-histogram';
import type { VegaSpec } from './render-png';

export type PercentileLine = { percentile: number; days: number };
export type AgingDot = { key: string; stage: string; age: number };
export type CycleDot = { finished: string; days: number };
export type DayCount = { date: string; count: number };

const WIDTH = 640;
const HEIGHT = 320;
const LINE_COLOURS = { 50: '#54a24b', 70: '#eeca3b', 85: '#f58518', 95: '#e45756' } as Record<number, string>;
/** Pixels between two percentile labels' middles (11 px text): closer lines get their labels pushed apart. */
const LABEL_GAP = 13;

/**
 * Day and count axes tick whole numbers ("0.2 days" means nothing here), and their scale reaches at least 1, so an
 * empty or all-zero chart shows 0 and 1 rather than one bare "0.000000".
 */
const WHOLE_TICKS = { tickMinStep: 1, format: 'd' };
const wholeDomain = (values: readonly number[]) => [0, Math.max(1, ...values)];

/** Date axes tick on whole days, weeks or fortnights by the span shown: a day or two would otherwise tick hourly. */
export function dateTicks(dates: readonly string[]): object {
  const times = dates.map((d) => Date.parse(d));
  const days = times.length ? Math.round((Math.max(...times) - Math.min(...times)) / 86_400_000) + 1 : 1;
  const tickCount =
    days <= 10
      ? { interval: 'day', step: 1 }
      : days <= 20
        ? { interval: 'day', step: 2 }
        : days <= 70
          ? { interval: 'week', step: 1 }
          : { interval: 'week', step: 2 };
  return { format: '%d %b', tickCount };
}

/**
 * Percentile lines (50/70/85/95) as dashed rules, and their labels at the right edge. Lines on the same day share one
 * label ("85/95%: 14d"). Labels of lines closer than LABEL_GAP pixels are pushed up from the lowest, then down from
 * the top where that would leave the chart, so no two labels print over each other.
 */
function percentileMarks(data: string, percentiles: readonly PercentileLine[]): object[] {
  const rules = {
    type: 'rule',
    from: { data },
    encode: {
      enter: {
        x: { value: 0 },
        x2: { signal: 'width' },
        y: { scale: 'y', field: 'days' },
        stroke: { field: 'colour' },
        strokeDash: { value: [4, 3] },
        strokeWidth: { value: 1.5 },
      },
    },
  };
  const labels = labelsByDay(percentiles);
  const last = labels.length - 1;
  // up(i): at its line, or GAP above the label below it; down(i): at up(i), or GAP below the label above it (or the top)
  const up = (i: number) =>
    `min(${labels
      .slice(0, i + 1)
      .map((l, j) => `scale('y', ${l.days}) - ${LABEL_GAP * (i - j)}`)
      .join(', ')})`;
  const down = (i: number) =>
    `max(${[up(i), ...labels.slice(i + 1).map((_, k) => `${up(i + 1 + k)} + ${LABEL_GAP * (k + 1)}`), `${LABEL_GAP / 2 + LABEL_GAP * (last - i)}`].join(', ')})`;
  const marks = labels.map((label, i) => ({
    type: 'text',
    name: `percentile-label-${i}`,
    encode: {
      enter: {
        x: { signal: 'width', offset: 4 },
        y: { signal: down(i) },
        text: { value: label.text },
        baseline: { value: 'middle' },
        fontSize: { value: 11 },
        fill: { value: label.colour },
      },
    },
  }));
  return [rules, ...marks];
}

/** One label per day that has lines, lowest day first, naming every percentile on it. */
function labelsByDay(percentiles: readonly PercentileLine[]): { days: number; text: string; colour: string }[] {
  const byDay = new Map<number, number[]>();
  for (const p of percentiles) byDay.set(p.days, [...(byDay.get(p.days) ?? []), p.percentile]);
  return [...byDay]
    .sort(([a], [b]) => a - b)
    .map(([days, ps]) => {
      const sorted = ps.sort((a, b) => a - b);
      return {
        days,
        text: `${sorted.join('/')}%: ${days}d`,
        colour: LINE_COLOURS[sorted[sorted.length - 1]] ?? '#888',
      };
    });
}

const lines = (percentiles: readonly PercentileLine[]) =>
  percentiles.map((p) => ({ ...p, colour: LINE_COLOURS[p.percentile] ?? '#888' }));
const frame = (title: string) => ({
  $schema: 'https://vega.github.io/schema/vega/v6.json',
  width: WIDTH,
  height: HEIGHT,
  padding: { left: 12, top: 12, bottom: 12, right: 70 },
  title: { text: title, anchor: 'start', fontSize: 15 },
});

/** Aging WIP: each item in progress as a dot at its stage and age, with the cycle-time percentile lines behind. */
export function agingChartSpec(
  title: string,
  stages: readonly string[],
  dots: readonly AgingDot[],
  percentiles: readonly PercentileLine[],
): VegaSpec {
  return {
    ...frame(title),
    // a fixed sideways spread per item so dots of the same age don't hide each other, and every drawing is the same
    data: [
      { name: 'items', values: dots.map((d, i) => ({ ...d, jitter: (((i * 7) % 11) - 5) * 3 })) },
      { name: 'lines', values: lines(percentiles) },
    ],
    scales: [
      { name: 'x', type: 'point', domain: [...stages], range: 'width', padding: 0.5 },
      {
        name: 'y',
        type: 'linear',
        range: 'height',
        nice: true,
        zero: true,
        domain: wholeDomain([...dots.map((d) => d.age), ...percentiles.map((p) => p.days)]),
      },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: 'stage' },
      { orient: 'left', scale: 'y', title: 'age (days)', grid: true, ...WHOLE_TICKS },
    ],
    marks: [
      ...percentileMarks('lines', percentiles),
      {
        type: 'symbol',
        from: { data: 'items' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'stage', offset: { field: 'jitter' } },
            y: { scale: 'y', field: 'age' },
            size: { value: 60 },
            fill: { value: '#4c78a8' },
            tooltip: { field: 'key' },
          },
        },
      },
    ],
  };
}

/** Cycle-time scatter: each finished item at its finish date and cycle time, with the percentile lines. */
export function scatterChartSpec(
  title: string,
  dots: readonly CycleDot[],
  percentiles: readonly PercentileLine[],
): VegaSpec {
  return {
    ...frame(title),
    data: [
      { name: 'items', values: dots, format: { parse: { finished: 'date' } } },
      { name: 'lines', values: lines(percentiles) },
    ],
    scales: [
      { name: 'x', type: 'utc', range: 'width', domain: { data: 'items', field: 'finished' } },
      {
        name: 'y',
        type: 'linear',
        range: 'height',
        nice: true,
        zero: true,
        domain: wholeDomain([...dots.map((d) => d.days), ...percentiles.map((p) => p.days)]),
      },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: 'finished', ...dateTicks(dots.map((d) => d.finished)) },
      { orient: 'left', scale: 'y', title: 'cycle time (days)', grid: true, ...WHOLE_TICKS },
    ],
    marks: [
      ...percentileMarks('lines', percentiles),
      {
        type: 'symbol',
        from: { data: 'items' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'finished' },
            y: { scale: 'y', field: 'days' },
            size: { value: 40 },
            fill: { value: '#4c78a8' },
            opacity: { value: 0.7 },
          },
        },
      },
    ],
  };
}

/** Cycle-time histogram: how many items took each number of days (binned when wide), with the percentile lines. */
export function cycleTimeHistogramSpec(
  title: string,
  times: readonly number[],
  percentiles: readonly PercentileLine[],
): VegaSpec {
  const counts = new Map<number, number>();
  for (const t of times) counts.set(t, (counts.get(t) ?? 0) + 1);
  const bars = binned([...counts].map(([value, share]) => ({ value, share }))).map((b) => ({
    from: b.from,
    to: b.to,
    height: b.total,
  }));
  const lines = labelsByDay(percentiles).map((l) => ({ value: l.days, label: l.text, colour: l.colour }));
  return barsWithLinesSpec({ title, xTitle: 'cycle time (days)', yTitle: 'items', bars, lines, wholeHeights: true });
}

/** Throughput run chart: items finished per day, with the average as a line. */
export function throughputChartSpec(title: string, daily: readonly DayCount[]): VegaSpec {
  const mean = daily.reduce((n, d) => n + d.count, 0) / Math.max(1, daily.length);
  const dates = daily.map((d) => d.date);
  const across = dates.length ? [{ from: dates[0], to: dates.at(-1)!, value: mean }] : [];
  return runChartSpec(title, 'items finished', daily, across, { value: mean, label: `avg ${mean.toFixed(1)}` });
}

/** A day's limit: null when it had none. */
export type DayLimit = { date: string; limit: number | null };

/**
 * WIP run chart: items in progress at the end of each day, with each day's summed WIP limit as a line that steps where
 * the Definition of Workflow changed it, labelled (`label`) at the last day's.
 */
export function wipChartSpec(
  title: string,
  daily: readonly DayCount[],
  limits: readonly DayLimit[],
  label: string | null,
): VegaSpec {
  const stretches = stretchesOf(limits);
  const last = limits.at(-1)?.limit ?? null;
  return runChartSpec(
    title,
    'items in progress',
    daily,
    stretches,
    label && last !== null ? { value: last, label } : null,
  );
}

export type HorizontalLine = { value: number; label: string };
/** A value held over days, drawn from its first day to the first day of the next stretch (the last: its own last). */
type Stretch = { from: string; to: string; value: number };

/** Days of one limit gathered into stretches; days without a limit break the line. */
function stretchesOf(limits: readonly DayLimit[]): Stretch[] {
  const stretches: Stretch[] = [];
  limits.forEach(({ date, limit }, i) => {
    const open = stretches.at(-1);
    // the stretch before runs up to this day, so a changed limit steps here rather than leaving a day's gap
    if (open && limits[i - 1]?.limit !== null) open.to = date;
    if (limit === null) return;
    if (!open || open.value !== limit || limits[i - 1]?.limit === null)
      stretches.push({ from: date, to: date, value: limit });
  });
  return stretches;
}

/**
 * A count per day as a line with dots, and one dashed line (the average, a limit) over stretches of days, labelled at
 * the right.
 */
function runChartSpec(
  title: string,
  yTitle: string,
  daily: readonly DayCount[],
  line: readonly Stretch[],
  label: HorizontalLine | null,
): VegaSpec {
  return {
    ...frame(title),
    data: [
      { name: 'days', values: daily, format: { parse: { date: 'date' } } },
      { name: 'line', values: line, format: { parse: { from: 'date', to: 'date' } } },
      { name: 'label', values: label ? [label] : [] },
    ],
    scales: [
      { name: 'x', type: 'utc', range: 'width', domain: { data: 'days', field: 'date' } },
      {
        name: 'y',
        type: 'linear',
        range: 'height',
        nice: true,
        zero: true,
        domain: wholeDomain([...daily.map((d) => d.count), ...line.map((s) => s.value)]),
      },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: 'day', ...dateTicks(daily.map((d) => d.date)) },
      { orient: 'left', scale: 'y', title: yTitle, grid: true, ...WHOLE_TICKS },
    ],
    marks: [
      {
        type: 'line',
        from: { data: 'days' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'date' },
            y: { scale: 'y', field: 'count' },
            stroke: { value: '#4c78a8' },
            strokeWidth: { value: 2 },
          },
        },
      },
      {
        type: 'symbol',
        from: { data: 'days' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'date' },
            y: { scale: 'y', field: 'count' },
            size: { value: 20 },
            fill: { value: '#4c78a8' },
          },
        },
      },
      {
        type: 'rule',
        from: { data: 'line' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'from' },
            x2: { scale: 'x', field: 'to' },
            y: { scale: 'y', field: 'value' },
            stroke: { value: '#e45756' },
            strokeDash: { value: [4, 3] },
          },
        },
      },
      {
        type: 'text',
        from: { data: 'label' },
        encode: {
          enter: {
            x: { signal: 'width', offset: 4 },
            y: { scale: 'y', field: 'value' },
            text: { field: 'label' },
            baseline: { value: 'middle' },
            fontSize: { value: 11 },
            fill: { value: '#e45756' },
          },
        },
      },
    ],
  };
}

export type StageDays = { stage: string; median: number | null; p85: number | null };

/**
 * Where time goes: per stage in workflow order, the median and the 85th percentile of days finished items spent
 * there, side by side, each with its number on top.
 */
export function stagesChartSpec(title: string, stages: readonly StageDays[]): VegaSpec {
  const bars = stages.flatMap((s) => [
    ...(s.median === null ? [] : [{ stage: s.stage, measure: 'median', days: s.median, second: false }]),
    ...(s.p85 === null ? [] : [{ stage: s.stage, measure: '85th percentile', days: s.p85, second: true }]),
  ]);
  const x = (half: string) => `scale('x', datum.stage) + (datum.second ? bandwidth('x') / 2 : 0)${half}`;
  return {
    ...frame(title),
    data: [{ name: 'bars', values: bars }],
    scales: [
      { name: 'x', type: 'band', domain: stages.map((s) => s.stage), range: 'width', padding: 0.3 },
      {
        name: 'y',
        type: 'linear',
        range: 'height',
        nice: true,
        zero: true,
        domain: wholeDomain(bars.map((b) => b.days)),
      },
      { name: 'colour', type: 'ordinal', domain: ['median', '85th percentile'], range: ['#4c78a8', '#f58518'] },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: 'stage' },
      { orient: 'left', scale: 'y', title: 'days in the stage', grid: true, ...WHOLE_TICKS },
    ],
    legends: [{ fill: 'colour', orient: 'top', direction: 'horizontal' }],
    marks: [
      {
        type: 'rect',
        from: { data: 'bars' },
        encode: {
          enter: {
            x: { signal: x('') },
            width: { signal: "bandwidth('x') / 2 - 1" },
            y: { scale: 'y', field: 'days' },
            y2: { scale: 'y', value: 0 },
            fill: { scale: 'colour', field: 'measure' },
          },
        },
      },
      {
        type: 'text',
        from: { data: 'bars' },
        encode: {
          enter: {
            x: { signal: x(" + bandwidth('x') / 4") },
            y: { scale: 'y', field: 'days', offset: -3 },
            text: { signal: "datum.days + 'd'" },
            align: { value: 'center' },
            baseline: { value: 'bottom' },
            fontSize: { value: 11 },
          },
        },
      },
    ],
  };
}

export type StageDayCount = { date: string; stage: string; count: number };

/** Cumulative flow: PBIs in each stage per day, stacked with the finished stages at the bottom. */
export function cfdChartSpec(title: string, stages: readonly string[], counts: readonly StageDayCount[]): VegaSpec {
  const order = new Map([...stages].reverse().map((s, i) => [s, i]));
  return {
    ...frame(title),
    padding: { left: 12, top: 12, bottom: 12, right: 12 },
    data: [
      {
        name: 'counts',
        values: counts.map((c) => ({ ...c, order: order.get(c.stage) ?? 0 })),
        format: { parse: { date: 'date' } },
        transform: [{ type: 'stack', groupby: ['date'], sort: { field: 'order' }, field: 'count' }],
      },
    ],
    scales: [
      { name: 'x', type: 'utc', range: 'width', domain: { data: 'counts', field: 'date' } },
      {
        name: 'y',
        type: 'linear',
        range: 'height',
        nice: true,
        zero: true,
        domain: wholeDomain([...totalsPerDay(counts).values()]),
      },
      { name: 'colour', type: 'ordinal', range: { scheme: 'tableau10' }, domain: [...stages] },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: 'day', ...dateTicks(counts.map((c) => c.date)) },
      { orient: 'left', scale: 'y', title: 'PBIs', grid: true, ...WHOLE_TICKS },
    ],
    legends: [{ fill: 'colour', title: 'stage', orient: 'left', direction: 'vertical', offset: 48 }],
    marks: [
      {
        type: 'group',
        from: { facet: { name: 'stage', data: 'counts', groupby: 'stage' } },
        marks: [
          {
            type: 'area',
            from: { data: 'stage' },
            encode: {
              enter: {
                x: { scale: 'x', field: 'date' },
                y: { scale: 'y', field: 'y0' },
                y2: { scale: 'y', field: 'y1' },
                fill: { scale: 'colour', field: 'stage' },
              },
            },
          },
        ],
      },
    ],
  };
}

function totalsPerDay(counts: readonly StageDayCount[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const c of counts) totals.set(c.date, (totals.get(c.date) ?? 0) + c.count);
  return totals;
}
