import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { DependencyGraph } from '../domain/dependencies';
import type { PbiEvent } from '../domain/events';
import type { Pbi } from '../domain/pbi';
import { rankAdded } from '../domain/rank';
import type { TrackerChange, TrackerKind, TrackerNews, Unmapped } from '../domain/tracker';
import {
  bringsOrder,
  type DeliveryState,
  decideTrackerBatch,
  dependentKeys,
  lateKeys,
  linkedKeys,
  type TrackerBatch,
  type TrackerDelivery,
} from '../domain/tracker-batch';
import type { Placed } from '../domain/tracker-order';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { bumpRevision, type PbiWrite, type RevisionMemo, type Revisions, WRITE_TRANSACTION } from './revisions';
import {
  assignedFrom,
  columnList,
  DELIVERY_TABLE,
  EVENT_TABLE,
  instantAt,
  PBI_TABLE,
  pbiColumns,
  pbiEventColumns,
  recordSet,
  toNexus,
  toPbi,
  toPbiEvent,
  toTrackerOrder,
  valuesOf,
} from './rows';
import { toConnection } from './tracker-repository';

/** `replay`: the same signed body came before under another delivery id (a sender never does that; a replayer does). */
export type Received = 'stored' | 'duplicate' | 'replay';
/** What one round of applying did: the moves to announce, statuses to report once, deliveries that failed. */
export type InboxRound = {
  nexusId: string;
  handled: number;
  /** of those handled, how many an import read from a tracker's history */
  imported: number;
  moves: TrackerNews['moves'];
  newlyUnmapped: Unmapped[];
  failed: number;
};

/** Tracker moves waiting on people: held for want of a stage, or failing to apply (retried; `/nexus tracker` says why). */
export type Held = { unmapped: Unmapped[]; failing: number };

/** `bodyDigest`: sha256 of the signed body as received (hex), which names it whatever delivery id it comes with. */
export type NewDelivery = {
  nexusId: string;
  kind: TrackerKind;
  deliveryId: string;
  bodyDigest?: string;
  at: DateTime;
  change: TrackerChange;
};

type Tx = Prisma.TransactionClient;
const deliveryKey = (d: { nexusId: string; kind: string; deliveryId: string }) =>
  `${d.nexusId}\n${d.kind}\n${d.deliveryId}`;

const MAX_ERROR_LENGTH = 500;
/** Deliveries deleted per statement when pruning: short statements, so requests go on in between. */
const PRUNE_BATCH = 2_000;
const MAX_RETRY_MINUTES = 60;

/**
 * The durable inbox of tracker deliveries. A delivery is stored before the sender gets its answer, then applied in
 * a transaction that also marks it applied: once, whatever the redeliveries, replicas or crashes.
 */
export function inboxRepository(prisma: PrismaClient, memo: RevisionMemo, embedded = false) {
  /**
   * Applies the given deliveries, or (ids null) the next `limit` due ones of the Nexus: locks the Nexus, loads what
   * the batch needs, lets the domain decide (`decideTrackerBatch`) and writes what it decided.
   */
  async function applyBatch(nexusId: string, ids: bigint[] | null, now: DateTime, limit: number): Promise<InboxRound> {
    const outcome = await prisma.$transaction(async (tx) => {
      await lockForTrackers(tx, nexusId);
      const rows = ids
        ? await tx.delivery.findMany({ where: { id: { in: ids }, ...due(now) } })
        : await dueRows(tx, nexusId, now, limit);
      const instants = new Map<string, DateTime>();
      const deliveries = rows.map(
        (row): TrackerDelivery => ({
          id: row.id,
          kind: row.kind as TrackerKind,
          change: changeFromJson(row.change, instants),
          receivedAt: instantAt(row.receivedAt.getTime()),
          imported: row.importId !== null,
        }),
      );
      const written = await decideAndWrite(tx, nexusId, deliveries, now);
      const { batch } = written;
      await markStates(tx, batch.states, now);
      await tellImports(tx, rows, batch.skipped);
      const round: InboxRound = {
        nexusId,
        handled: rows.length,
        imported: deliveries.filter((d) => d.imported).length,
        moves: batch.news?.moves ?? [],
        newlyUnmapped: batch.news?.unmapped ?? [],
        failed: 0,
      };
      return { round, written };
    }, WRITE_TRANSACTION);
    remember(memo, nexusId, outcome.written);
    return outcome.round;
  }

  /**
   * Keeps the error and sets a retry, only while the delivery is still due: under load this replica's attempt can fail
   * (waiting on the Nexus lock) while another replica applies the delivery, and marking that one failed would apply it
   * a second time at its retry (the two-replica fault test saw a move recorded twice, a minute apart).
   */
  async function markFailed(id: bigint, error: unknown, now: DateTime): Promise<void> {
    const row = await prisma.delivery.findUnique({ where: { id }, select: { attempts: true } });
    if (!row) return;
    const minutes = Math.min(2 ** row.attempts, MAX_RETRY_MINUTES);
    await prisma.delivery.updateMany({
      where: { id, state: { in: ['pending', 'failed'] } },
      data: {
        state: 'failed',
        attempts: { increment: 1 },
        error: String(error instanceof Error ? error.message : error).slice(0, MAX_ERROR_LENGTH),
        retryAt: now.plus({ minutes }).toJSDate(),
      },
    });
  }

  return {
    /**
     * Stores deliveries in one statement, in the order given; a delivery id already stored (or earlier in the same
     * call) changes nothing and is answered 'duplicate'; a body already stored under another id, 'replay'.
     */
    async receiveMany(deliveries: readonly NewDelivery[]): Promise<Received[]> {
      const stored = await insertDeliveries(prisma, deliveries, null);
      const fresh = new Set(stored.map(deliveryKey));
      const received = deliveries.map((d): Received => (fresh.delete(deliveryKey(d)) ? 'stored' : 'duplicate'));
      const left = deliveries.filter((_, i) => received[i] === 'duplicate');
      if (!left.length) return received;
      // rare: only what was left out costs a second look, to tell a sender's retry from a replay
      const known = new Set(
        (
          await prisma.delivery.findMany({
            where: { OR: left.map((d) => ({ nexusId: d.nexusId, kind: d.kind, deliveryId: d.deliveryId })) },
            select: { nexusId: true, kind: true, deliveryId: true },
          })
        ).map(deliveryKey),
      );
      return deliveries.map((d, i) =>
        received[i] === 'duplicate' && !known.has(deliveryKey(d)) ? 'replay' : received[i],
      );
    },

    /** Keeps a signed delivery that did not parse, for the NIT to inspect; it is never applied. */
    async keepInvalid(d: {
      nexusId: string;
      kind: TrackerKind;
      deliveryId: string;
      bodyDigest?: string;
      at: DateTime;
      body: string;
      error: string;
    }): Promise<void> {
      await prisma.$executeRaw`
        INSERT INTO "Delivery" ("nexusId", kind, "deliveryId", "bodyDigest", "receivedAt", body, state, error)
        VALUES (${d.nexusId}, ${d.kind}, ${d.deliveryId}, ${d.bodyDigest ?? null}, ${d.at.toJSDate()}, ${d.body}, 'invalid', ${d.error.slice(0, MAX_ERROR_LENGTH)})
        ON CONFLICT DO NOTHING`;
    },

    /**
     * Deletes up to PRUNE_BATCH deliveries done with before `before`: applied or ignored then, or invalid (kept for
     * inspection) received then. Held, pending and failed ones stay, whatever their age. Answers how many went.
     */
    async pruneBatch(before: DateTime): Promise<number> {
      // SKIP LOCKED: replicas pruning at the same time take different rows instead of waiting on each other
      return prisma.$executeRaw`
        DELETE FROM "Delivery" WHERE id IN (
          SELECT id FROM "Delivery"
          WHERE (state IN ('applied', 'ignored') AND "appliedAt" < ${before.toJSDate()}) OR (state = 'invalid' AND "receivedAt" < ${before.toJSDate()})
          LIMIT ${PRUNE_BATCH} FOR UPDATE SKIP LOCKED)`;
    },

    /**
     * Makes the space of pruned deliveries reusable. The embedded database has no autovacuum: without this its file
     * would grow as if nothing had been deleted. PostgreSQL's autovacuum does it there.
     */
    async reclaim(): Promise<void> {
      if (embedded) await prisma.$executeRawUnsafe('VACUUM "Delivery"');
    },

    /** Nexuses with deliveries to apply now: new ones, and failed ones whose retry time came. */
    async dueNexuses(now: DateTime): Promise<string[]> {
      const rows = await prisma.$queryRaw<{ nexusId: string }[]>`
        SELECT DISTINCT "nexusId" FROM "Delivery" WHERE state = 'pending' OR (state = 'failed' AND "retryAt" <= ${now.toJSDate()})`;
      return rows.map((r) => r.nexusId);
    },

    /**
     * What of a Nexus's tracker flow waits on people: moves held for statuses without a stage (of trackers still
     * connected: a disconnected one's can't be mapped), deliveries failing.
     */
    async held(nexusId: string): Promise<Held> {
      const unmapped = await prisma.$queryRaw<{ kind: TrackerKind; status: string; waiting: bigint }[]>`
        SELECT kind, change->'to'->>'name' AS status, count(*) AS waiting FROM "Delivery"
        WHERE "nexusId" = ${nexusId} AND state = 'unmapped'
          AND kind IN (SELECT kind FROM "TrackerConnection" WHERE "nexusId" = ${nexusId})
        GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2`;
      const failing = await prisma.delivery.count({ where: { nexusId, state: 'failed' } });
      return { unmapped: unmapped.map((u) => ({ ...u, waiting: Number(u.waiting) })), failing };
    },

    /** Deliveries stored and not yet applied, across every Nexus: pending, or failed and waiting for their retry. */
    async backlog(): Promise<number> {
      const [{ n }] = await prisma.$queryRaw<
        { n: bigint }[]
      >`SELECT count(*) AS n FROM "Delivery" WHERE state IN ('pending', 'failed')`;
      return Number(n);
    },

    /**
     * Applies up to `limit` due deliveries of the Nexus in one transaction. When that fails, each is tried alone, so
     * one bad delivery keeps its error and waits for its retry while the others go through. When the database itself
     * is away, nothing is marked: the deliveries stay pending for the next sweep instead of waiting out a retry delay.
     */
    async applyDue(nexusId: string, now: DateTime, limit: number): Promise<InboxRound> {
      try {
        return await applyBatch(nexusId, null, now, limit);
      } catch (batchError) {
        await prisma.$queryRaw`SELECT 1`.catch(() => Promise.reject(batchError));
        const rows = await dueRows(prisma, nexusId, now, limit);
        const rounds: InboxRound[] = [];
        for (const { id } of rows) {
          try {
            rounds.push(await applyBatch(nexusId, [id], now, 1));
          } catch (error) {
            await markFailed(id, rows.length === 1 ? batchError : error, now);
            rounds.push({ nexusId, handled: 1, imported: 0, moves: [], newlyUnmapped: [], failed: 1 });
          }
        }
        return {
          nexusId,
          handled: rows.length,
          imported: rounds.reduce((n, r) => n + r.imported, 0),
          moves: rounds.flatMap((r) => r.moves),
          newlyUnmapped: rounds.flatMap((r) => r.newlyUnmapped),
          failed: rounds.reduce((n, r) => n + r.failed, 0),
        };
      }
    },
  };
}

export type InboxRepository = ReturnType<typeof inboxRepository>;

/**
 * Takes the Nexus's row for a round: it orders the round with every other writer of the Nexus, on any replica. NO KEY:
 * a delivery stored meanwhile (its foreign key takes KEY SHARE on this row) need not wait for the round (FOR UPDATE
 * made each import page's insert wait out a whole round).
 */
export async function lockForTrackers(tx: Tx, nexusId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "Nexus" WHERE id = ${nexusId} FOR NO KEY UPDATE`;
}

/** What a round decided and wrote; its revisions go to the memo once the transaction commits. */
export type Written = { batch: TrackerBatch; revisions: Revisions | null };

/** After the commit: what the round wrote patches the answers remembered. */
export function remember(memo: RevisionMemo, nexusId: string, { batch, revisions }: Written): void {
  if (revisions) memo.written(nexusId, revisions, batch.writes);
}

/**
 * Decides the deliveries against the Nexus as it is (the caller holds its lock, `lockForTrackers`) and writes what was
 * decided: the PBIs and their events, the statuses its NIT now hears of, the news for the channel. What became of
 * each delivery (`batch.states`) is the caller's to keep.
 */
async function decideAndWrite(
  tx: Tx,
  nexusId: string,
  deliveries: readonly TrackerDelivery[],
  now: DateTime,
): Promise<Written> {
  const nexus = toNexus(await tx.nexus.findUniqueOrThrow({ where: { id: nexusId } }));
  const connections = (await tx.trackerConnection.findMany({ where: { nexusId } })).map(toConnection);
  // links say the item's dependencies either way: the graph, and the PBIs whose links named it, are needed
  const links = deliveries.some((d) => d.change.links);
  const graph = links ? await loadDependencies(tx, nexusId) : undefined;
  const linked = graph ? [...linkedKeys(deliveries), ...dependentKeys(deliveries, graph.linkedOn)] : [];
  const { current, versions } = await loadCurrent(tx, nexusId, deliveries, linked);
  const histories = await loadHistories(tx, nexusId, lateKeys(deliveries, current));
  const dependencies = graph?.dependsOn;
  const backlog = bringsOrder(deliveries) ? await loadBacklog(tx, nexusId) : undefined;
  const batch = decideTrackerBatch({ nexus, connections, deliveries, current, histories, dependencies, backlog });
  const revisions = batch.writes.length ? await bumpRevision(tx, nexusId, batch.writes) : null;
  await writeAll(tx, nexusId, batch.writes, versions, batch.events, batch.imported);
  for (const { kind, statuses } of batch.reported)
    await tx.trackerConnection.update({
      where: { nexusId_kind: { nexusId, kind } },
      data: { reportedStatuses: statuses },
    });
  if (batch.news) await tx.trackerNotice.create({ data: { nexusId, news: batch.news, createdAt: now.toJSDate() } });
  return { batch, revisions };
}

/** What storing an import's page did: the delivery ids new to the inbox, and what the round wrote. */
export type ImportedPage = { fresh: Set<string>; skipped: TrackerBatch['skipped']; written: Written | null };

/**
 * Applies a page an import read as it is stored (the caller holds the Nexus's lock): the changes new to the inbox are
 * decided at once and stored with what became of them, one row each (stored pending, then marked by a round, each was
 * two row versions: the largest cost of an import). Changes earlier imports stored are left out, as the pending path
 * leaves them out.
 */
export async function applyImported(
  tx: Tx,
  nexusId: string,
  deliveries: readonly NewDelivery[],
  importId: bigint,
  now: DateTime,
): Promise<ImportedPage> {
  const fresh = await newToInbox(tx, nexusId, deliveries);
  if (!fresh.length) return { fresh: new Set(), skipped: [], written: null };
  const instants = new Map<string, DateTime>();
  const decided = fresh.map((d, i) => {
    const json = changeToJson(d.change);
    // through the stored form, so a change decides here exactly as it would read back from the inbox; numbered in
    // the order of the page, which the rows' ids then follow
    const delivery: TrackerDelivery = {
      id: BigInt(i),
      kind: d.kind,
      change: changeFromJson(json, instants),
      receivedAt: d.at,
      imported: true,
    };
    return { d, json, delivery };
  });
  const written = await decideAndWrite(
    tx,
    nexusId,
    decided.map((x) => x.delivery),
    now,
  );
  const stateOf = new Map(
    Object.entries(written.batch.states).flatMap(([state, of]) => of.map((id): [bigint, string] => [id, state])),
  );
  const appliedAt = isoOf(now);
  const rows = decided.map(({ d, json, delivery }) => ({
    ...receivedColumns(d, json, importId),
    state: stateOf.get(delivery.id)!,
    appliedAt: stateOf.get(delivery.id) === 'unmapped' ? null : appliedAt,
  }));
  await tx.$executeRaw`
    INSERT INTO "Delivery" (${columnList(DECIDED)})
    SELECT ${valuesOf(DELIVERY_TABLE, DECIDED)} FROM ${recordSet(DELIVERY_TABLE, DECIDED, rows, true)} ORDER BY v.n`;
  return { fresh: new Set(fresh.map((d) => d.deliveryId)), skipped: written.batch.skipped, written };
}

/** The deliveries whose ids the inbox has not stored yet (the first of any repeated within them). */
async function newToInbox(tx: Tx, nexusId: string, deliveries: readonly NewDelivery[]): Promise<NewDelivery[]> {
  const stored = new Set<string>();
  for (const kind of new Set(deliveries.map((d) => d.kind))) {
    const ids = deliveries.filter((d) => d.kind === kind).map((d) => d.deliveryId);
    const rows = await tx.$queryRaw<{ deliveryId: string }[]>`
      SELECT "deliveryId" FROM "Delivery"
      WHERE "nexusId" = ${nexusId} AND kind = ${kind} AND "deliveryId" = ANY(${ids}::text[])`;
    for (const row of rows) stored.add(`${kind}\n${row.deliveryId}`);
  }
  return deliveries.filter((d) => {
    const key = `${d.kind}\n${d.deliveryId}`;
    if (stored.has(key)) return false;
    stored.add(key);
    return true;
  });
}

/** Deliveries due now: new ones, and failed ones whose retry time came. */
function due(now: DateTime) {
  return { OR: [{ state: 'pending' }, { state: 'failed', retryAt: { lte: now.toJSDate() } }] };
}

/** The next due deliveries of a Nexus, oldest first; one index range per state, as the inbox grows large. */
async function dueRows(db: Tx, nexusId: string, now: DateTime, limit: number) {
  const pending = await db.delivery.findMany({
    where: { state: 'pending', nexusId },
    orderBy: { id: 'asc' },
    take: limit,
  });
  if (pending.length === limit) return pending;
  const failed = await db.delivery.findMany({
    where: { state: 'failed', nexusId, retryAt: { lte: now.toJSDate() } },
    orderBy: { id: 'asc' },
    take: limit - pending.length,
  });
  return [...failed, ...pending];
}

/**
 * The dependencies of the Nexus's PBIs (not discarded), and those of them trackers' links brought, for a batch whose
 * changes bring links.
 */
async function loadDependencies(
  tx: Tx,
  nexusId: string,
): Promise<{ dependsOn: DependencyGraph; linkedOn: Map<string, string[]> }> {
  const rows = await tx.pbi.findMany({
    where: { nexusId, discardedAt: null, NOT: { dependsOn: { isEmpty: true } } },
    select: { key: true, dependsOn: true, linkedOn: true },
  });
  return {
    dependsOn: new Map(rows.map((r) => [r.key, r.dependsOn])),
    linkedOn: new Map(rows.filter((r) => r.linkedOn.length).map((r) => [r.key, r.linkedOn])),
  };
}

/** The Nexus's open PBIs, as much as placing one by its tracker's order needs, for a batch whose changes bring it. */
async function loadBacklog(tx: Tx, nexusId: string): Promise<Placed[]> {
  const rows = await tx.pbi.findMany({
    where: { nexusId, finishedAt: null, discardedAt: null },
    select: { key: true, rank: true, createdAt: true, trackerOrder: true },
  });
  return rows.map((r) => ({
    key: r.key,
    rank: r.rank ?? rankAdded(instantAt(r.createdAt.getTime()), r.key),
    trackerOrder: toTrackerOrder(r.trackerOrder),
    finishedAt: null,
    discardedAt: null,
  }));
}

/**
 * The PBIs the deliveries name, and those their links name (`linked`), as they are now (keys are unique ignoring
 * case), with their versions.
 */
async function loadCurrent(
  tx: Tx,
  nexusId: string,
  deliveries: readonly TrackerDelivery[],
  linked: readonly string[],
): Promise<{ current: Pbi[]; versions: Map<string, number> }> {
  const folded = [...new Set([...deliveries.map((d) => d.change.item.key), ...linked].map((k) => k.toLowerCase()))];
  const ids = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "Pbi" WHERE "nexusId" = ${nexusId} AND lower(key) IN (SELECT jsonb_array_elements_text(${JSON.stringify(folded)}::jsonb))`;
  const rows = ids.length ? await tx.pbi.findMany({ where: { id: { in: ids.map((r) => r.id) } } }) : [];
  return { current: rows.map(toPbi), versions: new Map(rows.map((row) => [row.key, row.version])) };
}

/** The whole histories of the given PBIs, in one query; usually none are asked for. */
async function loadHistories(tx: Tx, nexusId: string, keys: string[]): Promise<Map<string, PbiEvent[]>> {
  const histories = new Map(keys.map((key): [string, PbiEvent[]] => [key, []]));
  if (!keys.length) return histories;
  const events = await tx.event.findMany({
    where: { nexusId, pbiKey: { in: keys } },
    orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }],
  });
  for (const row of events) histories.get(row.pbiKey!)!.push(toPbiEvent(row));
  return histories;
}

/** The columns a delivery is received with (it is 'pending'). */
const RECEIVED = ['nexusId', 'kind', 'deliveryId', 'bodyDigest', 'receivedAt', 'change', 'importId'] as const;
/** The columns of an imported delivery stored decided: with what became of it. */
const DECIDED = [...RECEIVED, 'state', 'appliedAt'] as const;

function receivedColumns(d: NewDelivery, change: ChangeJson, importId: bigint | null) {
  return {
    nexusId: d.nexusId,
    kind: d.kind,
    deliveryId: d.deliveryId,
    bodyDigest: d.bodyDigest ?? null,
    receivedAt: isoOf(d.at),
    change,
    importId: importId === null ? null : importId.toString(),
  };
}

/**
 * Stores deliveries as pending in one statement, in the order given (`importId`: the import that read them from the
 * tracker's history), and answers those stored: a delivery id already stored, or a body under another id, is left out.
 */
export async function insertDeliveries(
  db: Tx,
  deliveries: readonly NewDelivery[],
  importId: bigint | null,
): Promise<{ nexusId: string; kind: string; deliveryId: string }[]> {
  if (!deliveries.length) return [];
  const rows = deliveries.map((d) => receivedColumns(d, changeToJson(d.change), importId));
  // no conflict target: a repeated delivery id and a repeated body are both left out
  return db.$queryRaw<{ nexusId: string; kind: string; deliveryId: string }[]>`
    INSERT INTO "Delivery" (${columnList([...RECEIVED, 'state'])})
    SELECT ${valuesOf(DELIVERY_TABLE, RECEIVED)}, 'pending' FROM ${recordSet(DELIVERY_TABLE, RECEIVED, rows)}
    ON CONFLICT DO NOTHING
    RETURNING "nexusId", kind, "deliveryId"`;
}
/** The columns of a PBI the inbox adds. */
const ADDED = [
  'id',
  'nexusId',
  'key',
  'title',
  'url',
  'stage',
  'squares',
  'blockedReason',
  'blockedAt',
  'startedAt',
  'finishedAt',
  'stageEnteredAt',
  'createdAt',
  'lastEventAt',
  'dependsOn',
  'linkedOn',
  'rank',
  'trackerOrder',
] as const;
/**
 * The columns a tracker change writes of a known PBI: it moves, renames, discards, links it to others, places it in
 * its tracker's order, and blocks or unblocks it (Jira's Flagged).
 */
const MOVED = [
  'title',
  'url',
  'stage',
  'blockedReason',
  'blockedAt',
  'stageEnteredAt',
  'startedAt',
  'finishedAt',
  'discardedAt',
  'lastEventAt',
  'dependsOn',
  'linkedOn',
  'rank',
  'trackerOrder',
] as const;
const RECORDED = ['nexusId', 'pbiKey', 'type', 'payload', 'occurredAt', 'actor', 'source'] as const;

/** Writes a batch's PBIs and events in a few statements (raw SQL over JSON, see rows.ts). */
async function writeAll(
  tx: Tx,
  nexusId: string,
  writes: readonly PbiWrite[],
  versions: ReadonlyMap<string, number>,
  events: readonly PbiEvent[],
  imported: ReadonlySet<PbiEvent>,
): Promise<void> {
  const added = writes
    .filter((w) => w.before === null)
    .map(({ after }) => ({ ...pbiColumns(after), id: randomUUID(), nexusId }));
  if (added.length) {
    await tx.$executeRaw`
      INSERT INTO "Pbi" (${columnList(ADDED)}) SELECT ${valuesOf(PBI_TABLE, ADDED)} FROM ${recordSet(PBI_TABLE, ADDED, added)}`;
  }
  const moved = writes
    .filter((w) => w.before !== null)
    .map(({ after }) => ({ ...pbiColumns(after), version: versions.get(after.key)! }));
  if (moved.length) {
    const written = await tx.$executeRaw`
      UPDATE "Pbi" AS p SET ${assignedFrom(PBI_TABLE, MOVED)}, version = p.version + 1
      FROM ${recordSet(PBI_TABLE, ['key', 'version', ...MOVED], moved)}
      WHERE p."nexusId" = ${nexusId} AND p.key = v.key AND p.version = v.version`;
    if (written !== moved.length)
      throw new Error(`${moved.length - written} PBIs changed while the inbox applied to them`);
  }
  if (events.length) {
    const rows = events.map((e) => pbiEventColumns(nexusId, e, `${imported.has(e) ? 'import' : 'tracker'}:${e.actor}`));
    // in the order decided: event ids follow it
    await tx.$executeRaw`
      INSERT INTO "Event" (${columnList(RECORDED)})
      SELECT ${valuesOf(EVENT_TABLE, RECORDED)} FROM ${recordSet(EVENT_TABLE, RECORDED, rows, true)} ORDER BY v.n`;
  }
}

/** What the batch left out of imported deliveries goes into their imports' tally of what was skipped, for the summary. */
async function tellImports(
  tx: Tx,
  rows: readonly { id: bigint; importId: bigint | null }[],
  skipped: readonly { id: bigint; why: string }[],
): Promise<void> {
  const importOf = new Map(rows.map((r) => [r.id, r.importId]));
  for (const { id, why } of skipped) {
    const importId = importOf.get(id);
    if (importId === null || importId === undefined) continue;
    const job = await tx.importJob.findUnique({ where: { id: importId }, select: { skipped: true } });
    if (!job) continue;
    const tally = { ...(job.skipped as Record<string, number>) };
    tally[why] = (tally[why] ?? 0) + 1;
    await tx.importJob.update({ where: { id: importId }, data: { skipped: tally } });
  }
}

/** Marks each delivery with the state the batch gave it, in one statement whatever the states (ids as text in JSON). */
async function markStates(tx: Tx, states: Record<DeliveryState, bigint[]>, now: DateTime): Promise<void> {
  const rows = Object.entries(states).flatMap(([state, ids]) => ids.map((id) => ({ id: id.toString(), state })));
  if (!rows.length) return;
  await tx.$executeRaw`
    UPDATE "Delivery" AS d
    SET state = v.state, error = NULL,
      "appliedAt" = CASE WHEN v.state <> 'unmapped' THEN ${now.toUTC().toISO()}::timestamptz AT TIME ZONE 'UTC' END
    FROM ${recordSet(DELIVERY_TABLE, ['id', 'state'], rows)} WHERE d.id = v.id`;
}

type ChangeJson = Omit<TrackerChange, 'at' | 'item'> & {
  at: string;
  item: Omit<TrackerChange['item'], 'createdAt'> & { createdAt: string };
};

/** Instants as UTC ISO text: Date's formatter, a tenth of luxon's cost, on every change an import stores. */
function changeToJson(change: TrackerChange): ChangeJson {
  return { ...change, at: isoOf(change.at), item: { ...change.item, createdAt: isoOf(change.item.createdAt) } };
}

const isoOf = (at: DateTime) => new Date(at.toMillis()).toISOString();

/**
 * A stored change with its instants. Date.parse, not luxon's ISO parser: a round reads a thousand changes, and parsing
 * their instants was a tenth of its CPU. An item's creation repeats in each of its changes: parsed once per round.
 */
function changeFromJson(json: unknown, instants: Map<string, DateTime>): TrackerChange {
  const c = json as ChangeJson;
  const at = (iso: string) => {
    let instant = instants.get(iso);
    if (!instant) instants.set(iso, (instant = instantAt(Date.parse(iso))));
    return instant;
  };
  return { ...c, at: instantAt(Date.parse(c.at)), item: { ...c.item, createdAt: at(c.item.createdAt) } };
}
