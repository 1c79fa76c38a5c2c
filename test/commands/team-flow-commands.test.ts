import type { Harness } from '../support/harness';
import { describeEachDatabase, typedOnce } from '../support/setup-db';

type Spec = { data: { name: string; values: any[] }[] };
const data = (spec: unknown, name: string) => (spec as Spec).data.find((d) => d.name === name)!.values;

/**
 * Alpha finished ten squares with cycle times 1..10 days (SLE 9 days); then, 11 days later, it has two squares in
 * progress: PBI-11's, 12 days old (past its SLE), and PBI-12's, 1 day old. Team Phoenix has one, and no history.
 */
async function buildHistory(h: Harness): Promise<void> {
  await h.run(
    '/nexus setup --name Shop --teams "Alpha,Team Phoenix" --stages "ready,doing,done,released" --start doing --finish done --zone Europe/Berlin',
  );
  for (let n = 1; n <= 10; n++) {
    await h.run(`/pbi add "Item ${n}" --teams Alpha --stage doing`);
    await h.run(`/pbi team PBI-${n} Alpha start`);
  }
  for (let n = 1; n <= 10; n++) {
    await h.run(`/pbi team PBI-${n} Alpha done`); // on day n − 1: cycle time n
    h.advance({ days: 1 });
  }
  await h.run('/pbi add "Old" --teams "Alpha,Team Phoenix" --stage ready');
  await h.run('/pbi team PBI-11 Alpha start');
  await h.run('/pbi team PBI-11 "Team Phoenix" start');
  h.advance({ days: 11 });
  await h.run('/pbi add "New" --teams Alpha --stage doing');
  await h.run('/pbi team PBI-12 Alpha start');
}

describeEachDatabase('team-level flow', (db) => {
  let h: Harness;
  const history = typedOnce('team_flow', db, buildHistory); // once per database, not before each test
  beforeEach(async () => {
    h = await history();
  });

  test("sle --team: the team's percentiles of square cycle times 1..10 and its SLE", async () => {
    const reply = await h.run('/flow sle --team alpha');
    expect(reply.plain).toContain(
      'SLE of Alpha: 85% of its squares done within 9 days (computed from 10 done squares)',
    );
    expect(reply.plain).toContain("50% of Alpha's squares done within 5 days");
    expect(reply.plain).toContain("95% of Alpha's squares done within 10 days");
    expect(reply.plain).toContain('10 squares done by Alpha in the last 90 days');
    // the Nexus's own SLE is of PBIs, none finished
    expect((await h.run('/flow sle')).plain).toContain('SLE: not enough history');
    const phoenix = await h.run('/flow sle --team Team Phoenix');
    expect(phoenix.plain).toContain(
      'SLE of Team Phoenix: not enough history (0 squares done in the window; 10 needed)',
    );
    expect((await h.run('/flow sle --team "team phoenix"')).plain).toContain('SLE of Team Phoenix');
  });

  test("sle --team --sprint: the team's squares done in the last finished Sprint", async () => {
    expect((await h.run('/flow sle --team Alpha --sprint')).plain).toContain('no Sprint cadence');
    await h.run('/nexus sprint 2026-02-25 --length 7'); // Sprint 3 is Wed 11 – Tue 17 Mar: PBI-10's square, 10 days
    const reply = await h.run('/flow sle --sprint --team Alpha');
    expect(reply.plain).toContain('1 square done by Alpha in Sprint 3 (Wed 11 Mar – Tue 17 Mar)');
    expect(reply.plain).toContain("50% of Alpha's squares done within 10 days");
    expect(reply.plain).toContain('SLE of Alpha: 85% of its squares done within 9 days');
  });

  test('a team that is not there, or none named, gets one line saying so', async () => {
    expect((await h.run('/flow sle --team Gamma')).plain).toContain(
      'There is no team Gamma. Teams: Alpha, Team Phoenix.',
    );
    expect((await h.run('/flow aging --team')).plain).toContain("--team needs a team's name.");
    expect((await h.run('/flow sle --team Alpha --team Alpha')).plain).toContain('--team is given twice.');
    expect((await h.run('/flow chart cfd --team Alpha')).plain).toContain(
      'A team has aging, scatter, histogram, throughput, wip, stages charts; cfd is the Nexus',
    );
    expect((await h.run('/flow aging Alpha')).plain).toContain('This report takes no arguments');
  });

  test("aging --team: the team's squares in progress, oldest start first, against its SLE", async () => {
    const reply = await h.run('/flow aging --team Alpha');
    expect(reply.plain).toContain('2 squares of Alpha in progress: 1 past its SLE, 0 at risk');
    const lines = reply.plain.split('\n').filter((l) => l.startsWith('• '));
    expect(lines[0]).toMatch(/^• PBI-11 Old · ◐ Alpha {2}◐ Team Phoenix · 12d 🔴 past SLE · in ready$/);
    expect(lines[1]).toMatch(/^• PBI-12 New · ◐ Alpha · 1d · in doing$/);
    expect(lines).toHaveLength(2);
    const phoenix = await h.run('/flow aging --team Team Phoenix');
    expect(phoenix.plain).toContain('1 square of Team Phoenix in progress: 0 past its SLE');
  });

  test("charts --team: the team's aging squares, square cycle times and squares done per day", async () => {
    const aging = (await h.run('/flow chart aging --team Alpha')).chart!;
    expect(aging.title).toBe('Shop · Alpha · aging squares (2 in progress)');
    expect(data(aging.spec, 'items').map((v) => [v.key, v.stage, v.age])).toEqual([
      ['PBI-11', 'ready', 12],
      ['PBI-12', 'doing', 1],
    ]);
    expect(data(aging.spec, 'lines').map((v) => [v.percentile, v.days])).toEqual([
      [50, 5],
      [70, 7],
      [85, 9],
      [95, 10],
    ]);
    expect(aging.fileName).toMatch(/^aging-Alpha-2026-03-23\.png$/);
    const scatter = (await h.run('/flow chart scatter --team alpha')).chart!;
    expect((scatter.spec as Spec).data[0].values.map((v) => v.days).sort((a: number, b: number) => a - b)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    const throughput = (await h.run('/flow chart throughput --team Alpha')).chart!;
    expect(throughput.title).toContain('Shop · Alpha · squares done per day');
    const days = (throughput.spec as Spec).data[0].values;
    expect(days.reduce((n: number, d: { count: number }) => n + d.count, 0)).toBe(10);
    expect((await h.run('/flow chart aging --team Team Phoenix')).chart!.fileName).toMatch(/^aging-Team-Phoenix-/);
  });

  test("the digest names squares past their team's SLE, briefly, with the list in its thread", async () => {
    const digest = await h.run('/flow digest');
    expect(digest.plain).toContain("👥 1 square past their team's SLE — Alpha on PBI-11 (12 days).");
    expect(JSON.stringify(digest.thread)).toContain("Squares past their team's SLE");
    expect(JSON.stringify(digest.thread)).toContain('*PBI-11* · Alpha 12 days, its SLE 9 days');
    await h.run('/pbi move PBI-11 doing'); // only work in progress is snoozed
    expect((await h.run('/pbi snooze PBI-11')).plain).toContain('snoozed the aging nudges of PBI-11');
    expect((await h.run('/flow digest')).plain).not.toContain("past their team's SLE");
  });
});
