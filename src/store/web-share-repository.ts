import { createHash, randomBytes } from 'node:crypto';
import type { DateTime } from 'luxon';
import type { PrismaClient } from '../generated/prisma/client';
import { isUniqueViolation } from './unique-violation';

/** Random bytes in a web board token: 256 bits, 43 characters of base64url. */
const TOKEN_BYTES = 32;
/** What a token looks like; anything else is refused before the database is asked. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** A Nexus already has a link: it is never shown twice, so a new one needs the old one turned off first. */
export type ShareExists = { problem: 'share-exists' };

const hashOf = (token: string): string => createHash('sha256').update(token).digest('hex');

export function webShareRepository(prisma: PrismaClient) {
  return {
    /** A new link's token for the Nexus, kept only as its hash; or, when it has one already, that it exists. */
    async open(nexusId: string, createdBy: string, now: DateTime): Promise<{ token: string } | ShareExists> {
      const token = randomBytes(TOKEN_BYTES).toString('base64url');
      try {
        await prisma.webShare.create({
          data: { nexusId, tokenHash: hashOf(token), createdBy, createdAt: now.toJSDate() },
        });
        return { token };
      } catch (error) {
        if (isUniqueViolation(error)) return { problem: 'share-exists' };
        throw error;
      }
    },

    /** Turns the Nexus's link off; false when it had none. */
    async close(nexusId: string): Promise<boolean> {
      return (await prisma.webShare.deleteMany({ where: { nexusId } })).count > 0;
    },

    /** The share a link's token opens (its Nexus), or null (unknown, revoked, forged or malformed: all alike). */
    async find(token: string): Promise<{ nexusId: string } | null> {
      if (!TOKEN.test(token)) return null;
      return prisma.webShare.findUnique({ where: { tokenHash: hashOf(token) }, select: { nexusId: true } });
    },
  };
}
