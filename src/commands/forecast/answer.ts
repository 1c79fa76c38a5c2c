import type { Histogram } from '../../charts/forecast-histogram';
import { bold } from '../../render/blocks';
import type { KeptForecast } from '../../store/forecast-repository';
import type { NexusContext } from '../command';
import {
  type Basis,
  type DateNotAfterToday,
  type NoHistory,
  restsOn,
  type SinceNotBeforeToday,
  type ThinHistory,
} from './basis';
import type { PbiForecastProblem } from './pbi';

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
/**
 * Why a forecast command gives no forecast, as facts; `explainForecast` in render/forecast words them and decides
 * which are mistakes in what was typed (those get the usage).
 */
export type ForecastProblem =
  | NoHistory
  | ThinHistory
  | SinceNotBeforeToday
  | DateNotAfterToday
  | UnknownTeam
  | PbiForecastProblem
  /** a `/forecast accuracy` replay is already running in this process */
  | { problem: 'busy' };
export type UnknownTeam = { problem: 'unknown-team'; team: string; teams: readonly string[] };
export type ForecastOutcome = Answered | ForecastProblem;

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
