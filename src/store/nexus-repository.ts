import type { NexusEvent } from '../domain/events';
import type { Nexus } from '../domain/nexus';
import type { Workflow } from '../domain/workflow';
import { Prisma, type PrismaClient } from '../generated/prisma/client';
import { rebuildPbis } from './pbi-repository';
import type { Revisions, RevisionMemo } from './revisions';
import { nexusColumns, nexusEventColumns, toNexus } from './rows';

/**
 * `read` keeps, for each Nexus this repository handed out, the revisions its row had: a request that goes on to read
 * the Nexus's PBIs need not ask for them again (`Store.about`).
 */
export function nexusRepository(prisma: PrismaClient, source: string, memo: RevisionMemo, read: WeakMap<Nexus, Revisions>) {
  const handOut = (row: Parameters<typeof toNexus>[0] | null): Nexus | null => {
    if (!row) return null;
    const nexus = toNexus(row);
    read.set(nexus, { revision: row.revision, flowRevision: row.flowRevision });
    return nexus;
  };
  return {
    async findByChannel(workspaceId: string, channelId: string): Promise<Nexus | null> {
      return handOut(await prisma.nexus.findUnique({ where: { workspaceId_channelId: { workspaceId, channelId } } }));
    },

    async get(nexusId: string): Promise<Nexus | null> {
      return handOut(await prisma.nexus.findUnique({ where: { id: nexusId } }));
    },

    /** Every Nexus whose digest is on, in every workspace (the scheduler's round). */
    async listWithDigest(): Promise<Nexus[]> {
      const rows = await prisma.nexus.findMany({ where: { digestEnabled: true }, orderBy: { createdAt: 'asc' } });
      return rows.map(toNexus);
    },

    async listInWorkspace(workspaceId: string): Promise<Nexus[]> {
      const rows = await prisma.nexus.findMany({ where: { workspaceId }, orderBy: { createdAt: 'asc' } });
      return rows.map(toNexus);
    },

    /** 'duplicate' when the channel already has a Nexus. */
    async create(nexus: Omit<Nexus, 'id'>, event: NexusEvent): Promise<Nexus | 'duplicate'> {
      try {
        return await prisma.$transaction(async (tx) => {
          const row = await tx.nexus.create({ data: nexusColumns(nexus) });
          await tx.event.create({ data: nexusEventColumns(row.id, event, source) });
          return toNexus(row);
        });
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return 'duplicate';
        throw error;
      }
    },

    /** Saves new settings with the event that records them. A changed flow re-derives every PBI's start and finish. */
    async update(before: Nexus, after: Nexus, event: NexusEvent): Promise<Nexus> {
      const saved = await prisma.$transaction(
        async (tx) => {
          const row = await tx.nexus.update({ where: { id: before.id }, data: { ...nexusColumns(after), revision: { increment: 1 }, flowRevision: { increment: 1 } } });
          await tx.event.create({ data: nexusEventColumns(before.id, event, source) });
          if (flowChanged(before.workflow, after.workflow)) await rebuildPbis(tx, after);
          return toNexus(row);
        },
        { timeout: 120_000 },
      );
      memo.changed(before.id);
      return saved;
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
