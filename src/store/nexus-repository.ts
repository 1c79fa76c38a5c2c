import type { NexusEvent } from '../domain/events';
import { ExpectedFailure, thrownProblem } from '../domain/expected-failure';
import type { Nexus } from '../domain/nexus';
import { findClass } from '../domain/service-class';
import { type DroppedMappings, type TrackerKind, withoutStages, withoutTeams } from '../domain/tracker';
import { findStage, type Workflow } from '../domain/workflow';
import type { WorkflowVersion } from '../domain/workflow-changes';
import { Prisma, type PrismaClient } from '../generated/prisma/client';
import { type FlowDatesChange, planFlowDates, writeFlowDates } from './pbi-repository';
import { lockNexus, type RevisionMemo, type Revisions, WRITE_TRANSACTION } from './revisions';
import { instantAt, nexusColumns, nexusEventColumns, toNexus } from './rows';
import { isUniqueViolation } from './unique-violation';

/** The channel already has a Nexus (a unique violation on creating one). */
export type NexusExists = { problem: 'nexus-exists' };

/** New settings and the event that records them. */
export type SettingsChange = { after: Nexus; event: NexusEvent };
/** A stage or team the change would take away while PBIs still use it. */
export type SettingsInUse =
  | { problem: 'stage-in-use'; stage: string; count: number }
  | { problem: 'team-in-use'; team: string; keys: string[] }
  /** `keys`: open PBIs of the class, the first few */
  | { problem: 'class-in-use'; serviceClass: string; keys: string[] };

/** A decision to change the settings, as opposed to the caller's reason for not changing them. */
const isChange = <R>(decided: SettingsChange | R): decided is SettingsChange =>
  typeof decided === 'object' && decided !== null && 'after' in decided && 'event' in decided;

/** How many PBIs needing a removed team are named. */
const KEYS_NAMED = 6;

/**
 * `read` keeps, for each Nexus this repository handed out, the revisions its row had: a request that goes on to read
 * the Nexus's PBIs need not ask for them again (`Store.about`).
 */
export function nexusRepository(
  prisma: PrismaClient,
  source: string,
  memo: RevisionMemo,
  read: WeakMap<Nexus, Revisions>,
) {
  const handOut = (row: Parameters<typeof toNexus>[0] | null): Nexus | null => {
    if (!row) return null;
    const nexus = toNexus(row);
    read.set(nexus, { revision: row.revision, flowRevision: row.flowRevision });
    return nexus;
  };
  /** The Nexus's revision as read, the workflow the change would make, and the PBIs it would re-date; null if no flow change. */
  async function planOutside<R>(nexusId: string, decide: (nexus: Nexus) => SettingsChange | R) {
    const row = await prisma.nexus.findUnique({ where: { id: nexusId } });
    if (!row) return null;
    const decided = decide(toNexus(row));
    if (!isChange(decided) || !flowChanged(toNexus(row).workflow, decided.after.workflow)) return null;
    const changed: FlowDatesChange[] = await planFlowDates(prisma, nexusId, decided.after.workflow);
    return { revision: row.revision, workflow: decided.after.workflow, changed };
  }

  return {
    async findByChannel(workspaceId: string, channelId: string): Promise<Nexus | null> {
      return handOut(await prisma.nexus.findUnique({ where: { workspaceId_channelId: { workspaceId, channelId } } }));
    },

    async get(nexusId: string): Promise<Nexus | null> {
      return handOut(await prisma.nexus.findUnique({ where: { id: nexusId } }));
    },

    /**
     * The Definition of Workflow as set up and after each change, in order (from `nexus.created` and
     * `nexus.workflow-changed`, whose values hold it whole): what charts mark the changes of. Remembered until
     * `flowRevision` moves, as every settings change moves it (PBI moves don't): every chart reads it.
     */
    async workflowHistory(nexusId: string): Promise<readonly WorkflowVersion[]> {
      return memo.remembered(nexusId, 'workflow-history', 'flowRevision', async () => {
        const rows = await prisma.event.findMany({
          where: { nexusId, pbiKey: null, type: { in: ['nexus.created', 'nexus.workflow-changed'] } },
          orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }],
          select: { type: true, payload: true, occurredAt: true },
        });
        return rows.flatMap((r) => {
          const value = (r.payload as { value?: { workflow?: Workflow } & Partial<Workflow> }).value;
          const workflow = r.type === 'nexus.created' ? value?.workflow : (value as Workflow | undefined);
          return workflow?.stages ? [{ at: instantAt(r.occurredAt.getTime()), workflow }] : [];
        });
      });
    },

    /** Every Nexus whose digest is on, in every workspace (the scheduler's round). */
    /** The Nexuses something is posted to by itself: their digest, or a Sprint report on a cadence. */
    async listScheduled(): Promise<Nexus[]> {
      const rows = await prisma.nexus.findMany({
        where: {
          OR: [
            { digestEnabled: true },
            { sprintStart: { not: null }, OR: [{ sprintReview: true }, { sprintRetro: true }] },
          ],
        },
        orderBy: { createdAt: 'asc' },
      });
      return rows.map(toNexus);
    },

    async listInWorkspace(workspaceId: string): Promise<Nexus[]> {
      const rows = await prisma.nexus.findMany({ where: { workspaceId }, orderBy: { createdAt: 'asc' } });
      return rows.map(toNexus);
    },

    /** nexus-exists when the channel already has a Nexus. */
    async create(nexus: Omit<Nexus, 'id'>, event: NexusEvent): Promise<Nexus | NexusExists> {
      try {
        return await prisma.$transaction(async (tx) => {
          const row = await tx.nexus.create({ data: nexusColumns(nexus) });
          await tx.event.create({ data: nexusEventColumns(row.id, event, source) });
          return toNexus(row);
        });
      } catch (error) {
        if (isUniqueViolation(error)) return { problem: 'nexus-exists' };
        throw error;
      }
    },

    /**
     * Changes the Nexus's settings: `decide` gets the Nexus as it is when this write takes its turn on the Nexus's row
     * (after every write before it), so settings changed at once all hold. Refused, and nothing changes, when the change
     * would leave PBIs on the board in a stage the Nexus no longer has, or open PBIs needing a team it no longer has.
     * A changed flow re-derives every PBI's start and finish in the same transaction. Whatever else `decide` returns is
     * the caller's reason for declining: handed back as it is, nothing written.
     */
    async change<R>(
      nexusId: string,
      decide: (nexus: Nexus) => SettingsChange | R,
    ): Promise<{ saved: Nexus; unmapped: DroppedMappings } | R | SettingsInUse> {
      try {
        // the fold a flow change needs is worked out before the transaction, so the Nexus (and, on the embedded
        // database, every Nexus) is not held while it runs; used only if nothing was written meanwhile
        const planned = await planOutside(nexusId, decide);
        const saved = await prisma.$transaction(async (tx) => {
          const locked = await lockNexus(tx, nexusId);
          const before = toNexus(locked);
          const decided = decide(before);
          // thrown to roll the change back: the caller's own reason for declining (the store never words it)
          if (!isChange(decided)) throw new ExpectedFailure('settings-declined', decided);
          const { after, event } = decided;
          const inUse = await stillInUse(tx, before, after);
          if (inUse) throw thrownProblem(inUse);
          const row = await tx.nexus.update({
            where: { id: nexusId },
            data: { ...nexusColumns(after), flowRevision: { increment: 1 } },
          });
          await tx.event.create({ data: nexusEventColumns(nexusId, event, source) });
          const unmapped = await unmapRemoved(tx, before, after);
          if (flowChanged(before.workflow, after.workflow)) {
            const stillTrue =
              planned && planned.revision + 1 === locked.revision && !flowChanged(planned.workflow, after.workflow);
            await writeFlowDates(
              tx,
              nexusId,
              stillTrue ? planned.changed : await planFlowDates(tx, nexusId, after.workflow),
            );
          }
          return { saved: toNexus(row), unmapped };
        }, WRITE_TRANSACTION);
        return saved;
      } catch (error) {
        if (error instanceof ExpectedFailure) return error.data as R | SettingsInUse;
        throw error;
      } finally {
        memo.changed(nexusId);
      }
    },

    async remove(nexusId: string): Promise<void> {
      await prisma.nexus.delete({ where: { id: nexusId } });
    },
  };
}

/** Anything but a WIP limit changes which stages count as started or finished. */
function flowChanged(a: Workflow, b: Workflow): boolean {
  const names = (w: Workflow) => [...w.stages.map((s) => s.name), w.startStage, w.finishStage].join('\n');
  return names(a) !== names(b);
}

/**
 * Tracker labels that meant a team the change removes, and statuses that meant a stage it removes, are unmapped with
 * it, in its transaction: kept, they would be listed as working, and would map to any team or stage given that name
 * later. Answers the mappings dropped.
 */
async function unmapRemoved(tx: Prisma.TransactionClient, before: Nexus, after: Nexus): Promise<DroppedMappings> {
  const teams = before.teams.filter((t) => !after.teams.includes(t));
  const stages = before.workflow.stages.map((s) => s.name).filter((s) => !findStage(after.workflow, s));
  const unmapped: DroppedMappings = { labels: [], statuses: [] };
  if (!teams.length && !stages.length) return unmapped;
  for (const row of await tx.trackerConnection.findMany({
    where: { nexusId: before.id },
    orderBy: { createdAt: 'asc' },
  })) {
    const kind = row.kind as TrackerKind;
    const labels = withoutTeams(row.teamMap as Record<string, string>, teams);
    const statuses = withoutStages(row.statusMap as Record<string, string>, stages);
    if (!labels.dropped.length && !statuses.dropped.length) continue;
    await tx.trackerConnection.update({
      where: { nexusId_kind: { nexusId: before.id, kind } },
      data: { teamMap: labels.teams, statusMap: statuses.statuses },
    });
    unmapped.labels.push(...labels.dropped.map((d) => ({ kind, ...d })));
    unmapped.statuses.push(...statuses.dropped.map((d) => ({ kind, ...d })));
  }
  return unmapped;
}

/**
 * A stage removed that PBIs on the board (not discarded) are in, or a team removed that open PBIs need, or a class
 * removed that open PBIs have; else null.
 */
async function stillInUse(tx: Prisma.TransactionClient, before: Nexus, after: Nexus): Promise<SettingsInUse | null> {
  const kept = new Set(after.workflow.stages.map((s) => s.name));
  for (const { name } of before.workflow.stages.filter((s) => !kept.has(s.name))) {
    const count = await tx.pbi.count({ where: { nexusId: before.id, stage: name, discardedAt: null } });
    if (count) return { problem: 'stage-in-use', stage: name, count };
  }
  for (const team of before.teams.filter((t) => !after.teams.includes(t))) {
    const needing = await tx.$queryRaw<{ key: string }[]>`
      SELECT key FROM "Pbi" WHERE "nexusId" = ${before.id} AND "finishedAt" IS NULL AND "discardedAt" IS NULL
        AND squares @> ${JSON.stringify([{ team }])}::jsonb
      ORDER BY key LIMIT ${KEYS_NAMED}`;
    if (needing.length) return { problem: 'team-in-use', team, keys: needing.map((r) => r.key) };
  }
  for (const { name } of before.classes.filter((c) => !findClass(after.classes, c.name))) {
    const having = await tx.pbi.findMany({
      where: { nexusId: before.id, serviceClass: name, finishedAt: null, discardedAt: null },
      select: { key: true },
      orderBy: { key: 'asc' },
      take: KEYS_NAMED,
    });
    if (having.length) return { problem: 'class-in-use', serviceClass: name, keys: having.map((r) => r.key) };
  }
  return null;
}
