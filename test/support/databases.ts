import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/store/database';

export type DatabaseKind = 'embedded' | 'postgres';

/** The databases every store test runs on: PGlite always, PostgreSQL when TEST_DATABASE_URL names a server. */
export const DATABASE_KINDS: DatabaseKind[] = process.env.TEST_DATABASE_URL ? ['embedded', 'postgres'] : ['embedded'];

/** A fresh, migrated database of that kind; `dispose` removes it (a PostgreSQL one is dropped). */
export async function freshDatabase(kind: DatabaseKind): Promise<Database & { dispose(): Promise<void> }> {
  if (kind === 'embedded') {
    const dir = mkdtempSync(path.join(tmpdir(), 'nexus-flow-test-'));
    const db = await openDatabase({ dataDir: dir });
    return {
      ...db,
      dispose: async () => {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const admin = process.env.TEST_DATABASE_URL!;
  const name = `nexus_flow_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await withClient(admin, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), dataDir: '' });
  return {
    ...db,
    dispose: async () => {
      await db.close();
      await withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function withClient(url: string, fn: (c: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await fn(client);
  } finally {
    await client.end();
  }
}

/** Empties every table between tests: cheaper than a new database each time (PGlite takes seconds to open). */
export async function emptyTables(db: Database): Promise<void> {
  await db.prisma.$executeRawUnsafe('TRUNCATE "Event", "Pbi", "Nexus" CASCADE');
}
