import type { Harness } from '../support/harness';
import { describeEachDatabase, typedOnce } from '../support/setup-db';

/** Twelve PBIs finished with cycle times 1..12 days, two in progress (ages 3 and 15), one waiting in ready. */
async function buildHistory(h: Harness): Promise<void> {
  await h.run(
    '/nexus setup --name Shop --teams Alpha,Beta --stages "ready,doing:1,done,released" --start doing --finish done --zone Europe/Berlin',
  );
  for (let n = 1; n <= 12; n++) await h.run(`/pbi add "Item ${n}" --stage doing`);
  for (let n = 1; n <= 12; n++) {
    await h.run(`/pbi move PBI-${n} done`); // on day n − 1: cycle time n
    h.advance({ days: 1 });
  }
  await h.run('/pbi add "Old" --teams Alpha,Beta --stage doing');
  await h.run('/pbi team PBI-13 Alpha start');
  h.advance({ days: 12 });
  await h.run('/pbi add "New" --stage doing');
  await h.run('/pbi block PBI-14 waiting for legal');
  await h.run('/pbi add "Next" --stage ready');
  h.advance({ days: 2 });
}

describeEachDatabase('/flow reports', (db) => {
  let h: Harness;
  const history = typedOnce('flow_reports', db, buildHistory); // once per database, not before each test
  beforeEach(async () => {
    h = await history();
  });

  test('sle: percentiles of the cycle times 1..12 (nearest rank) and the computed SLE', async () => {
    const reply = await h.run('/flow sle');
    expect(reply.plain).toContain('SLE: 85% of PBIs finish within 11 days (computed from 12 finished PBIs)');
    expect(reply.plain).toContain('50% of PBIs finished within 6 days');
    expect(reply.plain).toContain('70% of PBIs finished within 9 days');
    expect(reply.plain).toContain('95% of PBIs finished within 12 days');
  });

  test('aging: oldest first against the SLE', async () => {
    const reply = await h.run('/flow aging');
    expect(reply.plain).toContain('2 in progress: 1 past the SLE, 0 at risk');
    const lines = reply.plain.split('\n').filter((l) => l.startsWith('• '));
    expect(lines[0]).toMatch(/^• PBI-13 Old · ◐ Alpha  ☐ Beta · 15d 🔴 past SLE · in doing$/);
    expect(lines[1]).toMatch(/^• PBI-14 New · 3d · ⛔ waiting for legal · in doing$/);
  });

  test('board: stages with counts against limits, squares, and recent finished items', async () => {
    const reply = await h.run('/flow board');
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.plain).toContain('Shop · board');
    expect(reply.plain).toContain('ready  1');
    expect(reply.plain).toContain('doing  2/1 ⚠ over limit  (flow starts)');
    expect(reply.plain).toContain('done  12  (done: flow finishes)');
    expect(reply.plain).toContain('…and 9 more finished');
    expect(reply.plain).toContain('WIP 2 · SLE: 85% of PBIs finish within 11 days');
  });

  test('chart: the aging chart holds every item in progress and the cycle-time percentile lines', async () => {
    const reply = await h.run('/flow chart aging');
    const data = (reply.chart?.spec as { data: { name: string; values: any[] }[] }).data;
    expect(
      data
        .find((d) => d.name === 'items')!
        .values.map((v) => [v.key, v.stage, v.age])
        .sort(),
    ).toEqual([
      ['PBI-13', 'doing', 15],
      ['PBI-14', 'doing', 3],
    ]);
    expect(data.find((d) => d.name === 'lines')!.values.map((v) => [v.percentile, v.days])).toEqual([
      [50, 6],
      [70, 9],
      [85, 11],
      [95, 12],
    ]);
    expect(reply.chart?.requested).toBe(true);
    const scatter = (await h.run('/flow chart scatter')).chart?.spec as { data: { name: string; values: any[] }[] };
    expect(scatter.data[0].values.map((v) => v.days).sort((a, b) => a - b)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
    ]);
    const cfd = (await h.run('/flow chart cfd')).chart?.spec as {
      data: { values: { date: string; stage: string; count: number }[] }[];
    };
    const today = cfd.data[0].values.filter((v) => v.date === h.now.setZone('Europe/Berlin').toISODate());
    expect(Object.fromEntries(today.map((v) => [v.stage, v.count]))).toEqual({
      ready: 1,
      doing: 2,
      done: 12,
      released: 0,
    });
    const firstDay = cfd.data[0].values.filter((v) => v.date === '2026-03-02');
    expect(Object.fromEntries(firstDay.map((v) => [v.stage, v.count]))).toEqual({
      ready: 0,
      doing: 11,
      done: 1,
      released: 0,
    });
    expect((await h.run('/flow chart pie')).plain).toContain('Name one chart');
  });

  test('wip: per stage and per team', async () => {
    const reply = await h.run('/flow wip');
    expect(reply.plain).toContain('Shop · WIP 2');
    expect(reply.plain).toContain('doing  2/1  ⚠ over limit');
    expect(reply.plain).toContain('Alpha  ◐ 1 started · ☐ 0 waiting to start');
    expect(reply.plain).toContain('Beta  ◐ 0 started · ☐ 1 waiting to start');
  });

  test('throughput: 12 finished in the last 30 days, one a day, and per team', async () => {
    const reply = await h.run('/flow throughput');
    expect(reply.plain).toContain('12 PBIs finished in the last 30 days');
    const days = reply.plain
      .split('\n')
      .filter((l) => l.startsWith('week of'))
      .flatMap((l) =>
        l
          .replace(/^week of \w+ \d+ \w+\s+/, '')
          .split('  =')[0]
          .split(' ')
          .map(Number),
      );
    expect(days).toHaveLength(30);
    expect(days.reduce((a, b) => a + b, 0)).toBe(12);
    expect((await h.run('/flow throughput alpha')).plain).toContain('0 squares done by Alpha in the last 30 days');
    expect((await h.run('/flow throughput Omega')).plain).toContain('There is no team Omega');
    expect((await h.run('/flow board now')).plain).toContain('This report takes no arguments');
  });
});
