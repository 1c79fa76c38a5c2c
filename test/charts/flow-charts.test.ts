import { backlogRangesSpec } from '../../src/charts/backlog-chart';
import {
  agingChartSpec,
  cfdChartSpec,
  type PercentileLine,
  scatterChartSpec,
  throughputChartSpec,
  wipChartSpec,
} from '../../src/charts/flow-charts';
import type { VegaSpec } from '../../src/charts/render-png';
import { renderSvg } from '../../src/charts/render-png';

type Text = { text: string; x: number; y: number };

/** Every text the chart draws, where it draws it (what a person reads on the PNG, which is drawn from this SVG). */
async function textsOf(spec: VegaSpec): Promise<Text[]> {
  const svg = await renderSvg(spec);
  return [...svg.matchAll(/<text[^>]*transform="translate\(([-\d.]+),([-\d.]+)\)"[^>]*>([^<]*)<\/text>/g)].map((m) => ({
    text: m[3],
    x: Number(m[1]),
    y: Number(m[2]),
  }));
}

const isNumber = (t: Text) => /^-?[\d.,]+$/.test(t.text);
const labels = (texts: Text[]) => texts.filter((t) => /%: \d+d$/.test(t.text));
const percentiles = (...days: number[]): PercentileLine[] =>
  [50, 70, 85, 95].map((percentile, i) => ({ percentile, days: days[i] }));

describe('flow charts read as a person expects', () => {
  test('an empty or all-zero chart ticks 0 and 1, never a bare 0.000000', async () => {
    const charts = [
      agingChartSpec('aging', ['doing'], [], []),
      throughputChartSpec('throughput', [
        { date: '2026-03-02', count: 0 },
        { date: '2026-03-03', count: 0 },
      ]),
      cfdChartSpec(
        'cfd',
        ['doing', 'done'],
        [
          { date: '2026-03-02', stage: 'doing', count: 0 },
          { date: '2026-03-02', stage: 'done', count: 0 },
        ],
      ),
    ];
    for (const spec of charts) {
      const numbers = (await textsOf(spec)).filter(isNumber).map((t) => t.text);
      expect(numbers).toEqual(['0', '1']);
    }
  });

  test('day and count axes tick whole numbers, and date axes whole days, however small the chart', async () => {
    const aging = await textsOf(
      agingChartSpec(
        'aging',
        ['doing'],
        [
          { key: 'A', stage: 'doing', age: 1 },
          { key: 'B', stage: 'doing', age: 2 },
        ],
        [],
      ),
    );
    expect(aging.filter(isNumber).map((t) => t.text)).toEqual(['0', '1', '2']);
    const oneDay = await textsOf(scatterChartSpec('scatter', [{ finished: '2026-03-02', days: 1 }], []));
    expect(oneDay.filter((t) => /Mar/.test(t.text)).map((t) => t.text)).toEqual(['02 Mar']);
    expect(oneDay.filter(isNumber).map((t) => t.text)).toEqual(['0', '1']);
    const twoDays = await textsOf(
      throughputChartSpec('throughput', [
        { date: '2026-03-02', count: 0 },
        { date: '2026-03-03', count: 2 },
      ]),
    );
    expect(twoDays.filter((t) => /Mar/.test(t.text)).map((t) => t.text)).toEqual(['02 Mar', '03 Mar']);
    const sixtyDays = Array.from({ length: 60 }, (_, i) => ({
      date: new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10),
      count: i % 3,
    }));
    const dates = (await textsOf(throughputChartSpec('throughput', sixtyDays)))
      .filter((t) => /^\d\d \w{3}$/.test(t.text))
      .map((t) => t.text);
    expect(new Set(dates).size).toBe(dates.length);
    expect(dates.length).toBeGreaterThanOrEqual(6);
    expect(dates.length).toBeLessThanOrEqual(12);
  });

  test('percentile lines on the same day share one label naming each percentile', async () => {
    const texts = await textsOf(
      agingChartSpec('aging', ['doing'], [{ key: 'A', stage: 'doing', age: 2 }], percentiles(1, 1, 2, 2)),
    );
    expect(labels(texts).map((t) => t.text)).toEqual(['50/70%: 1d', '85/95%: 2d']);
    const all = await textsOf(
      scatterChartSpec('scatter', [{ finished: '2026-03-02', days: 1 }], percentiles(1, 1, 1, 1)),
    );
    expect(labels(all).map((t) => t.text)).toEqual(['50/70/85/95%: 1d']);
  });

  test('labels of lines a few pixels apart are pushed apart and stay inside the chart, at the bottom and at the top', async () => {
    const cases = [
      agingChartSpec('aging', ['doing'], [{ key: 'A', stage: 'doing', age: 200 }], percentiles(10, 11, 12, 13)),
      agingChartSpec('aging', ['doing'], [{ key: 'A', stage: 'doing', age: 13 }], percentiles(10, 11, 12, 13)),
      scatterChartSpec(
        'scatter',
        [
          { finished: '2026-03-02', days: 90 },
          { finished: '2026-03-03', days: 1 },
        ],
        percentiles(1, 2, 3, 90),
      ),
    ];
    for (const spec of cases) {
      const placed = labels(await textsOf(spec)).sort((a, b) => a.y - b.y);
      expect(placed).toHaveLength(4);
      for (let i = 1; i < placed.length; i++) expect(placed[i].y - placed[i - 1].y).toBeGreaterThanOrEqual(11);
      for (const label of placed) {
        expect(label.y).toBeGreaterThanOrEqual(5);
        expect(label.y).toBeLessThanOrEqual(320 + 5);
      }
    }
  });
});

describe('the WIP run chart', () => {
  test("its limit line steps on the day the limit changed and breaks on days without one; the label is the last day's", async () => {
    const dates = ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06'];
    const spec = wipChartSpec(
      'wip',
      dates.map((date) => ({ date, count: 1 })),
      [3, 3, null, 4, 5].map((limit, i) => ({ date: dates[i], limit })),
      'limit 5',
    ) as { data: { name: string; values: unknown[] }[] };
    expect(spec.data.find((d) => d.name === 'line')!.values).toEqual([
      { from: '2026-03-02', to: '2026-03-04', value: 3 },
      { from: '2026-03-05', to: '2026-03-06', value: 4 },
      { from: '2026-03-06', to: '2026-03-06', value: 5 },
    ]);
    expect((await textsOf(spec)).map((t) => t.text)).toContain('limit 5');
  });
});

describe('the backlog forecast chart', () => {
  test("the date axis reaches past the last bar's 95% end, so its end is drawn, not cut off at the border", () => {
    const rows = [
      { key: 'PBI-1', from: '2026-03-13', to: '2026-03-16', mark: '2026-03-15' },
      { key: 'PBI-2', from: '2026-03-14', to: '2026-03-20', mark: '2026-03-19' },
    ];
    const spec = backlogRangesSpec('When?', rows, null, 85) as { scales: { name: string; domain: unknown }[] };
    const x = spec.scales.find((s) => s.name === 'x')!;
    const lastEnd = Date.parse('2026-03-21'); // PBI-2's bar covers 20 Mar to its end
    expect(Array.isArray(x.domain)).toBe(true);
    const [from, to] = x.domain as number[];
    expect(from).toBe(Date.parse('2026-03-13'));
    expect(to).toBeGreaterThan(lastEnd);
    // a --by date later than every bar is inside the axis too
    const withBy = backlogRangesSpec('When?', rows, '2026-03-25', 85) as typeof spec;
    expect((withBy.scales.find((s) => s.name === 'x')!.domain as number[])[1]).toBeGreaterThan(
      Date.parse('2026-03-26'),
    );
  });
});
