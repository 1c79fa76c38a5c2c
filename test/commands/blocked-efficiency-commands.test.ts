import { commandHarness, type Harness } from '../support/harness';
import { describeEachDatabase } from '../support/setup-db';

/**
 * From Mon 2 Mar 09:00 (Berlin): PBI-1 starts in doing, waits in review Tue–Wed, is blocked Thu 5 Mar (in doing) to
 * Fri 6 Mar 09:00 and finishes Fri (in done): 5 days, 1 active, 2 waiting, 2 blocked. PBI-2 starts and finishes Fri: 1 active day.
 * PBI-3 is blocked from Fri and still is on Mon 9 Mar, when the reports are asked for.
 */
async function buildHistory(h: Harness): Promise<void> {
  await h.run(
    '/nexus setup --name Shop --teams Alpha --stages "ready,doing,review,done,released" --start doing --finish done --zone Europe/Berlin',
  );
  await h.run('/nexus stage wait review on');
  await h.run('/pbi add "One" --stage doing');
  h.advance({ days: 1 });
  await h.run('/pbi move PBI-1 review');
  h.advance({ days: 2 });
  await h.run('/pbi move PBI-1 doing');
  await h.run('/pbi block PBI-1 waiting for legal');
  h.advance({ days: 1 });
  await h.run('/pbi unblock PBI-1');
  await h.run('/pbi move PBI-1 done');
  await h.run('/pbi add "Two" --stage doing');
  await h.run('/pbi move PBI-2 done');
  await h.run('/pbi add "Three" --stage doing');
  await h.run('/pbi block PBI-3 Legal review pending');
  h.advance({ days: 3 });
}

describeEachDatabase('/nexus stage wait', (db) => {
  let h: Harness;
  beforeEach(async () => {
    h = commandHarness(db());
    await h.run(
      '/nexus setup --name Shop --teams Alpha --stages "ready,doing,review,done" --start doing --finish done --zone Europe/Berlin',
    );
  });

  test('marks a queue stage in the channel, recorded as a workflow change; off unmarks it', async () => {
    const on = await h.run('/nexus stage wait Review on');
    expect(on.visibility).toBe('channel');
    expect(on.plain).toContain('marked review as a wait stage');
    expect(on.plain).toContain('Workflow: ready → ▶ doing → review ⏸ wait → ✔ done');
    expect((await h.nexus()).workflow.stages.find((s) => s.name === 'review')?.wait).toBe(true);
    const recorded = await db().prisma.event.findMany({ where: { type: 'nexus.workflow-changed' } });
    expect(recorded.map((e) => (e.payload as { value: { stages: object[] } }).value.stages[2])).toEqual([
      { name: 'review', wipLimit: null, wait: true },
    ]);
    expect((await h.run('/nexus stage wait review off')).plain).toContain('unmarked review');
    expect((await h.nexus()).workflow.stages.find((s) => s.name === 'review')?.wait).toBeUndefined();
  });

  test('bad input gets one line and changes nothing', async () => {
    const before = await h.nexus();
    expect((await h.run('/nexus stage wait review off')).plain).toContain(
      'review is not a wait stage: nothing changed.',
    );
    expect((await h.run('/nexus stage wait nowhere on')).plain).toContain('nowhere');
    expect((await h.run('/nexus stage wait review maybe')).plain).toContain('Give the stage and on');
    expect((await h.run('/nexus stage wait review')).plain).toContain('Give the stage and on');
    h.as('U_DEV');
    expect((await h.run('/nexus stage wait review on')).plain).toContain('Nexus Integration Team');
    expect(await h.nexus()).toEqual(before);
  });
});

describeEachDatabase('/flow efficiency and /flow blocked', (db) => {
  let h: Harness;
  beforeEach(async () => {
    h = commandHarness(db());
    await buildHistory(h);
  });

  test('efficiency: 2 active days of 6, the stages where time waits, least efficient PBIs first', async () => {
    const reply = await h.run('/flow efficiency');
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.plain).toContain('Flow efficiency 33%: 2 active days of 6 days of cycle time (2 waiting, 2 blocked)');
    expect(reply.plain).toContain('2 PBIs finished since');
    // Friday, blocked until 09:00, ended in done: its blocked day is done's
    expect(reply.plain).toContain(
      '• review 2 days waiting, 0 blocked\n• doing 0 days waiting, 1 blocked\n• done 0 days waiting, 1 blocked',
    );
    const lines = reply.plain.split('\n').filter((l) => l.startsWith('• PBI-'));
    expect(lines).toEqual([
      '• PBI-1 One · 20%: 1 active, 2 waiting, 2 blocked of 5 days',
      '• PBI-2 Two · 100%: 1 active, 0 waiting, 0 blocked of 1 day',
    ]);
    expect(reply.plain).toContain('Wait stages: review.');
    await h.run('/nexus stage wait review off');
    expect((await h.run('/flow efficiency')).plain).toContain('Flow efficiency 67%: 4 active days of 6');
  });

  test('blocked: now and in the window, reasons grouped, per week', async () => {
    const reply = await h.run('/flow blocked');
    expect(reply.plain).toContain('1 blocked now; 2 PBIs blocked since');
    expect(reply.plain).toContain('6 blocked days.');
    expect(reply.plain).toContain('• PBI-3 Three · ⛔ Legal review pending · 4 days, since Fri 6 Mar');
    expect(reply.plain).toContain(
      '• PBI-3 · 4 days · ⛔ Legal review pending\n• PBI-1 · 2 days · ⛔ waiting for legal',
    );
    expect(reply.plain).toMatch(/• (Legal review pending|waiting for legal) — 2 blocks, 6 days \(PBI-1, PBI-3\)/);
    expect(reply.plain).toContain('week of Mon 2 Mar  5 blocked days, 2 newly blocked');
    expect(reply.plain).toContain('week of Mon 9 Mar  1 blocked day, 0 newly blocked');
  });

  test("the read holds a PBI's events from its start on, and a block it started under counts from its start", async () => {
    // PBI-4 waits in ready from Mon 9 Mar, is blocked there Tue, starts Wed still blocked, is unblocked and done Thu
    await h.run('/pbi add "Four" --stage ready');
    h.advance({ days: 1 });
    await h.run('/pbi block PBI-4 vendor');
    h.advance({ days: 1 });
    await h.run('/pbi move PBI-4 doing');
    h.advance({ days: 1 });
    await h.run('/pbi unblock PBI-4');
    await h.run('/pbi move PBI-4 done');
    const nexus = (await h.nexus())!;
    const four = (await h.store.pbis.flowHistoriesSince(nexus.id, h.now.minus({ days: 30 }))).find(
      (p) => p.key === 'PBI-4',
    )!;
    expect(four.entries.map((e) => e.stage)).toEqual(['doing', 'done']);
    expect(four.blocks).toEqual([{ from: four.startedAt, until: four.finishedAt }]);
    expect((await h.run('/flow efficiency')).plain).toContain(
      '• PBI-4 Four · 0%: 0 active, 0 waiting, 2 blocked of 2 days',
    );
  });

  test('reports take no arguments', async () => {
    expect((await h.run('/flow efficiency now')).plain).toContain('This report takes no arguments');
    expect((await h.run('/flow blocked --team Alpha')).plain).toContain('This report takes no arguments');
  });
});
