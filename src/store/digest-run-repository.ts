import type { DateTime } from 'luxon';
import type { CalendarDate } from '../domain/calendar';
import type { SprintReport } from '../domain/nexus';
import type { PrismaClient } from '../generated/prisma/client';
import { isUniqueViolation } from './unique-violation';

/** A claim not posted after this long is taken as its replica's crash, and claimed again. */
export const STALE_CLAIM_MINUTES = 5;

/** A team's daily line in its own channel, claimed as a report of its own: `team:<team>`. */
export type TeamReport = `team:${string}`;

/**
 * One scheduled post of a Nexus: what is posted (the digest, a Sprint report, a team's daily line) and the local date
 * it is posted for.
 */
export type PostSlot = { nexusId: string; date: CalendarDate; report: 'digest' | SprintReport | TeamReport };

/** The claim's outcome: this replica posts it; another holds it; or it is posted already. */
export type Claim = 'claimed' | 'held' | 'posted';

export function digestRunRepository(prisma: PrismaClient) {
  return {
    /**
     * Claims a scheduled post for `replica`: 'claimed' for exactly one claimant, the first insert or whoever takes
     * over a claim left unposted for STALE_CLAIM_MINUTES. A posted slot is never claimed again.
     */
    async claim(slot: PostSlot, replica: string, now: DateTime): Promise<Claim> {
      try {
        await prisma.digestRun.create({ data: { ...slot, claimedAt: now.toJSDate(), claimedBy: replica } });
        return 'claimed';
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
      const stale = now.minus({ minutes: STALE_CLAIM_MINUTES }).toJSDate();
      const taken = await prisma.digestRun.updateMany({
        where: { ...slot, postedAt: null, claimedAt: { lt: stale } },
        data: { claimedAt: now.toJSDate(), claimedBy: replica },
      });
      if (taken.count === 1) return 'claimed';
      const run = await prisma.digestRun.findUnique({ where: { nexusId_date_report: slot } });
      return run?.postedAt ? 'posted' : 'held';
    },

    async posted(slot: PostSlot, at: DateTime): Promise<void> {
      await prisma.digestRun.update({ where: { nexusId_date_report: slot }, data: { postedAt: at.toJSDate() } });
    },
  };
}
