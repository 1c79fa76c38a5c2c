import type { DateTime } from 'luxon';
import { Prisma, type PrismaClient } from '../generated/prisma/client';
import type { TrackerNews } from '../domain/tracker';

/** A Nexus's notices one process took to post, their news merged in order: while it posts, no other takes them. */
export type ClaimedNotices = { nexusId: string; news: TrackerNews; notices: { id: bigint; attempts: number }[] };

/** Notices taken per claim at most; a Nexus with more gets the rest at its next announcement. */
const CLAIM_LIMIT = 500;

/**
 * The tracker notices the channels were not told yet. The inbox writes one per round that moved or held something (in
 * the round's transaction); an announcer claims them, posts, and deletes them. A claim lapses, so a process that dies
 * while posting leaves them to another.
 */
export function noticeRepository(prisma: PrismaClient) {
  return {
    /**
     * Takes the unclaimed notices (of one Nexus, or all; only those created before `createdBefore` when given) until
     * `claimUntil`, grouped per Nexus with their news merged in order. Concurrent claims never take the same notice.
     */
    async claim(opts: { now: DateTime; claimUntil: DateTime; nexusId?: string; createdBefore?: DateTime }): Promise<ClaimedNotices[]> {
      const nexus = opts.nexusId === undefined ? Prisma.empty : Prisma.sql`AND "nexusId" = ${opts.nexusId}`;
      const age = opts.createdBefore === undefined ? Prisma.empty : Prisma.sql`AND "createdAt" < ${opts.createdBefore.toJSDate()}`;
      const rows = await prisma.$queryRaw<{ id: bigint; nexusId: string; news: TrackerNews; attempts: number }[]>`
        UPDATE "TrackerNotice" SET "claimedUntil" = ${opts.claimUntil.toJSDate()}, attempts = attempts + 1
        WHERE id IN (
          SELECT id FROM "TrackerNotice"
          WHERE ("claimedUntil" IS NULL OR "claimedUntil" <= ${opts.now.toJSDate()}) ${nexus} ${age}
          ORDER BY id LIMIT ${CLAIM_LIMIT} FOR UPDATE SKIP LOCKED)
        RETURNING id, "nexusId", news, attempts`;
      const byNexus = new Map<string, ClaimedNotices>();
      for (const row of rows.sort((a, b) => Number(a.id - b.id))) {
        const claimed = byNexus.get(row.nexusId) ?? { nexusId: row.nexusId, news: { moves: [], unmapped: [] }, notices: [] };
        claimed.news.moves.push(...row.news.moves);
        claimed.news.unmapped.push(...row.news.unmapped);
        claimed.notices.push({ id: row.id, attempts: row.attempts });
        byNexus.set(row.nexusId, claimed);
      }
      return [...byNexus.values()];
    },

    /** The channel was told (or the announcer gave up): the notices are done. */
    async remove(ids: bigint[]): Promise<void> {
      await prisma.trackerNotice.deleteMany({ where: { id: { in: ids } } });
    },

    /** Posting failed: the notice waits until `at`, then any process may claim it again. */
    async retryAt(id: bigint, at: DateTime): Promise<void> {
      await prisma.trackerNotice.update({ where: { id }, data: { claimedUntil: at.toJSDate() } });
    },
  };
}
