import type { CalendarDate } from '../../domain/calendar';
import {
  BACKTEST_DEFAULTS,
  type Backtest,
  type HitRate,
  isTooFewToTell,
  MIN_JUDGED_TO_TELL,
  replayHistory,
} from '../../domain/forecast/backtest';
import { DEFAULT_CONFIDENCES } from '../../domain/forecast/monte-carlo';
import { findTeam } from '../../domain/nexus';
import { seededRng } from '../../domain/random';
import { type Block, bold, code, context, escape, header, lineSections, section } from '../../render/blocks';
import { refuseForecast } from '../../render/forecast';
import { ephemeral } from '../../render/reply';
import { formatDate } from '../../render/words';
import { defineCommand, invalid, isInvalid, type NexusContext } from '../command';
import { parseFlags } from '../flags';
import { today as todayOf } from '../flow-view';
import { type Job, OUT_OF_TIME, processJobs } from '../long-jobs';
import type { UnknownTeam } from './answer';
import { forecastDays } from './basis';
import { type Histories, type Judged, judgeKept, loadHistories } from './kept';

/**
 * Trials per replayed forecast: hit rates need hundreds of forecasts, not the last digit of each (the live answers use
 * 10,000). A Nexus of 50 teams replays about 18,000 days of forecasts; at 1,000 trials that is seconds of work.
 */
const BACKTEST_TRIALS = 1_000;
const KEPT_LINES = 10;
/** Sections of replay lines: 50 teams and the Nexus fit in about four. */
const REPLAY_SECTIONS = 10;

const usage = '/forecast accuracy [--team <team>]';
type Input = { team: string | null };
type Replayed = { who: string; result: Backtest | 'no-history' | 'out-of-time' };
type Report = { series: Replayed[]; judged: Judged[]; today: CalendarDate; budgetMs: number };
type Outcome = Report | { problem: 'busy' } | UnknownTeam;

export const forecastAccuracy = defineCommand<Input, Outcome>({
  path: ['forecast', 'accuracy'],
  usage,
  summary:
    "how often past forecasts came true: a replay of the Nexus's own history, and the forecasts the bot answered",
  scope: 'nexus',
  nitOnly: false,
  parse(words) {
    const parsed = parseFlags(words, ['team']);
    if (isInvalid(parsed)) return parsed;
    if (parsed.positional.length) return invalid(`Unexpected ${code(parsed.positional[0].slice(0, 40))}.`);
    return { team: parsed.flags.team ?? null };
  },
  async execute({ team }, ctx) {
    const found = team === null ? null : findTeam(ctx.nexus, team);
    if (team !== null && !found) return { problem: 'unknown-team', team, teams: ctx.nexus.teams };
    const jobs = ctx.jobs ?? processJobs;
    const job = jobs.start();
    if (!job) return { problem: 'busy' };
    try {
      const today = todayOf(ctx);
      const histories = await loadHistories(ctx);
      const series = await replayAll(ctx, job, histories, found ? [found] : [null, ...ctx.nexus.teams], today);
      const judged = found || job.isOutOfTime() ? [] : await judgeKept(ctx, today, histories);
      return { series, judged, today, budgetMs: jobs.limits.budgetMs };
    } finally {
      job.end();
    }
  },
  render(outcome) {
    if ('problem' in outcome) return refuseForecast(outcome, usage);
    const { series, judged, today, budgetMs } = outcome;
    const blocks: Block[] = [
      header('How good are our forecasts?'),
      section(
        `${bold('Replay of our own history')} — on every past day, the answers the bot would have given that day (same window and ` +
          'working-days rules), compared with what happened. An honest 85% comes true about 85% of the time; ' +
          `fewer than ${MIN_JUDGED_TO_TELL} judged forecasts are too few to tell.`,
      ),
      ...lineSections(series.map(replayLine), REPLAY_SECTIONS),
    ];
    const stopped = series.filter((s) => s.result === 'out-of-time').length;
    if (stopped) {
      const replayed = series.filter((s) => typeof s.result === 'object').length;
      blocks.push(
        section(
          `⏱ The replay stopped at its budget of ${duration(budgetMs)} after ${replayed} replayed and ${stopped} not, so the ` +
            `answers for everyone else in this bot stay quick. Replay one team with ${code('/forecast accuracy --team <team>')}.`,
        ),
      );
    }
    if (judged.length) blocks.push(...keptSections(judged));
    else if (!stopped) blocks.push(section('_No forecast the bot answered has reached its date yet._'));
    blocks.push(
      context(
        `Replays use ${BACKTEST_TRIALS.toLocaleString('en')} trials per forecast; "(310 judged): 85%→83%" reads ` +
          `"of 310 forecasts at 85%, 83% came true". As of ${formatDate(today, today)}.`,
      ),
    );
    return ephemeral('Forecast accuracy', blocks);
  },
});

/** The series one after another, each sharing the thread; once the budget is spent the rest are marked, not replayed. */
async function replayAll(
  ctx: NexusContext,
  job: Job,
  histories: Histories,
  who: readonly (string | null)[],
  today: CalendarDate,
): Promise<Replayed[]> {
  // the live forecasts' window and working-days mode, from the same settings
  const settings = {
    ...BACKTEST_DEFAULTS,
    historyDays: ctx.nexus.sle.historyDays,
    days: forecastDays(ctx.nexus),
    confidences: DEFAULT_CONFIDENCES,
    trials: BACKTEST_TRIALS,
  };
  const replayed: Replayed[] = [];
  for (const team of who) {
    const name = team ?? 'Nexus';
    const history = histories.get(team);
    if (!history || history.daily.length <= settings.minHistoryDays) replayed.push({ who: name, result: 'no-history' });
    else {
      const rng = seededRng(`${ctx.nexus.id}|accuracy|${name}|${today}`);
      const result = await job.run(replayHistory(history.daily, history.firstStart, settings, rng));
      replayed.push({ who: name, result: result === OUT_OF_TIME ? 'out-of-time' : result });
    }
  }
  return replayed;
}

function replayLine({ who, result }: Replayed): string {
  const name = bold(escape(who));
  if (result === 'out-of-time') return `${name}  _not replayed: out of time_`;
  if (result === 'no-history' || !result.forecastDays) {
    return `${name}  _not enough history to replay (${BACKTEST_DEFAULTS.minHistoryDays} days needed)_`;
  }
  const ahead = rates(`by ${BACKTEST_DEFAULTS.horizonDays} days ahead`, result.howMany);
  const next = rates(`next ${BACKTEST_DEFAULTS.nextItems} done`, result.when);
  return `${name}  ${ahead} · ${next}  _(${result.forecastDays} days replayed)_`;
}

/**
 * "by 14 days ahead (310 judged): 50%→52% 70%→71% …" for the Nexus and every team alike. A "when" forecast is judged
 * at each confidence once its date passes or the items are done, so the counts can differ by confidence: then the
 * label gives their range ("(50–54 judged)"), not a second layout. Below the threshold a rate is "too few"; when every
 * one is, "too few to tell (N judged)".
 */
function rates(label: string, hitRates: readonly HitRate[]): string {
  const counts = hitRates.map((r) => r.judged);
  const [fewest, most] = [Math.min(...counts), Math.max(...counts)];
  const judged = fewest === most ? `${most} judged` : `${fewest}–${most} judged`;
  if (hitRates.every(isTooFewToTell)) return `${label}: too few to tell (${judged})`;
  const rate = (r: HitRate) =>
    `${r.confidence}%→${isTooFewToTell(r) ? 'too few' : `${Math.round((r.hits / r.judged) * 100)}%`}`;
  return `${label} (${judged}): ${hitRates.map(rate).join(' ')}`;
}

function keptSections(judged: readonly Judged[]): Block[] {
  const summary = DEFAULT_CONFIDENCES.map((c) => {
    const at = judged.filter((j) => j.hits.has(c));
    const right = at.filter((j) => j.hits.get(c)).length;
    return `${c}%: ${right} of ${at.length}${at.length && at.length < MIN_JUDGED_TO_TELL ? ' (too few to tell)' : ''}`;
  });
  return [
    section(`${bold('Forecasts the bot answered')} (right / judged) ${summary.join(' · ')}`),
    ...lineSections(
      judged.slice(0, KEPT_LINES).map((j) => j.line),
      2,
    ),
  ];
}

const duration = (ms: number): string => (ms < 1_000 ? `${ms} ms` : `${Math.round(ms / 1_000)} s`);
