import { freshDatabase } from '../support/databases';
import { startSlackApp } from '../support/slack-app';

test('when a listener fails (the database went away) the person gets a plain apology, not silence', async () => {
  const db = await freshDatabase('embedded');
  const s = await startSlackApp(db);
  try {
    await s.command('/nexus', 'setup');
    await db.prisma.$disconnect();
    await db.close();
    const { reply } = await s.command('/flow', 'board');
    expect(reply).toMatchObject({ response_type: 'ephemeral' });
    expect(reply?.text).toContain('Sorry, Nexus Flow failed to do that');
  } finally {
    await s.stop();
    await db.dispose().catch(() => undefined);
  }
});

test("when the answer to a saved change can't be sent, the person is told it was done, not that nothing changed", async () => {
  const db = await freshDatabase('embedded');
  const s = await startSlackApp(db);
  try {
    await s.command('/nexus', 'setup --teams Alpha');
    s.fake.failNext('respond', 'invalid_blocks');
    const { reply, replies } = await s.command('/pbi', 'add "Checkout"');
    expect(s.fake.takeRejections().map((r) => r.error)).toEqual(['invalid_blocks']);
    expect(replies).toHaveLength(1);
    expect(reply?.text).toContain('Nexus Flow did what you asked, but Slack would not show its answer here');
    expect(reply?.text).not.toContain('nothing was changed');
    const nexus = (await s.store.nexuses.findByChannel('T1', 'C1'))!;
    expect((await s.store.pbis.get(nexus.id, 'PBI-1'))?.title).toBe('Checkout');
  } finally {
    await s.stop();
    await db.dispose();
  }
});
