import type { Database } from '../../src/store/database';
import { DATABASE_KINDS, type DatabaseKind, emptyTables, freshDatabase } from './databases';

/** Runs the suite once per database kind, with one database per kind for the file and empty tables per test. */
export function describeEachDatabase(title: string, suite: (db: () => Database, kind: DatabaseKind) => void): void {
  describe.each(DATABASE_KINDS)(`${title} (%s)`, (kind) => {
    let db: Awaited<ReturnType<typeof freshDatabase>>;
    beforeAll(async () => {
      db = await freshDatabase(kind);
    });
    afterAll(async () => {
      await db?.dispose();
    });
    beforeEach(async () => {
      await emptyTables(db);
    });
    suite(() => db, kind);
  });
}
