import { blocksToText } from '../../src/console/plain-text';
import { commandHarness, type Harness } from '../support/harness';
import { describeEachDatabase } from '../support/setup-db';

/** One PBI of Alpha's finished every day, `perDay` of them, for `days` days; the clock ends a day after the last. */
async function finishEachDay(h: Harness, days: number, perDay = 1): Promise<void> {
  for (let n = 0; n < days; n++) {
    for (let i = 0; i < perDay; i++) {
      const added = await h.run('/pbi add "Daily item" --teams Alpha --stage doing');
      const key = /PBI-\d+/.exec(added.plain)![0];
      await h.run(`/pbi team ${key} Alpha done`);
      await h.run(`/pbi move ${key} done`);
    }
    h.advance({ days: 1 });
  }
}

const threadOf = (reply: { thread?: Parameters<typeof blocksToText>[0] }) => blocksToText(reply.thread ?? []);

describeEachDatabase('/nexus review', (db) => {
  let h: Harness;
  beforeEach(async () => {
    h = commandHarness(db()); // Mon 2 Mar 2026, 09:00 in Berlin
    await h.run(
      '/nexus setup --name Shop --teams Alpha,Beta --stages "ready,doing,done" --start doing --finish done --zone Europe/Berlin',
    );
  });

  test('the quiet forms: without a cadence it says how to set one; before the first Sprint ends, when it can', async () => {
    const none = await h.run('/nexus review');
    expect(none.visibility).toBe('ephemeral');
    expect(none.plain).toContain(
      'The Nexus Sprint Review needs the Sprints: set their cadence with /nexus sprint <YYYY-MM-DD>',
    );
    await h.run('/nexus sprint 2026-03-02');
    const first = await h.run('/nexus review');
    expect(first.visibility).toBe('ephemeral');
    expect(first.plain).toContain(
      'No Sprint to review yet: the first, Sprint 1 (Mon 2 Mar – Sun 15 Mar), can be reviewed from its last working day.',
    );
    expect((await h.run('/nexus review now')).plain).toContain('This report takes no arguments');
  });

  test('Sprint 1 reviewed without a kept forecast says so, and that /forecast sprint is kept for next time', async () => {
    await h.run('/nexus sprint 2026-03-02');
    await finishEachDay(h, 11); // Mon 2 – Thu 12 Mar; today Fri 13 Mar, Sprint 1's last working day
    const review = await h.run('/nexus review');
    expect(review.visibility).toBe('channel');
    expect(review.plain).toContain('Shop · Nexus Sprint Review · Sprint 1 (Mon 2 Mar – Sun 15 Mar)');
    expect(review.plain).toContain(
      "11 PBIs integrated so far (the Sprint ends Sun 15 Mar). No forecast was kept for Sprint 1: /forecast sprint asked at Nexus Sprint Planning (up to a Sprint's first working day it forecasts that Sprint) is kept",
    );
    const thread = threadOf(review);
    expect(thread).toContain('Integrated in Sprint 1 (11)');
    expect(thread).toContain('PBI-1 Daily item · Mon 2 Mar');
    expect(thread).toContain('Alpha: 11 squares done');
    expect(thread).toContain('Beta: 0 squares done');
    expect(thread).toContain('No backlog forecast: the Product Backlog is empty');
  });

  test('the forecast kept at planning against what the Sprint integrated, what comes next, and the forecast judged after', async () => {
    await h.run('/nexus sprint 2026-03-02'); // Sprints of 14 days: Sprint 2 is Mon 16 – Sun 29 Mar
    await finishEachDay(h, 10); // one a day, Mon 2 – Wed 11 Mar; today Thu 12 Mar
    const planned = await h.run('/forecast sprint'); // with every day's throughput 1: 14 in 14 days, at every confidence
    expect(planned.plain).toContain('Next Sprint (Sprint 2): Mon 16 Mar – Sun 29 Mar (14 days)');
    await finishEachDay(h, 15); // Thu 12 – Thu 26 Mar: 11 of them in Sprint 2; today Fri 27 Mar, its last working day
    for (let n = 1; n <= 3; n++) await h.run(`/pbi add "Next ${n}" --teams Alpha --key N-${n}`);

    const missed = await h.run('/nexus review');
    expect(missed.plain).toContain('Nexus Sprint Review · Sprint 2 (Mon 16 Mar – Sun 29 Mar)');
    expect(missed.plain).toContain(
      '11 PBIs integrated so far (the Sprint ends Sun 29 Mar) against the forecast at Nexus Sprint Planning: 50% ≥ 14 ✗, 70% ≥ 14 ✗, 85% ≥ 14 ✗, 95% ≥ 14 ✗ (asked Thu 12 Mar).',
    );
    // Alpha finishes one square a day and every PBI was integrated the day its square was: N-1 tomorrow, N-3 on Mon 30
    expect(missed.plain).toContain(
      'Likely next (85%): 3 PBIs by the end of Sprint 3, 3 by the end of Sprint 4, 3 by the end of Sprint 5.',
    );
    const thread = threadOf(missed);
    expect(thread).toContain(
      'Forecast at Nexus Sprint Planning (asked Thu 12 Mar): what it said against what happened',
    );
    expect(thread).toContain('Nexus: 11 PBIs integrated · forecast 50% ≥ 14 ✗');
    expect(thread).toContain('Alpha: 11 squares done · forecast 50% ≥ 14 ✗');
    expect(thread).toContain('Beta: 0 squares done · no forecast then (too little history)');
    expect(thread).toContain('Sprint 3 (ends Sun 12 Apr): N-1 Next 1, N-2 Next 2, N-3 Next 3 (3 by then in all)');
    expect(thread).toContain('Sprint 4 (ends Sun 26 Apr): no more likely (3 by then in all)');
    expect(missed.chart?.fileName).toBe('review-sprint-2-2026-03-27.png');
    expect(JSON.stringify(missed.chart?.spec)).toContain('N-3');

    await finishEachDay(h, 1, 3); // three more on Fri 27 Mar: 14, as forecast
    h.advance({ days: 2 }); // Mon 30 Mar: Sprint 2 is over
    const kept =
      /• forecast of Thu 12 Mar: Sprint 2 Mon 16 Mar – Sun 29 Mar — 50% ≥ 14 ✓, 70% ≥ 14 ✓, 85% ≥ 14 ✓, 95% ≥ 14 ✓; done 14/;
    const review = await h.run('/nexus review');
    expect(review.plain).toContain('14 PBIs integrated against the forecast at Nexus Sprint Planning: 50% ≥ 14 ✓');
    expect(threadOf(review)).not.toMatch(kept); // the planning forecast is shown once, not again as one that came due
    expect((await h.run('/forecast accuracy')).plain).toMatch(kept);
    const digest = await h.run('/flow digest'); // the forecast came due yesterday, Sprint 2's last day
    expect(`${digest.plain}\n${threadOf(digest)}`).toMatch(kept);
  });

  test("asked at Nexus Sprint Planning on the Sprint's first day, /forecast sprint forecasts that Sprint, which the review finds", async () => {
    await h.run('/nexus sprint 2026-03-02'); // Sprint 2 is Mon 16 – Sun 29 Mar
    await finishEachDay(h, 14); // one a day, Mon 2 – Sun 15 Mar; today Mon 16 Mar, Sprint 2's first day
    const planning = await h.run('/forecast sprint');
    expect(planning.plain).toContain('This Sprint (Sprint 2): Mon 16 Mar – Sun 29 Mar (14 days)');
    h.advance({ days: 1 }); // planning is over: Tuesday's question is about Sprint 3
    expect((await h.run('/forecast sprint')).plain).toContain('Next Sprint (Sprint 3): Mon 30 Mar – Sun 12 Apr');
    await finishEachDay(h, 10); // Tue 17 – Thu 26 Mar; today Fri 27 Mar, Sprint 2's last working day
    const review = await h.run('/nexus review');
    expect(review.plain).toContain(
      '10 PBIs integrated so far (the Sprint ends Sun 29 Mar) against the forecast at Nexus Sprint Planning: 50% ≥ 14 ✗',
    );
    expect(review.plain).toContain('(asked Mon 16 Mar)');
  });
});
