import type { DateTime } from 'luxon';
import type { TrackerNews } from '../domain/tracker';
import { Prisma, type PrismaClient } from '../generated/prisma/client';

/**
 * A Nexus's notices one process took to post, their news merged in order: while it posts, no other takes them.
 * `nitTold`: the NIT members every notice's private part already reached (a retry tells only the others).
 */
export type ClaimedNotices = {
  nexusId: string;
  news: TrackerNews;
  notices: { id: bigint; attempts: number }[];
  nitTold: string[];
};
/** A notice as stored: the news, minus the moves once the channel heard them, and who of the NIT heard the rest. */
type StoredNews = TrackerNews & { nitTold?: string[] };

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
    async claim(opts: {
      now: DateTime;
      claimUntil: DateTime;
      nexusId?: string;
      createdBefore?: DateTime;
    }): Promise<ClaimedNotices[]> {
      const nexus = opts.nexusId === undefined ? Prisma.empty : Prisma.sql`AND "nexusId" = ${opts.nexusId}`;
      const age =
        opts.createdBefore === undefined
          ? Prisma.empty
          : Prisma.sql`AND "createdAt" < ${opts.createdBefore.toJSDate()}`;
      const rows = await prisma.$queryRaw<{ id: bigint; nexusId: string; news: StoredNews; attempts: number }[]>`
        UPDATE "TrackerNotice" SET "claimedUntil" = ${opts.claimUntil.toJSDate()}, attempts = attempts + 1
        WHERE id IN (
          SELECT id FROM "TrackerNotice"
          WHERE ("claimedUntil" IS NULL OR "claimedUntil" <= ${opts.now.toJSDate()}) ${nexus} ${age}
          ORDER BY id LIMIT ${CLAIM_LIMIT} FOR UPDATE SKIP LOCKED)
        RETURNING id, "nexusId", news, attempts`;
      const byNexus = new Map<string, ClaimedNotices & { toldSets: string[][] }>();
      for (const row of rows.sort((a, b) => Number(a.id - b.id))) {
        const claimed = byNexus.get(row.nexusId) ?? {
          nexusId: row.nexusId,
          news: { moves: [], unmapped: [] },
          notices: [],
          nitTold: [],
          toldSets: [],
        };
        claimed.news.moves.push(...row.news.moves);
        claimed.news.unmapped.push(...row.news.unmapped);
        if (row.news.unmapped.length) claimed.toldSets.push(row.news.nitTold ?? []);
        claimed.notices.push({ id: row.id, attempts: row.attempts });
        byNexus.set(row.nexusId, claimed);
      }
      // told of every notice merged: a member who heard only some hears them all again, rather than miss one
      return [...byNexus.values()].map(({ toldSets, ...claimed }) => ({
        ...claimed,
        nitTold: toldSets.reduce((all, told) => all.filter((u) => told.includes(u)), toldSets[0] ?? []),
      }));
    },

    /** The claimant is still posting these notices: no other process may take them before `until`. */
    async holdUntil(ids: bigint[], until: DateTime): Promise<void> {
      await prisma.trackerNotice.updateMany({ where: { id: { in: ids } }, data: { claimedUntil: until.toJSDate() } });
    },

    /** The channel heard these notices' moves: a retry of the rest must not post them again. */
    async channelTold(ids: bigint[]): Promise<void> {
      if (!ids.length) return;
      await prisma.$executeRaw`UPDATE "TrackerNotice" SET news = jsonb_set(news::jsonb, '{moves}', '[]'::jsonb) WHERE id IN (${Prisma.join(ids)})`;
    },

    /** A NIT member heard these notices' private part (or can never hear it): a retry leaves them out. */
    async nitTold(ids: bigint[], user: string): Promise<void> {
      if (!ids.length) return;
      await prisma.$executeRaw`
        UPDATE "TrackerNotice" SET news = jsonb_set(news::jsonb, '{nitTold}', COALESCE(news::jsonb -> 'nitTold', '[]'::jsonb) || to_jsonb(${user}::text))
        WHERE id IN (${Prisma.join(ids)})`;
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
