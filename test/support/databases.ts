import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/store/database';

export type DatabaseKind = 'embedded' | 'postgres';

/** The databases every store test runs on: PGlite always, PostgreSQL when TEST_DATABASE_URL names a server. */
export const DATABASE_KINDS: DatabaseKind[] = process.env.TEST_DATABASE_URL ? ['embedded', 'postgres'] : ['embedded'];

/**
 * A fresh, migrated database of that kind; `dispose` removes it (a PostgreSQL one is dropped). Each is a copy of a
 * template migrated once per set of migrations: migrating an embedded database from nothing takes ~6 s, copying one
 * ~0.3 s, and the suite opens about a hundred. Bot processes start on a copy too (`seededDataDir`).
 */
export async function freshDatabase(kind: DatabaseKind): Promise<Database & { dispose(): Promise<void> }> {
  if (kind === 'embedded') {
    const dir = mkdtempSync(path.join(tmpdir(), 'nexus-flow-test-'));
    cpSync(await embeddedTemplate(), dir, { recursive: true });
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
  const template = await postgresTemplate(admin);
  await withClient(admin, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
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

/**
 * A new DATA_DIR for a bot process whose embedded database is already migrated: a process opening one from nothing
 * spends ~5 s of CPU in PGlite's initdb. Tests of a first start from nothing use a bare temporary folder instead.
 */
export async function seededDataDir(dir: string): Promise<string> {
  cpSync(await embeddedTemplate(), path.join(dir, 'pglite'), { recursive: true });
  return dir;
}

/** Names the migrations: a template made from other migrations is never used. */
function migrationsHash(): string {
  const root = path.resolve(__dirname, '../../prisma/migrations');
  const hash = createHash('sha256');
  for (const name of readdirSync(root).sort()) {
    const file = path.join(root, name, 'migration.sql');
    if (existsSync(file)) hash.update(name).update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

/** Makes the templates before jest's workers start (jest's globalSetup), so no test waits on them. */
export async function makeTemplates(): Promise<void> {
  await embeddedTemplate();
  if (process.env.TEST_DATABASE_URL) await postgresTemplate(process.env.TEST_DATABASE_URL);
}

/** A migrated embedded database in the temporary folder (made by globalSetup, or else by the first worker to ask). */
async function embeddedTemplate(): Promise<string> {
  const template = path.join(tmpdir(), `nexus-flow-template-${migrationsHash()}`);
  if (existsSync(path.join(template, 'READY'))) return template;
  const building = mkdtempSync(`${template}-building-`);
  const db = await openDatabase({ dataDir: building });
  await db.close();
  writeFileSync(path.join(building, 'READY'), '');
  try {
    renameSync(building, template);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another worker made it meanwhile
  }
  return template;
}

/** A migrated PostgreSQL database to copy with CREATE DATABASE … TEMPLATE, made once under an advisory lock. */
async function postgresTemplate(admin: string): Promise<string> {
  const name = `nexus_flow_template_${migrationsHash()}`;
  await withClient(admin, async (c) => {
    await c.query('SELECT pg_advisory_lock(72707370)');
    try {
      if ((await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount) return;
      const building = `${name}_building`;
      await c.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`); // left by a run that was killed
      await c.query(`CREATE DATABASE ${building}`);
      const url = new URL(admin);
      url.pathname = `/${building}`;
      await (await openDatabase({ url: url.toString(), dataDir: '' })).close();
      await c.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
    } finally {
      await c.query('SELECT pg_advisory_unlock(72707370)');
    }
  });
  return name;
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

/**
 * Empties every application table, as a fresh copy of the template has them: for a file whose tests each need a new
 * database but can share one (opening an embedded database costs seconds of CPU; this, milliseconds).
 */
export async function emptyAllTables(db: Database): Promise<void> {
  const tables = (await tablesReferencedFirst(db)).map((t) => `public."${t}"`);
  await db.prisma.$executeRawUnsafe(`TRUNCATE ${tables.join(', ')} CASCADE`);
}

/**
 * A copy of every table's rows, kept in the database itself, to put back before each test that starts from them. It
 * goes with the database (each test file's own, dropped after the file).
 */
export type TablesSnapshot = { restore(): Promise<void> };

/**
 * Copies every table into a schema of its own (`name`). For a file whose tests start from one long history: typing it
 * again before each test took seconds, putting its rows back takes milliseconds. `restore` leaves the tables exactly
 * as they were copied (identity sequences only move on, so new rows still get new ids).
 */
export async function snapshotTables(db: Database, name: string): Promise<TablesSnapshot> {
  const run = (sql: string) => db.prisma.$executeRawUnsafe(sql);
  const tables = await tablesReferencedFirst(db);
  const schema = `"snapshot_${name}"`;
  await run(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await run(`CREATE SCHEMA ${schema}`);
  for (const t of tables) await run(`CREATE TABLE ${schema}."${t}" AS TABLE public."${t}"`);
  return {
    async restore() {
      await run(`TRUNCATE ${tables.map((t) => `public."${t}"`).join(', ')} CASCADE`);
      for (const t of tables) await run(`INSERT INTO public."${t}" SELECT * FROM ${schema}."${t}"`);
    },
  };
}

/** The application's tables, each after the tables its foreign keys name, so rows can be inserted in that order. */
async function tablesReferencedFirst(db: Database): Promise<string[]> {
  const rows = await db.prisma.$queryRawUnsafe<{ name: string; refs: string[] }[]>(`
    SELECT c.relname AS name, array_remove(array_agg(DISTINCT r.relname::text), NULL) AS refs
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_constraint k ON k.conrelid = c.oid AND k.contype = 'f' AND k.confrelid <> c.oid
    LEFT JOIN pg_class r ON r.oid = k.confrelid
    WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> '_prisma_migrations'
    GROUP BY c.relname ORDER BY c.relname`);
  const ordered: string[] = [];
  while (ordered.length < rows.length) {
    const ready = rows.filter((r) => !ordered.includes(r.name) && r.refs.every((ref) => ordered.includes(ref)));
    if (!ready.length) throw new Error('the tables reference each other in a cycle');
    ordered.push(...ready.map((r) => r.name));
  }
  return ordered;
}
