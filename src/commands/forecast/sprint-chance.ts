import { backlogOrder } from '../../domain/backlog';
import { shareAllWithin } from '../../domain/forecast/backlog-forecast';
import { daysUntil } from '../../domain/forecast/sampling';
import { isSprintBacklogStage, type Sprint, sprintsOn } from '../../domain/sprint';
import type { NexusContext } from '../command';
import { today } from '../flow-view';
import { type NoDate, simulateOpenBacklog } from './backlog';
import { forecastDays } from './basis';

/** The PBIs named as pulling the Sprint's chance down most. */
const DOUBTFUL_NAMED = 3;

/**
 * The Sprint's chance (FLOW.md): the share of trials of one backlog simulation in which every PBI of the Nexus Sprint
 * Backlog is integrated by the Sprint's last day, and the PBIs least likely on their own (they pull it down most).
 * `noDate`: a PBI of the Sprint Backlog no forecast can date, so no chance can be given.
 */
export type SprintChance = { sprint: Sprint; pbis: number } & (
  | { chance: number; doubtful: { key: string; chance: number }[] }
  | { noDate: { key: string; why: NoDate } }
);

/**
 * The Sprint's chance while a Sprint of the cadence is under way; null without one, or with no PBI in the Sprint
 * Backlog (open PBIs in its stage or later: sprintBacklogStage).
 */
export async function sprintChance(ctx: NexusContext): Promise<SprintChance | null> {
  const day = today(ctx);
  const sprint = sprintsOn(ctx.nexus.forecast, day).current;
  if (!sprint) return null;
  const open = [...(await ctx.store.pbis.listOpen(ctx.nexus.id))].sort(backlogOrder);
  const backlog = open.filter((p) => isSprintBacklogStage(ctx.nexus.workflow, p.stage));
  if (!backlog.length) return null;
  const { sim, index, noDate } = await simulateOpenBacklog(ctx, open, backlog, null, {
    kind: 'sprint-chance',
    until: sprint.last,
  });
  const undated = backlog.find((p) => noDate.has(p.key) || !index.has(p.key));
  if (undated) return { sprint, pbis: backlog.length, noDate: { key: undated.key, why: noDate.get(undated.key)! } };
  const last = daysUntil(day, sprint.last, forecastDays(ctx.nexus));
  const indices = backlog.map((p) => index.get(p.key)!);
  const doubtful = backlog
    .map((p, n) => ({ key: p.key, chance: sim.doneWithin[indices[n]][last] }))
    .filter((d) => d.chance < 1)
    .sort((a, b) => a.chance - b.chance)
    .slice(0, DOUBTFUL_NAMED);
  return { sprint, pbis: backlog.length, chance: shareAllWithin(sim, indices, last), doubtful };
}
