import type { DateTime } from 'luxon';
import { findTeam } from '../domain/nexus';
import type { TrackerKind, TrackerMapping } from '../domain/tracker';
import { type Stage, sameName } from '../domain/workflow';
import type { PrismaClient } from '../generated/prisma/client';
import { WRITE_TRANSACTION } from './revisions';
import { instantAt } from './rows';
import type { SealedBox } from './sealed-box';

export type TrackerConnection = {
  nexusId: string;
  kind: TrackerKind;
  mapping: TrackerMapping;
  reportedStatuses: string[];
};
/**
 * What a connection's inbox holds: deliveries by state (applied, unmapped, failed…), when the last one came, and the
 * latest that failed to apply or to parse, with its reason: what the NIT needs to see whether the webhook works.
 */
export type InboxSummary = {
  counts: Record<string, number>;
  lastReceivedAt: DateTime | null;
  latestProblem: { state: string; error: string; receivedAt: DateTime } | null;
};

type Row = { nexusId: string; kind: string; statusMap: unknown; teamMap: unknown; reportedStatuses: string[] };

export function toConnection(row: Row): TrackerConnection {
  return {
    nexusId: row.nexusId,
    kind: row.kind as TrackerKind,
    mapping: { statuses: row.statusMap as Record<string, string>, teams: row.teamMap as Record<string, string> },
    reportedStatuses: row.reportedStatuses,
  };
}

/** Tracker connections of a Nexus. Secrets are sealed with `secrets`; without it, connections can't be made or used. */
export function trackerRepository(prisma: PrismaClient, secrets: SealedBox | null) {
  function box(): SealedBox {
    if (!secrets) throw new Error('tracker secrets need SECRETS_KEY (or a data directory to keep a key in)');
    return secrets;
  }

  return {
    /** Creates the connection, or gives it a new secret; its mappings are kept. */
    async connect(
      nexusId: string,
      kind: TrackerKind,
      secret: string,
      at: DateTime,
      by: string,
    ): Promise<TrackerConnection> {
      const sealedSecret = box().seal(secret);
      const row = await prisma.trackerConnection.upsert({
        where: { nexusId_kind: { nexusId, kind } },
        create: { nexusId, kind, sealedSecret, createdAt: at.toJSDate(), createdBy: by },
        update: { sealedSecret },
      });
      return toConnection(row);
    },

    /**
     * Removes the connection, its secret and its mappings; its deliveries stay in the inbox as they are (held ones stay
     * held). Answers whether there was one.
     */
    async disconnect(nexusId: string, kind: TrackerKind): Promise<boolean> {
      const { count } = await prisma.trackerConnection.deleteMany({ where: { nexusId, kind } });
      return count > 0;
    },

    /** The connection, without its secret (to change its mappings). */
    async get(nexusId: string, kind: TrackerKind): Promise<TrackerConnection | null> {
      const row = await prisma.trackerConnection.findUnique({ where: { nexusId_kind: { nexusId, kind } } });
      return row ? toConnection(row) : null;
    },

    /** The connection with its secret opened, to check a delivery's signature. */
    async withSecret(
      nexusId: string,
      kind: TrackerKind,
    ): Promise<{ connection: TrackerConnection; secret: string } | null> {
      const row = await prisma.trackerConnection.findUnique({ where: { nexusId_kind: { nexusId, kind } } });
      return row ? { connection: toConnection(row), secret: box().open(row.sealedSecret) } : null;
    },

    async list(nexusId: string): Promise<{ connection: TrackerConnection; inbox: InboxSummary }[]> {
      const rows = await prisma.trackerConnection.findMany({ where: { nexusId }, orderBy: { createdAt: 'asc' } });
      const counts = await prisma.delivery.groupBy({
        by: ['kind', 'state'],
        where: { nexusId },
        _count: { _all: true },
        _max: { receivedAt: true },
      });
      const problems = await prisma.$queryRaw<
        { kind: string; state: string; error: string | null; receivedAt: Date }[]
      >`
        SELECT DISTINCT ON (kind) kind, state, error, "receivedAt" FROM "Delivery"
        WHERE "nexusId" = ${nexusId} AND state IN ('failed', 'invalid') ORDER BY kind, "receivedAt" DESC`;
      return rows.map((row) => {
        const mine = counts.filter((c) => c.kind === row.kind);
        const last = Math.max(...mine.map((c) => c._max.receivedAt?.getTime() ?? 0));
        const problem = problems.find((p) => p.kind === row.kind);
        return {
          connection: toConnection(row),
          inbox: {
            counts: Object.fromEntries(mine.map((c) => [c.state, c._count._all])),
            lastReceivedAt: last > 0 ? instantAt(last) : null,
            latestProblem: problem
              ? {
                  state: problem.state,
                  error: problem.error ?? 'no reason kept',
                  receivedAt: instantAt(problem.receivedAt.getTime()),
                }
              : null,
          },
        };
      });
    },

    /**
     * Maps a status to a stage, if the workflow has the stage when this write takes its turn on the Nexus's row: a
     * removal of the stage taking its turn first (it unmaps the stage's statuses) leaves nothing to map to. Deliveries
     * held for want of a mapping go back to the inbox to be applied, in order of occurrence, with the rest. Answers the
     * stage as the workflow names it and how many went back, or unknown-stage.
     */
    async mapStatus(
      nexusId: string,
      kind: TrackerKind,
      status: string,
      stageName: string,
    ): Promise<{ mapped: string; requeued: number } | { problem: 'unknown-stage'; stage: string }> {
      return prisma.$transaction(async (tx) => {
        const [nexus] = await tx.$queryRaw<{ stages: Stage[] }[]>`
          SELECT stages FROM "Nexus" WHERE id = ${nexusId} FOR NO KEY UPDATE`;
        const stage = nexus?.stages.find((s) => sameName(s.name, stageName))?.name;
        if (!stage) return { problem: 'unknown-stage' as const, stage: stageName };
        const row = await tx.trackerConnection.findUniqueOrThrow({ where: { nexusId_kind: { nexusId, kind } } });
        const statusMap = { ...(row.statusMap as Record<string, string>), [status]: stage };
        const reportedStatuses = row.reportedStatuses.filter((s) => s.toLowerCase() !== status.toLowerCase());
        await tx.trackerConnection.update({
          where: { nexusId_kind: { nexusId, kind } },
          data: { statusMap, reportedStatuses },
        });
        const requeued = await tx.delivery.updateMany({
          where: { nexusId, kind, state: 'unmapped' },
          data: { state: 'pending' },
        });
        return { mapped: stage, requeued: requeued.count };
      }, WRITE_TRANSACTION);
    },

    /**
     * Maps a label to a team, if the Nexus has the team when this write takes its turn on the Nexus's row: a removal of
     * the team taking its turn first (it unmaps the team's labels) leaves nothing to map to. Answers the team as the
     * Nexus names it, or unknown-team.
     */
    async mapTeam(
      nexusId: string,
      kind: TrackerKind,
      hint: string,
      teamName: string,
    ): Promise<{ mapped: string } | { problem: 'unknown-team'; team: string }> {
      return prisma.$transaction(async (tx) => {
        const [nexus] = await tx.$queryRaw<{ teams: string[] }[]>`
          SELECT teams FROM "Nexus" WHERE id = ${nexusId} FOR NO KEY UPDATE`;
        const team = nexus ? findTeam(nexus, teamName) : undefined;
        if (!team) return { problem: 'unknown-team' as const, team: teamName };
        const row = await tx.trackerConnection.findUniqueOrThrow({ where: { nexusId_kind: { nexusId, kind } } });
        await tx.trackerConnection.update({
          where: { nexusId_kind: { nexusId, kind } },
          data: { teamMap: { ...(row.teamMap as Record<string, string>), [hint]: team } },
        });
        return { mapped: team };
      }, WRITE_TRANSACTION);
    },
  };
}

export type TrackerRepository = ReturnType<typeof trackerRepository>;
