import type { Share } from '../../charts/forecast-histogram';
import type { CalendarDate } from '../../domain/calendar';
import type { ForecastDays } from '../../domain/forecast/sampling';
import type { KeptForecast } from '../../store/forecast-repository';
import type { NexusContext } from '../command';
import type { Basis, DateNotAfterToday, NoHistory, SinceNotBeforeToday, ThinHistory } from './basis';
import type { PbiForecastProblem } from './pbi';
import type { SprintChance } from './sprint-chance';

/** The date at one confidence, `day` counted days from today; none (and `day` Infinity): not within ten years. */
export type DateAt = { confidence: number; day: number; date?: CalendarDate };
/** The items done at one confidence: at least that many. */
export type ItemsAt = { confidence: number; items: number };

/**
 * What a forecast command answers, as numbers and dates (render/forecast-answer.ts words them): the answer at each
 * confidence, what it rests on (the samples it really used, the seed), and how the trials spread. `rough`: the
 * history is thin, so the answer is one range, not a line at each confidence.
 */
export type Answered = WhenAnswer | HowManyAnswer | SprintAnswer | PbiAnswer;

/** `/forecast <N>`: when N more of the Nexus's PBIs (or a team's squares) will be done; `by`: the chance of a date. */
export type WhenAnswer = {
  question: 'when';
  items: number;
  team: string | null;
  basis: Basis;
  seed: string;
  rough: boolean;
  answer: DateAt[];
  by: { date: CalendarDate; share: number } | null;
  spread: Share[];
};

/** `/forecast by <date>`: how many of the Nexus's PBIs (or a team's squares) in the `days` until the date. */
export type HowManyAnswer = {
  question: 'how-many';
  date: CalendarDate;
  days: number;
  team: string | null;
  basis: Basis;
  seed: string;
  rough: boolean;
  answer: ItemsAt[];
  spread: Share[];
};

/** `/forecast sprint`: how many in the Sprint being planned, the Nexus's PBIs (charted) and each team's squares. */
export type SprintAnswer = {
  question: 'sprint';
  /** the Sprint under way (asked up to its first working day), not the next one */
  thisSprint: boolean;
  start: CalendarDate;
  end: CalendarDate;
  /** its number in the cadence; null: no cadence (the next Sprint length of days from tomorrow) */
  number: number | null;
  sprintDays: number;
  basis: Basis;
  seed: string;
  rows: SprintRow[];
  answer: ItemsAt[];
  spread: Share[];
  /** the Sprint's chance, while a Sprint of the cadence is under way */
  chance: SprintChance | null;
};
/** The Nexus's row (team null) or a team's; `answer` null: not enough history. */
export type SprintRow = { team: string | null; answer: ItemsAt[] | null; rough: boolean };

/** `/forecast <key>`: when one PBI will be done, from its teams' parts or from cycle times. */
export type PbiAnswer = {
  question: 'pbi';
  key: string;
  today: CalendarDate;
  seed: string;
  rough: boolean;
  answer: DateAt[];
  /** `--by`: the share of trials (or of the cycle times) that had it done by the date */
  by: { date: CalendarDate; share: number } | null;
  spread: Share[];
  from: ByTeams | ByCycleTimes;
};
/**
 * Each team's part and queue (`ahead` of this PBI), then integration: `waited` days since the last team finished, the
 * PBIs `integrated` in the window (null: none) and the median days they took after their last team, and `lags`, how
 * many took at least as long as this one has waited.
 */
export type ByTeams = {
  kind: 'teams';
  days: ForecastDays;
  bases: Basis[];
  queues: { team: string; ahead: number }[];
  waited: number;
  integrated: { count: number; median: number } | null;
  lags: number;
  trials: number;
  /** the open PBIs it depends on: it is not integrated before them, and the forecast simulated them with it */
  waitsOn: string[];
};
/** No teams: the `finished` PBIs since `since` that lasted at least its `age`; `few`: too few to be more than a guide. */
export type ByCycleTimes = { kind: 'cycle-times'; since: CalendarDate; finished: number; age: number; few: boolean };

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
