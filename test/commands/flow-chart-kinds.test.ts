import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { DateTime } from 'luxon';
import { blocksToText } from '../../src/console/plain-text';
import { runConsole } from '../../src/console/run-console';
import { commandHarness, type Harness } from '../support/harness';
import { decodePng } from '../support/png';
import { describeEachDatabase } from '../support/setup-db';
import { startSlackApp } from '../support/slack-app';

type Spec = { title: { text: string; subtitle?: string }; data: { name: string; values: any[] }[] };
const data = (spec: unknown, name: string) => (spec as Spec).data.find((d) => d.name === name)!.values;

/** The charts added for issue 18; each must come out as a PNG in the console and as an upload in Slack. */
const KINDS = ['histogram', 'wip', 'stages'];

/**
 * Mon 2 Mar (Berlin): PBI-1 and PBI-2 start in doing; Tue 3: PBI-1 to review, PBI-3 starts; Wed 4: PBI-1 done
 * (cycle time 3); Thu 5: PBI-2 to review; Sat 7: PBI-2 done (cycle time 6); today is Sun 8 Mar.
 */
async function buildHistory(run: (line: string) => Promise<unknown>, advance: (days: number) => void) {
  await run(
    '/nexus setup --name Shop --teams Alpha --stages "ready,doing:2,review:1,done" --start doing --finish done',
  );
  await run('/pbi add "One" --stage doing');
  await run('/pbi add "Two" --stage doing');
  advance(1);
  await run('/pbi move PBI-1 review');
  await run('/pbi add "Three" --stage doing');
  advance(1);
  await run('/pbi move PBI-1 done');
  advance(1);
  await run('/pbi move PBI-2 review');
  advance(2);
  await run('/pbi move PBI-2 done');
  advance(1);
}

describeEachDatabase('/flow chart histogram|wip|stages', (db) => {
  let h: Harness;
  beforeEach(async () => {
    h = commandHarness(db());
    await buildHistory(h.run, (days) => h.advance({ days }));
  });

  test('histogram: one bar per cycle time with its count, and the percentile lines', async () => {
    const { chart } = await h.run('/flow chart histogram');
    expect(chart!.fileName).toBe('histogram-2026-03-08.png');
    expect(data(chart!.spec, 'bars')).toEqual([
      { from: 2.5, to: 3.5, height: 1 },
      { from: 5.5, to: 6.5, height: 1 },
    ]);
    expect(data(chart!.spec, 'lines').map((l) => l.label)).toEqual(['50%: 3d', '70/85/95%: 6d']);
    expect((await h.run('/flow chart histogram --team Alpha')).chart!.title).toContain('Alpha · cycle-time histogram');
  });

  test("wip: the items in progress at each day's end from the day before the first, and the summed limit", async () => {
    const { chart } = await h.run('/flow chart wip');
    expect(data(chart!.spec, 'days').map((d) => [d.date, d.count])).toEqual([
      ['2026-03-01', 0],
      ['2026-03-02', 2],
      ['2026-03-03', 3],
      ['2026-03-04', 2],
      ['2026-03-05', 2],
      ['2026-03-06', 2],
      ['2026-03-07', 1],
      ['2026-03-08', 1],
    ]);
    // doing 2 + review 1; done is not in progress
    expect(data(chart!.spec, 'line')).toEqual([{ from: '2026-03-01', to: '2026-03-08', value: 3 }]);
    expect(data(chart!.spec, 'label')).toEqual([{ value: 3, label: 'limit 3' }]);
    expect(chart!.title).toBe("Shop · WIP per day since Sun 1 Mar (limit: the stages' WIP limits of each day summed)");
  });

  test("wip: the limit line is each day's, stepping on the day the Definition of Workflow changed it", async () => {
    await h.run('/nexus stage wip review 2');
    h.advance({ days: 2 });
    const { chart } = await h.run('/flow chart wip');
    // 3 (doing 2 + review 1) up to Sun 8 Mar, when review's limit went to 2; 4 since
    expect(data(chart!.spec, 'line')).toEqual([
      { from: '2026-03-01', to: '2026-03-08', value: 3 },
      { from: '2026-03-08', to: '2026-03-10', value: 4 },
    ]);
    expect(data(chart!.spec, 'label')).toEqual([{ value: 4, label: 'limit 4' }]);
  });

  test('wip: a PBI reopened today is WIP today, not on the days between its finish and the reopening', async () => {
    await h.run('/pbi move PBI-1 review'); // done on Wed 4 Mar, reopened on Sun 8 Mar
    const { chart } = await h.run('/flow chart wip');
    expect(data(chart!.spec, 'days').map((d) => d.count)).toEqual([0, 2, 3, 2, 2, 2, 1, 2]);
  });

  test('stages: the median and 85th percentile of days finished PBIs ended in each stage in progress', async () => {
    const { chart } = await h.run('/flow chart stages');
    // PBI-1 ended 1 day in doing and 1 in review, PBI-2 3 days in doing and 2 in review
    expect(data(chart!.spec, 'bars').map((b) => [b.stage, b.measure, b.days])).toEqual([
      ['doing', 'median', 1],
      ['doing', '85th percentile', 3],
      ['review', 'median', 1],
      ['review', '85th percentile', 2],
    ]);
    expect(chart!.title).toBe('Shop · days in each stage of 2 PBIs finished in the last 90 days');
  });

  test("--team: a team's squares in progress per day, and days in each stage of the PBIs needing it", async () => {
    // PBI-1 to PBI-3 need no team; PBI-4 needs Alpha, whose square starts today
    await h.run('/pbi add "Four" --teams Alpha --stage doing');
    await h.run('/pbi team PBI-4 Alpha start');
    const wip = (await h.run('/flow chart wip --team Alpha')).chart!;
    expect(data(wip.spec, 'days').map((d) => [d.date, d.count])).toEqual([
      ['2026-03-07', 0],
      ['2026-03-08', 1],
    ]);
    expect(data(wip.spec, 'line')).toEqual([]); // a team has no WIP limit
    expect(wip.title).toBe('Shop · Alpha · squares in progress per day since Sat 7 Mar (squares started and not done)');
    expect(wip.fileName).toBe('wip-Alpha-2026-03-08.png');
    const stages = (await h.run('/flow chart stages --team Alpha')).chart!;
    expect(stages.title).toBe('Shop · Alpha · days in each stage of 0 PBIs needing Alpha finished in the last 90 days');
    expect(data(stages.spec, 'bars')).toEqual([]);
    const cfd = await h.run('/flow chart cfd --team Alpha');
    expect(cfd.plain).toContain(
      "A team has aging, scatter, histogram, throughput, wip, stages charts; cfd is the Nexus's alone.",
    );
  });

  test("--sprint: the last Sprint's WIP per day and days in each stage of the PBIs it finished", async () => {
    await h.run('/nexus sprint 2026-03-02 --length 3'); // Sprint 2 is Thu 5 – Sat 7 Mar; today is in Sprint 3
    const wip = (await h.run('/flow chart wip --sprint')).chart!;
    expect(data(wip.spec, 'days').map((d) => [d.date, d.count])).toEqual([
      ['2026-03-05', 2],
      ['2026-03-06', 2],
      ['2026-03-07', 1],
    ]);
    expect(wip.title).toContain('WIP per day in Sprint 2 (Thu 5 Mar – Sat 7 Mar)');
    expect(wip.fileName).toBe('wip-sprint-2.png');
    const stages = (await h.run('/flow chart stages --sprint')).chart!;
    // PBI-2 alone finished in it: Mon–Wed ended in doing, Thu–Fri in review
    expect(data(stages.spec, 'bars').map((b) => [b.stage, b.measure, b.days])).toEqual([
      ['doing', 'median', 3],
      ['doing', '85th percentile', 3],
      ['review', 'median', 2],
      ['review', '85th percentile', 2],
    ]);
    expect(stages.title).toBe('Shop · days in each stage of 1 PBI finished in Sprint 2 (Thu 5 Mar – Sat 7 Mar)');
    expect((await h.run('/flow chart wip --sprint --team Alpha')).plain).toContain('leave out --team');
  });

  test('every chart marks the days the Definition of Workflow changed', async () => {
    await h.run('/nexus stage wip review 2');
    await h.run('/nexus stage add qa --after review');
    await h.run('/nexus stage wait ready on'); // not a change of what flow counts
    const marks = [{ date: '2026-03-08', label: 'review WIP 1→2, +qa' }];
    for (const kind of ['wip', 'cfd', 'scatter', 'throughput'])
      expect(data((await h.run(`/flow chart ${kind}`)).chart!.spec, 'workflow-changes')).toEqual(marks);
    for (const kind of ['histogram', 'stages', 'aging']) {
      const spec = (await h.run(`/flow chart ${kind}`)).chart!.spec as Spec;
      expect(spec.title.subtitle).toBe('Definition of Workflow changed 8 Mar (review WIP 1→2, +qa)');
    }
  });

  test('charts read the workflow history once, until a setting changes; PBI moves keep it', async () => {
    const nexus = await h.nexus();
    const first = await h.store.nexuses.workflowHistory(nexus.id);
    await h.run('/flow chart wip');
    await h.run('/pbi move PBI-3 review'); // in progress before and after: no start or finish moved
    expect(await h.store.nexuses.workflowHistory(nexus.id)).toBe(first);
    await h.run('/nexus stage wip review 2');
    const changed = await h.store.nexuses.workflowHistory(nexus.id);
    expect(changed).not.toBe(first);
    expect(changed).toHaveLength(first.length + 1);
  });

  test('the console writes each chart as a PNG and prints its path', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'charts-'));
    let now = DateTime.fromISO('2026-03-02T09:00:00', { zone: 'Europe/Berlin' });
    let printed = '';
    const output = new PassThrough().on('data', (chunk) => (printed += chunk));
    const ctx = { store: h.store, now: () => now, channelId: 'C1', chartsDir: dir, exportsDir: dir, filesDir: dir };
    // the console's own workspace and Nexus, its history typed line by line as the clock moves
    const run = (line: string) => runConsole(ctx, { input: linesOf(line), output, interactive: false });
    try {
      await buildHistory(run, (days) => (now = now.plus({ days })));
      printed = '';
      await run(KINDS.map((k) => `/flow chart ${k}`).join('\n'));
      const files = [...printed.matchAll(/chart: (\S+\.png)/g)].map((m) => m[1]);
      expect(files.map((f) => path.basename(f))).toEqual(KINDS.map((k) => `${k}-2026-03-08.png`));
      for (const file of files) expect(decodePng(readFileSync(file)).width).toBeGreaterThanOrEqual(1280);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('Slack uploads each chart to the channel', async () => {
    const s = await startSlackApp(db());
    try {
      await buildHistory((line) => s.command(line.split(' ')[0], line.slice(line.indexOf(' ') + 1)), s.advance);
      for (const kind of KINDS) {
        const { reply } = await s.command('/flow', `chart ${kind}`);
        expect(blocksToText(reply?.blocks ?? [])).toContain('the chart follows as an image');
      }
      const uploads = s.fake.uploads();
      expect(uploads.map((u) => u.shared?.channel_id)).toEqual(KINDS.map(() => 'C1'));
      for (const u of uploads) expect(decodePng(u.bytes).width).toBeGreaterThanOrEqual(1280);
    } finally {
      await s.stop();
    }
  });
});

function linesOf(text: string): PassThrough {
  const input = new PassThrough();
  input.end(text);
  return input;
}
