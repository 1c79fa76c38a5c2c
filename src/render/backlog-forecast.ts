import { backlogRangesSpec } from '../charts/backlog-chart';
import type { DateAt } from '../commands/forecast/answer';
import type { BacklogAnswer, BacklogOutcome, BacklogRow, Cut, NoDate } from '../commands/forecast/backlog';
import type { Basis } from '../commands/forecast/basis';
import type { CalendarDate } from '../domain/calendar';
import { isLikely } from '../domain/forecast/backlog-forecast';
import { type Block, bold, code, context, escape, header, lineSections, section } from './blocks';
import { refuseForecast } from './forecast';
import { formatChance } from './forecast-answer';
import { type ChartAttachment, ephemeral, type Reply, refusal } from './reply';
import { count, formatDate } from './words';

/** The PBIs drawn in the chart: more make bars too thin to read. */
export const CHART_ROWS = 60;
/** Teams named under "who holds them up", and PBIs named per team. */
const HOLD_UP_TEAMS = 10;
const HOLD_UP_PBIS = 8;

/** `/forecast backlog`: the cut line, each PBI's date in backlog order, who holds them up, what it rests on. */
export function renderBacklogForecast(outcome: BacklogOutcome, usage: string): Reply {
  if ('problem' in outcome) {
    if (outcome.problem === 'empty-backlog')
      return refusal('The Product Backlog is empty: there is nothing to forecast. Add PBIs with `/pbi add <title>`.');
    return refuseForecast(outcome, usage);
  }
  const a = outcome;
  const title = 'When will each PBI be done?';
  const cuts = a.by ? a.by.cuts.map((cut) => cutText(cut, a.by!.date, a)) : [];
  const line = a.by?.cuts.at(-1); // rows are marked by their own chance against the surest confidence asked
  const lines = a.rows.map((row, i) => {
    const mark = !line || row.chance === null ? '' : isLikely(row.chance, line.confidence) ? '✓ ' : '✗ ';
    return `${mark}${i + 1}. ${bold(escape(row.key))} ${escape(row.title)} · ${rowText(row, a)}`;
  });
  const more = a.open - a.rows.length;
  const blocks: Block[] = [
    header(title),
    ...cuts.map((c) => section(c)),
    ...lineSections(lines, Infinity),
    ...(more > 0 ? [context(`…and ${more} more below: \`/forecast backlog --top ${Math.min(a.open, 200)}\`.`)] : []),
  ];
  const holdUps = a.holdUps.slice(0, HOLD_UP_TEAMS).map(
    ({ team, pbis }) =>
      `${bold(escape(team))}: ${pbis
        .slice(0, HOLD_UP_PBIS)
        .map((p) => `${escape(p.key)} (${formatChance(p.share)})`)
        .join(', ')}${pbis.length > HOLD_UP_PBIS ? ` and ${pbis.length - HOLD_UP_PBIS} more` : ''}`,
  );
  if (holdUps.length)
    blocks.push(
      section(
        `${bold('Who holds them up')}: the team most often the last to finish its part of a PBI that needs several (share of trials)`,
      ),
      ...lineSections(holdUps),
    );
  blocks.push(context(restsOn(a)), ...warnings(a.bases).map((w) => context(w)));
  return {
    ...ephemeral([title, ...cuts, ...lines].join('\n'), blocks),
    chart: backlogChart(a, title, a.by?.date ?? null),
  };
}

/** The backlog forecast's chart: the PBIs with dates (up to CHART_ROWS), each one's range, `by` as a dashed line. */
export function backlogChart(a: BacklogAnswer, title: string, by: CalendarDate | null): ChartAttachment {
  const charted = a.rows.filter((r) => r.range).slice(0, CHART_ROWS);
  return {
    title,
    fileName: `forecast-backlog-${a.seed}.png`,
    spec: backlogRangesSpec(
      charted.length < a.rows.length ? `${title} (the first ${charted.length} with dates)` : title,
      charted.map((r) => ({ key: r.key, ...r.range!, mark: markOf(r) ?? r.range!.to })),
      by,
      a.confidences.at(-1)!,
    ),
    requested: false,
  };
}

/**
 * "✓ 12 PBIs likely by Fri 15 Jan (85%); ✗ from PBI-45, the first in order less likely than that", and how many
 * listed have no date (they are neither).
 */
function cutText(cut: Cut, by: CalendarDate, a: BacklogAnswer): string {
  const likely = `✓ ${count(cut.likely, 'PBI')} likely by ${formatDate(by, a.today)} (${cut.confidence}%)`;
  const undated = a.rows.filter((r) => !Array.isArray(r.answer)).length;
  const line =
    cut.from === null
      ? `${likely}: every one listed${undated ? ' with a date' : ''}.`
      : `${likely}; ✗ from ${bold(escape(cut.from))}, the first in order less likely than that.`;
  return undated
    ? `${line} ${count(undated, 'PBI')} listed ${undated > 1 ? 'have' : 'has'} no date (see why below).`
    : line;
}

/** "85%: Thu 14 Jan · 91% by Fri 15 Jan · after PBI-7", or why there is no date. */
function rowText(row: BacklogRow, a: BacklogAnswer): string {
  if (!Array.isArray(row.answer)) return `_no date_: ${noDateText(row.answer)}`;
  const dates = row.answer.map(({ confidence, date }) => `${confidence}%: ${dateText(date, a.today)}`);
  const chance =
    row.chance === null || !a.by ? [] : [`${formatChance(row.chance)} by ${formatDate(a.by.date, a.today)}`];
  const after = row.waitsOn.length ? [`after ${row.waitsOn.map(escape).join(', ')}`] : [];
  return [...dates, ...chance, ...after].join(' · ');
}

const dateText = (date: CalendarDate | undefined, today: CalendarDate): string =>
  date === undefined ? 'not within ten years' : date === today ? 'today' : formatDate(date, today);

/** The chart's tick: the date at the surest confidence asked. */
function markOf(row: BacklogRow): CalendarDate | undefined {
  return Array.isArray(row.answer) ? (row.answer as DateAt[]).at(-1)?.date : undefined;
}

function noDateText(n: NoDate): string {
  switch (n.why) {
    case 'no-teams':
      return `names no teams (${code('/pbi teams <key> +<team>')})`;
    case 'thin-team':
      return n.days === 0
        ? `${escape(n.team)} has finished no squares in the window`
        : `${escape(n.team)} finished squares on only ${count(n.days, 'day')} in the window`;
    case 'integration-unknown':
      return `every team finished it ${count(n.waited, 'day')} ago, longer than any integration took: integrate it`;
    case 'waits-on':
      return `waits on ${escape(n.key)}, which has no date`;
  }
}

/** What the answer rests on: the teams' samples, the integrations, the trials and the seed. */
function restsOn(a: BacklogAnswer): string {
  const longest = Math.max(0, ...a.bases.map((b) => b.sample.throughput.length));
  const kind = a.days.kind === 'working' ? 'working day' : 'day';
  const end = a.bases[0] ? `, ending ${formatDate(a.bases[0].sample.to, a.today)}` : '';
  const teams = a.bases.length
    ? `the squares done by ${count(a.bases.length, 'team')} (up to ${count(longest, kind)} each${end})`
    : 'no team history';
  const integration = a.integrated
    ? `the integration step of the ${count(a.integrated.count, 'PBI')} integrated in the window (median ${count(a.integrated.median, 'day')})`
    : 'no integration step (none in the window: the dates are early)';
  return `Each team works its queue in order (started squares first, then backlog order); a PBI is integrated after its last team, never before what it depends on. Rests on ${teams}; ${integration}; ${a.trials.toLocaleString('en')} trials, seed ${a.seed}.`;
}

/** The teams' warnings, one line per kind naming the teams: fifty teams' warnings one by one would bury the answer. */
function warnings(bases: readonly Basis[]): string[] {
  const teams = (kind: string) =>
    bases.filter((b) => b.warnings.some((w) => w.warning === kind)).map((b) => escape(b.who));
  const named = (list: string[]) =>
    list.length > 6 ? `${list.slice(0, 6).join(', ')} and ${list.length - 6} more` : list.join(', ');
  const out: string[] = [];
  const rough = teams('rough');
  if (rough.length)
    out.push(`⚠ Thin history (fewer than 10 days with squares done): ${named(rough)}. Their PBIs' dates are rough.`);
  const shifted = teams('shift');
  if (shifted.length)
    out.push(
      `⚠ Throughput changed inside the window: ${named(shifted)}. \`/forecast <key>\` says how; \`--since <YYYY-MM-DD>\` forecasts from the recent history.`,
    );
  const unstable = teams('unstable');
  if (unstable.length)
    out.push(`⚠ Unstable throughput (weeks outside the natural process limits): ${named(unstable)}. Read with care.`);
  return out;
}
