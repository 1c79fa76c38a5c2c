import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { forecastHistogramSpec, spreadOf } from '../../src/charts/forecast-histogram';
import { renderPng } from '../../src/charts/render-png';
import { runLine } from '../../src/commands';
import { DEMO_WORKSPACE, loadDemo } from '../../src/demo/load-demo';
import { daysAtConfidence, simulateHowMany, simulateWhen } from '../../src/domain/forecast/monte-carlo';
import { randomInt, seededRng } from '../../src/domain/random';
import { openStore } from '../../src/store';
import { openDatabase } from '../../src/store/database';

export type ForecastTimes = { when100: number; howMany60: number; backtestMs: number; chartMs: number };

/**
 * 10,000 trials of "when will 100 items be done" and "how many in 60 days" on 90 days of history (median of 20 runs
 * after 3 warm-ups), the forecast histogram drawn as a PNG (median of 10, warm), and the whole `/forecast accuracy` of the demo Nexus (replay of the Nexus and its 3 teams).
 */
export async function measureForecasts(): Promise<ForecastTimes> {
  const rng = seededRng('bench-history');
  const history = Array.from({ length: 90 }, () => randomInt(rng, 0, 3));
  const median = (fn: () => unknown) => {
    for (let i = 0; i < 3; i++) fn();
    const samples = Array.from({ length: 20 }, () => {
      const t = performance.now();
      fn();
      return performance.now() - t;
    }).sort((a, b) => a - b);
    return samples[10];
  };
  const when100 = median(() => simulateWhen(history, 100, 10_000, seededRng('when')));
  const howMany60 = median(() => simulateHowMany(history, 60, 10_000, seededRng('how-many')));
  const days = simulateWhen(history, 100, 10_000, seededRng('when'));
  const spec = forecastHistogramSpec({
    title: 'When will 100 more PBIs be done?',
    xTitle: 'days from today',
    spread: spreadOf(days),
    lines: [{ confidence: 85, value: daysAtConfidence(days, 85), label: '85%' }],
  });
  for (let i = 0; i < 3; i++) await renderPng(spec);
  const chartSamples: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    await renderPng(spec);
    chartSamples.push(performance.now() - t);
  }
  const chartMs = chartSamples.sort((a, b) => a - b)[5];
  const dataRoot = mkdtempSync(path.join(tmpdir(), 'nexus-flow-bench-demo-'));
  const db = await openDatabase({ dataDir: path.join(dataRoot, 'pglite') });
  try {
    const now = DateTime.utc();
    await loadDemo(db, 'demo', now);
    const ctx = {
      store: openStore(db, 'bench'),
      now: () => now,
      workspaceId: DEMO_WORKSPACE,
      channelId: 'demo',
      userId: 'U-bench',
    };
    const t = performance.now();
    const reply = await runLine('/forecast accuracy', ctx);
    if (reply.text !== 'Forecast accuracy') throw new Error('the backtest did not answer');
    return { when100, howMany60, backtestMs: performance.now() - t, chartMs };
  } finally {
    await db.close();
    rmSync(dataRoot, { recursive: true, force: true });
  }
}
