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
