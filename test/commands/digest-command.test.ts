import { commandHarness, type Harness } from '../support/harness';
import { describeEachDatabase } from '../support/setup-db';

describeEachDatabase('/flow digest', (db) => {
  let h: Harness;
  beforeEach(async () => {
    h = commandHarness(db()); // Mon 2 Mar 2026, 09:00 Berlin
    await h.run('/nexus setup --name Shop --teams Alpha,Beta --stages "ready,doing:1,done" --start doing --finish done --zone Europe/Berlin');
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
    expect(reply.plain).toContain('✋ Stop starting, start finishing: 2 started and 0 finished in the last 5 working days; WIP 0 → 2. Swarm on PBI-1, PBI-2.');
    expect(reply.plain).toContain('🧩 1 PBI stalled at integration');
    expect(reply.plain).toContain('WIP over the last working days: 2 → 2 → 2 → 2 → 2');
    expect(reply.plain).not.toContain('past the SLE'); // no SLE yet: nothing can be aging
    const thread = (reply.thread ?? []).map((b) => JSON.stringify(b)).join('\n');
    expect(thread).toContain('*PBI-1* ■ Alpha done; ☐ Beta not started (7 days)');
    expect(thread).toContain('Yesterday, Sun 8 Mar');
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
});
