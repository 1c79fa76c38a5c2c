import type { Database } from './database';

/** Resolves when the database answers a trivial query, rejects when it does not (readiness: GET /readyz). */
export async function ping(db: Database): Promise<void> {
  await db.prisma.$queryRaw`SELECT 1`;
}
