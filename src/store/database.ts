import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client';
import { lockDataDir } from './data-dir-lock';
import { migrate, type SqlRunner } from './migrate';

export type Database = {
  prisma: PrismaClient;
  kind: 'postgres' | 'embedded';
  /** says where the data lives, without credentials */
  location: string;
  close(): Promise<void>;
};

/**
 * The embedded database's page cache. PGlite keeps PostgreSQL's 128 MB default inside its WebAssembly memory, which
 * never shrinks: serving the large Nexus (10,000 PBIs, 200,000 events) the bot held 460-490 MB before any chart and
 * 616-771 MB after drawing them; at 32 MB it holds 351 and 517 MB, with the same command times (a page not cached is
 * read from the operating system's file cache, not the disk).
 */
const EMBEDDED_SHARED_BUFFERS = '32MB';

/**
 * PostgreSQL when the URL says postgres(ql)://…; otherwise the embedded PGlite database in `dataDir`, which one process
 * at a time may open: `holder` says what this process is to a second one that is refused (DatabaseInUseError).
 */
export async function openDatabase(opts: { url?: string; dataDir: string; holder?: string }): Promise<Database> {
  return opts.url ? openPostgres(opts.url) : openEmbedded(opts.dataDir, opts.holder ?? 'Nexus Flow');
}

async function openPostgres(url: string): Promise<Database> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await migrate(pgRunner(client));
  } finally {
    await client.end();
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  const { host, pathname } = new URL(url);
  return { prisma, kind: 'postgres', location: `postgres://${host}${pathname}`, close: () => prisma.$disconnect() };
}

async function openEmbedded(dataDir: string, holder: string): Promise<Database> {
  mkdirSync(dataDir, { recursive: true }); // PGlite does not create parent directories
  const unlock = lockDataDir(dataDir, holder);
  let pglite: PGlite | undefined;
  try {
    pglite = await PGlite.create(dataDir, { postgresqlconf: [`shared_buffers = ${EMBEDDED_SHARED_BUFFERS}`] });
    await migrate(pgliteRunner(pglite));
  } catch (error) {
    await pglite?.close();
    unlock();
    throw error;
  }
  const opened = pglite;
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(opened) });
  return {
    prisma,
    kind: 'embedded',
    location: dataDir,
    close: async () => {
      try {
        await prisma.$disconnect();
        await opened.close(); // an open PGlite keeps the process alive
      } finally {
        unlock();
      }
    },
  };
}

function pgRunner(client: pg.Client): SqlRunner {
  const runner = {
    exec: (sql: string) => client.query(sql),
    query: async <T>(sql: string, params?: unknown[]) => ({ rows: (await client.query(sql, params)).rows as T[] }),
  };
  return {
    ...runner,
    advisoryLocks: true,
    async transaction(fn) {
      await client.query('BEGIN');
      try {
        await fn(runner);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    },
  };
}

function pgliteRunner(db: PGlite): SqlRunner {
  return {
    exec: (sql) => db.exec(sql),
    query: async <T>(sql: string, params?: unknown[]) => ({ rows: (await db.query<T>(sql, params)).rows }),
    advisoryLocks: false, // PGlite is single-process: nobody else can be migrating
    async transaction(fn) {
      await db.transaction(async (tx) =>
        fn({
          exec: (sql) => tx.exec(sql),
          query: async <T>(sql: string, p?: unknown[]) => ({ rows: (await tx.query<T>(sql, p)).rows }),
        }),
      );
    },
  };
}
