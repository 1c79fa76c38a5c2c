import type { VegaSpec } from './render-png';

export type PercentileLine = { percentile: number; days: number };
export type AgingDot = { key: string; stage: string; age: number };
export type CycleDot = { finished: string; days: number };
export type DayCount = { date: string; count: number };

const WIDTH = 640;
const HEIGHT = 320;
const LINE_COLOURS = { 50: '#54a24b', 70: '#eeca3b', 85: '#f58518', 95: '#e45756' } as Record<number, string>;

/** Horizontal percentile lines (50/70/85/95) with their labels at the right edge. */
function percentileMarks(data: string): object[] {
  return [
    { type: 'rule', from: { data }, encode: { enter: { x: { value: 0 }, x2: { signal: 'width' }, y: { scale: 'y', field: 'days' }, stroke: { field: 'colour' }, strokeDash: { value: [4, 3] }, strokeWidth: { value: 1.5 } } } },
    { type: 'text', from: { data }, encode: { enter: { x: { signal: 'width', offset: 4 }, y: { scale: 'y', field: 'days' }, text: { signal: "datum.percentile + '%: ' + datum.days + 'd'" }, baseline: { value: 'middle' }, fontSize: { value: 11 }, fill: { field: 'colour' } } } },
  ];
}

const lines = (percentiles: readonly PercentileLine[]) => percentiles.map((p) => ({ ...p, colour: LINE_COLOURS[p.percentile] ?? '#888' }));
const frame = (title: string) => ({ $schema: 'https://vega.github.io/schema/vega/v6.json', width: WIDTH, height: HEIGHT, padding: { left: 12, top: 12, bottom: 12, right: 70 }, title: { text: title, anchor: 'start', fontSize: 15 } });

/** Aging WIP: each item in progress as a dot at its stage and age, with the cycle-time percentile lines behind. */
export function agingChartSpec(title: string, stages: readonly string[], dots: readonly AgingDot[], percentiles: readonly PercentileLine[]): VegaSpec {
  return {
    ...frame(title),
    // a fixed sideways spread per item so dots of the same age don't hide each other, and every drawing is the same
    data: [{ name: 'items', values: dots.map((d, i) => ({ ...d, jitter: (((i * 7) % 11) - 5) * 3 })) }, { name: 'lines', values: lines(percentiles) }],
    scales: [
      { name: 'x', type: 'point', domain: [...stages], range: 'width', padding: 0.5 },
      { name: 'y', type: 'linear', range: 'height', nice: true, zero: true, domain: { fields: [{ data: 'items', field: 'age' }, { data: 'lines', field: 'days' }] } },
    ],
    axes: [{ orient: 'bottom', scale: 'x', title: 'stage' }, { orient: 'left', scale: 'y', title: 'age (days)', grid: true }],
    marks: [
      ...percentileMarks('lines'),
      { type: 'symbol', from: { data: 'items' }, encode: { enter: { x: { scale: 'x', field: 'stage', offset: { field: 'jitter' } }, y: { scale: 'y', field: 'age' }, size: { value: 60 }, fill: { value: '#4c78a8' }, tooltip: { field: 'key' } } } },
    ],
  };
}

/** Cycle-time scatter: each finished item at its finish date and cycle time, with the percentile lines. */
export function scatterChartSpec(title: string, dots: readonly CycleDot[], percentiles: readonly PercentileLine[]): VegaSpec {
  return {
    ...frame(title),
    data: [{ name: 'items', values: dots, format: { parse: { finished: 'date' } } }, { name: 'lines', values: lines(percentiles) }],
    scales: [
      { name: 'x', type: 'utc', range: 'width', domain: { data: 'items', field: 'finished' } },
      { name: 'y', type: 'linear', range: 'height', nice: true, zero: true, domain: { fields: [{ data: 'items', field: 'days' }, { data: 'lines', field: 'days' }] } },
    ],
    axes: [{ orient: 'bottom', scale: 'x', title: 'finished', format: '%d %b' }, { orient: 'left', scale: 'y', title: 'cycle time (days)', grid: true }],
    marks: [
      ...percentileMarks('lines'),
      { type: 'symbol', from: { data: 'items' }, encode: { enter: { x: { scale: 'x', field: 'finished' }, y: { scale: 'y', field: 'days' }, size: { value: 40 }, fill: { value: '#4c78a8' }, opacity: { value: 0.7 } } } },
    ],
  };
}

/** Throughput run chart: items finished per day, with the average as a line. */
export function throughputChartSpec(title: string, daily: readonly DayCount[]): VegaSpec {
  const mean = daily.reduce((n, d) => n + d.count, 0) / Math.max(1, daily.length);
  return {
    ...frame(title),
    data: [{ name: 'days', values: daily, format: { parse: { date: 'date' } } }, { name: 'mean', values: [{ mean }] }],
    scales: [
      { name: 'x', type: 'utc', range: 'width', domain: { data: 'days', field: 'date' } },
      { name: 'y', type: 'linear', range: 'height', nice: true, zero: true, domain: { data: 'days', field: 'count' } },
    ],
    axes: [{ orient: 'bottom', scale: 'x', title: 'day', format: '%d %b' }, { orient: 'left', scale: 'y', title: 'items finished', grid: true, tickMinStep: 1 }],
    marks: [
      { type: 'line', from: { data: 'days' }, encode: { enter: { x: { scale: 'x', field: 'date' }, y: { scale: 'y', field: 'count' }, stroke: { value: '#4c78a8' }, strokeWidth: { value: 2 } } } },
      { type: 'symbol', from: { data: 'days' }, encode: { enter: { x: { scale: 'x', field: 'date' }, y: { scale: 'y', field: 'count' }, size: { value: 20 }, fill: { value: '#4c78a8' } } } },
      { type: 'rule', from: { data: 'mean' }, encode: { enter: { x: { value: 0 }, x2: { signal: 'width' }, y: { scale: 'y', field: 'mean' }, stroke: { value: '#e45756' }, strokeDash: { value: [4, 3] } } } },
      { type: 'text', from: { data: 'mean' }, encode: { enter: { x: { signal: 'width', offset: 4 }, y: { scale: 'y', field: 'mean' }, text: { signal: "'avg ' + format(datum.mean, '.1f')" }, baseline: { value: 'middle' }, fontSize: { value: 11 }, fill: { value: '#e45756' } } } },
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
      { name: 'y', type: 'linear', range: 'height', nice: true, zero: true, domain: { data: 'counts', field: 'y1' } },
      { name: 'colour', type: 'ordinal', range: { scheme: 'tableau10' }, domain: [...stages] },
    ],
    axes: [{ orient: 'bottom', scale: 'x', title: 'day', format: '%d %b' }, { orient: 'left', scale: 'y', title: 'PBIs', grid: true }],
    legends: [{ fill: 'colour', title: 'stage', orient: 'left', direction: 'vertical', offset: 48 }],
    marks: [
      {
        type: 'group',
        from: { facet: { name: 'stage', data: 'counts', groupby: 'stage' } },
        marks: [{ type: 'area', from: { data: 'stage' }, encode: { enter: { x: { scale: 'x', field: 'date' }, y: { scale: 'y', field: 'y0' }, y2: { scale: 'y', field: 'y1' }, fill: { scale: 'colour', field: 'stage' } } } }],
      },
    ],
  };
}
