import { readdirSync, readFileSync } from 'node:fs';
import { agingChartSpec, cfdChartSpec, scatterChartSpec, throughputChartSpec } from '../../src/charts/flow-charts';
import { forecastHistogramSpec, spreadOf } from '../../src/charts/forecast-histogram';
import { CHART_WORKER_IDLE_MS, isChartWorkerRunning, renderPng, setChartWorkerIdle } from '../../src/charts/render-png';
import { decodePng } from '../support/png';

const trials = Float64Array.from([3, 3, 4, 4, 4, 5, 5, 6, 9, Infinity]);
const histogram = {
  title: 'When will 5 more PBIs be done?',
  xTitle: 'days from today',
  spread: spreadOf(trials),
  lines: [
    { confidence: 50, value: 4, label: '50% · Mon 4 May' },
    { confidence: 85, value: 6, label: '85% · Wed 6 May' },
  ],
};

test('the spec is data: every value of the trials as a bar, shares of all trials, a rule at each answer', () => {
  const spec = forecastHistogramSpec(histogram) as { data: { name: string; values: any[] }[] };
  const bars = spec.data.find((d) => d.name === 'bars')!.values;
  expect(bars.map((b) => b.from + 0.5)).toEqual([3, 4, 5, 6, 9]);
  expect(bars.map((b) => Math.round(b.height))).toEqual([20, 30, 20, 10, 10]); // the trial never done is 10% left out
  expect(spec.data.find((d) => d.name === 'lines')!.values.map((l) => [l.value, l.label])).toEqual([
    [4, '50% · Mon 4 May'],
    [6, '85% · Wed 6 May'],
  ]);
});

test('a wide spread is binned into at most 80 bars that still hold every trial', () => {
  const wide = Float64Array.from({ length: 1000 }, (_, i) => i);
  const bars = (forecastHistogramSpec({ ...histogram, spread: spreadOf(wide) }) as { data: { values: any[] }[] })
    .data[0].values;
  expect(bars.length).toBeLessThanOrEqual(80);
  expect(bars.reduce((sum, b) => sum + b.height, 0)).toBeCloseTo(100);
});

test('the PNG decodes at twice the chart size and is not blank', async () => {
  const { width, height, pixels } = decodePng(await renderPng(forecastHistogramSpec(histogram)));
  expect(width).toBeGreaterThanOrEqual(2 * 640);
  expect(width).toBeLessThan(2 * 800);
  expect(height).toBeGreaterThanOrEqual(2 * 320);
  expect(height).toBeLessThan(2 * 480);
  expect(new Set(pixels).size).toBeGreaterThan(20); // bars, rules and text, not one flat colour
});

test('a spec Vega cannot draw is a clear error, and the renderer keeps working', async () => {
  await expect(renderPng({ marks: [{ type: 'no-such-mark' }] })).rejects.toThrow(/chart rendering failed/);
  expect((await renderPng(forecastHistogramSpec(histogram))).length).toBeGreaterThan(1000);
});

test('each flow chart draws to a PNG that is not blank', async () => {
  const lines = [{ percentile: 85, days: 11 }];
  const specs = [
    agingChartSpec(
      'aging',
      ['doing', 'review'],
      [
        { key: 'A', stage: 'doing', age: 3 },
        { key: 'B', stage: 'review', age: 12 },
      ],
      lines,
    ),
    scatterChartSpec(
      'scatter',
      [
        { finished: '2026-03-02', days: 4 },
        { finished: '2026-03-09', days: 9 },
      ],
      lines,
    ),
    throughputChartSpec('throughput', [
      { date: '2026-03-02', count: 1 },
      { date: '2026-03-03', count: 0 },
      { date: '2026-03-04', count: 3 },
    ]),
    cfdChartSpec(
      'cfd',
      ['doing', 'done'],
      [
        { date: '2026-03-02', stage: 'doing', count: 2 },
        { date: '2026-03-02', stage: 'done', count: 0 },
        { date: '2026-03-03', stage: 'doing', count: 1 },
        { date: '2026-03-03', stage: 'done', count: 1 },
      ],
    ),
  ];
  for (const spec of specs) {
    const { width, pixels } = decodePng(await renderPng(spec));
    expect(width).toBeGreaterThanOrEqual(1280);
    expect(new Set(pixels).size).toBeGreaterThan(20);
  }
});

test('an idle chart worker ends, giving its memory back, and the next chart starts one again', async () => {
  setChartWorkerIdle(200);
  try {
    await renderPng(forecastHistogramSpec(histogram));
    expect(isChartWorkerRunning()).toBe(true);
    for (let i = 0; i < 50 && isChartWorkerRunning(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(isChartWorkerRunning()).toBe(false);
    const { width } = decodePng(await renderPng(forecastHistogramSpec(histogram)));
    expect(width).toBeGreaterThanOrEqual(1280);
    expect(isChartWorkerRunning()).toBe(true);
  } finally {
    setChartWorkerIdle(CHART_WORKER_IDLE_MS);
  }
});

test('the answer labels stand above the bars in a staircase: none crosses a rule or another label, however close', () => {
  const close = {
    ...histogram,
    lines: [
      { confidence: 50, value: 5, label: '50% · Tue 5 Jan 2027' },
      { confidence: 70, value: 5, label: '70% · Tue 5 Jan 2027' },
      { confidence: 85, value: 6, label: '85% · Wed 6 Jan 2027' },
      { confidence: 95, value: 9, label: '95% · Sat 9 Jan 2027' },
    ],
  };
  const spec = forecastHistogramSpec(close) as { data: { name: string; values: any[] }[]; marks: any[] };
  const lines = spec.data.find((d) => d.name === 'lines')!.values as { value: number; y: number; label: string }[];
  const rule = spec.marks.find((m) => m.type === 'rule').encode.enter;
  const text = spec.marks.find((m) => m.type === 'text').encode.enter;
  // each rule runs from its label's row down to the axis; each label starts just right of its rule, running right
  expect(rule).toMatchObject({ y: { field: 'y' }, y2: { signal: 'height' }, x: { scale: 'x', field: 'value' } });
  expect(text).toMatchObject({ y: { field: 'y' }, x: { scale: 'x', field: 'value', offset: 4 } });
  expect(text.align?.value ?? 'left').toBe('left');
  expect(lines.every((l) => l.y < 0)).toBe(true); // above the plot: over no bar
  const rows = lines.map((l) => l.y).sort((a, b) => a - b);
  for (let i = 1; i < rows.length; i++) expect(rows[i] - rows[i - 1]).toBeGreaterThanOrEqual(13); // 11 px text apart
  for (const label of lines)
    for (const other of lines) {
      // a rule right of a label's start must stop below the label's row, or it would cross the label's text
      if (other.value > label.value)
        expect({ label: label.label, crossedBy: other.y <= label.y }).toEqual({
          label: label.label,
          crossedBy: false,
        });
    }
  expect(lines.map((l) => l.label)).toContain('95% · Sat 9 Jan 2027');
});

/** Each thread's nice value by thread id, as Linux keeps it per thread (field 19 of /proc/<pid>/task/<tid>/stat). */
function threadNiceValues(): Map<number, number> {
  return new Map(
    readdirSync('/proc/self/task').map((tid) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      return [Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])];
    }),
  );
}

test('the chart worker draws at the lowest priority, so acknowledgements and answers go first on busy cores', async () => {
  await renderPng(forecastHistogramSpec(histogram));
  expect(isChartWorkerRunning()).toBe(true);
  const nice = threadNiceValues();
  expect(nice.get(process.pid)).toBe(0); // the main thread, which acknowledges and answers, keeps its priority
  // the worker (and any thread it starts, which inherits its value) gives way
  expect([...nice.values()].filter((n) => n === 19).length).toBeGreaterThanOrEqual(1);
});
