import { teamQueue } from '../../domain/backlog';
import { addDays, type CalendarDate } from '../../domain/calendar';
import { classLoads, stageLoads } from '../../domain/flow-metrics';
import { dayAtConfidence } from '../../domain/forecast/pbi-forecast';
import { dateOfDay } from '../../domain/forecast/sampling';
import { compareKeys, isInProgress, type Pbi } from '../../domain/pbi';
import { isExpedite } from '../../domain/service-class';
import { sprintsOn } from '../../domain/sprint';
import { inProgressStages, sameName } from '../../domain/workflow';
import { type Block, bold, code, escape, section } from '../../render/blocks';
import { pbiLine } from '../../render/pbi';
import { ephemeral, type Reply } from '../../render/reply';
import { formatDate } from '../../render/words';
import type { NexusContext } from '../command';
import { type FlowView, loadFlowView } from '../flow-view';
import { simulateOpenBacklog } from '../forecast/backlog';
import { forecastDays, loadBasis } from '../forecast/basis';
import { howManyBy } from '../forecast/by';
import { forecastOpenPbi } from '../forecast/pbi';

/** The last day of the Sprint under way, or null without a cadence or before it begins. */
const sprintEnd = (ctx: NexusContext, today: CalendarDate): CalendarDate | null =>
  sprintsOn(ctx.nexus.forecast, today).current?.last ?? null;

/** Items a nudge suggests helping to finish. */
const SUGGESTED = 5;

/**
 * What to tell the person, alone, at the moment they start something (a PBI entering the flow, or a team starting
 * its square): over a stage's or the Nexus's WIP limit, the oldest work they could help finish instead; the PBIs it
 * depends on that are not integrated yet, with when they likely will be; and when a team starts its part, the other
 * teams needed that likely can't take the PBI this Sprint. Null when none of these holds.
 */
export async function startNudge(ctx: NexusContext, pbi: Pbi, team: string | null): Promise<Reply | null> {
  const view = await loadFlowView(ctx);
  const behind = team === null ? [] : await teamsUnlikelyThisSprint(ctx, view, pbi, team);
  const end = sprintEnd(ctx, view.today);
  // with a Sprint under way, what a team likely finishes by its last day; else in a Sprint's length
  const pace = (likely: number) =>
    end === null
      ? `it finishes about ${likely} a Sprint (85%)`
      : `it likely finishes ${likely} by ${formatDate(end, view.today)}, the Sprint's last day (85%)`;
  const overLimit = limitNudge(ctx, view, pbi, team);
  const warnings = [
    ...(await dependencyWarnings(ctx, view, pbi)),
    ...behind.map(
      (b) =>
        `⚠ ${escape(b.team)} likely can't take ${escape(pbi.key)} this Sprint: ${b.ahead} of its squares are ahead and ${pace(b.likely)}. Agree with ${escape(b.team)} first, or ${escape(pbi.key)} will wait at integration.`,
    ),
  ];
  if (!overLimit && !warnings.length) return null;
  const text = [overLimit?.text, ...warnings].filter(Boolean).join('\n');
  return ephemeral(text, [...(overLimit ? [overLimit.block] : []), ...warnings.map((w) => section(w))]);
}

/**
 * Over a stage's or the Nexus's limit, or its class's: the oldest work in progress to help finish instead (a team's
 * own first). Expedite work counts against neither a stage's limit nor the Nexus's, only its class's.
 */
function limitNudge(
  ctx: NexusContext,
  view: FlowView,
  pbi: Pbi,
  team: string | null,
): { text: string; block: Block } | null {
  const { workflow } = ctx.nexus;
  const counted = !isExpedite(pbi);
  const loads = stageLoads(view.open, workflow);
  const stage = counted ? loads.find((l) => sameName(l.stage, pbi.stage) && l.overLimit) : undefined;
  const limits = inProgressStages(workflow).map((s) => s.wipLimit);
  // the Nexus's limit is the sum of its in-progress stages' limits, when every one of them has a limit
  const nexusLimit =
    counted && limits.length && limits.every((l) => l !== null) ? limits.reduce((a, b) => a! + b!, 0)! : null;
  const wip = view.open.filter((p) => isInProgress(p) && !isExpedite(p)).length;
  const ofClass = classLoads(view.open, ctx.nexus.classes).find(
    (l) => sameName(l.serviceClass, pbi.serviceClass) && l.overLimit,
  );
  if (!stage && !ofClass && (nexusLimit === null || wip <= nexusLimit)) return null;
  const ownFirst = (p: Pbi) => (team !== null && p.squares.some((s) => s.team === team && s.state !== 'done') ? 0 : 1);
  const age = (p: Pbi) => view.ageOf(p)?.age ?? 0;
  const suggestions = view.open
    .filter((p) => isInProgress(p) && p.key !== pbi.key)
    .sort((a, b) => ownFirst(a) - ownFirst(b) || age(b) - age(a) || compareKeys(a.key, b.key))
    .slice(0, SUGGESTED);
  const why = stage
    ? `${code(stage.stage)} is over its WIP limit (${stage.count}/${stage.wipLimit})`
    : ofClass
      ? `the class ${code(ofClass.serviceClass)} is over its WIP limit (${ofClass.count}/${ofClass.wipLimit})`
      : `the Nexus is over its WIP limit (${wip}/${nexusLimit})`;
  const text = `✋ You just started ${escape(pbi.key)}${team ? ` for ${escape(team)}` : ''} while ${why}. Stop starting, start finishing`;
  const list = suggestions.map((p) => `• ${pbiLine(p, view.ageOf(p), view.waitingOn(p), view.today)}`).join('\n');
  return { text, block: section(`${bold(text)}${list ? ` — you could help finish:\n${list}` : '.'}`) };
}

/**
 * Other teams needed on the PBI whose queue ahead of it is longer than they likely finish (85% from their own
 * throughput) by the end of this Sprint (`/nexus sprint`), or without a Sprint under way in the next Sprint length of
 * days: one team starting now would leave the PBI waiting for them.
 */
async function teamsUnlikelyThisSprint(ctx: NexusContext, view: FlowView, pbi: Pbi, starter: string) {
  const behind: { team: string; ahead: number; likely: number }[] = [];
  const until = sprintEnd(ctx, view.today) ?? addDays(view.today, ctx.nexus.forecast.sprintDays);
  for (const square of pbi.squares.filter((s) => s.team !== starter && s.state === 'not-started')) {
    const basis = await loadBasis(ctx, square.team);
    if ('problem' in basis) continue; // no history: nothing to say about its pace
    const queue = teamQueue(view.open, square.team);
    const ahead = Math.max(
      0,
      queue.findIndex((p) => p.key === pbi.key),
    );
    const likely = howManyBy(basis, until, [85]).answer[0].items;
    if (ahead + 1 > likely) behind.push({ team: square.team, ahead, likely });
  }
  return behind;
}

/**
 * Each PBI it depends on that is not integrated yet, with the date by which it likely is (85%, as `/forecast <key>`
 * answers, its own dependencies counted): the PBI can't be integrated before, so its team could start it later or help
 * finish that one first. One dependency gets exactly `/forecast <key>`'s answer; several share one backlog simulation
 * (a start is a click: not ten thousand trials per dependency), which agrees with it up to the trials' sampling.
 */
async function dependencyWarnings(ctx: NexusContext, view: FlowView, pbi: Pbi): Promise<string[]> {
  const ons = view.waitingOn(pbi).map((key) => view.open.find((p) => sameName(p.key, key))!);
  const dates = await likelyIntegrated(ctx, view, ons);
  return ons.map((on) => {
    const date = dates.get(on.key);
    const when = date ? `85% by ${formatDate(date, view.today)}` : 'no forecast can say when yet';
    return `⏳ ${escape(on.key)} isn't integrated yet: ${when} — start it after, or help finish ${escape(on.key)}.`;
  });
}

/** The 85% date of each PBI of `ons` (open) that a forecast can date. */
async function likelyIntegrated(ctx: NexusContext, view: FlowView, ons: Pbi[]): Promise<Map<string, CalendarDate>> {
  const dates = new Map<string, CalendarDate>();
  // a PBI with no teams is forecast from cycle times, without trials
  for (const on of ons.filter((p) => ons.length === 1 || !p.squares.length)) {
    const forecast = await forecastOpenPbi(ctx, on, [85], null);
    const date = 'problem' in forecast ? undefined : forecast.answer[0].date;
    if (date) dates.set(on.key, date);
  }
  const withTeams = ons.length > 1 ? ons.filter((p) => p.squares.length) : [];
  if (!withTeams.length) return dates;
  const keys = withTeams.map((p) => p.key).join(',');
  const { sim, index } = await simulateOpenBacklog(ctx, view.open, withTeams, null, { kind: 'waiting-on', keys });
  const days = forecastDays(ctx.nexus);
  for (const on of withTeams) {
    const i = index.get(on.key);
    const d = i === undefined ? Infinity : dayAtConfidence(sim.doneWithin[i], 85);
    if (Number.isFinite(d)) dates.set(on.key, d === 0 ? view.today : dateOfDay(view.today, d, days));
  }
  return dates;
}
