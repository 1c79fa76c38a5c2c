import type { DateTime } from 'luxon';
import type { TrackerKind } from '../domain/tracker';
import type { ImportFailure, ImportJob, ImportOutcome, ImportState } from '../domain/tracker-import';
import { type ImportJob as ImportJobRow, Prisma, type PrismaClient } from '../generated/prisma/client';
import {
  applyImported,
  type ImportedPage,
  insertDeliveries,
  lockForTrackers,
  type NewDelivery,
  remember,
  type Written,
} from './inbox-repository';
import { type RevisionMemo, WRITE_TRANSACTION } from './revisions';
import { instantAt } from './rows';
import type { SealedBox } from './sealed-box';
import { isUniqueViolation } from './unique-violation';

/** An import taken by one process: the job, its token opened, and who holds it. */
export type ClaimedImport = { job: ImportJob; token: string; replica: string };

/** A page read from the tracker, ready to store: its changes as deliveries, and where the next page starts. */
export type ReadPage = {
  deliveries: NewDelivery[];
  items: number;
  skipped: Record<string, number>;
  /** the tracker's token for the page after; null: this was the last */
  next: string | null;
};

/** A new import, as the NIT asked for it. */
export type NewImport = {
  nexusId: string;
  kind: TrackerKind;
  query: string;
  since: DateTime;
  baseUrl: string;
  token: string;
  itemsExpected: number | null;
  startedBy: string;
  startedAt: DateTime;
};

const toDate = (at: DateTime) => at.toJSDate();
const asJson = (failure: ImportFailure) => failure as unknown as Prisma.InputJsonValue;
const maybeInstant = (d: Date | null) => (d ? instantAt(d.getTime()) : null);
/** An import that ended: no longer under way or held, nothing more to read, and its token forgotten (never needed). */
const ENDED = { running: null, cursor: null, claimedBy: null, claimedUntil: null, sealedToken: '' };

export function toImportJob(row: ImportJobRow): ImportJob {
  return {
    id: row.id,
    nexusId: row.nexusId,
    kind: row.kind as TrackerKind,
    query: row.query,
    since: instantAt(row.since.getTime()),
    baseUrl: row.baseUrl,
    state: row.state as ImportState,
    cursor: row.cursor,
    pagesRead: row.pagesRead,
    itemsExpected: row.itemsExpected,
    itemsRead: row.itemsRead,
    changesRead: row.changesRead,
    changesKnown: row.changesKnown,
    skipped: row.skipped as Record<string, number>,
    failure: row.failure as ImportFailure | null,
    attempts: row.attempts,
    retryAt: maybeInstant(row.retryAt),
    threadTs: row.threadTs,
    startedBy: row.startedBy,
    startedAt: instantAt(row.startedAt.getTime()),
    finishedAt: maybeInstant(row.finishedAt),
  };
}

/**
 * Imports of trackers' histories. One import at a time per Nexus (the unique `running` column); one process runs it
 * (a claim with a lease, taken over when it lapses); each page is stored with the cursor that follows it, in one
 * transaction, so a crash loses at most the page being read.
 */
export function importRepository(
  prisma: PrismaClient,
  secrets: SealedBox | null,
  refreshStatistics: () => Promise<string[]>,
  memo: RevisionMemo,
) {
  function box(): SealedBox {
    if (!secrets) throw new Error('tracker tokens need SECRETS_KEY (or a data directory to keep a key in)');
    return secrets;
  }

  /** The job as `replica` holds it, locked for this transaction; null when it lost it (cancelled, or taken over). */
  async function held(tx: Prisma.TransactionClient, id: bigint, replica: string) {
    await tx.$queryRaw`SELECT id FROM "ImportJob" WHERE id = ${id} FOR UPDATE`;
    return tx.importJob.findFirst({ where: { id, claimedBy: replica, running: { not: null } } });
  }

  /**
   * A page's changes applied as they are stored (`apply`) or stored pending for the inbox, and the job moved past the
   * page, in one transaction.
   */
  function store(claim: ClaimedImport, page: ReadPage, now: DateTime, until: DateTime, apply: boolean) {
    const { nexusId } = claim.job;
    return prisma.$transaction(async (tx) => {
      // a round takes the Nexus, then the import (its skipped tally): the same order here, or the two could deadlock
      if (apply) await lockForTrackers(tx, nexusId);
      const row = await held(tx, claim.job.id, claim.replica);
      if (!row || row.state !== 'reading') return null;
      const {
        fresh,
        skipped: left,
        written,
      } = apply
        ? await applyImported(tx, nexusId, page.deliveries, row.id, now)
        : await storePending(tx, page.deliveries, row.id);
      // the changes counted are status changes: an item's links and order now (`to` null) are not history
      const changes = page.deliveries.filter((d) => d.change.to !== null);
      const stored = changes.filter((d) => fresh.has(d.deliveryId)).length;
      const skipped = { ...(row.skipped as Record<string, number>) };
      for (const [reason, n] of Object.entries(page.skipped)) skipped[reason] = (skipped[reason] ?? 0) + n;
      for (const { why } of left) skipped[why] = (skipped[why] ?? 0) + 1;
      await tx.importJob.update({
        where: { id: row.id },
        data: {
          cursor: page.next,
          state: page.next === null ? 'applying' : 'reading',
          pagesRead: { increment: 1 },
          itemsRead: { increment: page.items },
          changesRead: { increment: changes.length },
          changesKnown: { increment: changes.length - stored },
          skipped,
          failure: Prisma.DbNull,
          attempts: 0,
          claimedUntil: toDate(until),
        },
      });
      return { stored: fresh.size, pending: !apply && fresh.size > 0, written };
    }, WRITE_TRANSACTION);
  }

  return {
    /** Starts an import, unless one is under way in the Nexus (answered with it). */
    async start(input: NewImport): Promise<{ job: ImportJob } | { problem: 'import-running'; job: ImportJob }> {
      try {
        const row = await prisma.importJob.create({
          data: {
            nexusId: input.nexusId,
            running: input.nexusId,
            kind: input.kind,
            query: input.query,
            since: toDate(input.since),
            baseUrl: input.baseUrl,
            sealedToken: box().seal(input.token),
            state: 'reading',
            itemsExpected: input.itemsExpected,
            startedBy: input.startedBy,
            startedAt: toDate(input.startedAt),
          },
        });
        return { job: toImportJob(row) };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const running = await prisma.importJob.findUnique({ where: { running: input.nexusId } });
        if (!running) throw error; // it ended meanwhile: rare, and typing the command again works
        return { problem: 'import-running', job: toImportJob(running) };
      }
    },

    /** The Nexus's import under way, or else its latest. */
    async latest(nexusId: string): Promise<ImportJob | null> {
      const row =
        (await prisma.importJob.findUnique({ where: { running: nexusId } })) ??
        (await prisma.importJob.findFirst({ where: { nexusId }, orderBy: { id: 'desc' } }));
      return row ? toImportJob(row) : null;
    },

    /**
     * Stops the Nexus's import under way: what it stored stays and is applied; its token is forgotten. Null when none
     * was under way.
     */
    async cancel(nexusId: string, at: DateTime): Promise<ImportJob | null> {
      const { count } = await prisma.importJob.updateMany({
        where: { running: nexusId },
        data: { ...ENDED, state: 'cancelled', finishedAt: toDate(at) },
      });
      if (!count) return null;
      const row = await prisma.importJob.findFirst({ where: { nexusId }, orderBy: { id: 'desc' } });
      return row ? toImportJob(row) : null;
    },

    /** Imports under way that no process holds (or whose holder's lease lapsed) and may go on now: taken by `replica`. */
    async claimDue(now: DateTime, replica: string, until: DateTime): Promise<ClaimedImport[]> {
      const ids = await prisma.$queryRaw<{ id: bigint }[]>`
        UPDATE "ImportJob" SET "claimedBy" = ${replica}, "claimedUntil" = ${toDate(until)}
        WHERE running IS NOT NULL AND ("claimedUntil" IS NULL OR "claimedUntil" < ${toDate(now)})
          AND ("retryAt" IS NULL OR "retryAt" <= ${toDate(now)})
        RETURNING id`;
      if (!ids.length) return [];
      const rows = await prisma.importJob.findMany({ where: { id: { in: ids.map((r) => r.id) } } });
      return rows.map((row) => ({ job: toImportJob(row), token: box().open(row.sealedToken), replica }));
    },

    /**
     * Stores a page: its changes go into the inbox, marked with the import, and the cursor moves on, in one
     * transaction; after the last page the import is applying. The changes are applied as they are stored
     * (`applyImported`); when applying them fails, they are stored pending instead, and the inbox applies them one by
     * one, so a change that can't be applied keeps its error without holding up the import. Answers how many changes
     * were new to the inbox and whether they wait for the inbox (`pending`), or null when `replica` no longer holds the
     * import (cancelled or taken over): then nothing is stored.
     */
    async storePage(claim: ClaimedImport, page: ReadPage, now: DateTime, until: DateTime) {
      let stored: { stored: number; pending: boolean; written: Written | null } | null;
      try {
        stored = await store(claim, page, now, until, true);
      } catch (error) {
        await prisma.$queryRaw`SELECT 1`.catch(() => Promise.reject(error));
        stored = await store(claim, page, now, until, false);
      }
      if (stored?.written) remember(memo, claim.job.nexusId, stored.written);
      return stored && { stored: stored.stored, pending: stored.pending };
    },

    /** Extends the lease while the inbox applies; false when `replica` no longer holds the import. */
    async keepClaim(claim: ClaimedImport, until: DateTime): Promise<boolean> {
      const { count } = await prisma.importJob.updateMany({
        where: { id: claim.job.id, claimedBy: claim.replica, running: { not: null } },
        data: { claimedUntil: toDate(until) },
      });
      return count > 0;
    },

    /**
     * Gives the import's turn up until `retryAt` (the tracker asked to slow down, or did not answer: `failure`), or at
     * once (this process stops): any process may take it then.
     */
    async release(claim: ClaimedImport, retryAt: DateTime | null, failure: ImportFailure | null, attempts: number) {
      const { count } = await prisma.importJob.updateMany({
        where: { id: claim.job.id, claimedBy: claim.replica, running: { not: null } },
        data: {
          retryAt: retryAt ? toDate(retryAt) : null,
          failure: failure ? asJson(failure) : Prisma.DbNull,
          attempts,
          claimedBy: null,
          claimedUntil: null,
        },
      });
      return count > 0;
    },

    /**
     * Ends the import (done or failed), forgetting its token; false when `replica` no longer held it (cancelled
     * meanwhile).
     */
    async finish(claim: ClaimedImport, state: 'done' | 'failed', failure: ImportFailure | null, at: DateTime) {
      const { count } = await prisma.importJob.updateMany({
        where: { id: claim.job.id, claimedBy: claim.replica, running: { not: null } },
        data: { ...ENDED, state, failure: failure ? asJson(failure) : Prisma.DbNull, finishedAt: toDate(at) },
      });
      return count > 0;
    },

    /** Remembers the channel message whose thread tells the import's progress. */
    async threadStarted(id: bigint, ts: string): Promise<void> {
      await prisma.importJob.update({ where: { id }, data: { threadTs: ts } });
    },

    /**
     * Gathers the statistics of the tables an import grew (its deliveries, the events and PBIs they brought) now,
     * rather than at the next periodic check up to 5 minutes later, which the first reports after it would be planned
     * without. Answers the tables analyzed.
     */
    analyzeGrown(): Promise<string[]> {
      return refreshStatistics();
    },

    /** The job as it is now. */
    async get(id: bigint): Promise<ImportJob | null> {
      const row = await prisma.importJob.findUnique({ where: { id } });
      return row ? toImportJob(row) : null;
    },

    /** Whether the inbox still has changes of the import to apply (one index lookup, asked twice a second). */
    async applying(id: bigint): Promise<boolean> {
      const [{ waiting }] = await prisma.$queryRaw<{ waiting: boolean }[]>`
        SELECT EXISTS (SELECT 1 FROM "Delivery" WHERE "importId" = ${id} AND state = 'pending') AS waiting`;
      return waiting;
    },

    /** What became of the import's changes in the inbox so far. */
    async outcome(id: bigint): Promise<ImportOutcome> {
      const rows = await prisma.$queryRaw<{ state: string; status: string | null; n: bigint }[]>`
        SELECT state, CASE WHEN state = 'unmapped' THEN change->'to'->>'name' END AS status, count(*) AS n
        FROM "Delivery" WHERE "importId" = ${id} AND change->'to' <> 'null'::jsonb GROUP BY 1, 2 ORDER BY 3 DESC, 2`;
      const count = (state: string) => rows.filter((r) => r.state === state).reduce((n, r) => n + Number(r.n), 0);
      return {
        applied: count('applied'),
        repeated: count('ignored'),
        held: rows.filter((r) => r.state === 'unmapped').map((r) => ({ status: r.status ?? '', waiting: Number(r.n) })),
        failing: count('failed'),
        pending: count('pending'),
      };
    },
  };
}

export type ImportRepository = ReturnType<typeof importRepository>;

/** The page's changes stored pending, as webhooks' are, for the inbox to apply: those new to it. */
async function storePending(
  tx: Prisma.TransactionClient,
  deliveries: readonly NewDelivery[],
  importId: bigint,
): Promise<ImportedPage> {
  const fresh = new Set((await insertDeliveries(tx, deliveries, importId)).map((d) => d.deliveryId));
  return { fresh, skipped: [], written: null };
}
