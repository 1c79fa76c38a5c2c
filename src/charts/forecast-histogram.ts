import type { VegaSpec } from './render-png';

export type Share = { value: number; share: number };

/** How the trials of a forecast spread, and where each confidence's answer lies. */
export type Histogram = {
  title: string;
  /** what a bar counts: "days from today", "PBIs done" */
  xTitle: string;
  /** the share of trials (0–1) at each value (days or items) */
  spread: readonly Share[];
  lines: { confidence: number; value: number; label: string }[];
};

/** Bars wider than one value when the trials spread over more than this many values. */
const MAX_BARS = 80;
/** Pixels between two label rows above the plot (11 px text). */
const LABEL_ROW = 16;

/**
 * Bars of the share of trials per value (binned when wide), with a dashed rule and a label at each confidence's
 * answer. The labels stand above the plot, one row each, in a staircase: the lowest answer's on the top row, each
 * rule reaching up to its own label, each label running right from its rule. A rule further right stops on a lower
 * row and one further left passes left of the label, so no label crosses a line or another label, however close the
 * answers, and none is drawn over the bars.
 */
export function forecastHistogramSpec(h: Histogram): VegaSpec {
  const bars = binned(h.spread);
  const lines = [...h.lines]
    .sort((a, b) => a.value - b.value || a.confidence - b.confidence)
    .map((line, row, all) => ({ ...line, y: -(all.length - row) * LABEL_ROW + LABEL_ROW / 2 - 4 }));
  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    width: 640,
    height: 320,
    padding: 12,
    title: { text: h.title, anchor: 'start', fontSize: 15, offset: 8 },
    data: [
      { name: 'bars', values: bars },
      { name: 'lines', values: lines },
    ],
    scales: [
      {
        name: 'x',
        type: 'linear',
        zero: false,
        nice: false,
        range: 'width',
        domain: {
          fields: [
            { data: 'bars', field: 'from' },
            { data: 'bars', field: 'to' },
            { data: 'lines', field: 'value' },
          ],
        },
      },
      { name: 'y', type: 'linear', range: 'height', nice: true, domain: { data: 'bars', field: 'percent' } },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: h.xTitle, tickMinStep: 1, format: 'd' },
      { orient: 'left', scale: 'y', title: '% of trials', grid: true },
    ],
    marks: [
      {
        type: 'rect',
        from: { data: 'bars' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'from' },
            x2: { scale: 'x', field: 'to' },
            y: { scale: 'y', field: 'percent' },
            y2: { scale: 'y', value: 0 },
            fill: { value: '#4c78a8' },
            stroke: { value: 'white' },
          },
        },
      },
      {
        type: 'rule',
        from: { data: 'lines' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'value' },
            y: { field: 'y' },
            y2: { signal: 'height' },
            stroke: { value: '#e45756' },
            strokeWidth: { value: 2 },
            strokeDash: { value: [4, 3] },
          },
        },
      },
      {
        type: 'text',
        from: { data: 'lines' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'value', offset: 4 },
            y: { field: 'y' },
            text: { field: 'label' },
            baseline: { value: 'middle' },
            fontSize: { value: 11 },
            fill: { value: '#b22222' },
          },
        },
      },
    ],
  };
}

/** The share of trials at each value; trials that never finished (Infinity) are left out. */
export function spreadOf(trials: Float64Array): Share[] {
  const counts = new Map<number, number>();
  for (const v of trials) if (Number.isFinite(v)) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([value, n]) => ({ value, share: n / trials.length }));
}

/** Percent of trials per bar; one bar per value unless the values spread too wide. */
function binned(spread: readonly Share[]): { from: number; to: number; percent: number }[] {
  if (!spread.length) return [];
  const values = spread.map((s) => s.value);
  const min = Math.min(...values);
  const width = Math.max(1, Math.ceil((Math.max(...values) - min + 1) / MAX_BARS));
  const bins = new Map<number, number>();
  for (const { value, share } of spread) {
    const bin = min + Math.floor((value - min) / width) * width;
    bins.set(bin, (bins.get(bin) ?? 0) + share);
  }
  return [...bins]
    .sort(([a], [b]) => a - b)
    .map(([from, share]) => ({ from: from - 0.5, to: from + width - 0.5, percent: share * 100 }));
}
