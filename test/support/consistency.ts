import type { PbiEvent } from '../../src/domain/events';
import { type Pbi, replay } from '../../src/domain/pbi';
import { findClass } from '../../src/domain/service-class';
import { isFinishedStage } from '../../src/domain/workflow';
import type { Database } from '../../src/store/database';
import { pbiColumns, toNexus, toPbi, toPbiEvent } from '../../src/store/rows';

/**
 * What must hold of a Nexus whatever ran at once: every stored PBI equals its history folded under the Nexus's
 * current settings; no PBI on the board is in a stage the Nexus does not have; no open PBI needs a team it does not
 * have, nor a class of service it does not have; no tracker label means a team it does not have, and no tracker status a stage it does not have; nothing
 * happened after it was recorded. Returns what does not hold, one line each (empty when all is well).
 */
export async function brokenInvariants(db: Database, nexusId: string, recordedBy = new Date()): Promise<string[]> {
  const nexus = toNexus(await db.prisma.nexus.findUniqueOrThrow({ where: { id: nexusId } }));
  const rows = await db.prisma.pbi.findMany({ where: { nexusId } });
  const events = await db.prisma.event.findMany({
    where: { nexusId, pbiKey: { not: null } },
    orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }],
  });
  const histories = new Map<string, PbiEvent[]>();
  for (const e of events) histories.set(e.pbiKey!, [...(histories.get(e.pbiKey!) ?? []), toPbiEvent(e)]);
  const broken: string[] = [];
  const stages = new Set(nexus.workflow.stages.map((s) => s.name));
  for (const row of rows) {
    const stored = toPbi(row);
    const folded = replay(histories.get(row.key) ?? [], nexus.workflow) ?? null;
    if (view(stored) !== view(folded)) broken.push(`${row.key}: stored ${view(stored)} ≠ history ${view(folded)}`);
    if (!stored.discardedAt && !stages.has(stored.stage))
      broken.push(`${row.key} is in ${stored.stage}, not a stage of the Nexus`);
    const open = !stored.discardedAt && !isFinishedStage(nexus.workflow, stored.stage);
    for (const s of stored.squares)
      if (open && !nexus.teams.includes(s.team)) broken.push(`${row.key} needs ${s.team}, not a team of the Nexus`);
    if (open && !findClass(nexus.classes, stored.serviceClass))
      broken.push(`${row.key} is ${stored.serviceClass}, not a class of the Nexus`);
    if (stored.lastEventAt.toMillis() > recordedBy.getTime())
      broken.push(`${row.key} changed at ${stored.lastEventAt.toISO()}, in the future`);
  }
  for (const connection of await db.prisma.trackerConnection.findMany({ where: { nexusId } })) {
    for (const [label, team] of Object.entries(connection.teamMap as Record<string, string>))
      if (!nexus.teams.includes(team))
        broken.push(`${connection.kind} label ${label} means ${team}, not a team of the Nexus`);
    for (const [status, stage] of Object.entries(connection.statusMap as Record<string, string>))
      if (!stages.has(stage))
        broken.push(`${connection.kind} status ${status} maps to ${stage}, not a stage of the Nexus`);
  }
  for (const key of histories.keys())
    if (!rows.some((r) => r.key === key)) broken.push(`${key} has a history and no PBI`);
  return broken;
}

function view(p: Pbi | null): string {
  return JSON.stringify(p && pbiColumns(p));
}
