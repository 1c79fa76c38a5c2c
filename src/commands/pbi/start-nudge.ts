import { stageLoads } from '../../domain/flow-metrics';
import { compareKeys, isInProgress, type Pbi } from '../../domain/pbi';
import { inProgressStages, sameName } from '../../domain/workflow';
import { bold, code, section } from '../blocks';
import type { NexusContext } from '../command';
import { loadFlowView } from '../flow-view';
import { pbiLine } from '../render-pbi';
import { ephemeral, type Reply } from '../reply';

/** Items a nudge suggests helping to finish. */
const SUGGESTED = 5;

/**
 * "Stop starting, start finishing", said to the person at the moment they start something (a PBI entering the flow,
 * or a team starting its square) while its stage or the whole Nexus is over its WIP limit: the oldest work in
 * progress they could help finish instead — for a team, its own open squares first. Null when no limit is broken.
 */
export async function startNudge(ctx: NexusContext, pbi: Pbi, team: string | null): Promise<Reply | null> {
  const view = await loadFlowView(ctx);
  const { workflow } = ctx.nexus;
  const loads = stageLoads(view.open, workflow);
  const stage = loads.find((l) => sameName(l.stage, pbi.stage) && l.overLimit);
  const limits = inProgressStages(workflow).map((s) => s.wipLimit);
  // the Nexus's limit is the sum of its in-progress stages' limits, when every one of them has a limit
  const nexusLimit = limits.length && limits.every((l) => l !== null) ? limits.reduce((a, b) => a! + b!, 0)! : null;
  const wip = view.open.filter(isInProgress).length;
  if (!stage && (nexusLimit === null || wip <= nexusLimit)) return null;
  const ownFirst = (p: Pbi) => (team !== null && p.squares.some((s) => s.team === team && s.state !== 'done') ? 0 : 1);
  const age = (p: Pbi) => view.ageOf(p)?.age ?? 0;
  const suggestions = view.open
    .filter((p) => isInProgress(p) && p.key !== pbi.key)
    .sort((a, b) => ownFirst(a) - ownFirst(b) || age(b) - age(a) || compareKeys(a.key, b.key))
    .slice(0, SUGGESTED);
  const why = stage ? `${code(stage.stage)} is over its WIP limit (${stage.count}/${stage.wipLimit})` : `the Nexus is over its WIP limit (${wip}/${nexusLimit})`;
  const text = `✋ You just started ${pbi.key}${team ? ` for ${team}` : ''} while ${why}. Stop starting, start finishing`;
  const list = suggestions.map((p) => `• ${pbiLine(p, view.ageOf(p))}`).join('\n');
  return ephemeral(text, [section(`${bold(text)}${list ? ` — you could help finish:\n${list}` : '.'}`)]);
}
