import { keepStatistics } from '../../src/store/statistics';
import { describeEachDatabase } from '../support/setup-db';

/** What the planner believes of the events table: rows as of the last ANALYZE (-1 or 0 before any). */
const believed = `SELECT reltuples::float8 AS rows FROM pg_class WHERE oid = '"Event"'::regclass`;

describeEachDatabase('the statistics the bot gathers itself', (db) => {
  const addEvents = (from: number, to: number) =>
    db().prisma.$executeRawUnsafe(
      `INSERT INTO "Event" (id, "nexusId", "pbiKey", type, payload, "occurredAt", actor, source)
       SELECT g, 'n1', 'PBI-' || (g % 500), 'pbi.moved', '{"to":"ready"}', now(), 'U1', 'test'
       FROM generate_series(${from}, ${to}) g`,
    );

  // tables are emptied before each test
  const addNexus = () =>
    db().prisma.$executeRawUnsafe(
      `INSERT INTO "Nexus" (id, "workspaceId", "channelId", name, teams, stages, "startStage", "finishStage", "createdBy")
       VALUES ('n1', 'T1', 'C1', 'N', '{}', '[]', 'a', 'b', 'U1')`,
    );

  test('a table grown since its last ANALYZE is analyzed, and then left alone until it grows by a tenth', async () => {
    const statistics = keepStatistics(db().prisma, 3_600_000);
    try {
      await addNexus();
      await statistics.refresh(); // whatever the opening found
      await addEvents(1, 20_000);
      const [before] = await db().prisma.$queryRawUnsafe<{ rows: number }[]>(believed);
      expect(before.rows).toBeLessThan(1_000);

      expect(await statistics.refresh()).toContain('"Event"');
      const [after] = await db().prisma.$queryRawUnsafe<{ rows: number }[]>(believed);
      expect(after.rows).toBeGreaterThan(18_000);

      expect(await statistics.refresh()).not.toContain('"Event"');
      await addEvents(20_001, 20_500); // 2.5% more
      expect(await statistics.refresh()).not.toContain('"Event"');
      await addEvents(20_501, 25_000);
      expect(await statistics.refresh()).toContain('"Event"');
    } finally {
      statistics.stop();
    }
  });
});
