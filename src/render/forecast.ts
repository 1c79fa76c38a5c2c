import { forecastHistogramSpec } from '../charts/forecast-histogram';
import type { Answered, ForecastProblem } from '../commands/forecast/answer';
import { MIN_DAYS_WITH_THROUGHPUT } from '../domain/forecast/sampling';
import { MIN_ITEMS_FOR_SLE } from '../domain/sle';
import { type Block, code, context, escape, header, lineSections, section } from './blocks';
import { wordAnswer } from './forecast-answer';
import { explain } from './problems';
import { ephemeral, type Reply, refusal } from './reply';
import { count, formatDate } from './words';

/** A forecast's answer, or why there is none: the lines, what they rest on, the warnings, and the chart. */
export function renderForecast(outcome: Answered | ForecastProblem, usage: string): Reply {
  if ('problem' in outcome) return refuseForecast(outcome, usage);
  const { title, lines, note, restsOn, warnings, histogram } = wordAnswer(outcome);
  // one line per team: a Nexus of many teams needs several sections, and every team keeps its line
  const blocks: Block[] = [header(title), ...lineSections(lines, Infinity)];
  if (note) blocks.push(section(note));
  blocks.push(context(restsOn));
  for (const warning of warnings) blocks.push(context(warning));
  const chart = {
    title,
    fileName: `forecast-${outcome.seed}.png`,
    spec: forecastHistogramSpec({ title, ...histogram }),
    requested: false,
  };
  return { ...ephemeral(`${escape(title)}\n${lines.join('\n')}`, blocks), chart };
}

/** No forecast: why, what to do, and the command's form when what was typed was the mistake. */
export function refuseForecast(p: ForecastProblem, usage: string): Reply {
  return refusal(explainForecast(p), isForecastMistake(p) ? usage : undefined);
}

/** One short sentence per forecast that can't be given, saying why and what would give one. */
export function explainForecast(p: ForecastProblem): string {
  switch (p.problem) {
    case 'no-history':
      return `Not enough history: ${p.who === 'the Nexus' ? 'the Nexus has' : `${escape(p.who)} has`} finished nothing in the window, so any date would be a guess. Forecasts start once items finish.`;
    case 'thin-history':
      return `Not enough history: ${p.who === 'the Nexus' ? 'the Nexus' : escape(p.who)} finished something on only ${count(p.days, 'day')} in the window. Forecasts need at least ${MIN_DAYS_WITH_THROUGHPUT} such days: fewer say almost nothing about the pace, and any date would sound surer than it is.`;
    case 'unknown-team':
      return `There is no team ${code(p.team)}. Teams: ${p.teams.map(code).join(', ') || 'none yet'}.`;
    case 'unknown-pbi':
      return explain(p);
    case 'since-not-before-today':
      return `\`--since ${p.since}\` leaves no history to forecast from: give a day before today, ${formatDate(p.today, p.today)}.`;
    case 'date-not-after-today':
      return `${code(p.date)} is not after today, ${formatDate(p.today, p.today)}.`;
    case 'pbi-already-done':
      return `${escape(p.key)} is already done: it finished on ${formatDate(p.finishedOn, p.today)}.`;
    case 'pbi-discarded':
      return `${escape(p.key)} was discarded; there is nothing to forecast.`;
    case 'integration-unknown':
      // every team finished long ago, and no past integration took that long: no date, and a push to integrate it
      if (p.longest === null)
        return `Every team is done with ${escape(p.key)}, and no PBI was integrated in the window: the history can't say how long integration takes.`;
      return `Every team finished ${escape(p.key)} ${count(p.waited, 'day')} ago, longer than any integration in the window took (at most ${count(p.longest, 'day')}): the history can't say when. Integrate it.`;
    case 'pbi-not-started':
      return notStarted(p);
    case 'few-cycle-times':
      // the thin-history bar of the throughput forecasts, counted in finished PBIs
      return `Not enough history: only ${count(p.finished, 'PBI')} finished in the window. A PBI with no teams is forecast from the cycle times of finished PBIs, and that needs at least ${MIN_DAYS_WITH_THROUGHPUT}: fewer say almost nothing, and any date would sound surer than it is.`;
    case 'pbi-older-than-history':
      return `${escape(p.key)} is older than every PBI finished in the window (${count(p.age, 'day')}): the history can't say. Swarm on it.`;
    case 'waits-on-undated':
      return `${escape(p.key)} isn't integrated before ${escape(p.on)}, which it depends on, and no forecast can date ${escape(p.on)} yet: \`/forecast ${p.on}\` says why.`;
    case 'busy':
      return (
        "Another accuracy replay is running in this bot right now (one at a time, so everyone else's commands stay " +
        'quick). Ask again in a minute.'
      );
  }
}

/** No date for a PBI with no teams that hasn't started: the SLE says how long once started, and how to get a date. */
function notStarted({ key, sle }: Extract<ForecastProblem, { problem: 'pbi-not-started' }>): string {
  const teams = code(`/pbi teams ${key} +<team>`);
  if (sle.kind === 'not-enough-history') {
    return `Not enough history: ${escape(key)} hasn't started and names no teams, and only ${count(sle.sampleSize, 'PBI')} finished in the window, too few (${MIN_ITEMS_FOR_SLE} needed) to say even how long one takes once started. Forecast it once it starts, or give it teams: ${teams}.`;
  }
  return `${escape(key)} hasn't started: cycle times tell how long it takes once started (${sle.percentile}% within ${count(sle.days, 'day')}, the SLE), not when it will start. Forecast it once it starts, or give it teams: ${teams}.`;
}

/**
 * Mistakes in what was typed: a team or PBI that isn't there, a date that has come, a `--since` that leaves no history.
 * The others answer about the Nexus as it is ("not enough history", "already done", a replay running): nothing was
 * mistyped, and a usage line under them would say it was.
 */
const OF_WHAT_WAS_TYPED: ReadonlySet<ForecastProblem['problem']> = new Set([
  'unknown-team',
  'unknown-pbi',
  'since-not-before-today',
  'date-not-after-today',
]);
export const isForecastMistake = (p: ForecastProblem): boolean => OF_WHAT_WAS_TYPED.has(p.problem);
