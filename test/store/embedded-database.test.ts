import { freshDatabase } from '../support/databases';

test('the embedded database keeps a 32 MB page cache, not the 128 MB that PGlite would hold in memory for good', async () => {
  const db = await freshDatabase('embedded');
  try {
    const [row] = await db.prisma.$queryRaw<{ size: string }[]>`SELECT current_setting('shared_buffers') AS size`;
    expect(row.size).toBe('32MB');
  } finally {
    await db.dispose();
  }
});
