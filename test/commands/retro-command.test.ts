import { blocksToText } from '../../src/console/plain-text';
import { commandHarness, type Harness } from '../support/harness';
import { describeEachDatabase } from '../support/setup-db';

/**
 * Sprints of a week from Mon 2 Mar (Berlin). Sprint 1: PBI-1 (Alpha) starts Mon and is integrated Tue, the day Alpha
 * is done: cycle time 2, integration wait 0. Sprint 2: `ready` gets a WIP limit of 1 on Mon 9 and PBI-3 sits there all
 * week (full 5 of 5 working days); PBI-2 (Alpha, Beta) starts Mon, both teams are done Tue and it waits in `review`
 * (a wait stage), is blocked Wed to Thu and integrated Thu: cycle time 4, 1 active day, integration wait 2.
 */
async function buildSprints(h: Harness): Promise<void> {
  await h.run(
    '/nexus setup --name Shop --teams "Alpha,Beta" --stages "ready,doing,review,done" --start doing --finish done --zone Europe/Berlin',
  );
  await h.run('/nexus sprint 2026-03-02 --length 7');
  await h.run('/nexus stage wait review on');
  await h.run('/pbi add "One" --teams Alpha --stage doing');
  await h.run('/pbi team PBI-1 Alpha start');
  h.advance({ days: 1 });
  await h.run('/pbi team PBI-1 Alpha done');
  await h.run('/pbi move PBI-1 done');
  h.advance({ days: 6 }); // Mon 9 Mar
  await h.run('/nexus stage wip ready 1');
  await h.run('/pbi add "Two" --teams "Alpha,Beta" --stage doing');
  await h.run('/pbi team PBI-2 Alpha start');
  await h.run('/pbi team PBI-2 Beta start');
  await h.run('/pbi add "Three" --teams Beta --stage ready');
  h.advance({ days: 1 });
  await h.run('/pbi team PBI-2 Alpha done');
  await h.run('/pbi team PBI-2 Beta done');
  await h.run('/pbi move PBI-2 review');
  h.advance({ days: 1 });
  await h.run('/pbi block PBI-2 waiting for legal');
  h.advance({ days: 1 });
  await h.run('/pbi unblock PBI-2');
  await h.run('/pbi move PBI-2 done');
  h.advance({ days: 1 }); // Fri 13 Mar: Sprint 2's last working day
}

describeEachDatabase('/nexus retro', (db) => {
  let h: Harness;
  beforeEach(() => {
    h = commandHarness(db());
  });

  test("Sprint 2 against Sprint 1, in the channel with details in the thread, and the data's questions", async () => {
    await buildSprints(h);
    const reply = await h.run('/nexus retro');
    expect(reply.visibility).toBe('channel');
    expect(reply.plain).toContain('Shop · Nexus Sprint Retrospective · Sprint 2');
    expect(reply.plain).toContain(
      'Sprint 2 (Mon 9 Mar – Sun 15 Mar), counted to Fri 13 Mar, against Sprint 1 (Mon 2 Mar – Sun 8 Mar).',
    );
    expect(reply.plain).toContain('Throughput: 1 PBI integrated (was 1).');
    expect(reply.plain).toContain('Cycle time: 50% within 4 days, 85% within 4 (was 2 and 2).');
    expect(reply.plain).toContain('Flow efficiency: 25% (was 100%).');
    expect(reply.plain).toContain('Blocked: 2 days on 1 PBI (was 0 days).');
    expect(reply.plain).toContain('Integration wait (last team done → integrated): 50% within 2 days, 85% within 2');
    expect(reply.plain).toContain('WIP limits: none broken (was none set).');
    expect(reply.plain).toContain('Definition of Workflow: changed on 1 day (was unchanged).');
    const questions = reply.plain.split('\n').filter((l) => l.startsWith('❓'));
    expect(questions).toEqual([
      '❓ ready was at its WIP limit (1) or over 5 of 5 working days: raise its limit, or put less into it?',
      '❓ PBIs spent 2 days waiting or blocked in review, 50% of their cycle time: what would get work out of it sooner?',
      '❓ Integration waits rose: the median from 0 days to 2 days from the last team done to integrated. What holds ' +
        'integration, and should teams integrate as they go?',
    ]);
    const thread = blocksToText(reply.thread!);
    expect(thread).toContain('• Alpha: 1 done (was 1) · 2/2 days (was 2/2) · no SLE (was no SLE)');
    expect(thread).toContain('• Beta: 1 done (was 0) · 2/2 days (was none) · no SLE (was no SLE)');
    expect(thread).toContain('• ready (limit 1): at it or over 5 of 5 days, over 0, at most 1');
    expect(thread).toContain('• waiting for legal — 1 block, 2 days (PBI-2)');
    expect(thread).toContain('Where time waits (PBIs finished in the Sprint)\n• review 1 day waiting, 1 blocked');
    expect(thread).toContain('the longest PBI-2, 2 days.');
    expect(thread).toContain('• Mon 9 Mar: ready WIP none→1');
  });

  test('after the Sprint, the last finished one is inspected; a week on, the next', async () => {
    await buildSprints(h);
    h.advance({ days: 3 }); // Mon 16 Mar: Sprint 3 has begun
    expect((await h.run('/nexus retro')).plain).toContain('Sprint 2 (Mon 9 Mar – Sun 15 Mar), against Sprint 1');
    h.advance({ days: 4 }); // Fri 20 Mar, Sprint 3's last working day
    const third = await h.run('/nexus retro');
    expect(third.plain).toContain('Throughput: 0 PBIs integrated (was 1).');
    expect(third.plain).toContain('Cycle time: none (was 4 and 4).');
  });

  test('quiet forms: no cadence says how to set one; before the first Sprint ends, when it does; then nothing to compare', async () => {
    await h.run(
      '/nexus setup --name Shop --teams Alpha --stages "ready,doing,done" --start doing --finish done --zone Europe/Berlin',
    );
    const none = await h.run('/nexus retro');
    expect(none.visibility).toBe('ephemeral');
    expect(none.plain).toContain('set one with /nexus sprint <YYYY-MM-DD>');
    await h.run('/nexus sprint 2026-03-02 --length 14');
    expect((await h.run('/nexus retro')).plain).toContain('No Sprint has finished yet: the first ends on Sun 15 Mar.');
    h.advance({ days: 11 }); // Fri 13 Mar: Sprint 1's last working day
    const first = await h.run('/nexus retro');
    expect(first.visibility).toBe('channel');
    expect(first.plain).toContain(
      'Sprint 1 (Mon 2 Mar – Sun 15 Mar), counted to Fri 13 Mar, first Sprint: nothing to compare yet.',
    );
    expect(first.plain).toContain('Throughput: 0 PBIs integrated.');
    expect(first.plain).toContain('Nothing stood out');
    expect((await h.run('/nexus retro now')).plain).toContain('This report takes no arguments');
  });
});
