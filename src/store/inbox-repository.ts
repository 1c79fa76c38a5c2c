import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { PbiEvent } from '../domain/events';
import type { Pbi } from '../domain/pbi';
import {
  type Applied,
  applyTrackerChange,
  applyTrackerDeletion,
  DELETED,
  isLate,
  LABEL,
  notAfter,
  stageForStatus,
  type TrackerChange,
  type TrackerKind,
  type TrackerNews,
  teamsForHints,
  type Unmapped,
} from '../domain/tracker';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { bumpRevision, type PbiWrite, type RevisionMemo } from './revisions';
import { instantAt, pbiColumns, pbiEventColumns, toNexus, toPbi, toPbiEvent } from './rows';
import { type TrackerConnection, toConnection } from './tracker-repository';

/** `replay`: the same signed body came before under another delivery id (a sender never does that; a replayer does). */
export type Received = 'stored' | 'duplicate' | 'replay';
/** What one round of applying did: the moves to announce, statuses to report once, deliveries that failed. */
export type InboxRound = {
  nexusId: string;
  handled: number;
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
type Working = { before: Pbi | null; pbi: Pbi; version: number; history: PbiEvent[] | null };

const MAX_ERROR_LENGTH = 500;
/** Deliveries deleted per statement when pruning: short statements, so requests go on in between. */
const PRUNE_BATCH = 2_000;
const MAX_RETRY_MINUTES = 60;

/**
 * The durable inbox of tracker deliveries. A delivery is stored before the sender gets its answer, then applied in
 * a transaction that also marks it applied: once, whatever the redeliveries, replicas or crashes.
 */
export function inboxRepository(prisma: PrismaClient, memo: RevisionMemo, embedded = false) {
  /** Applies the given deliveries, or (ids null) the next `limit` due ones of the Nexus. */
  async function applyBatch(nexusId: string, ids: bigint[] | null, now: DateTime, limit: number): Promise<InboxRound> {
    const outcome = await prisma.$transaction(async (tx) => {
      // the Nexus row lock orders this with every other writer of the Nexus, on any replica
      await tx.$queryRaw`SELECT id FROM "Nexus" WHERE id = ${nexusId} FOR UPDATE`;
      const nexus = toNexus(await tx.nexus.findUniqueOrThrow({ where: { id: nexusId } }));
      const rows = ids
        ? await tx.delivery.findMany({ where: { id: { in: ids }, ...due(now) } })
        : await dueRows(tx, nexusId, now, limit);
      const connections = new Map(
        (await tx.trackerConnection.findMany({ where: { nexusId } })).map((c) => [c.kind, toConnection(c)]),
      );
      const sorted = rows
        .map((row) => ({
          id: row.id,
          kind: row.kind as TrackerKind,
          change: notAfter(changeFromJson(row.change), instantAt(row.receivedAt.getTime())),
        }))
        .sort((a, b) => a.change.at.toMillis() - b.change.at.toMillis() || Number(a.id - b.id));
      const { working, deliveries } = await loadWorking(tx, nexusId, sorted);
      const fresh: PbiEvent[] = [];
      const round: InboxRound = { nexusId, handled: rows.length, moves: [], newlyUnmapped: [], failed: 0 };
      const states = { applied: [] as bigint[], ignored: [] as bigint[], unmapped: [] as bigint[] };
      const unmapped = new Map<string, Unmapped>();
      const record = (id: bigint, kind: TrackerKind, current: Working | null, applied: Applied) => {
        states.applied.push(id);
        fresh.push(...applied.events);
        working.set(applied.pbi.key, {
          before: current?.before ?? null,
          pbi: applied.pbi,
          version: current?.version ?? 0,
          history: current ? (current.history ? [...current.history, ...applied.events] : null) : applied.events,
        });
        if (applied.move) round.moves.push({ ...applied.move, kind });
      };
      for (const { id, kind, change } of deliveries) {
        const connection = connections.get(kind);
        const current = working.get(change.item.key) ?? null;
        if (change.to.category === DELETED) {
          const applied = connection ? applyTrackerDeletion(nexus.workflow, current, change, kind) : null;
          if (applied) record(id, kind, current, applied);
          else states.ignored.push(id);
          continue;
        }
        const stage = connection ? stageForStatus(connection.mapping, nexus.workflow, change.to) : null;
        if (!connection || !stage) {
          if (change.to.category === LABEL) states.ignored.push(id);
          else {
            states.unmapped.push(id);
            const known = unmapped.get(`${kind}|${change.to.name}`) ?? { kind, status: change.to.name, waiting: 0 };
            unmapped.set(`${kind}|${change.to.name}`, { ...known, waiting: known.waiting + 1 });
          }
          continue;
        }
        record(
          id,
          kind,
          current,
          applyTrackerChange(nexus.workflow, current, change, {
            stage,
            teams: teamsForHints(connection.mapping, nexus, change.teamHints),
            actor: kind,
          }),
        );
      }
      const writes: PbiWrite[] = [...working.values()]
        .filter((w) => w.pbi !== w.before)
        .map((w) => ({ before: w.before, after: w.pbi }));
      const revisions = writes.length ? await bumpRevision(tx, nexusId, writes) : null;
      await writeAll(tx, nexusId, writes, working, fresh);
      await markStates(tx, states, now);
      round.newlyUnmapped = await reportOnce(tx, nexusId, connections, [...unmapped.values()]);
      if (round.moves.length || round.newlyUnmapped.length) {
        const news: TrackerNews = { moves: round.moves, unmapped: round.newlyUnmapped };
        await tx.trackerNotice.create({ data: { nexusId, news, createdAt: now.toJSDate() } });
      }
      return { round, revisions, writes };
    });
    if (outcome.revisions) memo.written(nexusId, outcome.revisions, outcome.writes);
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
      const rows = deliveries.map((d) => ({
        nexusId: d.nexusId,
        kind: d.kind,
        deliveryId: d.deliveryId,
        bodyDigest: d.bodyDigest ?? null,
        receivedAt: d.at.toUTC().toISO(),
        change: changeToJson(d.change),
      }));
      // no conflict target: a repeated delivery id and a repeated body are both left out
      const stored = await prisma.$queryRaw<{ nexusId: string; kind: string; deliveryId: string }[]>`
        INSERT INTO "Delivery" ("nexusId", kind, "deliveryId", "bodyDigest", "receivedAt", change, state)
        SELECT "nexusId", kind, "deliveryId", "bodyDigest", "receivedAt"::timestamptz AT TIME ZONE 'UTC', change, 'pending'
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS v("nexusId" text, kind text, "deliveryId" text, "bodyDigest" text, "receivedAt" text, change jsonb)
        ON CONFLICT DO NOTHING
        RETURNING "nexusId", kind, "deliveryId"`;
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
            rounds.push({ nexusId, handled: 1, moves: [], newlyUnmapped: [], failed: 1 });
          }
        }
        return {
          nexusId,
          handled: rows.length,
          moves: rounds.flatMap((r) => r.moves),
          newlyUnmapped: rounds.flatMap((r) => r.newlyUnmapped),
          failed: rounds.reduce((n, r) => n + r.failed, 0),
        };
      }
    },
  };
}

export type InboxRepository = ReturnType<typeof inboxRepository>;

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
 * The PBIs the changes touch, as they are now; with their whole history when a change is older than their latest
 * (it goes in its place and the PBI is replayed). Histories come in one query for the batch. Keys are unique ignoring
 * case: each delivery is given the key its PBI has (or the first spelling of the batch for a new one).
 */
async function loadWorking<D extends { change: TrackerChange }>(
  tx: Tx,
  nexusId: string,
  given: D[],
): Promise<{ working: Map<string, Working>; deliveries: D[] }> {
  const folded = [...new Set(given.map((d) => d.change.item.key.toLowerCase()))];
  const ids = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "Pbi" WHERE "nexusId" = ${nexusId} AND lower(key) IN (SELECT jsonb_array_elements_text(${JSON.stringify(folded)}::jsonb))`;
  const rows = ids.length ? await tx.pbi.findMany({ where: { id: { in: ids.map((r) => r.id) } } }) : [];
  const spelling = new Map(rows.map((row) => [row.key.toLowerCase(), row.key]));
  for (const { change } of given)
    if (!spelling.has(change.item.key.toLowerCase())) spelling.set(change.item.key.toLowerCase(), change.item.key);
  const deliveries = given.map((d) => ({
    ...d,
    change: { ...d.change, item: { ...d.change.item, key: spelling.get(d.change.item.key.toLowerCase())! } },
  }));
  const changes = deliveries.map((d) => d.change);
  const working = new Map(
    rows.map((row): [string, Working] => {
      const pbi = toPbi(row);
      return [row.key, { before: pbi, pbi, version: row.version, history: null }];
    }),
  );
  const late = [
    ...new Set(
      changes
        .filter((c) => {
          const w = working.get(c.item.key);
          return w && isLate(w.pbi, c);
        })
        .map((c) => c.item.key),
    ),
  ];
  if (!late.length) return { working, deliveries };
  const events = await tx.event.findMany({
    where: { nexusId, pbiKey: { in: late } },
    orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }],
  });
  for (const key of late) working.get(key)!.history = [];
  for (const row of events) working.get(row.pbiKey!)!.history!.push(toPbiEvent(row));
  return { working, deliveries };
}

/**
 * Writes a batch's PBIs and events in a few statements. Raw SQL over JSON: Prisma's createMany cost about a
 * millisecond per row here, which capped what the inbox could apply.
 */
async function writeAll(
  tx: Tx,
  nexusId: string,
  writes: PbiWrite[],
  working: Map<string, Working>,
  events: PbiEvent[],
): Promise<void> {
  const utc = (at: DateTime | null) => at?.toUTC().toISO() ?? null;
  const added = writes
    .filter((w) => w.before === null)
    .map(({ after: p }) => ({
      id: randomUUID(),
      key: p.key,
      title: p.title,
      url: p.url,
      stage: p.stage,
      squares: pbiColumns(p).squares,
      startedAt: utc(p.startedAt),
      finishedAt: utc(p.finishedAt),
      stageEnteredAt: utc(p.stageEnteredAt),
      createdAt: utc(p.createdAt),
      lastEventAt: utc(p.lastEventAt),
    }));
  if (added.length) {
    await tx.$executeRaw`
      INSERT INTO "Pbi" (id, "nexusId", key, title, url, stage, squares, "startedAt", "finishedAt", "stageEnteredAt", "createdAt", "lastEventAt")
      SELECT id, ${nexusId}, key, title, url, stage, squares, "startedAt"::timestamptz AT TIME ZONE 'UTC', "finishedAt"::timestamptz AT TIME ZONE 'UTC', "stageEnteredAt"::timestamptz AT TIME ZONE 'UTC', "createdAt"::timestamptz AT TIME ZONE 'UTC', "lastEventAt"::timestamptz AT TIME ZONE 'UTC'
      FROM jsonb_to_recordset(${JSON.stringify(added)}::jsonb) AS v(id text, key text, title text, url text, stage text, squares jsonb,
        "startedAt" text, "finishedAt" text, "stageEnteredAt" text, "createdAt" text, "lastEventAt" text)`;
  }
  const moved = writes
    .filter((w) => w.before !== null)
    .map(({ after: p }) => ({
      key: p.key,
      version: working.get(p.key)!.version,
      title: p.title,
      url: p.url,
      stage: p.stage,
      stageEnteredAt: utc(p.stageEnteredAt),
      startedAt: utc(p.startedAt),
      finishedAt: utc(p.finishedAt),
      discardedAt: utc(p.discardedAt),
      lastEventAt: utc(p.lastEventAt),
    }));
  if (moved.length) {
    // a tracker change moves, renames and discards: only these columns change
    const written = await tx.$executeRaw`
      UPDATE "Pbi" AS p SET title = v.title, url = v.url, stage = v.stage, "stageEnteredAt" = v."stageEnteredAt"::timestamptz AT TIME ZONE 'UTC', "startedAt" = v."startedAt"::timestamptz AT TIME ZONE 'UTC',
        "finishedAt" = v."finishedAt"::timestamptz AT TIME ZONE 'UTC', "discardedAt" = v."discardedAt"::timestamptz AT TIME ZONE 'UTC',
        "lastEventAt" = v."lastEventAt"::timestamptz AT TIME ZONE 'UTC', version = p.version + 1
      FROM jsonb_to_recordset(${JSON.stringify(moved)}::jsonb)
        AS v(key text, version int, title text, url text, stage text, "stageEnteredAt" text, "startedAt" text, "finishedAt" text, "discardedAt" text, "lastEventAt" text)
      WHERE p."nexusId" = ${nexusId} AND p.key = v.key AND p.version = v.version`;
    if (written !== moved.length)
      throw new Error(`${moved.length - written} PBIs changed while the inbox applied to them`);
  }
  if (events.length) {
    const rows = events.map((e) => {
      const c = pbiEventColumns(nexusId, e, `tracker:${e.actor}`);
      return { ...c, occurredAt: utc(e.at) };
    });
    await tx.$executeRaw`
      INSERT INTO "Event" ("nexusId", "pbiKey", type, payload, "occurredAt", actor, source)
      SELECT "nexusId", "pbiKey", type, payload, "occurredAt"::timestamptz AT TIME ZONE 'UTC', actor, source
      FROM ROWS FROM (jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS ("nexusId" text, "pbiKey" text, type text, payload jsonb, "occurredAt" text, actor text, source text))
        WITH ORDINALITY AS v("nexusId", "pbiKey", type, payload, "occurredAt", actor, source, n)
      ORDER BY n`;
  }
}

async function markStates(
  tx: Tx,
  states: Record<'applied' | 'ignored' | 'unmapped', bigint[]>,
  now: DateTime,
): Promise<void> {
  for (const [state, ids] of Object.entries(states)) {
    if (ids.length)
      await tx.delivery.updateMany({
        where: { id: { in: ids } },
        data: { state, appliedAt: state === 'unmapped' ? null : now.toJSDate(), error: null },
      });
  }
}

/** Statuses the NIT has not heard of yet are remembered as reported, in the same transaction: told once. */
async function reportOnce(
  tx: Tx,
  nexusId: string,
  connections: Map<string, TrackerConnection>,
  unmapped: Unmapped[],
): Promise<Unmapped[]> {
  const fresh = unmapped.filter((u) => !connections.get(u.kind)?.reportedStatuses.includes(u.status));
  for (const kind of new Set(fresh.map((u) => u.kind))) {
    const connection = connections.get(kind);
    if (!connection) continue;
    const reportedStatuses = [
      ...connection.reportedStatuses,
      ...fresh.filter((u) => u.kind === kind).map((u) => u.status),
    ];
    await tx.trackerConnection.update({ where: { nexusId_kind: { nexusId, kind } }, data: { reportedStatuses } });
  }
  return fresh.filter((u) => connections.has(u.kind));
}

type ChangeJson = Omit<TrackerChange, 'at' | 'item'> & {
  at: string;
  item: Omit<TrackerChange['item'], 'createdAt'> & { createdAt: string };
};

function changeToJson(change: TrackerChange): ChangeJson {
  return { ...change, at: change.at.toISO()!, item: { ...change.item, createdAt: change.item.createdAt.toISO()! } };
}

function changeFromJson(json: unknown): TrackerChange {
  const c = json as ChangeJson;
  const at = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });
  return { ...c, at: at(c.at), item: { ...c.item, createdAt: at(c.item.createdAt) } };
}
