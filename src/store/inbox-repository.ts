import { DateTime } from 'luxon';
import type { PbiEvent } from '../domain/events';
import { applyTrackerChange, isLate, LABEL, stageForStatus, teamsForHints, type TrackerChange, type TrackerKind, type TrackerMove } from '../domain/tracker';
import type { Pbi } from '../domain/pbi';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { bumpRevision, type PbiWrite, type RevisionMemo } from './revisions';
import { pbiColumns, pbiEventColumns, toNexus, toPbi, toPbiEvent } from './rows';
import { toConnection, type TrackerConnection } from './tracker-repository';

export type Received = 'stored' | 'duplicate';
/** A status no one mapped yet, with how many deliveries wait for it. */
export type Unmapped = { kind: TrackerKind; status: string; waiting: number };
/** What one round of applying did: the moves to announce, statuses to report once, deliveries that failed. */
export type InboxRound = { nexusId: string; handled: number; moves: (TrackerMove & { kind: TrackerKind })[]; newlyUnmapped: Unmapped[]; failed: number };

type Tx = Prisma.TransactionClient;
type Working = { before: Pbi | null; pbi: Pbi; version: number; history: PbiEvent[] | null };

const MAX_ERROR_LENGTH = 500;
const MAX_RETRY_MINUTES = 60;

/**
 * The durable inbox of tracker deliveries. A delivery is stored before the sender gets its answer, then applied in
 * a transaction that also marks it applied: once, whatever the redeliveries, replicas or crashes.
 */
export function inboxRepository(prisma: PrismaClient, memo: RevisionMemo) {
  async function applyBatch(nexusId: string, ids: bigint[], now: DateTime): Promise<InboxRound> {
    const outcome = await prisma.$transaction(async (tx) => {
      // the Nexus row lock orders this with every other writer of the Nexus, on any replica
      await tx.$queryRaw`SELECT id FROM "Nexus" WHERE id = ${nexusId} FOR UPDATE`;
      const nexus = toNexus(await tx.nexus.findUniqueOrThrow({ where: { id: nexusId } }));
      const rows = await tx.delivery.findMany({ where: { id: { in: ids }, state: { in: ['pending', 'failed'] } } });
      const connections = new Map((await tx.trackerConnection.findMany({ where: { nexusId } })).map((c) => [c.kind, toConnection(c)]));
      const deliveries = rows
        .map((row) => ({ id: row.id, kind: row.kind as TrackerKind, change: changeFromJson(row.change) }))
        .sort((a, b) => a.change.at.toMillis() - b.change.at.toMillis() || Number(a.id - b.id));
      const working = await loadWorking(tx, nexusId, [...new Set(deliveries.map((d) => d.change.item.key))]);
      const fresh: PbiEvent[] = [];
      const round: InboxRound = { nexusId, handled: rows.length, moves: [], newlyUnmapped: [], failed: 0 };
      const states = { applied: [] as bigint[], ignored: [] as bigint[], unmapped: [] as bigint[] };
      const unmapped = new Map<string, Unmapped>();
      for (const { id, kind, change } of deliveries) {
        const connection = connections.get(kind);
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
        const key = change.item.key;
        let current = working.get(key) ?? null;
        if (current && !current.history && isLate(current.pbi, change)) {
          current = { ...current, history: [...(await loadHistory(tx, nexusId, key)), ...fresh.filter((e) => e.key === key)] };
        }
        const applied = applyTrackerChange(nexus.workflow, current, change, { stage, teams: teamsForHints(connection.mapping, nexus, change.teamHints), actor: kind });
        states.applied.push(id);
        fresh.push(...applied.events);
        working.set(key, {
          before: current?.before ?? null,
          pbi: applied.pbi,
          version: current?.version ?? 0,
          history: current ? (current.history ? [...current.history, ...applied.events] : null) : applied.events,
        });
        if (applied.move) round.moves.push({ ...applied.move, kind });
      }
      const writes: PbiWrite[] = [...working.values()].filter((w) => w.pbi !== w.before).map((w) => ({ before: w.before, after: w.pbi }));
      const revisions = writes.length ? await bumpRevision(tx, nexusId, writes) : null;
      await writeAll(tx, nexusId, writes, working, fresh);
      await markStates(tx, states, now);
      round.newlyUnmapped = await reportOnce(tx, nexusId, connections, [...unmapped.values()]);
      return { round, revisions, writes };
    });
    if (outcome.revisions) memo.written(nexusId, outcome.revisions, outcome.writes);
    return outcome.round;
  }

  async function markFailed(id: bigint, error: unknown, now: DateTime): Promise<void> {
    const row = await prisma.delivery.findUniqueOrThrow({ where: { id }, select: { attempts: true } });
    const minutes = Math.min(2 ** row.attempts, MAX_RETRY_MINUTES);
    await prisma.delivery.update({
      where: { id },
      data: { state: 'failed', attempts: { increment: 1 }, error: String(error instanceof Error ? error.message : error).slice(0, MAX_ERROR_LENGTH), retryAt: now.plus({ minutes }).toJSDate() },
    });
  }

  return {
    /** Stores a delivery; a second one with the same delivery id changes nothing. */
    async receive(d: { nexusId: string; kind: TrackerKind; deliveryId: string; at: DateTime; change: TrackerChange }): Promise<Received> {
      const stored = await prisma.$executeRaw`
        INSERT INTO "Delivery" ("nexusId", kind, "deliveryId", "receivedAt", change, state)
        VALUES (${d.nexusId}, ${d.kind}, ${d.deliveryId}, ${d.at.toJSDate()}, ${JSON.stringify(changeToJson(d.change))}::jsonb, 'pending')
        ON CONFLICT ("nexusId", kind, "deliveryId") DO NOTHING`;
      return stored === 1 ? 'stored' : 'duplicate';
    },

    /** Keeps a signed delivery that did not parse, for the NIT to inspect; it is never applied. */
    async keepInvalid(d: { nexusId: string; kind: TrackerKind; deliveryId: string; at: DateTime; body: string; error: string }): Promise<void> {
      await prisma.$executeRaw`
        INSERT INTO "Delivery" ("nexusId", kind, "deliveryId", "receivedAt", body, state, error)
        VALUES (${d.nexusId}, ${d.kind}, ${d.deliveryId}, ${d.at.toJSDate()}, ${d.body}, 'invalid', ${d.error.slice(0, MAX_ERROR_LENGTH)})
        ON CONFLICT ("nexusId", kind, "deliveryId") DO NOTHING`;
    },

    /** Nexuses with deliveries to apply now: new ones, and failed ones whose retry time came. */
    async dueNexuses(now: DateTime): Promise<string[]> {
      const rows = await prisma.delivery.findMany({
        where: { OR: [{ state: 'pending' }, { state: 'failed', retryAt: { lte: now.toJSDate() } }] },
        distinct: ['nexusId'],
        select: { nexusId: true },
      });
      return rows.map((r) => r.nexusId);
    },

    /**
     * Applies up to `limit` due deliveries of the Nexus in one transaction. When that fails, each is tried alone, so
     * one bad delivery keeps its error and waits for its retry while the others go through.
     */
    async applyDue(nexusId: string, now: DateTime, limit: number): Promise<InboxRound> {
      const due = await prisma.delivery.findMany({
        where: { nexusId, OR: [{ state: 'pending' }, { state: 'failed', retryAt: { lte: now.toJSDate() } }] },
        orderBy: { id: 'asc' },
        take: limit,
        select: { id: true },
      });
      const ids = due.map((d) => d.id);
      if (!ids.length) return { nexusId, handled: 0, moves: [], newlyUnmapped: [], failed: 0 };
      try {
        return await applyBatch(nexusId, ids, now);
      } catch (batchError) {
        const rounds: InboxRound[] = [];
        for (const id of ids) {
          try {
            rounds.push(await applyBatch(nexusId, [id], now));
          } catch (error) {
            await markFailed(id, ids.length === 1 ? batchError : error, now);
            rounds.push({ nexusId, handled: 1, moves: [], newlyUnmapped: [], failed: 1 });
          }
        }
        return {
          nexusId,
          handled: ids.length,
          moves: rounds.flatMap((r) => r.moves),
          newlyUnmapped: rounds.flatMap((r) => r.newlyUnmapped),
          failed: rounds.reduce((n, r) => n + r.failed, 0),
        };
      }
    },
  };
}

export type InboxRepository = ReturnType<typeof inboxRepository>;

async function loadWorking(tx: Tx, nexusId: string, keys: string[]): Promise<Map<string, Working>> {
  const rows = await tx.pbi.findMany({ where: { nexusId, key: { in: keys } } });
  return new Map(rows.map((row) => { const pbi = toPbi(row); return [row.key, { before: pbi, pbi, version: row.version, history: null }]; }));
}

async function loadHistory(tx: Tx, nexusId: string, key: string): Promise<PbiEvent[]> {
  const rows = await tx.event.findMany({ where: { nexusId, pbiKey: key }, orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] });
  return rows.map(toPbiEvent);
}

async function writeAll(tx: Tx, nexusId: string, writes: PbiWrite[], working: Map<string, Working>, events: PbiEvent[]): Promise<void> {
  const added = writes.filter((w) => w.before === null).map((w) => ({ nexusId, ...pbiColumns(w.after) }));
  if (added.length) await tx.pbi.createMany({ data: added });
  for (const { before, after } of writes) {
    if (!before) continue;
    const written = await tx.pbi.updateMany({ where: { nexusId, key: before.key, version: working.get(before.key)!.version }, data: { ...pbiColumns(after), version: { increment: 1 } } });
    if (written.count !== 1) throw new Error(`PBI ${before.key} changed while the inbox applied to it`);
  }
  if (events.length) await tx.event.createMany({ data: events.map((e) => pbiEventColumns(nexusId, e, `tracker:${e.actor}`)) });
}

async function markStates(tx: Tx, states: Record<'applied' | 'ignored' | 'unmapped', bigint[]>, now: DateTime): Promise<void> {
  for (const [state, ids] of Object.entries(states)) {
    if (ids.length) await tx.delivery.updateMany({ where: { id: { in: ids } }, data: { state, appliedAt: state === 'unmapped' ? null : now.toJSDate(), error: null } });
  }
}

/** Statuses the NIT has not heard of yet are remembered as reported, in the same transaction: told once. */
async function reportOnce(tx: Tx, nexusId: string, connections: Map<string, TrackerConnection>, unmapped: Unmapped[]): Promise<Unmapped[]> {
  const fresh = unmapped.filter((u) => !connections.get(u.kind)?.reportedStatuses.includes(u.status));
  for (const kind of new Set(fresh.map((u) => u.kind))) {
    const connection = connections.get(kind);
    if (!connection) continue;
    const reportedStatuses = [...connection.reportedStatuses, ...fresh.filter((u) => u.kind === kind).map((u) => u.status)];
    await tx.trackerConnection.update({ where: { nexusId_kind: { nexusId, kind } }, data: { reportedStatuses } });
  }
  return fresh.filter((u) => connections.has(u.kind));
}

type ChangeJson = Omit<TrackerChange, 'at' | 'item'> & { at: string; item: Omit<TrackerChange['item'], 'createdAt'> & { createdAt: string } };

function changeToJson(change: TrackerChange): ChangeJson {
  return { ...change, at: change.at.toISO()!, item: { ...change.item, createdAt: change.item.createdAt.toISO()! } };
}

function changeFromJson(json: unknown): TrackerChange {
  const c = json as ChangeJson;
  const at = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });
  return { ...c, at: at(c.at), item: { ...c.item, createdAt: at(c.item.createdAt) } };
}
