import { mkdirSync } from 'node:fs';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client';
import { lockDataDir } from './data-dir-lock';
import { type EmbeddedThread, startEmbeddedThread } from './embedded-thread';
import { migrate, type SqlRunner } from './migrate';
import { keepStatistics } from './statistics';

export type Database = {
  prisma: PrismaClient;
  kind: 'postgres' | 'embedded';
  /** says where the data lives, without credentials */
  location: string;
  /** analyzes the tables grown since their statistics were gathered (at once, rather than at the next check) */
  refreshStatistics(): Promise<string[]>;
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
  const statistics = keepStatistics(prisma);
  const { host, pathname } = new URL(url);
  const close = () => {
    statistics.stop();
    return prisma.$disconnect();
  };
  return {
    prisma,
    kind: 'postgres',
    location: `postgres://${host}${pathname}`,
    refreshStatistics: statistics.refresh,
    close,
  };
}

/**
 * PGlite runs in a thread of its own (`embedded-thread.ts`), so its work never holds up this thread's event loop: the
 * bot reaches it through pg and PrismaPg, as it reaches PostgreSQL, over one connection (PGlite has one session; more
 * connections would share its transactions). The lock stays with this process, which the thread lives and dies with.
 */
async function openEmbedded(dataDir: string, holder: string): Promise<Database> {
  mkdirSync(dataDir, { recursive: true }); // PGlite does not create parent directories
  const unlock = lockDataDir(dataDir, holder);
  let thread: EmbeddedThread | undefined;
  try {
    thread = await startEmbeddedThread(dataDir, [`shared_buffers = ${EMBEDDED_SHARED_BUFFERS}`]);
    const connection = { ...embeddedConnection, stream: thread.connect };
    const client = new pg.Client(connection);
    await client.connect();
    try {
      await migrate(pgRunner(client, false)); // PGlite is single-process: nobody else can be migrating
    } finally {
      await client.end();
    }
    const prisma = new PrismaClient({ adapter: new PrismaPg({ ...connection, max: 1, idleTimeoutMillis: 0 }) });
    const statistics = keepStatistics(prisma);
    const opened = thread;
    return {
      prisma,
      kind: 'embedded',
      location: dataDir,
      refreshStatistics: statistics.refresh,
      close: async () => {
        statistics.stop();
        try {
          await prisma.$disconnect();
        } finally {
          await opened.stop(); // a running thread keeps the process alive
          unlock();
        }
      },
    };
  } catch (error) {
    await thread?.stop();
    unlock();
    throw error;
  }
}

/** PGlite's own user and database; there is no password or TLS between two threads of one process. */
const embeddedConnection = { user: 'postgres', database: 'postgres', ssl: false };

function pgRunner(client: pg.Client, advisoryLocks = true): SqlRunner {
  const runner = {
    exec: (sql: string) => client.query(sql),
    query: async <T>(sql: string, params?: unknown[]) => ({ rows: (await client.query(sql, params)).rows as T[] }),
  };
  return {
    ...runner,
    advisoryLocks,
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
