import type { CalendarDate } from '../domain/calendar';
import type { Nexus } from '../domain/nexus';
import { hitRate, type Retro, type RetroQuestion, type Spread, type SprintFlow } from '../domain/retro';
import type { Sprint } from '../domain/sprint';
import { type Block, bold, code, context, escape, header, lineSections, section } from './blocks';
import { inChannel, type Reply } from './reply';
import { count, formatDate } from './words';

/** The retrospective of the Sprint under review, as the command loaded it. */
export type RetroReport = { retro: Retro; nexus: Nexus; today: CalendarDate };

/** Sections of team lines a thread holds (50 teams fit in a few). */
const TEAM_SECTIONS = 10;

/**
 * The Nexus Sprint Retrospective posted in the channel: one message with this Sprint's numbers against the one before
 * and the questions to inspect and adapt the Definition of Workflow; per team, stages, reasons and changes in its
 * thread.
 */
export function renderRetro({ retro, nexus, today }: RetroReport): Reply {
  const { now, before } = retro;
  const title = `${nexus.name} · Nexus Sprint Retrospective · Sprint ${now.sprint.number}`;
  const lines = headlines(now, before);
  const asks = retro.questions.map((q) => `❓ ${question(q)}`);
  const inspect = asks.length
    ? asks.join('\n')
    : '_Nothing stood out: no stage full most days, none holding much of the time, nothing worse than before._';
  return {
    ...inChannel(`${escape(title)}\n${lines.join('\n')}`, [
      header(title),
      section(`${intro(now, before, today)}\n${lines.join('\n')}`),
      section(`${bold('Inspect and adapt the Definition of Workflow')}\n${inspect}`),
      context('Per team, WIP limits per stage, blocked reasons, where time waits and the changes in the thread.'),
    ]),
    thread: details(now, before, today),
  };
}

function intro(now: SprintFlow, before: SprintFlow | null, today: CalendarDate): string {
  const open = now.sprint.last > today ? `, counted to ${formatDate(today, today)}` : '';
  const against = before ? `against ${sprintName(before.sprint, today)}` : 'first Sprint: nothing to compare yet';
  return `${bold(sprintName(now.sprint, today))}${open}, ${against}.`;
}

function sprintName({ number, first, last }: Sprint, today: CalendarDate): string {
  return `Sprint ${number} (${formatDate(first, today)} – ${formatDate(last, today)})`;
}

/** " (was 9)", or nothing for the first Sprint. */
function was(before: SprintFlow | null, word: (s: SprintFlow) => string): string {
  return before ? ` (was ${word(before)})` : '';
}

function headlines(now: SprintFlow, before: SprintFlow | null): string[] {
  return [
    `Throughput: ${bold(count(now.finished.count, 'PBI'))} integrated${was(before, (b) => String(b.finished.count))}.`,
    `Cycle time: ${percentiles(now.finished, 'day')}${was(before, (b) => percentiles(b.finished))}.`,
    `SLE hit rate: ${hits(now)}${was(before, (b) => rate(b))}.`,
    `Flow efficiency: ${efficiency(now)}${was(before, efficiency)}.`,
    `Blocked: ${count(now.blocked.days, 'day')} on ${count(now.blocked.pbis, 'PBI')}${was(before, (b) => count(b.blocked.days, 'day'))}.`,
    `Integration wait (last team done → integrated): ${percentiles(now.integration, 'day')}` +
      `${was(before, (b) => percentiles(b.integration))}.`,
    `WIP limits: ${brokenLimits(now)}${was(before, brokenLimits)}.`,
    `Definition of Workflow: ${changed(now)}${was(before, changed)}.`,
  ];
}

function changed({ changes }: SprintFlow): string {
  return changes.length ? `changed on ${count(changes.length, 'day')}` : 'unchanged';
}

/** "50% within 4 days, 85% within 9" (with the unit: `unit`), or "none" when there is nothing to spread. */
function percentiles({ p50, p85 }: Spread, unit?: string): string {
  if (p50 === null || p85 === null) return 'none';
  return unit ? `50% within ${count(p50, unit)}, 85% within ${p85}` : `${p50} and ${p85}`;
}

/** A team's "3/7", as its line's heading says: 50%/85%. */
function slashed({ p50, p85 }: Spread): string {
  return p50 === null ? 'none' : `${p50}/${p85}`;
}

function rate(flow: SprintFlow): string {
  const r = hitRate(flow.sle);
  return r === null ? 'none judged' : `${r}%`;
}

function hits(flow: SprintFlow): string {
  const { within, judged } = flow.sle;
  if (!judged) return 'none judged, with no SLE yet or nothing finished';
  return `${bold(rate(flow))}, ${within} of ${count(judged, 'PBI')} within their SLE`;
}

function efficiency({ efficiency: e }: SprintFlow): string {
  return e.efficiency === null ? 'none finished' : `${Math.round(e.efficiency * 100)}%`;
}

/** "`review` over on 6 of 10 working days, `qa` on 2", or "none broken". */
function brokenLimits(flow: SprintFlow): string {
  const over = flow.breaches.filter((b) => b.over).sort((a, b) => b.over - a.over);
  if (!over.length) return flow.breaches.length ? 'none broken' : 'none set';
  const [first, ...rest] = over;
  const others = rest.map((b) => `, ${code(b.stage)} on ${b.over}`).join('');
  return `${code(first.stage)} over on ${first.over} of ${count(flow.workingDays, 'working day')}${others}`;
}

function question(q: RetroQuestion): string {
  switch (q.kind) {
    case 'stage-full':
      return (
        `${code(q.stage)} was at its WIP limit (${q.limit}) or over ${q.days} of ${count(q.of, 'working day')}` +
        `${q.over ? ` (over on ${q.over})` : ''}: raise its limit, or put less into it?`
      );
    case 'stage-waits':
      return (
        `PBIs spent ${count(q.days, 'day')} waiting or blocked in ${code(q.stage)}, ${Math.round(q.share * 100)}% ` +
        'of their cycle time: what would get work out of it sooner?'
      );
    case 'sle-falling':
      return `The SLE hit rate fell from ${q.from}% to ${q.to}%: what made PBIs take longer, and does the SLE still hold?`;
    case 'integration-rising':
      return (
        `Integration waits rose: the median from ${count(q.from, 'day')} to ${count(q.to, 'day')} from the last team ` +
        'done to integrated. What holds integration, and should teams integrate as they go?'
      );
    case 'blocked-rising':
      return (
        `Blocked days rose from ${q.from} to ${q.to}${q.reason ? ` (most: “${escape(q.reason)}”)` : ''}: ` +
        'should the Definition of Workflow say how a blocker is raised and removed?'
      );
  }
}

function details(now: SprintFlow, before: SprintFlow | null, today: CalendarDate): Block[] {
  const teamsBefore = new Map(before?.teams.map((t) => [t.team, t]));
  const teamLines = now.teams.map((t) => {
    const b = teamsBefore.get(t.team);
    const r = hitRate(t.sle);
    const rb = b && hitRate(b.sle);
    return (
      `• ${bold(escape(t.team))}: ${t.done.count} done${b ? ` (was ${b.done.count})` : ''} · ` +
      `${slashed(t.done)}${t.done.count ? ' days' : ''}${b ? ` (was ${slashed(b.done)})` : ''} · ` +
      `${r === null ? 'no SLE' : `${r}% within its SLE`}${b ? ` (was ${rb === null ? 'no SLE' : `${rb}%`})` : ''}`
    );
  });
  const blocks: Block[] = [
    ...lineSections(
      [`${bold('Per team')}: squares done · cycle time 50%/85% · within the team's SLE`, ...teamLines],
      TEAM_SECTIONS,
    ),
  ];
  if (now.breaches.length) blocks.push(section(`${bold('WIP limits, per working day')}\n${stageLines(now, before)}`));
  const reasons = now.blocked.reasons.map(
    (g) => `• ${escape(g.reason)} — ${count(g.count, 'block')}, ${count(g.days, 'day')} (${keys(g.keys)})`,
  );
  blocks.push(section(`${bold('Blocked, by reason')}\n${reasons.join('\n') || '_Nothing was blocked._'}`));
  const waits = now.efficiency.stages
    .slice(0, 3)
    .map((s) => `• ${code(s.stage)} ${count(s.waiting, 'day')} waiting, ${s.blocked} blocked`);
  // flow efficiency counts the PBIs finished in the Sprint, blocked days every PBI: the heading says whose time it is
  const nowhere = '_Nowhere: the PBIs finished in the Sprint spent no day waiting or blocked._';
  blocks.push(section(`${bold('Where time waits')} (PBIs finished in the Sprint)\n${waits.join('\n') || nowhere}`));
  const { longest, count: integrated } = now.integration;
  if (longest)
    blocks.push(
      section(
        `${bold('Integration waits')}: ${count(integrated, 'PBI')} with team squares integrated; the longest ` +
          `${escape(longest.key)}, ${count(longest.days, 'day')}.`,
      ),
    );
  const changes = now.changes.map((c) => `• ${formatDate(c.date, today)}: ${c.what.map(escape).join(', ')}`);
  blocks.push(
    section(
      `${bold('Definition of Workflow changes')}\n${changes.join('\n') || '_None this Sprint: `/nexus stage` changes it._'}`,
    ),
  );
  blocks.push(
    context(
      'Throughput counts PBIs integrated (finished) and squares done; cycle times in calendar days; the SLE is the one ' +
        "in force now (a class's own for its PBIs, each team's for its squares). A stage's WIP is counted at the end " +
        'of each working day against the limit it had that day. Flow efficiency: active days ÷ cycle time.',
    ),
  );
  return blocks;
}

function stageLines(now: SprintFlow, before: SprintFlow | null): string {
  const earlier = new Map(before?.breaches.map((b) => [b.stage, b]));
  return now.breaches
    .map((b) => {
      const e = earlier.get(b.stage);
      return (
        `• ${code(b.stage)} (limit ${b.limit}): at it or over ${b.full} of ${count(now.workingDays, 'day')}, ` +
        `over ${b.over}, at most ${b.most}${e ? ` (was ${e.full}, ${e.over})` : ''}`
      );
    })
    .join('\n');
}

function keys(list: readonly string[]): string {
  return `${list.slice(0, 5).map(escape).join(', ')}${list.length > 5 ? ', …' : ''}`;
}
