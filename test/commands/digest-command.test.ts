import { inProgressDeliveries } from '../support/deliveries';
import { commandHarness, type Harness } from '../support/harness';
import { describeEachDatabase } from '../support/setup-db';

describeEachDatabase('/flow digest', (db) => {
  let h: Harness;
  beforeEach(async () => {
    h = commandHarness(db()); // Mon 2 Mar 2026, 09:00 Berlin
    await h.run(
      '/nexus setup --name Shop --teams Alpha,Beta --stages "ready,doing:1,done" --start doing --finish done --zone Europe/Berlin',
    );
  });

  test('quiet when there is nothing to say: one line, no thread', async () => {
    const reply = await h.run('/flow digest');
    expect(reply.visibility).toBe('channel');
    expect(reply.plain).toContain('✅ Flow is healthy');
    expect(reply.thread).toBeUndefined();
  });

  test('names what needs attention, with the items in the thread', async () => {
    await h.run('/pbi add "Split payments" --teams Alpha,Beta --stage doing');
    await h.run('/pbi team PBI-1 Alpha done');
    await h.run('/pbi add "Wallet" --stage doing');
    await h.run('/pbi add "Refunds"'); // waits in ready
    h.advance({ days: 7 }); // Mon 9 Mar: the last 5 working days are 2–6 Mar
    const reply = await h.run('/flow digest');
    expect(reply.visibility).toBe('channel');
    expect(reply.plain).toContain('Shop · digest · Mon 9 Mar');
    expect(reply.plain).toContain('⚠ doing 2/1: over its WIP limit.');
    expect(reply.plain).toContain(
      '✋ Stop starting, start finishing: 2 started and 0 finished in the last 5 working days; WIP 0 → 2. Swarm on PBI-1, PBI-2.',
    );
    expect(reply.plain).toContain('🧩 1 PBI stalled at integration');
    expect(reply.plain).toContain('WIP over the last working days: 2 → 2 → 2 → 2 → 2');
    expect(reply.plain).not.toContain('past the SLE'); // no SLE yet: nothing can be aging
    const thread = (reply.thread ?? []).map((b) => JSON.stringify(b)).join('\n');
    expect(thread).toContain('*PBI-1* ■ Alpha done; ☐ Beta not started (7 days)');
    expect(thread).toContain('Yesterday, Sun 8 Mar');
  });

  test('the aging chart in the thread names the days the Definition of Workflow changed in the SLE window', async () => {
    await h.run('/pbi add "Wallet" --stage doing');
    h.advance({ days: 2 });
    await h.run('/nexus stage wip doing 2'); // Wed 4 Mar
    h.advance({ days: 1 });
    const { chart } = await h.run('/flow digest');
    const title = (chart!.spec as { title: { subtitle?: string } }).title;
    expect(title.subtitle).toBe('Definition of Workflow changed 4 Mar (doing WIP 1→2)');
  });

  test('tracker moves held for a status without a stage, and deliveries failing, are told until someone acts', async () => {
    await h.run('/nexus tracker jira');
    const nexusId = (await h.nexus()).id;
    const review = (i: number) => ({ ...inProgressDeliveries(nexusId, h.now.minus({ days: 1 }), 1, i)[0] });
    const held = [1, 2, 3].map(review).map((d, i) => ({
      ...d,
      change: { ...d.change, to: { id: null, name: i < 2 ? 'QA Review' : 'Waiting for <UX>', category: null } },
    }));
    await h.store.inbox.receiveMany(held);
    await h.store.inbox.applyDue(nexusId, h.now, 250);
    await db().prisma.delivery.create({
      data: {
        nexusId,
        kind: 'jira',
        deliveryId: 'broken',
        receivedAt: new Date(),
        change: {},
        state: 'failed',
        error: 'boom',
      },
    });
    const reply = await h.run('/flow digest');
    expect(reply.plain).not.toContain('Flow is healthy');
    expect(reply.plain).toContain(
      '🔌 3 tracker moves held: no stage for Jira "QA Review" (2), Jira "Waiting for <UX>" (1). Map with /nexus map jira "QA Review" <stage>.',
    );
    expect(reply.plain).toContain('🔌 1 tracker delivery fails to apply and is retried; /nexus tracker shows why.');
    expect(JSON.stringify(reply.blocks)).toContain('Waiting for &lt;UX&gt;'); // a status is shown, never read as markup
    await h.run('/nexus map jira "QA Review" doing');
    await h.run('/nexus map jira "Waiting for <UX>" ready');
    await h.store.inbox.applyDue(nexusId, h.now, 250);
    const after = await h.run('/flow digest');
    expect(after.plain).not.toContain('held');
    expect(after.plain).toContain('1 tracker delivery fails');
    // held for a tracker that is then disconnected: nothing left to map, so nothing to nag about
    await h.run('/nexus tracker linear');
    await h.store.inbox.receiveMany([
      {
        ...review(9),
        kind: 'linear',
        change: { ...review(9).change, to: { id: null, name: 'Triage', category: null } },
      },
    ]);
    await h.store.inbox.applyDue(nexusId, h.now, 250);
    expect((await h.run('/flow digest')).plain).toContain('1 tracker move held: no stage for Linear "Triage" (1)');
    await h.run('/nexus tracker linear disconnect');
    expect((await h.run('/flow digest')).plain).not.toContain('held');
  });

  test('yesterday: what was integrated, started and blocked', async () => {
    await h.run('/pbi add "A" --stage doing');
    await h.run('/pbi add "B"');
    h.advance({ days: 1 });
    await h.run('/pbi move PBI-1 done');
    await h.run('/pbi move PBI-2 doing');
    await h.run('/pbi block PBI-2 waiting for legal');
    h.advance({ days: 1 });
    const reply = await h.run('/flow digest');
    expect(reply.plain).toContain('Yesterday: 1 integrated, 1 started, 1 blocked.');
  });

  test('aging items carry swarm, snooze and blocked buttons; a snoozed item leaves the nudge until its date; swarming is shown', async () => {
    await h.run('/nexus sle 85 3');
    await h.run('/pbi add "Stuck" --stage doing');
    h.advance({ days: 6 }); // Sun 8 Mar: age 7, past the SLE of 3 days
    const first = await h.run('/flow digest');
    expect(first.plain).toContain('🔴 1 past the SLE');
    const buttons = (first.thread ?? [])
      .filter((b) => b.type === 'actions')
      .flatMap((b) => ('elements' in b ? b.elements : []));
    expect(buttons.map((b) => b.action_id)).toEqual(['pbi.swarm', 'pbi.snooze', 'pbi.block']);
    expect(JSON.parse(buttons[0].value)).toEqual({ do: 'swarm', key: 'PBI-1' });

    expect((await h.run('/pbi swarm PBI-1')).plain).toContain('is swarming on PBI-1');
    expect(JSON.stringify((await h.run('/flow digest')).thread)).toContain('🐝 <@U_NIT>');
    expect((await h.run('/pbi swarm PBI-1')).plain).toContain('changes nothing');

    expect((await h.run('/pbi snooze PBI-1')).plain).toContain('until Tue 10 Mar');
    const snoozed = await h.run('/flow digest');
    expect(snoozed.plain).not.toContain('past the SLE');
    h.advance({ days: 3 }); // Wed 11 Mar: the snooze is over
    expect((await h.run('/flow digest')).plain).toContain('🔴 1 past the SLE');
    const history = (await h.run('/pbi show PBI-1')).plain;
    expect(history).toContain('is swarming on it');
    expect(history).toContain('snoozed its aging nudges until Tue 10 Mar');
    expect((await h.run('/pbi snooze PBI-1 30')).plain).toContain('1 to 14 days');
  });
});

describeEachDatabase('/flow digest on the default workflow', (db) => {
  test('refinement advice counts the ready stage, not the sprint-backlog just before flow starts', async () => {
    const h = commandHarness(db());
    await h.run('/nexus setup --name Shop --teams Alpha');
    for (let n = 0; n < 20; n++) {
      // one PBI integrated a day: the next Sprint (14 days) likely finishes 14
      await h.run(`/pbi add "Daily ${n}" --stage in-progress`);
      await h.run(`/pbi move PBI-${n + 1} integrated`);
      h.advance({ days: 1 });
    }
    for (let n = 0; n < 12; n++) await h.run(`/pbi add "Ready ${n}" --stage ready`);
    for (let n = 0; n < 3; n++) await h.run(`/pbi add "This Sprint ${n}" --stage sprint-backlog`);
    expect((await h.run('/flow board')).plain).toMatch(/ready {2}12\n/);
    expect((await h.run('/flow digest')).plain).toContain(
      '📋 Refine now: 12 ready, the next Sprint likely finishes 14.',
    );
  });
});
