import { addDays, localDate, type CalendarDate } from '../../domain/calendar';
import { nexusThroughput, teamThroughput } from '../../domain/flow-metrics';
import { countedDays } from '../../domain/forecast/sampling';
import type { KeptForecast } from '../../store/forecast-repository';
import { escape } from '../blocks';
import type { NexusContext } from '../command';
import { today as todayOf } from '../flow-view';
import { forecastDays, formatDate } from './basis';

export type Daily = { date: CalendarDate; count: number }[];
/** A kept forecast's verdict at each confidence, one line to show, and the day that settled it. */
export type Judged = { forecast: KeptForecast; line: string; hits: Map<number, boolean>; decidedOn: CalendarDate };

/** Every kept forecast whose outcome is known, judged against what happened (histories loaded once per team). */
export async function judgeKept(ctx: NexusContext, today: CalendarDate, histories = new Map<string | null, Daily>()): Promise<Judged[]> {
  const judged: Judged[] = [];
  for (const forecast of await ctx.store.forecasts.askedBefore(ctx.nexus.id, ctx.now())) {
    const team = 'team' in forecast.question ? forecast.question.team : null;
    if (!histories.has(team)) histories.set(team, await completions(ctx, team));
    const result = judge(forecast, histories.get(team)!, await pbiFinish(ctx, forecast), today, ctx);
    if (result) judged.push(result);
  }
  return judged;
}

/** Items done per counted day from the first start to yesterday: PBIs finished (Nexus) or squares done (team). */
export async function completions(ctx: NexusContext, team: string | null): Promise<Daily> {
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
  return countedDays(daily, days);
}

async function pbiFinish(ctx: NexusContext, forecast: KeptForecast): Promise<CalendarDate | null> {
  if (forecast.question.kind !== 'pbi') return null;
  const pbi = await ctx.store.pbis.get(ctx.nexus.id, forecast.question.key);
  return pbi?.finishedAt ? localDate(pbi.finishedAt, ctx.nexus.timeZone) : null;
}

/** How a kept forecast turned out, once that is known: "forecast of 2 Dec: 85% by Thu 14 Jan — done 9 Jan ✓". */
function judge(forecast: KeptForecast, daily: Daily, pbiDone: CalendarDate | null, today: CalendarDate, ctx: NexusContext): Judged | null {
  const asked = localDate(forecast.askedAt, ctx.nexus.timeZone);
  const q = forecast.question;
  const hits = new Map<number, boolean>();
  const mark = (ok: boolean) => (ok ? '✓' : '✗');
  if (q.kind === 'by') {
    if (q.date >= today) return null;
    const happened = daily.filter((d) => d.date > asked && d.date <= q.date).reduce((n, d) => n + d.count, 0);
    const parts = forecast.answer.map(({ confidence, items }) => (hits.set(confidence, happened >= items!), `${confidence}% ≥ ${items} ${mark(happened >= items!)}`));
    return { forecast, hits, decidedOn: q.date, line: `• forecast of ${formatDate(asked)}: by ${formatDate(q.date)}${q.team ? ` (${escape(q.team)})` : ''} — ${parts.join(', ')}; done ${happened}` };
  }
  const done = q.kind === 'pbi' ? pbiDone : nthDoneDate(daily, asked, q.items);
  const parts: string[] = [];
  for (const { confidence, date } of forecast.answer) {
    if (done !== null) hits.set(confidence, date !== undefined && done <= date);
    else if (date !== undefined && date < today) hits.set(confidence, false);
    if (hits.has(confidence)) parts.push(`${confidence}% by ${date ? formatDate(date) : 'never'} ${mark(hits.get(confidence)!)}`);
  }
  if (!hits.size) return null;
  const missedBy = forecast.answer.map((a) => a.date).filter((d): d is string => d !== undefined && d < today).sort().at(-1);
  const what = q.kind === 'pbi' ? escape(q.key) : `${q.items} ${q.team ? `of ${escape(q.team)}'s squares` : 'PBIs'}`;
  return { forecast, hits, decidedOn: done ?? missedBy!, line: `• forecast of ${formatDate(asked)}: ${what} — ${parts.join(', ')} — ${done ? `done ${formatDate(done)}` : 'not done yet'}` };
}

function nthDoneDate(daily: Daily, asked: CalendarDate, items: number): CalendarDate | null {
  let total = 0;
  for (const d of daily) if (d.date > asked && (total += d.count) >= items) return d.date;
  return null;
}

