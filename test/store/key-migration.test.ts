import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { MIGRATIONS_DIR, migrate, type SqlRunner } from '../../src/store/migrate';

const KEYS_IGNORING_CASE = '20261201030000_pbi_key_ignoring_case';

function runner(db: PGlite): SqlRunner {
  const plain = {
    exec: (sql: string) => db.exec(sql),
    query: async <T>(sql: string, p?: unknown[]) => ({ rows: (await db.query<T>(sql, p)).rows }),
  };
  return {
    ...plain,
    advisoryLocks: false,
    transaction: (fn) =>
      db
        .transaction((tx) =>
          fn({
            exec: (sql) => tx.exec(sql),
            query: async <T>(sql: string, p?: unknown[]) => ({ rows: (await tx.query<T>(sql, p)).rows }),
          }),
        )
        .then(() => undefined),
  };
}

async function addPbi(db: PGlite, key: string, createdAt: string): Promise<void> {
  await db.query(
    `INSERT INTO "Pbi" (id, "nexusId", key, title, stage, squares, "stageEnteredAt", "createdAt", "lastEventAt") VALUES ($1, 'n1', $2, $2, 'ready', '[]', $3, $3, $3)`,
    [`id-${key}-${createdAt}`, key, createdAt],
  );
  await db.query(
    `INSERT INTO "Event" ("nexusId", "pbiKey", type, payload, "occurredAt", actor, source) VALUES ('n1', $1, 'pbi.added', '{}', $2, 'U1', 'test')`,
    [key, createdAt],
  );
}

describe('the migration making PBI keys unique ignoring case', () => {
  let db: PGlite;
  let before: string;
  beforeEach(async () => {
    db = await PGlite.create();
    before = mkdtempSync(path.join(tmpdir(), 'nexus-flow-migrations-'));
    for (const name of readdirSync(MIGRATIONS_DIR).filter((n) => n < KEYS_IGNORING_CASE))
      cpSync(path.join(MIGRATIONS_DIR, name), path.join(before, name), { recursive: true });
    await migrate(runner(db), before);
    await db.exec(
      `INSERT INTO "Nexus" (id, "workspaceId", "channelId", name, teams, stages, "startStage", "finishStage", "createdBy") VALUES ('n1', 'T1', 'C1', 'N', '{}', '[]', 'a', 'b', 'U1')`,
    );
  });
  afterEach(async () => {
    await db.close();
    rmSync(before, { recursive: true, force: true });
  });

  test('keeps every PBI a deployed database holds twice: the oldest keeps its key, later ones get -dup<n> with their history', async () => {
    await addPbi(db, 'PBI-2', '2026-01-01T10:00:00Z');
    await addPbi(db, 'pbi-2', '2026-01-02T10:00:00Z');
    await addPbi(db, 'Pbi-2', '2026-01-03T10:00:00Z');
    await addPbi(db, 'pbi-2-dup1', '2026-01-04T10:00:00Z');
    await addPbi(db, 'NEX-1', '2026-01-01T10:00:00Z');
    await migrate(runner(db));
    const keys = (await db.query<{ key: string }>(`SELECT key FROM "Pbi" ORDER BY "createdAt", key`)).rows.map(
      (r) => r.key,
    );
    expect(keys).toEqual(['NEX-1', 'PBI-2', 'pbi-2-dup2', 'Pbi-2-dup3', 'pbi-2-dup1']);
    const events = (
      await db.query<{ pbiKey: string }>(`SELECT "pbiKey" FROM "Event" ORDER BY "occurredAt", "pbiKey"`)
    ).rows.map((r) => r.pbiKey);
    expect(events).toEqual(keys);
    await expect(
      db.query(
        `INSERT INTO "Pbi" (id, "nexusId", key, title, stage, squares, "stageEnteredAt", "createdAt", "lastEventAt") VALUES ('x', 'n1', 'nex-1', 't', 'ready', '[]', now(), now(), now())`,
      ),
    ).rejects.toThrow(/unique/);
  });
});
