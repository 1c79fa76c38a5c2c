import type { DateTime } from 'luxon';
import type { PrismaClient } from '../generated/prisma/client';
import { isUniqueViolation } from './unique-violation';

/** A claim not posted after this long is taken as its replica's crash, and claimed again. */
export const STALE_CLAIM_MINUTES = 5;

export function digestRunRepository(prisma: PrismaClient) {
  return {
    /**
     * Claims the Nexus's digest of `date` for `replica`. True for exactly one claimant: the first insert, or whoever
     * takes over a claim left unposted for STALE_CLAIM_MINUTES. A posted digest is never claimed again.
     */
    async claim(nexusId: string, date: string, replica: string, now: DateTime): Promise<boolean> {
      try {
        await prisma.digestRun.create({ data: { nexusId, date, claimedAt: now.toJSDate(), claimedBy: replica } });
        return true;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
      const stale = now.minus({ minutes: STALE_CLAIM_MINUTES }).toJSDate();
      const taken = await prisma.digestRun.updateMany({
        where: { nexusId, date, postedAt: null, claimedAt: { lt: stale } },
        data: { claimedAt: now.toJSDate(), claimedBy: replica },
      });
      return taken.count === 1;
    },

    async posted(nexusId: string, date: string, at: DateTime): Promise<void> {
      await prisma.digestRun.update({ where: { nexusId_date: { nexusId, date } }, data: { postedAt: at.toJSDate() } });
    },
  };
}
