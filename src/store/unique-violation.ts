import { Prisma } from '../generated/prisma/client';

/**
 * True when the database refused a write because a unique index already holds its key (Prisma's P2002), which a
 * repository turns into an outcome (`'duplicate'`, a taken key, a claim someone else made) instead of throwing.
 */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
