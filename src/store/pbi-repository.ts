import type { DateTime } from 'luxon';
import { type BlockSpan, blockSpans } from '../domain/blocked-time';
import type { StageChange } from '../domain/cumulative-flow';
import type { DependencyGraph } from '../domain/dependencies';
import type { PbiEvent } from '../domain/events';
import { ExpectedFailure, thrownProblem } from '../domain/expected-failure';
import type { FlowHistory } from '../domain/flow-efficiency';
import type { Nexus } from '../domain/nexus';
import {
  evolve,
  type FlowDates,
  flowDatesOf,
  inOrder,
  type Pbi,
  replay,
  type Square,
  type StageEntry,
} from '../domain/pbi';
import { type Asked, type PbiProblem, supersededMove } from '../domain/pbi-decisions';
import type { Workflow } from '../domain/workflow';
import { Prisma, type PrismaClient } from '../generated/prisma/client';
import {
  lockNexus,
  markFlowWrites,
  type Patch,
  type PbiWrite,
  type RevisionMemo,
  WRITE_TRANSACTION,
} from './revisions';
import {
  assignedFrom,
  instantAt,
  PBI_TABLE,
  pbiColumns,
  pbiEventColumns,
  recordSet,
  toNexus,
  toPbi,
  toPbiEvent,
} from './rows';
import { isUniqueViolation } from './unique-violation';

export type Recorded = { ok: true; before: Pbi | null; pbi: Pbi; event: PbiEvent };
export type UnknownPbi = { problem: 'unknown-pbi'; key: string };
export type DuplicateKey = { problem: 'duplicate-key'; key: string };
export type FirstStarts = { nexus: DateTime | null; teams: ReadonlyMap<string, DateTime> };
/** When each PBI finished, and each team's square was done. */
export type Completions = { nexus: readonly DateTime[]; teams: ReadonlyMap<string, readonly DateTime[]> };
/** Judges a change on the PBI and the Nexus as they are when the write takes its turn (not as the request first read them). */
type Decide = (pbi: Pbi, nexus: Nexus) => PbiEvent | PbiProblem;

const AUTO_KEY_PREFIX = 'PBI-';
/** PBIs found for the links of one Slack message at most: Slack unfurls a few links a message. */
const MAX_WITH_URLS = 50;
const INSERT_CHUNK = 2_000;

/** What makes a PBI a person's own on their App Home: they added it, moved it or changed one of its squares. */
const OWN_EVENTS = ['pbi.added', 'pbi.moved', 'square.changed'] as const;
/** Events read per own PBI wanted: a person moves one PBI a few times. */
const EVENTS_PER_OWN_PBI = 5;

/**
 * Reads of many PBIs go through the revision memo: reports repeat them far more often than PBIs change. `askedAt`:
 * when the slash command these changes answer reached the bot (null: not known); see `supersededMove`.
 */
export function pbiRepository(
  prisma: PrismaClient,
  source: string,
  memo: RevisionMemo,
  askedAt: DateTime | null = null,
) {
  async function load(nexusId: string, key: string) {
    const row = await findIgnoringCase(prisma, nexusId, key);
    return row ? toPbi(row) : null;
  }

  /** Writes the change `decide` judges on the PBI and the Nexus as the previous write left them (see `change`). */
  async function changeAfter(
    nexus: Nexus,
    key: string,
    decide: (tx: Prisma.TransactionClient, pbi: Pbi, nexus: Nexus) => Promise<PbiEvent | PbiProblem>,
  ): Promise<Recorded | PbiProblem | UnknownPbi> {
    try {
      const { revisions, write, event } = await prisma.$transaction(async (tx) => {
        const locked = await lockNexus(tx, nexus.id);
        const row = await findIgnoringCase(tx, nexus.id, key);
        if (!row) throw thrownProblem({ problem: 'unknown-pbi', key });
        const before = toPbi(row);
        const now = toNexus(locked);
        const decided = await decide(tx, before, now);
        if ('problem' in decided) throw thrownProblem(decided);
        const asked = askedAt && { at: askedAt, by: decided.actor };
        const superseded = supersededMove(decided, asked, lastMoveAsked(row), before);
        if (superseded) throw thrownProblem(superseded);
        const event = inOrder(decided, before);
        const write = { before, after: evolve(before, event, now.workflow) };
        const moved =
          event.type === 'pbi.moved'
            ? { moveAskedAt: asked?.at.toJSDate() ?? null, moveAskedBy: asked?.by ?? null }
            : {};
        await tx.pbi.update({
          where: { id: row.id },
          data: { ...pbiColumns(write.after), ...moved, version: { increment: 1 } },
        });
        await tx.event.create({ data: pbiEventColumns(nexus.id, event, source) });
        return { revisions: await markFlowWrites(tx, nexus.id, locked, [write]), write, event };
      }, WRITE_TRANSACTION);
      memo.written(nexus.id, revisions, [write]);
      return { ok: true, before: write.before, pbi: write.after, event };
    } catch (error) {
      if (error instanceof ExpectedFailure) return error.data as PbiProblem | UnknownPbi;
      throw error;
    }
  }

  /** When the Nexus, and each team, first started anything (a square done without a start counts from then). */
  const loadFirstStarts = (nexusId: string) => async (): Promise<FirstStarts> => {
    const [nexus] = await prisma.$queryRaw<{ first: number | null }[]>`
        SELECT extract(epoch FROM min("startedAt"))::float8 * 1000 AS first FROM "Pbi" WHERE "nexusId" = ${nexusId}`;
    const teams = await prisma.$queryRaw<{ team: string; first: number }[]>`
        SELECT sq->>'team' AS team, extract(epoch FROM min(coalesce(sq->>'startedAt', sq->>'doneAt')::timestamptz))::float8 * 1000 AS first
        FROM "Pbi", jsonb_array_elements("squares") AS sq
        WHERE "nexusId" = ${nexusId} AND coalesce(sq->>'startedAt', sq->>'doneAt') IS NOT NULL GROUP BY 1`;
    return {
      nexus: nexus.first === null ? null : instantAt(nexus.first),
      teams: new Map(teams.map((t) => [t.team, instantAt(t.first)])),
    };
  };

  return {
    async get(nexusId: string, key: string): Promise<Pbi | null> {
      return load(nexusId, key);
    },

    /** The PBIs of these Nexuses stored under one of `urls` (their tracker's address), each with its Nexus's id. */
    async withUrls(nexusIds: string[], urls: string[]): Promise<{ nexusId: string; pbi: Pbi }[]> {
      if (!nexusIds.length || !urls.length) return [];
      const rows = await prisma.pbi.findMany({
        where: { nexusId: { in: nexusIds }, url: { in: urls } },
        orderBy: { id: 'asc' },
        take: MAX_WITH_URLS,
      });
      return rows.map((row) => ({ nexusId: row.nexusId, pbi: toPbi(row) }));
    },

    /**
     * Adds a PBI under `key` (unique ignoring case), or under the Nexus's next free `PBI-<n>` when no key is given.
     * `decide` judges it on the Nexus as it is when the add takes its turn; the event and the new row are written
     * together.
     */
    async add(
      nexus: Nexus,
      key: string | null,
      decide: (key: string, nexus: Nexus) => PbiEvent | PbiProblem,
    ): Promise<Recorded | PbiProblem | DuplicateKey> {
      try {
        const { revisions, write, event } = await prisma.$transaction(async (tx) => {
          const locked = await lockNexus(tx, nexus.id);
          if (key !== null && (await findIgnoringCase(tx, nexus.id, key)))
            throw thrownProblem({ problem: 'duplicate-key', key });
          // the number is taken in the transaction: a refused add gives it back
          const event = decide(key ?? (await nextAutoKey(tx, nexus.id)), toNexus(locked));
          if ('problem' in event) throw thrownProblem(event);
          const write = { before: null, after: evolve(undefined, event, toNexus(locked).workflow) };
          await tx.pbi.create({ data: { nexusId: nexus.id, ...pbiColumns(write.after) } });
          await tx.event.create({ data: pbiEventColumns(nexus.id, event, source) });
          return { revisions: await markFlowWrites(tx, nexus.id, locked, [write]), write, event };
        }, WRITE_TRANSACTION);
        memo.written(nexus.id, revisions, [write]);
        return { ok: true, before: null, pbi: write.after, event };
      } catch (error) {
        // a refusal thrown inside the transaction rolled it back; it is the outcome
        if (error instanceof ExpectedFailure) return error.data as PbiProblem | DuplicateKey;
        if (key !== null && isUniqueViolation(error)) return { problem: 'duplicate-key', key };
        throw error;
      }
    },

    /**
     * Lets `decide` judge a change of the PBI and writes the event and the PBI's new state at once. Writers of the Nexus
     * take turns on its row, so `decide` sees the PBI and the Nexus's settings as the previous write left them: a change
     * is never lost or folded under settings that no longer hold, and contention only makes a write wait.
     */
    async change(nexus: Nexus, key: string, decide: Decide): Promise<Recorded | PbiProblem | UnknownPbi> {
      return changeAfter(nexus, key, async (_tx, pbi, now) => decide(pbi, now));
    },

    /**
     * Lets `decide` judge a dependency of the PBI on the one keyed `on` (null: there is none), with the Nexus's
     * dependencies as they are when the write takes its turn: two people closing a cycle at once can't both pass.
     */
    async changeDependency(
      nexus: Nexus,
      key: string,
      on: string,
      decide: (pbi: Pbi, on: Pbi | null, graph: DependencyGraph) => PbiEvent | PbiProblem,
    ): Promise<Recorded | PbiProblem | UnknownPbi> {
      return changeAfter(nexus, key, async (tx, pbi) => {
        const other = await findIgnoringCase(tx, nexus.id, on);
        const rows = await tx.pbi.findMany({
          where: { nexusId: nexus.id, discardedAt: null, NOT: { dependsOn: { isEmpty: true } } },
          select: { key: true, dependsOn: true },
        });
        return decide(pbi, other ? toPbi(other) : null, new Map(rows.map((r) => [r.key, r.dependsOn])));
      });
    },

    /** PBIs open now: not finished, not discarded. */
    async listOpen(nexusId: string): Promise<readonly Pbi[]> {
      const load = async () =>
        (await prisma.pbi.findMany({ where: { nexusId, finishedAt: null, discardedAt: null } })).map(toPbi);
      return memo.remembered(nexusId, 'open', 'revision', load, keepOpen, (open, written) =>
        keepOpen(
          open,
          written.map((after) => ({ before: null, after })),
        ),
      );
    },

    /** Start and finish of every PBI finished since `since`: all the SLE and Nexus throughput need. */
    async finishedSince(nexusId: string, since: DateTime): Promise<readonly FlowDates[]> {
      return memo.remembered(nexusId, `finished|${since.toMillis()}`, 'flowRevision', async () => {
        // raw SQL: thousands of rows of two numbers; the query builder's per-row cost doubled the time
        const rows = await prisma.$queryRaw<{ started: number; finished: number }[]>`
          SELECT extract(epoch FROM "startedAt")::float8 * 1000 AS started, extract(epoch FROM "finishedAt")::float8 * 1000 AS finished
          FROM "Pbi" WHERE "nexusId" = ${nexusId} AND "finishedAt" >= ${since.toJSDate()} AND "startedAt" IS NOT NULL`;
        return rows.map((r) => ({ startedAt: instantAt(r.started), finishedAt: instantAt(r.finished) }));
      });
    },

    /** PBIs open now and every PBI touched since `since` (team throughput needs squares done on finished PBIs). */
    async listForFlow(nexusId: string, since: DateTime): Promise<readonly Pbi[]> {
      const load = async () => {
        const rows = await prisma.pbi.findMany({
          where: { nexusId, OR: [{ finishedAt: null, discardedAt: null }, { lastEventAt: { gte: since.toJSDate() } }] },
        });
        return rows.map(toPbi);
      };
      // thousands of PBIs on a large Nexus: a write replaces the PBIs it wrote rather than making every one read again
      const keep = keepForFlow(since);
      return memo.remembered(
        nexusId,
        `flow|${since.toMillis()}`,
        'revision',
        load,
        (list, writes) =>
          keep(
            list,
            writes.map((w) => w.after),
          ),
        keep,
      );
    },

    /** The `limit` PBIs that entered one of the stages last, not discarded (e.g. the stages of the finished part). */
    async listInStages(nexusId: string, stages: string[], limit: number): Promise<readonly Pbi[]> {
      const load = async () => {
        const rows = await prisma.pbi.findMany({
          where: { nexusId, discardedAt: null, stage: { in: stages } },
          orderBy: { stageEnteredAt: 'desc' },
          take: limit,
        });
        return rows.map(toPbi);
      };
      return memo.remembered(
        nexusId,
        `stages|${limit}|${stages.join('\n')}`,
        'revision',
        load,
        keepLatestIn(stages, limit),
      );
    },

    /**
     * When the Nexus first started a PBI, and each team first started (or finished) a square: forecasts never sample
     * days before these.
     */
    async firstStarts(nexusId: string): Promise<FirstStarts> {
      return memo.remembered(nexusId, 'first-starts', 'revision', loadFirstStarts(nexusId), keepFirstStarts);
    },

    /**
     * Every completion of the Nexus's history in one read, as bare instants: when each PBI finished (what
     * nexusThroughput counts) and when each team's square was done on a PBI not discarded unfinished (what
     * teamThroughput counts). The accuracy replay needs all of them for every team; whole PBIs per team would be the
     * Nexus many times over. Not remembered: a long job reads it once.
     */
    async completions(nexusId: string): Promise<Completions> {
      const rows = await prisma.$queryRaw<{ team: string | null; at: number }[]>`
        SELECT NULL::text AS team, extract(epoch FROM "finishedAt")::float8 * 1000 AS at
        FROM "Pbi" WHERE "nexusId" = ${nexusId} AND "finishedAt" IS NOT NULL AND "startedAt" IS NOT NULL
        UNION ALL
        SELECT sq->>'team', extract(epoch FROM (sq->>'doneAt')::timestamptz)::float8 * 1000
        FROM "Pbi", jsonb_array_elements("squares") AS sq
        WHERE "nexusId" = ${nexusId} AND ("discardedAt" IS NULL OR "finishedAt" IS NOT NULL)
          AND sq->>'state' = 'done' AND sq->>'doneAt' IS NOT NULL`;
      const nexus: DateTime[] = [];
      const teams = new Map<string, DateTime[]>();
      for (const { team, at } of rows) {
        if (team === null) nexus.push(instantAt(at));
        else if (teams.has(team)) teams.get(team)!.push(instantAt(at));
        else teams.set(team, [instantAt(at)]);
      }
      return { nexus, teams };
    },

    /**
     * PBIs finished since `since`, each with its stage entries and blocks in order of occurrence: what flow
     * efficiency and time in stage read. Only what a cycle time needs: the events from the PBI's start on (its start is
     * an entry, so no earlier one ends a day of its cycle), and whether it was blocked as it started (a block begun
     * before counts from the start day on). One row per PBI, its events as one JSON array: a row per event took most
     * of the first answer's time on a large Nexus (14,000 rows decoded against 2,000).
     */
    async flowHistoriesSince(nexusId: string, since: DateTime): Promise<readonly FlowHistory[]> {
      return memo.remembered(nexusId, `flow-histories|${since.toMillis()}`, 'revision', async () => {
        const rows = await prisma.$queryRaw<
          { key: string; title: string; started: number; finished: number; events: string; blocked: boolean | null }[]
        >`
          SELECT p.key, p.title, extract(epoch FROM p."startedAt")::float8 * 1000 AS started,
                 extract(epoch FROM p."finishedAt")::float8 * 1000 AS finished,
                 (SELECT json_agg(json_build_array(extract(epoch FROM e."occurredAt")::float8 * 1000, e.type,
                                    coalesce(e.payload->>'to', e.payload->>'stage')) ORDER BY e."occurredAt", e.id)::text
                  FROM "Event" e WHERE e."nexusId" = p."nexusId" AND e."pbiKey" = p.key
                    AND e."occurredAt" >= p."startedAt"
                    AND e.type IN ('pbi.added', 'pbi.moved', 'pbi.blocked', 'pbi.unblocked')) AS events,
                 (SELECT e.type = 'pbi.blocked' FROM "Event" e WHERE e."nexusId" = p."nexusId" AND e."pbiKey" = p.key
                    AND e."occurredAt" < p."startedAt" AND e.type IN ('pbi.blocked', 'pbi.unblocked')
                  ORDER BY e."occurredAt" DESC, e.id DESC LIMIT 1) AS blocked
          FROM "Pbi" p
          WHERE p."nexusId" = ${nexusId} AND p."finishedAt" >= ${since.toJSDate()} AND p."startedAt" IS NOT NULL`;
        return rows.map((r) => flowHistory(r, JSON.parse(r.events ?? '[]')));
      });
    },

    /**
     * The blocks of every PBI blocked at some moment since `since` (blocked or unblocked since then, or blocked now),
     * in order of occurrence. A block a PBI finished or was discarded under ends there.
     */
    async blocksSince(nexusId: string, since: DateTime): Promise<readonly BlockSpan[]> {
      return memo.remembered(nexusId, `blocks|${since.toMillis()}`, 'revision', async () => {
        const rows = await prisma.$queryRaw<
          {
            key: string;
            type: 'pbi.blocked' | 'pbi.unblocked';
            at: number;
            reason: string | null;
            closed: number | null;
          }[]
        >`
          SELECT e."pbiKey" AS key, e.type, extract(epoch FROM e."occurredAt")::float8 * 1000 AS at,
                 e.payload->>'reason' AS reason,
                 extract(epoch FROM coalesce(p."finishedAt", p."discardedAt"))::float8 * 1000 AS closed
          FROM "Event" e JOIN "Pbi" p ON p."nexusId" = e."nexusId" AND p.key = e."pbiKey"
          WHERE e."nexusId" = ${nexusId} AND e.type IN ('pbi.blocked', 'pbi.unblocked')
            AND (p."blockedAt" IS NOT NULL OR e."pbiKey" IN (
              SELECT "pbiKey" FROM "Event" WHERE "nexusId" = ${nexusId} AND "occurredAt" >= ${since.toJSDate()}
                AND type IN ('pbi.blocked', 'pbi.unblocked')))
          ORDER BY e."occurredAt", e.id`;
        const closed = new Map(rows.filter((r) => r.closed !== null).map((r) => [r.key, instantAt(r.closed!)]));
        const spans = blockSpans(
          rows.map((r) => ({ key: r.key, type: r.type, at: instantAt(r.at), reason: r.reason })),
        );
        return spans.map((s) => (s.until === null && closed.has(s.key) ? { ...s, until: closed.get(s.key)! } : s));
      });
    },

    /** How many PBIs (not discarded) are in each stage. */
    async countByStage(nexusId: string): Promise<ReadonlyMap<string, number>> {
      const load = async () => {
        const groups = await prisma.pbi.groupBy({
          by: ['stage'],
          where: { nexusId, discardedAt: null },
          _count: { _all: true },
        });
        return new Map(groups.map((g) => [g.stage, g._count._all]));
      };
      return memo.remembered(nexusId, 'count-by-stage', 'revision', load, recount);
    },

    /**
     * The stage entries, in order, of each PBI moved out of the `finished` stages (the finished part) since `since`: the
     * PBIs reopened then, whose own start and finish don't tell when they were in flow.
     */
    async reopenedSince(
      nexusId: string,
      since: DateTime,
      finished: readonly string[],
    ): Promise<Map<string, StageEntry[]>> {
      const stages = JSON.stringify(finished);
      const rows = await prisma.$queryRaw<{ key: string; at: number; stage: string }[]>`
        SELECT "pbiKey" AS key, extract(epoch FROM "occurredAt")::float8 * 1000 AS at,
               coalesce(payload->>'to', payload->>'stage') AS stage
        FROM "Event" WHERE "nexusId" = ${nexusId} AND type IN ('pbi.added', 'pbi.moved') AND "pbiKey" IN (
          SELECT "pbiKey" FROM "Event" WHERE "nexusId" = ${nexusId} AND "occurredAt" >= ${since.toJSDate()}
            AND type = 'pbi.moved' AND payload->>'from' IN (SELECT jsonb_array_elements_text(${stages}::jsonb))
            AND payload->>'to' NOT IN (SELECT jsonb_array_elements_text(${stages}::jsonb)))
        ORDER BY "occurredAt", id`;
      const entries = new Map<string, StageEntry[]>();
      for (const { key, at, stage } of rows) {
        const list = entries.get(key);
        if (list) list.push({ stage, at: instantAt(at) });
        else entries.set(key, [{ stage, at: instantAt(at) }]);
      }
      return entries;
    },

    /**
     * Additions, moves and discards of the Nexus's PBIs since `since`, in order of occurrence: the cumulative flow
     * diagram's window. Raw SQL: tens of thousands of rows of a few fields each.
     */
    async stageChangesSince(nexusId: string, since: DateTime): Promise<StageChange[]> {
      const rows = await prisma.$queryRaw<
        { key: string; type: string; at: number; from: string | null; to: string | null; stage: string | null }[]
      >`
        SELECT "pbiKey" AS key, type, extract(epoch FROM "occurredAt")::float8 * 1000 AS at,
               payload->>'from' AS "from", payload->>'to' AS "to", payload->>'stage' AS stage
        FROM "Event" WHERE "nexusId" = ${nexusId} AND "occurredAt" >= ${since.toJSDate()}
          AND type IN ('pbi.added', 'pbi.moved', 'pbi.discarded')
        ORDER BY "occurredAt", id`;
      return rows.map((r): StageChange => {
        const base = { key: r.key, at: instantAt(r.at) };
        if (r.type === 'pbi.added') return { ...base, kind: 'added', stage: r.stage! };
        if (r.type === 'pbi.moved') return { ...base, kind: 'moved', from: r.from!, to: r.to! };
        return { ...base, kind: 'discarded' };
      });
    },

    /**
     * Keys of PBIs `user` added, moved or changed a square of, the latest first, at most `limit`: read from their newest
     * such events (a few per PBI), so a long history is not read whole.
     */
    async touchedBy(nexusId: string, user: string, limit: number): Promise<string[]> {
      const rows = await prisma.event.findMany({
        where: { nexusId, actor: user, type: { in: [...OWN_EVENTS] }, pbiKey: { not: null } },
        orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
        select: { pbiKey: true },
        take: limit * EVENTS_PER_OWN_PBI,
      });
      return [...new Set(rows.map((r) => r.pbiKey!))].slice(0, limit);
    },

    async history(nexusId: string, key: string): Promise<PbiEvent[]> {
      const rows = await prisma.event.findMany({
        where: { nexusId, pbiKey: key },
        orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toPbiEvent);
    },

    /** Loads a whole history at once (sample data, benchmarks): projections folded in memory, rows written in bulk. */
    async importHistory(nexus: Nexus, events: readonly PbiEvent[]): Promise<number> {
      const byKey = groupByKey(events);
      const pbis = [...byKey.values()].map((history) => replay(history, nexus.workflow)!);
      for (let i = 0; i < pbis.length; i += INSERT_CHUNK) {
        await prisma.pbi.createMany({
          data: pbis.slice(i, i + INSERT_CHUNK).map((p) => ({ nexusId: nexus.id, ...pbiColumns(p) })),
        });
      }
      for (let i = 0; i < events.length; i += INSERT_CHUNK) {
        await prisma.event.createMany({
          data: events.slice(i, i + INSERT_CHUNK).map((e) => pbiEventColumns(nexus.id, e, source)),
        });
      }
      const highest = Math.max(0, ...[...byKey.keys()].map(autoKeyNumber));
      await prisma.nexus.update({
        where: { id: nexus.id },
        data: { nextPbiNumber: highest + 1, revision: { increment: 1 }, flowRevision: { increment: 1 } },
      });
      return pbis.length;
    },
  };
}

/** The open list after the writes: each written PBI replaced, or gone when it finished or was discarded. One pass: the inbox writes 250 at a time. */
function keepOpen(open: readonly Pbi[], writes: readonly PbiWrite[]): readonly Pbi[] {
  const written = new Map(writes.map(({ after }) => [after.key, after]));
  const stillOpen = [...written.values()].filter((p) => !p.finishedAt && !p.discardedAt);
  return [...open.filter((p) => !written.has(p.key)), ...stillOpen];
}

/** The latest `limit` to enter the stages, over the writes; unknowable when one leaves a full list (the next is not held). */
function keepLatestIn(stages: readonly string[], limit: number): Patch<readonly Pbi[]> {
  const step = (latest: readonly Pbi[], after: Pbi): readonly Pbi[] | undefined => {
    const others = latest.filter((p) => p.key !== after.key);
    if (after.discardedAt || !stages.includes(after.stage))
      return others.length < latest.length && latest.length === limit ? undefined : others;
    return [...others, after].sort((a, b) => b.stageEnteredAt.toMillis() - a.stageEnteredAt.toMillis()).slice(0, limit);
  };
  return (latest, writes) =>
    writes.reduce<readonly Pbi[] | undefined>((list, { after }) => list && step(list, after), latest);
}

function recount(counts: ReadonlyMap<string, number>, writes: readonly PbiWrite[]): ReadonlyMap<string, number> {
  const next = new Map(counts);
  for (const { before, after } of writes) {
    if (before && !before.discardedAt) next.set(before.stage, (next.get(before.stage) ?? 0) - 1);
    if (!after.discardedAt) next.set(after.stage, (next.get(after.stage) ?? 0) + 1);
  }
  return next;
}

/** A PBI whose start or finish a workflow changes: its new dates, epoch milliseconds. */
export type FlowDatesChange = { key: string; startedAt: number | null; finishedAt: number | null };
/** PBIs folded between turns of the event loop: a large Nexus's fold must not hold up other requests. */
const FOLD_SLICE = 500;

/**
 * The PBIs whose start or finish differ under `workflow`, the only fields a workflow changes. Reads only the stage
 * entries (additions and moves, gathered per PBI in one query) and folds them over plain milliseconds with the
 * domain's rule; may run outside the change's transaction (see the Nexus repository's `change`).
 */
export async function planFlowDates(
  db: Prisma.TransactionClient,
  nexusId: string,
  workflow: Workflow,
): Promise<FlowDatesChange[]> {
  const rows = await db.$queryRaw<
    { key: string; started: number | null; finished: number | null; stages: string[] | null; ats: number[] | null }[]
  >`
    SELECT p.key, extract(epoch FROM p."startedAt")::float8 * 1000 AS started, extract(epoch FROM p."finishedAt")::float8 * 1000 AS finished,
           e.stages, e.ats
    FROM "Pbi" p LEFT JOIN (
      SELECT "pbiKey", array_agg(coalesce(payload->>'to', payload->>'stage') ORDER BY "occurredAt", id) AS stages,
             array_agg(extract(epoch FROM "occurredAt")::float8 * 1000 ORDER BY "occurredAt", id) AS ats
      FROM "Event" WHERE "nexusId" = ${nexusId} AND type IN ('pbi.added', 'pbi.moved') GROUP BY "pbiKey"
    ) e ON e."pbiKey" = p.key
    WHERE p."nexusId" = ${nexusId}`;
  const changed: FlowDatesChange[] = [];
  for (let i = 0; i < rows.length; i++) {
    if (i % FOLD_SLICE === FOLD_SLICE - 1) await new Promise((r) => setImmediate(r));
    const { key, started, finished, stages, ats } = rows[i];
    const dates = flowDatesOf(
      (stages ?? []).map((stage, n) => ({ stage, at: ats![n] })),
      workflow,
    );
    if (dates.startedAt !== started || dates.finishedAt !== finished) changed.push({ key, ...dates });
  }
  return changed;
}

/** Writes the new dates in one statement. */
export async function writeFlowDates(
  tx: Prisma.TransactionClient,
  nexusId: string,
  changed: readonly FlowDatesChange[],
): Promise<number> {
  if (!changed.length) return 0;
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const rows = changed.map((c) => ({ key: c.key, startedAt: iso(c.startedAt), finishedAt: iso(c.finishedAt) }));
  return tx.$executeRaw`
    UPDATE "Pbi" AS p SET ${assignedFrom(PBI_TABLE, ['startedAt', 'finishedAt'])}, version = p.version + 1
    FROM ${recordSet(PBI_TABLE, ['key', 'startedAt', 'finishedAt'], rows)}
    WHERE p."nexusId" = ${nexusId} AND p.key = v.key`;
}

function groupByKey(events: readonly PbiEvent[]): Map<string, PbiEvent[]> {
  const byKey = new Map<string, PbiEvent[]>();
  for (const e of events) {
    const list = byKey.get(e.key);
    if (list) list.push(e);
    else byKey.set(e.key, [e]);
  }
  return byKey;
}

/** The Nexus's next free PBI-<n>; the row lock taken by the increment orders adds of the Nexus. */
async function nextAutoKey(tx: Prisma.TransactionClient, nexusId: string): Promise<string> {
  for (;;) {
    const row = await tx.nexus.update({
      where: { id: nexusId },
      data: { nextPbiNumber: { increment: 1 } },
      select: { nextPbiNumber: true },
    });
    const key = `${AUTO_KEY_PREFIX}${row.nextPbiNumber - 1}`;
    // someone used this PBI-<n> by hand: take the next number
    if (!(await findIgnoringCase(tx, nexusId, key))) return key;
  }
}

/** Keys are unique ignoring case (index "Pbi_nexusId_lower_key_key"): `pbi-2` finds PBI-2. */
async function findIgnoringCase(db: Prisma.TransactionClient, nexusId: string, key: string) {
  const exact = await db.pbi.findUnique({ where: { nexusId_key: { nexusId, key } } });
  if (exact) return exact;
  const [found] = await db.$queryRaw<
    { id: string }[]
  >`SELECT id FROM "Pbi" WHERE "nexusId" = ${nexusId} AND lower(key) = lower(${key})`;
  return found ? db.pbi.findUnique({ where: { id: found.id } }) : null;
}

function autoKeyNumber(key: string): number {
  return key.startsWith(AUTO_KEY_PREFIX) ? Number(key.slice(AUTO_KEY_PREFIX.length)) || 0 : 0;
}

/** A PBI's flow history from its row: its events from its start on, and a block it started under opened there. */
function flowHistory(
  r: { key: string; title: string; started: number; finished: number; blocked: boolean | null },
  events: readonly [number, string, string | null][],
): FlowHistory {
  const entries: StageEntry<number>[] = [];
  const blocks: { from: number; until: number | null }[] = r.blocked ? [{ from: r.started, until: null }] : [];
  for (const [at, type, stage] of events) {
    const open = blocks.at(-1);
    if (type === 'pbi.blocked' && (!open || open.until !== null)) blocks.push({ from: at, until: null });
    else if (type === 'pbi.unblocked' && open && open.until === null) open.until = at;
    else if (type === 'pbi.added' || type === 'pbi.moved') entries.push({ stage: stage!, at });
  }
  return { key: r.key, title: r.title, startedAt: r.started, finishedAt: r.finished, entries, blocks };
}

/** The flow list after writes: each written PBI in it when open or touched since `since`, the query's own rule. */
function keepForFlow(since: DateTime) {
  const belongs = (p: Pbi) => (!p.finishedAt && !p.discardedAt) || p.lastEventAt >= since;
  return (list: readonly Pbi[], written: readonly Pbi[]): readonly Pbi[] => {
    const byKey = new Map(written.map((p) => [p.key, p]));
    return [...list.filter((p) => !byKey.has(p.key)), ...[...byKey.values()].filter(belongs)];
  };
}

/** A square's first sign of work: its start, or when it was done without one. */
const firstSign = (s: Square) => s.startedAt ?? s.doneAt;

/**
 * The first starts after writes: an earlier start lowers one; unknowable when a write takes back the very start that
 * was first (the next earliest is not held).
 */
function keepFirstStarts(first: FirstStarts, writes: readonly PbiWrite[]): FirstStarts | undefined {
  let nexus = first.nexus;
  const teams = new Map(first.teams);
  for (const { before, after } of writes) {
    if (lostFirst(nexus, before?.startedAt ?? null, after.startedAt)) return undefined;
    if (after.startedAt && (!nexus || after.startedAt < nexus)) nexus = after.startedAt;
    for (const square of before?.squares ?? []) {
      const now = after.squares.find((s) => s.team === square.team);
      if (lostFirst(teams.get(square.team) ?? null, firstSign(square), now ? firstSign(now) : null)) return undefined;
    }
    for (const square of after.squares) {
      const sign = firstSign(square);
      const known = teams.get(square.team);
      if (sign && (!known || sign < known)) teams.set(square.team, sign);
    }
  }
  return { nexus, teams };
}

/** Whether the instant that was first is gone: it was this PBI's, and the write moved or removed it. */
function lostFirst(first: DateTime | null, was: DateTime | null, is: DateTime | null): boolean {
  return first !== null && was !== null && was.toMillis() === first.toMillis() && is?.toMillis() !== was.toMillis();
}

/** When the slash command of the PBI's last move reached the bot, and whose it was (null: no command's, or not known). */
function lastMoveAsked(row: { moveAskedAt: Date | null; moveAskedBy: string | null }): Asked | null {
  return row.moveAskedAt && row.moveAskedBy ? { at: instantAt(row.moveAskedAt.getTime()), by: row.moveAskedBy } : null;
}
