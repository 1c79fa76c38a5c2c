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
  const bars = binned(h.spread).map(({ from, to, total }) => ({ from, to, height: total * 100 }));
  const lines = h.lines.map((l) => ({ ...l, order: l.confidence }));
  return barsWithLinesSpec({ title: h.title, xTitle: h.xTitle, yTitle: '% of trials', bars, lines });
}

/** Bars over a whole-number axis (each from `from` to `to`, `height` tall) and labelled dashed lines across them. */
export type BarsWithLines = {
  title: string;
  /** a line under the title (e.g. the days the Definition of Workflow changed) */
  subtitle?: string;
  xTitle: string;
  yTitle: string;
  bars: readonly { from: number; to: number; height: number }[];
  /** heights are counts: the axis ticks whole numbers and reaches 1 at least */
  wholeHeights?: boolean;
  /** `order` sets apart lines at the same value; `colour` draws the line and its label (else red) */
  lines: readonly { value: number; label: string; order?: number; colour?: string }[];
};

/**
 * The drawing every histogram shares (the forecast's spread of trials, the cycle times): bars, and a dashed rule and
 * a label at each line, the labels set out in a staircase above the plot (see forecastHistogramSpec).
 */
export function barsWithLinesSpec(h: BarsWithLines): VegaSpec {
  const { bars } = h;
  // a count axis reaches 1 at least, so an empty chart ticks 0 and 1
  const floor = h.wholeHeights ? 1 : 0;
  const lines = [...h.lines]
    .sort((a, b) => a.value - b.value || (a.order ?? 0) - (b.order ?? 0))
    .map((line, row, all) => ({
      ...line,
      stroke: line.colour ?? '#e45756',
      fill: line.colour ?? '#b22222',
      y: -(all.length - row) * LABEL_ROW + LABEL_ROW / 2 - 4,
    }));
  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    width: 640,
    height: 320,
    padding: 12,
    title: { text: h.title, anchor: 'start', fontSize: 15, offset: 8, ...(h.subtitle ? { subtitle: h.subtitle } : {}) },
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
        domain: xDomain(h),
      },
      {
        name: 'y',
        type: 'linear',
        range: 'height',
        nice: true,
        domain: [0, Math.max(floor, ...bars.map((b) => b.height))],
      },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: h.xTitle, tickMinStep: 1, format: 'd' },
      { orient: 'left', scale: 'y', title: h.yTitle, grid: true, ...(h.wholeHeights ? WHOLE_TICKS : {}) },
    ],
    marks: [
      {
        type: 'rect',
        from: { data: 'bars' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'from' },
            x2: { scale: 'x', field: 'to' },
            y: { scale: 'y', field: 'height' },
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
            stroke: { field: 'stroke' },
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
            fill: { field: 'fill' },
          },
        },
      },
    ],
  };
}

const WHOLE_TICKS = { tickMinStep: 1, format: 'd' };

/** From the first bar's or line's left to the last one's right; one value's width when there is nothing to show. */
function xDomain({ bars, lines }: BarsWithLines): [number, number] {
  const lefts = [...bars.map((b) => b.from), ...lines.map((l) => l.value)];
  const rights = [...bars.map((b) => b.to), ...lines.map((l) => l.value)];
  return lefts.length ? [Math.min(...lefts), Math.max(...rights)] : [0.5, 1.5];
}

/** The share of trials at each value; trials that never finished (Infinity) are left out. */
export function spreadOf(trials: Float64Array): Share[] {
  const counts = new Map<number, number>();
  for (const v of trials) if (Number.isFinite(v)) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([value, n]) => ({ value, share: n / trials.length }));
}

/** The shares summed per bar; one bar per value unless the values spread too wide (then MAX_BARS at most). */
export function binned(spread: readonly Share[]): { from: number; to: number; total: number }[] {
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
    .map(([from, share]) => ({ from: from - 0.5, to: from + width - 0.5, total: share }));
}
