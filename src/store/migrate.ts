// Applies prisma/migrations/<name>/migration.sql in order at start, recording each in `_prisma_migrations` as
// `prisma migrate deploy` does (same table, sha256 checksum), so the native Prisma CLI agrees wherever it can run.
// Each migration runs in its own transaction; on PostgreSQL under Prisma's advisory lock, so replicas that start
// together apply each migration once.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The few SQL calls migrating needs, from either pg or PGlite. */
export type SqlRunner = {
  exec(sql: string): Promise<unknown>;
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  transaction(fn: (tx: Pick<SqlRunner, 'exec' | 'query'>) => Promise<void>): Promise<void>;
  advisoryLocks: boolean;
};

const PRISMA_MIGRATE_LOCK = 72707369;
/** prisma/migrations of the nearest folder above this file that has one (src/, dist/ and the bench build differ in depth). */
export const MIGRATIONS_DIR = findUp(__dirname, path.join('prisma', 'migrations'));

function findUp(from: string, relative: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, relative))) return path.join(dir, relative);
    if (dir === path.dirname(dir)) return path.resolve(relative);
  }
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`;
const RECORD = `INSERT INTO "_prisma_migrations" ("id","checksum","migration_name","started_at","finished_at","applied_steps_count")
  VALUES ($1,$2,$3,now(),now(),1)`;

type AppliedRow = { migration_name: string; checksum: string; finished_at: unknown };

export async function migrate(db: SqlRunner, dir = MIGRATIONS_DIR): Promise<string[]> {
  if (db.advisoryLocks) await db.exec(`SELECT pg_advisory_lock(${PRISMA_MIGRATE_LOCK})`);
  try {
    await db.exec(CREATE_TABLE);
    const applied = (await db.query<AppliedRow>('SELECT * FROM "_prisma_migrations" WHERE "rolled_back_at" IS NULL'))
      .rows;
    const done: string[] = [];
    for (const name of migrationNames(dir)) {
      const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      const previous = applied.filter((r) => r.migration_name === name);
      if (previous.some((r) => r.finished_at == null))
        throw new Error(`Migration ${name} failed earlier; resolve it before starting`);
      if (previous.length) {
        if (previous[0].checksum !== checksum) throw new Error(`Migration ${name} was edited after it was applied`);
        continue;
      }
      await db.transaction(async (tx) => {
        await tx.exec(sql);
        await tx.query(RECORD, [randomUUID(), checksum, name]);
      });
      done.push(name);
    }
    return done;
  } finally {
    if (db.advisoryLocks) await db.exec(`SELECT pg_advisory_unlock(${PRISMA_MIGRATE_LOCK})`);
  }
}

function migrationNames(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort();
}
