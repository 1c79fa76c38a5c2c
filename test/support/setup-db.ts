import type { Database } from '../../src/store/database';
import {
  DATABASE_KINDS,
  type DatabaseKind,
  emptyTables,
  freshDatabase,
  snapshotTables,
  type TablesSnapshot,
} from './databases';
import { commandHarness, type Harness } from './harness';

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

/**
 * A history typed once for the describe block this is called in: `build` types it on a harness over empty tables (or
 * over `from`'s history), and each test then starts from the tables as they were and a harness on the day it ended.
 * Typing a long history again before each test took most of some files' time; putting its rows back takes
 * milliseconds. `name` names the copy (see snapshotTables): one per history in a file.
 */
export function typedOnce(
  name: string,
  db: () => Database,
  build: (h: Harness) => Promise<void>,
  from?: () => Promise<Harness>,
): () => Promise<Harness> {
  let snapshot: TablesSnapshot | undefined;
  let today = '';
  beforeAll(async () => {
    let h: Harness;
    if (from) h = await from();
    else {
      await emptyTables(db());
      h = commandHarness(db());
    }
    await build(h);
    today = h.now.toISO()!;
    snapshot = await snapshotTables(db(), name);
  });
  return async () => {
    await snapshot!.restore();
    return commandHarness(db(), { start: today });
  };
}
