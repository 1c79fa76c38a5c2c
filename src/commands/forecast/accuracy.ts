import type { CalendarDate } from '../../domain/calendar';
import { backtest, BACKTEST_DEFAULTS, type Backtest } from '../../domain/forecast/backtest';
import { DEFAULT_CONFIDENCES } from '../../domain/forecast/monte-carlo';
import { seededRng } from '../../domain/random';
import { bold, context, header, section, type Block } from '../blocks';
import { defineCommand, type NexusContext } from '../command';
import { today as todayOf } from '../flow-view';
import { noInput } from '../flow/no-input';
import { ephemeral } from '../reply';
import { formatDate } from './basis';
import { completions, judgeKept, type Daily, type Judged } from './kept';

/** Trials per replayed forecast: hit rates need hundreds of forecasts, not the last digit of each. */
const BACKTEST_TRIALS = 2_000;
const KEPT_LINES = 10;

type Series = { who: string; result: Backtest | null };
type Outcome = { series: Series[]; judged: Judged[]; today: CalendarDate };

export const forecastAccuracy = defineCommand<Record<string, never>, Outcome>({
  path: ['forecast', 'accuracy'],
  usage: '/forecast accuracy',
  summary: 'how often past forecasts came true: a replay of the Nexus\'s own history, and the forecasts the bot answered',
  scope: 'nexus',
  nitOnly: false,
  parse: noInput,
  async execute(_input, ctx) {
    const today = todayOf(ctx);
    // each history is loaded once: the replay and every kept forecast of that team or the Nexus judge from it
    const histories = new Map<string | null, Daily>();
    for (const team of [null, ...ctx.nexus.teams]) histories.set(team, await completions(ctx, team));
    const series: Series[] = [...histories].map(([team, daily]) => ({ who: team ?? 'Nexus', result: replay(ctx, daily, today) }));
    return { series, judged: await judgeKept(ctx, today, histories), today };
  },
  render({ series, judged, today }) {
    const blocks: Block[] = [header('How good are our forecasts?')];
    const rate = (r: Backtest['howMany'][number]) => (r.judged ? `${r.confidence}%→${Math.round((r.hits / r.judged) * 100)}%` : `${r.confidence}%→–`);
    const lines = series.map(({ who, result }) =>
      result && result.forecastDays
        ? `${bold(who)}  next ${BACKTEST_DEFAULTS.horizonDays} days: ${result.howMany.map(rate).join(' ')} · next ${BACKTEST_DEFAULTS.nextItems} done: ${result.when.map(rate).join(' ')}  _(${result.forecastDays} days replayed)_`
        : `${bold(who)}  _not enough history to replay (${BACKTEST_DEFAULTS.minHistoryDays} days needed)_`);
    blocks.push(section(`${bold('Replay of our own history')} — at every past day, forecast from the days before it, then compare with what happened. An honest 85% comes true about 85% of the time.\n${lines.join('\n')}`));
    if (judged.length) {
      const summary = DEFAULT_CONFIDENCES.map((c) => {
        const at = judged.filter((j) => j.hits.has(c));
        return `${c}%: ${at.filter((j) => j.hits.get(c)).length} of ${at.length}`;
      });
      blocks.push(section(`${bold('Forecasts the bot answered')} (right / judged) ${summary.join(' · ')}\n${judged.slice(0, KEPT_LINES).map((j) => j.line).join('\n')}`));
    } else {
      blocks.push(section('_No forecast the bot answered has reached its date yet._'));
    }
    blocks.push(context(`Replays use ${BACKTEST_TRIALS.toLocaleString('en')} trials per forecast; "→" reads "forecast at 85% came true 83% of the time". As of ${formatDate(today)}.`));
    return ephemeral('Forecast accuracy', blocks);
  },
});

function replay(ctx: NexusContext, daily: Daily, today: CalendarDate): Backtest | null {
  if (daily.length <= BACKTEST_DEFAULTS.minHistoryDays) return null;
  const settings = { ...BACKTEST_DEFAULTS, historyDays: ctx.nexus.sle.historyDays, confidences: DEFAULT_CONFIDENCES, trials: BACKTEST_TRIALS };
  return backtest(daily.map((d) => d.count), settings, seededRng(`${ctx.nexus.id}|accuracy|${today}`));
}
