import { forecastHistogramSpec, type Histogram } from '../../charts/forecast-histogram';
import { MIN_DAYS_WITH_THROUGHPUT } from '../../domain/forecast/sampling';
import { type Block, bold, code, context, escape, header, lineSections, section } from '../../render/blocks';
import { ephemeral, type Reply, refusal } from '../../render/reply';
import { count } from '../../render/words';
import type { KeptForecast } from '../../store/forecast-repository';
import type { NexusContext } from '../command';
import { type Basis, type NoHistory, restsOn, type ThinHistory } from './basis';

/** What a forecast from one throughput sample rests on and warns about. */
export const answeredOn = (basis: Basis, seed: string) => ({
  restsOn: restsOn(basis, seed),
  warnings: basis.warnings,
  seed,
});

/**
 * What every forecast command answers: the lines at each confidence, what they rest on (the samples it really used),
 * its warnings, and how the trials spread.
 */
export type Answered = {
  title: string;
  lines: string[];
  restsOn: string;
  warnings: string[];
  seed: string;
  note?: string;
  histogram: Omit<Histogram, 'title'>;
};
export type ForecastProblem =
  | NoHistory
  | ThinHistory
  | { problem: 'unknown-team'; team: string; teams: string[] }
  /** `mistake`: what was typed was wrong (a date that has come, a PBI that isn't there), so the usage goes with it */
  | { problem: 'refused'; message: string; mistake?: true };
export type ForecastOutcome = Answered | ForecastProblem;

export function renderForecast(outcome: ForecastOutcome, usage: string): Reply {
  if ('problem' in outcome) {
    // "not enough history" or "already done" answer about the Nexus: only a mistake in what was typed gets the usage
    const mistake = outcome.problem === 'unknown-team' || (outcome.problem === 'refused' && outcome.mistake);
    return refusal(explainForecast(outcome), mistake ? usage : undefined);
  }
  const { title, lines, note } = outcome;
  // one line per team: a Nexus of many teams needs several sections, and every team keeps its line
  const blocks: Block[] = [header(title), ...lineSections(lines, Infinity)];
  if (note) blocks.push(section(note));
  blocks.push(context(outcome.restsOn));
  for (const warning of outcome.warnings) blocks.push(context(warning));
  const chart = {
    title,
    fileName: `forecast-${outcome.seed}.png`,
    spec: forecastHistogramSpec({ title, ...outcome.histogram }),
    requested: false,
  };
  return { ...ephemeral(`${escape(title)}\n${lines.join('\n')}`, blocks), chart };
}

function explainForecast(p: ForecastProblem): string {
  switch (p.problem) {
    case 'no-history':
      return `Not enough history: ${p.who === 'the Nexus' ? 'the Nexus has' : `${escape(p.who)} has`} finished nothing in the window, so any date would be a guess. Forecasts start once items finish.`;
    case 'thin-history':
      return `Not enough history: ${p.who === 'the Nexus' ? 'the Nexus' : escape(p.who)} finished something on only ${count(p.days, 'day')} in the window. Forecasts need at least ${MIN_DAYS_WITH_THROUGHPUT} such days: fewer say almost nothing about the pace, and any date would sound surer than it is.`;
    case 'unknown-team':
      return `There is no team ${code(p.team)}. Teams: ${p.teams.map(code).join(', ') || 'none yet'}.`;
    case 'refused':
      return p.message;
  }
}

/** Every forecast answered is kept, so `/forecast accuracy` can judge it when its date has passed. */
export async function keep(
  ctx: NexusContext,
  question: KeptForecast['question'],
  answer: KeptForecast['answer'],
): Promise<void> {
  await ctx.store.forecasts.keep(ctx.nexus.id, { askedAt: ctx.now(), askedBy: ctx.userId, question, answer });
}

export const percent = (confidence: number): string => bold(`${confidence}%`);

/**
 * Thin history: one range from the answer at the lowest confidence asked to the one at the highest, instead of a line
 * at each confidence that would sound surer than the sample is ("Roughly between Sat 7 Mar and Thu 12 Mar (50%–95%)").
 */
export function roughRange(answers: readonly { confidence: number; text: string }[], unit = ''): string {
  const [low, high] = [answers[0], answers[answers.length - 1]];
  const confidences = low === high ? `${low.confidence}%` : `${low.confidence}%–${high.confidence}%`;
  if (low.text === high.text) return `${bold('Roughly')} ${low.text}${unit} (${confidences}), from thin history.`;
  return `${bold('Roughly between')} ${low.text} and ${high.text}${unit} (${confidences}), from thin history.`;
}

/**
 * A share of trials as a chance. A sample never proves certainty: every trial done by the date says "very likely",
 * not "100%" (the history may not hold), and none done says "very unlikely", not "0%"; so the wording stops at 1–99%.
 */
export function formatChance(share: number): string {
  const rounded = Math.round(share * 100);
  if (rounded >= 100) return '>99%';
  if (rounded <= 0) return '<1%';
  return `${rounded}%`;
}
