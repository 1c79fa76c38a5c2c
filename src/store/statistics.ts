import type { PrismaClient } from '../generated/prisma/client';

/**
 * PostgreSQL plans each query from its tables' statistics, which ANALYZE gathers. PGlite runs no autovacuum, and a
 * PostgreSQL server may run without it (the test machines' does): on the large Nexus, loaded and never analyzed, the
 * blocked spans' join of events and PBIs took 4 s where it takes 85 ms with statistics. So the bot gathers them
 * itself: a table that grew by a tenth (and 8 pages) since it was last analyzed, by anyone, is analyzed again.
 */
const GROWN = `
  SELECT c.oid::regclass::text AS name
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = current_schema() AND c.relkind = 'r'
    AND pg_relation_size(c.oid) / current_setting('block_size')::int > c.relpages * 1.1 + 8`;

/** How often the tables' growth is looked at: one catalog query, answered from PostgreSQL's own counts. */
export const STATISTICS_CHECK_MS = 5 * 60_000;

export type Statistics = {
  /** analyzes the tables grown since their statistics were gathered; names them */
  refresh(): Promise<string[]>;
  stop(): void;
};

/** Keeps the statistics fresh from now on: at once (in the background), then every `everyMs`. */
export function keepStatistics(prisma: PrismaClient, everyMs = STATISTICS_CHECK_MS): Statistics {
  let running: Promise<string[]> | null = null;
  const refresh = () => {
    running ??= analyzeGrown(prisma).finally(() => {
      running = null;
    });
    return running;
  };
  // a failure (the database closing, a restart) is tried again at the next turn; the queries work meanwhile
  const quietly = () => void refresh().catch(() => undefined);
  const timer = setInterval(quietly, everyMs);
  timer.unref();
  setImmediate(quietly);
  return { refresh, stop: () => clearInterval(timer) };
}

async function analyzeGrown(prisma: PrismaClient): Promise<string[]> {
  const grown = (await prisma.$queryRawUnsafe<{ name: string }[]>(GROWN)).map((t) => t.name);
  // one table at a time: on the embedded database each ANALYZE holds the one connection while it samples
  for (const name of grown) await prisma.$executeRawUnsafe(`ANALYZE ${name}`);
  return grown;
}
