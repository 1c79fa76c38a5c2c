import type { PlanningAgainst, ReviewOutcome, SprintReview } from '../commands/nexus/review';
import type { CalendarDate } from '../domain/calendar';
import type { Sprint, SprintProblem } from '../domain/sprint';
import { type ForecastAgainst, type LikelyBy, REVIEW_CONFIDENCE } from '../domain/sprint-review';
import { backlogChart } from './backlog-forecast';
import { type Block, bold, code, context, escape, header, lineSections, section } from './blocks';
import { explainForecast } from './forecast';
import { ephemeral, inChannel, type Reply } from './reply';
import { count, formatDate } from './words';

/** PBIs named per Sprint in "what's possible when"; the rest are counted. */
const NAMED_PER_SPRINT = 12;
/** Sections of the integrated PBIs' list: a Sprint of a large Nexus integrates hundreds. */
const INTEGRATED_SECTIONS = 4;

const sprintName = (s: Sprint): string => (s.number === null ? 'the Sprint' : `Sprint ${s.number}`);
const dates = (s: Sprint, today: CalendarDate): string =>
  `${formatDate(s.first, today)} – ${formatDate(s.last, today)}`;
const mark = (ok: boolean): string => (ok ? '✓' : '✗');

/**
 * `/nexus review`: a few lines in the channel (what the Sprint integrated against its planning forecast, the forecasts
 * that came due, what is likely next) and the details in its thread with the backlog forecast's chart; a quiet
 * answer to the person alone when there is no Sprint to review.
 */
export function renderReview(outcome: ReviewOutcome): Reply {
  if ('problem' in outcome) return ephemeral(noSprint(outcome));
  const r = outcome;
  const title = `${r.nexusName} · Nexus Sprint Review · ${sprintName(r.sprint)} (${dates(r.sprint, r.today)})`;
  const lines = [integratedLine(r), ...cameDueLine(r), likelyLine(r)];
  const chart =
    'problem' in r.backlog
      ? undefined
      : backlogChart(r.backlog, "What's possible when", r.likely[0]?.sprint.last ?? null);
  return {
    ...inChannel(`${escape(title)}\n${lines.join('\n')}`, [
      header(title),
      section(lines.join('\n')),
      context(`Details${chart ? " and the backlog forecast's chart" : ''} in the thread.`),
    ]),
    thread: details(r),
    ...(chart ? { chart: { ...chart, fileName: `review-sprint-${r.sprint.number}-${r.today}.png` } } : {}),
  };
}

/** The quiet form: no cadence says how to set one; before the first Sprint ends, when its review comes. */
function noSprint(p: SprintProblem): string {
  if (p.problem === 'no-sprint-cadence')
    return (
      'The Nexus Sprint Review needs the Sprints: set their cadence with `/nexus sprint <YYYY-MM-DD> [--length <days>]` ' +
      '(the first day of a Sprint), then ask `/forecast sprint` at Nexus Sprint Planning so the review can set it ' +
      'against what happened.'
    );
  return (
    `No Sprint to review yet: the first, ${sprintName(p.next)} (${dates(p.next, p.next.first)}), can be reviewed ` +
    `from its last working day. Ask \`/forecast sprint\` before it begins: the review sets it against what happened.`
  );
}

/** "12 PBIs integrated (so far) against 85% ≥ 10 ✓ forecast at Nexus Sprint Planning (Fri 27 Feb)." */
function integratedLine(r: SprintReview): string {
  const done = `${count(r.integrated.length, 'PBI')} integrated${r.running ? ` so far (the Sprint ends ${formatDate(r.sprint.last, r.today)})` : ''}`;
  const nexus = r.planning?.rows.find((row) => row.team === null);
  if (!r.planning || !nexus?.forecast) return `${done}. ${noPlanningForecast(r)}`;
  return `${done} against the forecast at Nexus Sprint Planning: ${verdicts(nexus)}${asked(r.planning, r.today)}.`;
}

function noPlanningForecast(r: SprintReview): string {
  return (
    `No forecast was kept for ${sprintName(r.sprint)}: \`/forecast sprint\` asked at Nexus Sprint Planning (up to ` +
    "a Sprint's first working day it forecasts that Sprint) is kept, and the next review sets it against what happened."
  );
}

/** "50% ≥ 14 ✗, 85% ≥ 10 ✓" */
const verdicts = (row: ForecastAgainst): string =>
  (row.forecast ?? []).map((f) => `${f.confidence}% ≥ ${f.items} ${mark(row.cameTrue.get(f.confidence)!)}`).join(', ');

const asked = (p: PlanningAgainst, today: CalendarDate): string =>
  p.late
    ? ` (asked only on ${formatDate(p.askedOn, today)}, after the Sprint's first working day)`
    : ` (asked ${formatDate(p.askedOn, today)})`;

function cameDueLine(r: SprintReview): string[] {
  if (!r.cameDue.length) return [];
  const judged = r.cameDue.filter((c) => c.cameTrue !== null);
  const right = judged.filter((c) => c.cameTrue).length;
  return [
    `${count(r.cameDue.length, 'kept forecast')} came due in the Sprint: ${right} of ${judged.length} came true at ${REVIEW_CONFIDENCE}%.`,
  ];
}

/** "Likely next (85%): 8 PBIs by the end of Sprint 5, 15 by the end of Sprint 6, 21 by the end of Sprint 7." */
function likelyLine(r: SprintReview): string {
  if ('problem' in r.backlog) return `No backlog forecast: ${backlogProblem(r)}`;
  const by = r.likely.map((l, i) => `${i ? l.total : count(l.total, 'PBI')} by the end of ${sprintName(l.sprint)}`);
  return `Likely next (${REVIEW_CONFIDENCE}%): ${by.join(', ')}.`;
}

function backlogProblem(r: SprintReview): string {
  if (!('problem' in r.backlog)) return '';
  return r.backlog.problem === 'empty-backlog'
    ? 'the Product Backlog is empty (`/pbi add <title>`).'
    : explainForecast(r.backlog);
}

function details(r: SprintReview): Block[] {
  const blocks: Block[] = [];
  const integrated = r.integrated.map(
    (p) => `• ${bold(escape(p.key))} ${escape(p.title)} · ${formatDate(p.on, r.today)}`,
  );
  blocks.push(section(bold(`Integrated in ${sprintName(r.sprint)} (${r.integrated.length})`)));
  if (integrated.length) blocks.push(...lineSections(integrated, INTEGRATED_SECTIONS));
  else blocks.push(context('_None._'));
  blocks.push(...planningBlocks(r));
  if (r.cameDue.length)
    blocks.push(
      section(bold('Kept forecasts that came due in the Sprint')),
      ...lineSections(
        r.cameDue.map((c) => c.line),
        2,
      ),
    );
  blocks.push(...aheadBlocks(r));
  return blocks;
}

/** Each row of the planning forecast against what was done; without one, each team's squares done. */
function planningBlocks(r: SprintReview): Block[] {
  if (!r.planning) {
    const teams = r.squares.map((s) => `${bold(escape(s.team))}: ${count(s.done, 'square')} done`);
    return [
      section(`${bold('Forecast at Nexus Sprint Planning')}\n${noPlanningForecast(r)}`),
      ...lineSections(teams, 2),
    ];
  }
  const rows = r.planning.rows.map((row) => {
    const who = row.team === null ? bold('Nexus') : bold(escape(row.team));
    const done = row.team === null ? `${count(row.done, 'PBI')} integrated` : `${count(row.done, 'square')} done`;
    return `${who}: ${done} · ${row.forecast ? `forecast ${verdicts(row)}` : '_no forecast then (too little history)_'}`;
  });
  return [
    section(
      `${bold('Forecast at Nexus Sprint Planning')}${asked(r.planning, r.today)}: what it said against what happened`,
    ),
    ...lineSections(rows, 3),
  ];
}

/** What's possible when: the PBIs likely integrated by the end of each next Sprint, in backlog order. */
function aheadBlocks(r: SprintReview): Block[] {
  if ('problem' in r.backlog)
    return [section(`${bold("What's possible when")}\nNo backlog forecast: ${backlogProblem(r)}`)];
  const lines = r.likely.map((l) => sprintLikely(l, r.today));
  const listed = r.backlog.rows.length;
  return [
    section(
      `${bold("What's possible when")}: the PBIs likely integrated by the end of each next Sprint (${REVIEW_CONFIDENCE}%)`,
    ),
    ...lineSections(lines, 3),
    context(
      `From \`/forecast backlog\` over the first ${count(listed, 'PBI')} of the Product Backlog` +
        `${r.backlog.open > listed ? ` (of ${r.backlog.open} open)` : ''}: each team works its queue in order. ` +
        `Ask ${code('/forecast backlog --by <YYYY-MM-DD>')} for a date's cut line.`,
    ),
  ];
}

function sprintLikely(l: LikelyBy, today: CalendarDate): string {
  const head = `${bold(`${sprintName(l.sprint)} (ends ${formatDate(l.sprint.last, today)})`)}:`;
  if (!l.pbis.length) return `${head} no more likely (${l.total} by then in all)`;
  const named = l.pbis.slice(0, NAMED_PER_SPRINT).map((p) => `${escape(p.key)} ${escape(p.title)}`);
  const more = l.pbis.length - named.length;
  return `${head} ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''} (${l.total} by then in all)`;
}
