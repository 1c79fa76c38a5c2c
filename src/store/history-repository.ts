import { randomUUID } from 'node:crypto';
import type { Block, ExportedPbi } from '../domain/csv-export';
import type { PbiEvent } from '../domain/events';
import { ExpectedFailure } from '../domain/expected-failure';
import type { Nexus } from '../domain/nexus';
import type { Pbi, StageEntry } from '../domain/pbi';
import type { PrismaClient } from '../generated/prisma/client';
import { lockNexus, markFlowWrites, type RevisionMemo, WRITE_TRANSACTION } from './revisions';
import {
  columnList,
  EVENT_TABLE,
  instantAt,
  PBI_TABLE,
  pbiColumns,
  pbiEventColumns,
  recordSet,
  toNexus,
  toPbi,
  valuesOf,
} from './rows';

/** Rows a statement writes: large enough that 10,000 PBIs take a few statements, small enough for one JSON value. */
const WRITE_CHUNK = 2_000;
const AUTO_KEY = /^PBI-(\d+)$/i;

/** What the Nexus holds that an import decides on: its settings, which of the keys it has, how many PBIs are open. */
export type ImportState = { nexus: Nexus; existing: ReadonlyMap<string, string>; openPbis: number };
/** A PBI to write with its whole history. */
export type ImportedPbi = { pbi: Pbi; events: readonly PbiEvent[] };

/** Whole histories in and out: imports (from a file or a tracker's past) and the export. */
export function historyRepository(prisma: PrismaClient, memo: RevisionMemo) {
  return {
    /** Which of `keys` the Nexus has, ignoring case: by lower case, as the Nexus spells them. */
    async keysAmong(nexusId: string, keys: readonly string[]): Promise<Map<string, string>> {
      return keysAmong(prisma, nexusId, keys);
    },

    /** PBIs open now (not finished, not discarded), counted. */
    async countOpen(nexusId: string): Promise<number> {
      return prisma.pbi.count({ where: { nexusId, finishedAt: null, discardedAt: null } });
    },

    /**
     * Writes whole PBIs with their histories in one transaction, under the Nexus's row lock like every writer, after
     * `decide` judged them against the Nexus as it is then (its settings, the keys it has, its open PBIs). `decide`
     * returns the PBIs to write (`write`), or its reason not to, which is handed back and nothing is written. `source` says where
     * the history came from (`import:csv`).
     */
    async importPbis<R>(
      nexusId: string,
      keys: readonly string[],
      source: string,
      decide: (state: ImportState) => { write: readonly ImportedPbi[] } | R,
    ): Promise<{ imported: number; events: number } | R> {
      try {
        const { revisions, writes, events } = await prisma.$transaction(async (tx) => {
          const locked = await lockNexus(tx, nexusId);
          const state: ImportState = {
            nexus: toNexus(locked),
            existing: await keysAmong(tx, nexusId, keys),
            openPbis: await tx.pbi.count({ where: { nexusId, finishedAt: null, discardedAt: null } }),
          };
          const decided = decide(state);
          // rolls back the lock's revision bump; the caller's reason comes back as the outcome
          if (!isWrite(decided)) throw new ExpectedFailure('import-declined', decided);
          const pbis = decided.write;
          for (let i = 0; i < pbis.length; i += WRITE_CHUNK) {
            const rows = pbis
              .slice(i, i + WRITE_CHUNK)
              .map(({ pbi }) => ({ ...pbiColumns(pbi), id: randomUUID(), nexusId }));
            await tx.$executeRaw`
              INSERT INTO "Pbi" (${columnList(ADDED)}) SELECT ${valuesOf(PBI_TABLE, ADDED)} FROM ${recordSet(PBI_TABLE, ADDED, rows)}`;
          }
          const events = pbis.flatMap((p) => p.events.map((e) => pbiEventColumns(nexusId, e, source)));
          for (let i = 0; i < events.length; i += WRITE_CHUNK) {
            // in the order given: event ids keep the order of events at one instant
            await tx.$executeRaw`
              INSERT INTO "Event" (${columnList(RECORDED)})
              SELECT ${valuesOf(EVENT_TABLE, RECORDED)} FROM ${recordSet(EVENT_TABLE, RECORDED, events.slice(i, i + WRITE_CHUNK), true)} ORDER BY v.n`;
          }
          const highest = Math.max(0, ...pbis.map(({ pbi }) => Number(AUTO_KEY.exec(pbi.key)?.[1] ?? 0)));
          // `/pbi add` numbers on from the highest PBI-<n> imported, instead of stepping over each one
          if (highest >= locked.nextPbiNumber)
            await tx.nexus.update({ where: { id: nexusId }, data: { nextPbiNumber: highest + 1 } });
          const writes = pbis.map(({ pbi }) => ({ before: null, after: pbi }));
          return { revisions: await markFlowWrites(tx, nexusId, locked, writes), writes, events: events.length };
        }, WRITE_TRANSACTION);
        memo.written(nexusId, revisions, writes);
        return { imported: writes.length, events };
      } catch (error) {
        if (error instanceof ExpectedFailure && error.code === 'import-declined') return error.data as R;
        throw error;
      }
    },

    /** Every PBI with its stage entries and blocks, in one read of its history: what the export writes. */
    async forExport(nexusId: string): Promise<ExportedPbi[]> {
      const [pbis, rows] = await Promise.all([
        prisma.pbi.findMany({ where: { nexusId } }),
        prisma.$queryRaw<{ key: string; type: string; at: number; stage: string | null }[]>`
          SELECT "pbiKey" AS key, type, extract(epoch FROM "occurredAt")::float8 * 1000 AS at,
                 coalesce(payload->>'to', payload->>'stage') AS stage
          FROM "Event" WHERE "nexusId" = ${nexusId}
            AND type IN ('pbi.added', 'pbi.moved', 'pbi.blocked', 'pbi.unblocked')
          ORDER BY "occurredAt", id`,
      ]);
      const entries = new Map<string, StageEntry[]>();
      const blocks = new Map<string, Block[]>();
      for (const { key, type, at, stage } of rows) {
        if (type === 'pbi.blocked') push(blocks, key, { from: instantAt(at), until: null });
        else if (type === 'pbi.unblocked') {
          const open = blocks.get(key)?.at(-1);
          if (open && !open.until) open.until = instantAt(at);
        } else push(entries, key, { stage: stage!, at: instantAt(at) });
      }
      return pbis.map((row) => ({
        pbi: toPbi(row),
        entries: entries.get(row.key) ?? [],
        blocks: blocks.get(row.key) ?? [],
      }));
    },
  };
}

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
  'discardedAt',
  'startedAt',
  'finishedAt',
  'stageEnteredAt',
  'createdAt',
  'lastEventAt',
] as const;
const RECORDED = ['nexusId', 'pbiKey', 'type', 'payload', 'occurredAt', 'actor', 'source'] as const;

async function keysAmong(
  db: Pick<PrismaClient, '$queryRaw'>,
  nexusId: string,
  keys: readonly string[],
): Promise<Map<string, string>> {
  if (!keys.length) return new Map();
  const lower = JSON.stringify([...new Set(keys.map((k) => k.toLowerCase()))]);
  const rows = await db.$queryRaw<{ key: string }[]>`
    SELECT key FROM "Pbi" WHERE "nexusId" = ${nexusId}
      AND lower(key) IN (SELECT jsonb_array_elements_text(${lower}::jsonb))`;
  return new Map(rows.map((r) => [r.key.toLowerCase(), r.key]));
}

function isWrite<R>(decided: { write: readonly ImportedPbi[] } | R): decided is { write: readonly ImportedPbi[] } {
  return typeof decided === 'object' && decided !== null && 'write' in decided;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
