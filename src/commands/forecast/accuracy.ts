import { addDays, localDate, type CalendarDate } from '../../domain/calendar';
import { nexusThroughput, teamThroughput } from '../../domain/flow-metrics';
import { backtest, BACKTEST_DEFAULTS, type Backtest } from '../../domain/forecast/backtest';
import { DEFAULT_CONFIDENCES } from '../../domain/forecast/monte-carlo';
import { isCounted } from '../../domain/forecast/sampling';
import { seededRng } from '../../domain/random';
import type { KeptForecast } from '../../store/forecast-repository';
import { bold, context, header, section, type Block } from '../blocks';
import { defineCommand, type NexusContext } from '../command';
import { today as todayOf } from '../flow-view';
import { noInput } from '../flow/no-input';
import { ephemeral } from '../reply';
import { forecastDays, formatDate } from './basis';

/** Trials per replayed forecast: hit rates need hundreds of forecasts, not the last digit of each. */
const BACKTEST_TRIALS = 2_000;
const KEPT_LINES = 10;

type Series = { who: string; result: Backtest | null };
type Judged = { forecast: KeptForecast; line: string; hits: Map<number, boolean> };
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
    const histories = new Map<string | null, { date: CalendarDate; count: number }[]>();
    for (const team of [null, ...ctx.nexus.teams]) histories.set(team, await completions(ctx, team));
    const series: Series[] = [...histories].map(([team, daily]) => ({ who: team ?? 'Nexus', result: replay(ctx, daily, today) }));
    const kept = await ctx.store.forecasts.askedBefore(ctx.nexus.id, ctx.now());
    const judged: Judged[] = [];
    for (const forecast of kept) {
      const team = 'team' in forecast.question ? forecast.question.team : null;
      const result = judge(forecast, histories.get(team) ?? [], await pbiFinish(ctx, forecast), today, ctx);
      if (result) judged.push(result);
    }
    return { series, judged, today };
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

/** Items done per counted day from the first start to yesterday: PBIs finished (Nexus) or squares done (team). */
async function completions(ctx: NexusContext, team: string | null): Promise<{ date: CalendarDate; count: number }[]> {
  const { nexus, store } = ctx;
  const firstStarts = await store.pbis.firstStarts(nexus.id);
  const start = team === null ? firstStarts.nexus : firstStarts.teams.get(team);
  const yesterday = addDays(todayOf(ctx), -1);
  if (!start) return [];
  const from = localDate(start, nexus.timeZone);
  if (from > yesterday) return [];
  const days = forecastDays(nexus);
  const daily = team === null
    ? nexusThroughput(await store.pbis.finishedSince(nexus.id, start), from, yesterday, nexus.timeZone)
    : teamThroughput(await store.pbis.listForFlow(nexus.id, start), team, from, yesterday, nexus.timeZone);
  return daily.filter((d) => isCounted(d.date, days));
}

function replay(ctx: NexusContext, daily: { count: number }[], today: CalendarDate): Backtest | null {
  if (daily.length <= BACKTEST_DEFAULTS.minHistoryDays) return null;
  const settings = { ...BACKTEST_DEFAULTS, historyDays: ctx.nexus.sle.historyDays, confidences: DEFAULT_CONFIDENCES, trials: BACKTEST_TRIALS };
  return backtest(daily.map((d) => d.count), settings, seededRng(`${ctx.nexus.id}|accuracy|${today}`));
}

async function pbiFinish(ctx: NexusContext, forecast: KeptForecast): Promise<CalendarDate | null> {
  if (forecast.question.kind !== 'pbi') return null;
  const pbi = await ctx.store.pbis.get(ctx.nexus.id, forecast.question.key);
  return pbi?.finishedAt ? localDate(pbi.finishedAt, ctx.nexus.timeZone) : null;
}

/** How a kept forecast turned out, once that is known: "forecast of 2 Dec: 85% by Thu 14 Jan — done 9 Jan ✓". */
function judge(forecast: KeptForecast, daily: { date: CalendarDate; count: number }[], pbiDone: CalendarDate | null, today: CalendarDate, ctx: NexusContext): Judged | null {
  const asked = localDate(forecast.askedAt, ctx.nexus.timeZone);
  const q = forecast.question;
  const hits = new Map<number, boolean>();
  const mark = (ok: boolean) => (ok ? '✓' : '✗');
  if (q.kind === 'by') {
    if (q.date >= today) return null;
    const happened = daily.filter((d) => d.date > asked && d.date <= q.date).reduce((n, d) => n + d.count, 0);
    const parts = forecast.answer.map(({ confidence, items }) => (hits.set(confidence, happened >= items!), `${confidence}% ≥ ${items} ${mark(happened >= items!)}`));
    return { forecast, hits, line: `• forecast of ${formatDate(asked)}: by ${formatDate(q.date)}${q.team ? ` (${q.team})` : ''} — ${parts.join(', ')}; done ${happened}` };
  }
  const done = q.kind === 'pbi' ? pbiDone : nthDoneDate(daily, asked, q.items);
  const parts: string[] = [];
  for (const { confidence, date } of forecast.answer) {
    if (done !== null) hits.set(confidence, date !== undefined && done <= date);
    else if (date !== undefined && date < today) hits.set(confidence, false);
    if (hits.has(confidence)) parts.push(`${confidence}% by ${date ? formatDate(date) : 'never'} ${mark(hits.get(confidence)!)}`);
  }
  if (!hits.size) return null;
  const what = q.kind === 'pbi' ? q.key : `${q.items} ${q.team ? `of ${q.team}'s squares` : 'PBIs'}`;
  return { forecast, hits, line: `• forecast of ${formatDate(asked)}: ${what} — ${parts.join(', ')} — ${done ? `done ${formatDate(done)}` : 'not done yet'}` };
}

function nthDoneDate(daily: { date: CalendarDate; count: number }[], asked: CalendarDate, items: number): CalendarDate | null {
  let total = 0;
  for (const d of daily) if (d.date > asked && (total += d.count) >= items) return d.date;
  return null;
}

