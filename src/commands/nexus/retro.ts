import { windowEnding } from '../../domain/flow-metrics';
import { sprintRetro } from '../../domain/retro';
import { type SprintProblem, sprintUnderReview } from '../../domain/sprint';
import { workflowChanges } from '../../domain/workflow-changes';
import { refuse } from '../../render/problems';
import { type RetroReport, renderRetro } from '../../render/retro';
import { defineCommand, type NexusContext } from '../command';
import { loadCumulativeFlow } from '../flow/chart';
import { noInput } from '../flow/no-input';
import { loadFlowView, startOfDay, today } from '../flow-view';
import { loadTeamSles } from '../team-flow';

const usage = '/nexus retro';
/** The retrospective of the Sprint under review against the one before, or why there is no Sprint to inspect. */
export type RetroOutcome = RetroReport | SprintProblem;

/**
 * `/nexus retro`. It takes no words, so the scheduler posts it on a Sprint's last working day with
 * `nexusRetro.execute({}, ctx)` and `nexusRetro.render(outcome)`, as typed.
 */
export const nexusRetro = defineCommand<Record<string, never>, RetroOutcome>({
  path: ['nexus', 'retro'],
  usage,
  summary:
    'post the Nexus Sprint Retrospective in the channel: the Sprint that ends (or just ended) against the one before — ' +
    'throughput, cycle time, SLE hit rate per team and for the Nexus, WIP limits broken, blocked days and reasons, ' +
    'integration waits, flow efficiency, Definition of Workflow changes — with questions to inspect and adapt it',
  scope: 'nexus',
  nitOnly: false,
  parse: noInput,
  execute: (_input, ctx) => loadRetro(ctx),
  render: (outcome) => ('problem' in outcome ? refuse(outcome, usage) : renderRetro(outcome)),
});

/**
 * One read of each kind for both Sprints: the PBIs touched since the earlier began (or since the SLE window began,
 * whichever is earlier, so the teams' SLEs share the read), their flow histories and blocks, each stage's count per day
 * and the Definition of Workflow's history.
 */
async function loadRetro(ctx: NexusContext): Promise<RetroOutcome> {
  const { nexus, store } = ctx;
  const day = today(ctx);
  const under = sprintUnderReview(nexus.forecast, day, nexus.digest.days);
  if ('problem' in under) return under;
  const { sprint, before } = under;
  const first = (before ?? sprint).first;
  const sleFrom = windowEnding(day, nexus.sle.historyDays).from;
  const from = startOfDay(nexus, first);
  const [view, teamSles, pbis, histories, spans, stageCounts, versions] = await Promise.all([
    loadFlowView(ctx),
    loadTeamSles(ctx, day),
    store.pbis.listForFlow(nexus.id, startOfDay(nexus, first < sleFrom ? first : sleFrom)),
    store.pbis.flowHistoriesSince(nexus.id, from),
    store.pbis.blocksSince(nexus.id, from),
    loadCumulativeFlow(ctx, { from: first, to: day }),
    store.nexuses.workflowHistory(nexus.id),
  ]);
  const history = {
    zone: nexus.timeZone,
    today: day,
    now: ctx.now(),
    workingDays: nexus.digest.days,
    teams: nexus.teams,
    workflow: nexus.workflow,
    pbis,
    sleOf: view.sleOf,
    teamSles,
    histories,
    spans,
    stageCounts,
    versions,
    changes: workflowChanges(versions, nexus.timeZone),
  };
  return { retro: sprintRetro(history, sprint, before), nexus, today: day };
}
