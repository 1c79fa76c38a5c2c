import type { DateTime } from 'luxon';
import type { PrismaClient } from '../generated/prisma/client';

/**
 * Signed requests seen lately, shared by every replica. Not per Nexus: a request is claimed before anything in it is
 * read, and a signature is unique across every workspace anyway.
 */
export function seenRequestRepository(prisma: PrismaClient) {
  return {
    /**
     * Claims `key` until `until`. True for the first claimant only; a key whose time is up may be claimed again (the
     * request would be refused as stale by then anyway).
     */
    async claim(key: string, now: DateTime, until: DateTime): Promise<boolean> {
      const claimed = await prisma.$queryRaw<{ key: string }[]>`
        INSERT INTO "SeenRequest" (key, "expiresAt") VALUES (${key}, ${until.toJSDate()})
        ON CONFLICT (key) DO UPDATE SET "expiresAt" = EXCLUDED."expiresAt" WHERE "SeenRequest"."expiresAt" < ${now.toJSDate()}
        RETURNING key`;
      return claimed.length === 1;
    },
    /** Deletes claims whose time is up; the inbox worker's pruner calls it, so no request waits on the delete. */
    async pruneExpired(now: DateTime): Promise<number> {
      return (await prisma.seenRequest.deleteMany({ where: { expiresAt: { lt: now.toJSDate() } } })).count;
    },
  };
}
