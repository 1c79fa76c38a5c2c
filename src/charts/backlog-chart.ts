import { dateTicks } from './flow-charts';
import type { VegaSpec } from './render-png';

/** One PBI's bar: from its 50% date to its 95% date, and a mark at the date to plan on (85% unless asked another). */
export type BacklogRange = { key: string; from: string; to: string; mark: string };

const WIDTH = 640;
/** Pixels per PBI down the side: 60 PBIs make a chart about as tall as Slack shows without scrolling far. */
const ROW = 16;
const DAY_MS = 86_400_000;

/**
 * The backlog forecast as ranges: the PBIs down the side in backlog order, each one's 50–95% range as a bar on a date
 * axis (a bar covers whole days, so a range of one day still shows), a tick at `markConfidence`'s date, and the `--by`
 * date, when asked, as a dashed line.
 */
export function backlogRangesSpec(
  title: string,
  rows: readonly BacklogRange[],
  by: string | null,
  markConfidence: number,
): VegaSpec {
  const bars = rows.map((r) => ({
    key: r.key,
    from: Date.parse(r.from),
    to: Date.parse(r.to) + DAY_MS,
    mark: Date.parse(r.mark) + DAY_MS / 2,
  }));
  const dates = [...rows.flatMap((r) => [r.from, r.to]), ...(by ? [by] : [])];
  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    width: WIDTH,
    height: Math.max(3, rows.length) * ROW,
    padding: { left: 12, top: 12, bottom: 12, right: 24 },
    title: { text: title, anchor: 'start', fontSize: 15 },
    data: [
      { name: 'bars', values: bars },
      { name: 'by', values: by ? [{ at: Date.parse(by) + DAY_MS }] : [] },
    ],
    scales: [
      {
        name: 'x',
        type: 'utc',
        range: 'width',
        domain: dateDomain(bars, by),
      },
      { name: 'y', type: 'band', range: 'height', padding: 0.25, domain: rows.map((r) => r.key) },
    ],
    axes: [
      {
        orient: 'bottom',
        scale: 'x',
        title: `integrated by: bar 50%–95%, tick ${markConfidence}%`,
        grid: true,
        ...dateTicks(dates),
      },
      { orient: 'left', scale: 'y', labelFontSize: 10 },
    ],
    marks: [
      {
        type: 'rect',
        from: { data: 'bars' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'from' },
            x2: { scale: 'x', field: 'to' },
            y: { scale: 'y', field: 'key' },
            height: { scale: 'y', band: 1 },
            fill: { value: '#4c78a8' },
            opacity: { value: 0.75 },
          },
        },
      },
      {
        type: 'rect',
        from: { data: 'bars' },
        encode: {
          enter: {
            xc: { scale: 'x', field: 'mark' },
            width: { value: 3 },
            y: { scale: 'y', field: 'key' },
            height: { scale: 'y', band: 1 },
            fill: { value: '#f58518' },
          },
        },
      },
      {
        type: 'rule',
        from: { data: 'by' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'at' },
            y: { value: 0 },
            y2: { signal: 'height' },
            stroke: { value: '#e45756' },
            strokeWidth: { value: 2 },
            strokeDash: { value: [4, 3] },
          },
        },
      },
    ],
  };
}

/**
 * The date axis: from the first bar's start to a day past the last one's end (or the `--by` line). Ending at the last
 * bar's end drew its 95% edge on the chart's border, where it was cut off and looked like a range without an end.
 */
function dateDomain(bars: readonly { from: number; to: number }[], by: string | null): number[] | object {
  const times = [...bars.flatMap((b) => [b.from, b.to]), ...(by ? [Date.parse(by) + DAY_MS] : [])];
  if (!times.length) return { data: 'bars', field: 'from' };
  return [Math.min(...times), Math.max(...times) + DAY_MS];
}
