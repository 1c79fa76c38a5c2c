import { addDays, type CalendarDate } from '../../domain/calendar';
import { buildDigest, type Digest, isQuiet, NUDGE_WORKING_DAYS, STALL_DAYS } from '../../domain/digest';
import { nexusWip } from '../../domain/flow-metrics';
import { teamChannelOf } from '../../domain/nexus';
import type { Pbi } from '../../domain/pbi';
import { fixedDatePbis } from '../../domain/service-class';
import { sprintsOn } from '../../domain/sprint';
import { readyStage } from '../../domain/workflow';
import { type WorkflowChange, workflowChanges } from '../../domain/workflow-changes';
import { type Block, bold, code, context, escape, header, section } from '../../render/blocks';
import { describeSprintChance } from '../../render/forecast-answer';
import { pbiLine } from '../../render/pbi';
import { digestButtons } from '../../render/pbi-buttons';
import { inChannel, type Reply } from '../../render/reply';
import { teamChannelsNote } from '../../render/team-channel';
import { mapCommand, TRACKER_NAMES } from '../../render/tracker-news';
import { andList, count, formatDate, inStage } from '../../render/words';
import type { Held } from '../../store/inbox-repository';
import { defineCommand, type NexusContext } from '../command';
import { type FlowView, loadFlowView, startOfDay } from '../flow-view';
import { loadBasis } from '../forecast/basis';
import { howManyBetween } from '../forecast/by';
import { judgeKept } from '../forecast/kept';
import { forecastOpenPbi } from '../forecast/pbi';
import { type SprintChance, sprintChance } from '../forecast/sprint-chance';
import { loadTeamSles } from '../team-flow';
import { markedAgingChart } from './chart';
import { noInput } from './no-input';

/** `chance`: the Sprint's chance, while a Sprint of the cadence is under way (forecast/sprint-chance.ts) */
/** `changes`: the days the Definition of Workflow changed, which the aging chart names */
type Outcome = {
  digest: Digest;
  view: FlowView;
  forecasts: string[];
  held: Held;
  chance: SprintChance | null;
  changes: WorkflowChange[];
};
/** Fixed-date PBIs the digest forecasts (10,000 trials each), the soonest due first: more would slow every digest. */
const FIXED_DATES_FORECAST = 20;
/** Squares past their team's SLE the digest's line names; the thread lists up to 15. */
const TEAM_SQUARES_NAMED = 2;
/** Aging items in the thread that get their own buttons (Slack allows 50 blocks a message). */
const BUTTONED = 5;

export const flowDigest = defineCommand<Record<string, never>, Outcome>({
  path: ['flow', 'digest'],
  usage: '/flow digest',
  summary:
    "post today's digest in the Nexus channel now: aging, squares past their team's SLE, WIP limits, " +
    'fixed dates likely late, stop starting, stalls, ' +
    'waiting on, refinement, yesterday',
  scope: 'nexus',
  nitOnly: false,
  parse: noInput,
  execute: (_input, ctx) => loadDigest(ctx),
  render: renderDigest,
});

/** Everything the digest says, from the Nexus's current state and recent history. */
export async function loadDigest(ctx: NexusContext): Promise<Outcome> {
  const { nexus, store } = ctx;
  const view = await loadFlowView(ctx);
  const yesterday = addDays(view.today, -1);
  const [touched, sprintLikely, judged, held, likelyDone, chance, teamSles, versions] = await Promise.all([
    store.pbis.listForFlow(nexus.id, startOfDay(nexus, yesterday)),
    likelyInNextSprint(ctx),
    judgeKept(ctx, view.today),
    store.inbox.held(nexus.id),
    fixedDateForecasts(ctx, view),
    sprintChance(ctx),
    loadTeamSles(ctx, view.today),
    store.nexuses.workflowHistory(nexus.id),
  ]);
  const digest = buildDigest({
    today: view.today,
    zone: nexus.timeZone,
    workingDays: nexus.digest.days,
    sle: view.sle,
    classes: nexus.classes,
    teamSles,
    workflow: nexus.workflow,
    readyStage: readyStage(nexus.workflow),
    open: view.open,
    finished: view.finished,
    touched,
    sprintLikely,
    likelyDone,
  });
  // forecasts whose outcome became known yesterday: how they turned out
  const forecasts = judged.filter((j) => j.decidedOn === yesterday).map((j) => j.line);
  return { digest, view, forecasts, held, chance, changes: workflowChanges(versions, nexus.timeZone) };
}

/**
 * The 85% date of open fixed-date PBIs, the soonest due first (at most FIXED_DATES_FORECAST of them), as
 * `/forecast <key>` answers it; a PBI no forecast can date is left out.
 */
async function fixedDateForecasts(ctx: NexusContext, view: FlowView): Promise<Map<string, CalendarDate>> {
  const likely = new Map<string, CalendarDate>();
  for (const pbi of fixedDatePbis(view.open).slice(0, FIXED_DATES_FORECAST)) {
    const forecast = await forecastOpenPbi(ctx, pbi, [85], null);
    const date = 'problem' in forecast ? undefined : forecast.answer[0].date;
    if (date) likely.set(pbi.key, date);
  }
  return likely;
}

/** PBIs the Nexus likely (50%) finishes in the next Sprint: the cadence's (`/nexus sprint`), else the next length of days. */
async function likelyInNextSprint(ctx: NexusContext): Promise<number | null> {
  const basis = await loadBasis(ctx, null);
  if ('problem' in basis) return null;
  const { next } = sprintsOn(ctx.nexus.forecast, basis.today);
  return howManyBetween(basis, next.first, next.last, [50]).answer[0].items;
}

/** One channel message with a line per finding; the items behind each finding go in its thread. */
export function renderDigest({ digest: all, view, forecasts, held, chance, changes }: Outcome): Reply {
  const { nexus } = view;
  // a team with a channel of its own hears about its squares there (schedule/scheduler.ts), not in this thread
  const routed = nexus.teamChannels.filter((c) => nexus.teams.includes(c.team));
  const digest = { ...all, teamAging: all.teamAging.filter((a) => !teamChannelOf(nexus, a.square.team)) };
  const routing = routed.length ? [context(teamChannelsNote(routed))] : [];
  const title = `${nexus.name} · digest · ${formatDate(view.today, view.today)}`;
  const y = digest.yesterday;
  const yesterdayLine = `Yesterday: ${y.integrated.length} integrated, ${y.started.length} started, ${y.blocked.length} blocked.`;
  if (isQuiet(digest) && !forecasts.length && !held.unmapped.length && !held.failing) {
    const line = [
      `✅ Flow is healthy: nothing aging, no WIP limit broken, nothing stalled. WIP ${nexusWip(view.open)}. ${yesterdayLine}`,
      ...(chance ? [describeSprintChance(chance, view.today)] : []),
    ].join('\n');
    return inChannel(line, [section(`${bold(escape(title))}\n${line}`), ...routing]);
  }
  const lines = [
    ...(chance ? [describeSprintChance(chance, view.today)] : []),
    ...headlines(digest, view, forecasts.length),
    ...trackerLines(held),
  ];
  lines.push(yesterdayLine);
  const aging = markedAgingChart(view, changes);
  const chart = { title: aging.title, fileName: `aging-${view.today}.png`, spec: aging.spec, requested: false };
  return {
    ...inChannel(`${escape(title)}\n${lines.join('\n')}`, [
      header(title),
      section(lines.join('\n')),
      context('Details and the aging chart in the thread.'),
      ...routing,
    ]),
    thread: details(digest, view, forecasts),
    chart,
  };
}

function headlines(d: Digest, view: FlowView, judged: number): string[] {
  const lines: string[] = [];
  const past = d.aging.filter((a) => a.status === 'aging');
  const snoozed = d.snoozed.length ? ` (${d.snoozed.length} snoozed)` : '';
  if (d.aging.length)
    lines.push(
      `🔴 ${past.length} past the SLE, 🟡 ${d.aging.length - past.length} at risk — oldest ${escape(d.aging[0].pbi.key)}, ${count(d.aging[0].age, 'day')}${snoozed}.`,
    );
  if (d.teamAging.length) lines.push(teamAgingLine(d));
  for (const l of d.overLimit)
    lines.push(
      `⚠ ${code(l.stage)} ${l.count}/${l.wipLimit}: over its WIP limit${l.expedite ? ` (besides ${count(l.expedite, 'expedite PBI')}, not counted)` : ''}.`,
    );
  for (const l of d.classesOverLimit)
    lines.push(`⚠ Class ${code(l.serviceClass)} ${l.count}/${l.wipLimit} in progress: over its WIP limit.`);
  if (d.late.length) {
    const [first] = d.late;
    const others = d.late.length > 1 ? ` and ${count(d.late.length - 1, 'more')}` : '';
    lines.push(
      `📅 ${count(d.late.length, 'fixed-date PBI')} likely late — ${escape(first.pbi.key)} is due ${formatDate(first.due, view.today)}, 85% by ${formatDate(first.likely, view.today)}${others}. Swarm on ${d.late.length > 1 ? 'them' : 'it'} or agree a new date.`,
    );
  }
  if (d.stopStarting) {
    const s = d.stopStarting;
    lines.push(
      `✋ Stop starting, start finishing: ${s.started} started and ${s.finished} finished in the last ${NUDGE_WORKING_DAYS} working days; WIP ${s.wipFrom} → ${s.wipTo}. Swarm on ${s.swarmOn.map((a) => escape(a.pbi.key)).join(', ')}.`,
    );
  }
  if (d.stalls.length)
    lines.push(
      `🧩 ${count(d.stalls.length, 'PBI')} stalled at integration: some teams done, others not started for more than ${STALL_DAYS} days.`,
    );
  if (d.waiting.length) {
    const [first, ...others] = d.waiting;
    // one example in full, then how many more: an ellipsis before the full stop read as a line cut off
    const example = `${escape(first.pbi.key)} on ${andList(first.on.map(escape))}`;
    const more = others.length ? `; ${others.length} more in the thread` : '';
    const wait = others.length ? 'wait' : 'waits';
    lines.push(
      `⏳ ${count(d.waiting.length, 'PBI')} in progress ${wait} on PBIs not integrated yet — ${example}${more}.`,
    );
  }
  if (d.refinement?.advice === 'refine')
    lines.push(
      `📋 Refine now: ${d.refinement.ready} ready, the next Sprint likely finishes ${d.refinement.sprintLikely}.`,
    );
  if (d.refinement?.advice === 'stop-refining')
    lines.push(
      `📋 Stop refining and finish: ${d.refinement.ready} ready, over twice the ${d.refinement.sprintLikely} the next Sprint likely finishes.`,
    );
  lines.push(`WIP over the last working days: ${d.wipTrend.map((p) => p.wip).join(' → ') || nexusWip(view.open)}`);
  if (judged) lines.push(`🔮 ${count(judged, 'forecast')} came due — see the thread.`);
  return lines;
}

/** "👥 3 squares past their team's SLE — Alpha on PBI-7 (12 days), Beta on PBI-9 (10 days) and 1 more." */
function teamAgingLine(d: Digest): string {
  const named = d.teamAging
    .slice(0, TEAM_SQUARES_NAMED)
    .map((a) => `${escape(a.square.team)} on ${escape(a.pbi.key)} (${count(a.age, 'day')})`);
  const more = d.teamAging.length - named.length;
  const squares = count(d.teamAging.length, 'square');
  return `👥 ${squares} past their team's SLE — ${named.join(', ')}${more ? ` and ${more} more` : ''}.`;
}

/** Tracker moves the flow is missing until someone acts: the statuses to map, with the command, and failing deliveries. */
function trackerLines({ unmapped, failing }: Held): string[] {
  const lines: string[] = [];
  if (unmapped.length) {
    const waiting = unmapped.reduce((n, u) => n + u.waiting, 0);
    const statuses = unmapped
      .slice(0, 3)
      .map((u) => `${TRACKER_NAMES[u.kind]} "${escape(u.status)}" (${u.waiting})`)
      .join(', ');
    const [first] = unmapped;
    lines.push(
      `🔌 ${count(waiting, 'tracker move')} held: no stage for ${statuses}${unmapped.length > 3 ? ` and ${unmapped.length - 3} more` : ''}. Map with ${mapCommand(first.kind, first.status)}.`,
    );
  }
  if (failing)
    lines.push(
      `🔌 ${count(failing, 'tracker delivery', 'tracker deliveries')} ${failing === 1 ? 'fails to apply and is' : 'fail to apply and are'} retried; ${code('/nexus tracker')} shows why.`,
    );
  return lines;
}

function details(d: Digest, view: FlowView, forecasts: string[]): Block[] {
  const blocks: Block[] = [];
  const swarm = (p: Pbi) => (p.swarming.length ? ` · 🐝 ${p.swarming.map((u) => `<@${u}>`).join(' ')}` : '');
  if (d.aging.length)
    blocks.push(section(bold('Aging (oldest first): swarm on one, snooze it, or say what blocks it')));
  for (const a of d.aging.slice(0, BUTTONED))
    blocks.push(
      section(
        `• ${pbiLine(a.pbi, view.ageOf(a.pbi), view.waitingOn(a.pbi), view.today)} · ${inStage(a.pbi.stage)}${swarm(a.pbi)}`,
      ),
      digestButtons(a.pbi),
    );
  const rest = d.aging
    .slice(BUTTONED, 15)
    .map(
      (a) =>
        `• ${pbiLine(a.pbi, view.ageOf(a.pbi), view.waitingOn(a.pbi), view.today)} · ${inStage(a.pbi.stage)}${swarm(a.pbi)}`,
    );
  if (rest.length) blocks.push(section(rest.join('\n')));
  if (d.snoozed.length)
    blocks.push(
      section(
        `💤 Snoozed: ${d.snoozed.map((a) => `${escape(a.pbi.key)} (until ${a.pbi.snoozedUntil ? formatDate(a.pbi.snoozedUntil, view.today) : '—'})`).join(', ')}`,
      ),
    );
  if (d.teamAging.length) {
    const lines = d.teamAging
      .slice(0, 15)
      .map(
        (a) =>
          `• ${bold(escape(a.pbi.key))} · ${escape(a.square.team)} ${count(a.age, 'day')}, ` +
          `its SLE ${count(a.sleDays, 'day')}`,
      );
    const more =
      d.teamAging.length > 15 ? `\n_…and ${d.teamAging.length - 15} more (\`/flow aging --team <team>\`)_` : '';
    blocks.push(section(`${bold("Squares past their team's SLE")} (oldest first)\n${lines.join('\n')}${more}`));
  }
  if (d.stalls.length) {
    blocks.push(
      section(
        `${bold('Stalled at integration')}\n${d.stalls
          .slice(0, 15)
          .map(
            (s) =>
              `• ${bold(escape(s.pbi.key))} ■ ${s.doneTeams.map(escape).join(', ')} done; ☐ ${s.waitingTeams.map(escape).join(', ')} not started (${count(s.days, 'day')})`,
          )
          .join('\n')}`,
      ),
    );
  }
  if (d.late.length) {
    const lines = d.late
      .slice(0, 15)
      .map(
        (l) =>
          `• ${bold(escape(l.pbi.key))} ${escape(l.pbi.title)} · due ${formatDate(l.due, view.today)} · 85% by ${formatDate(l.likely, view.today)} (${code(`/forecast ${l.pbi.key}`)})`,
      );
    blocks.push(
      section(`${bold('Fixed-date PBIs likely late')}: the 85% forecast falls after the date\n${lines.join('\n')}`),
    );
  }
  if (d.waiting.length) {
    const where = (key: string) => {
      const on = view.open.find((p) => p.key === key);
      return `${escape(key)}${on ? ` (${inStage(on.stage)})` : ''}`;
    };
    const lines = d.waiting
      .slice(0, 15)
      .map((w) => `• ${bold(escape(w.pbi.key))} ${escape(w.pbi.title)} waits on ${w.on.map(where).join(', ')}`);
    blocks.push(section(`${bold('Waiting on')}: in progress, not to be integrated before\n${lines.join('\n')}`));
  }
  const y = d.yesterday;
  const keys = (list: { key: string }[]) => list.map((p) => escape(p.key)).join(', ') || '—';
  blocks.push(
    section(
      `${bold(`Yesterday, ${formatDate(y.date, view.today)}`)}\nIntegrated: ${keys(y.integrated)}\nStarted: ${keys(y.started)}\nBlocked: ${keys(y.blocked)}`,
    ),
  );
  if (forecasts.length) blocks.push(section(`${bold('Forecasts that came due')}\n${forecasts.join('\n')}`));
  return blocks;
}
