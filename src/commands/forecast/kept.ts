import type { DateTime } from 'luxon';
import { addDays, type CalendarDate, localDate } from '../../domain/calendar';
import { type DailyCount, dailyCounts } from '../../domain/flow-metrics';
import { countCameTrue } from '../../domain/forecast/came-true';
import { escape } from '../../render/blocks';
import { count, formatDate } from '../../render/words';
import type { KeptForecast } from '../../store/forecast-repository';
import type { NexusContext } from '../command';
import { today as todayOf } from '../flow-view';

export type Daily = readonly DailyCount[];
/** A kept forecast's verdict at each confidence, one line to show, and the day that settled it. */
export type Judged = { forecast: KeptForecast; line: string; hits: Map<number, boolean>; decidedOn: CalendarDate };

/** Every kept forecast whose outcome is known, judged against what happened (the histories read once, when needed). */
export async function judgeKept(ctx: NexusContext, today: CalendarDate, known?: Histories): Promise<Judged[]> {
  const judged: Judged[] = [];
  let histories = known;
  for (const forecast of await ctx.store.forecasts.askedBefore(ctx.nexus.id, ctx.now())) {
    const team = 'team' in forecast.question ? forecast.question.team : null;
    histories ??= await loadHistories(ctx);
    const result = judge(forecast, histories.get(team)?.daily ?? [], await pbiFinish(ctx, forecast), today, ctx);
    if (result) judged.push(result);
  }
  return judged;
}

/** One series' history: items done per calendar day (zero days kept) from its first start to yesterday. */
export type History = { firstStart: CalendarDate; daily: Daily };
/** The Nexus's history (key null: PBIs finished) and each team's (squares done); none for one that never started. */
export type Histories = ReadonlyMap<string | null, History>;

/** Every series' history from one compact read of the Nexus's completions, not one read of whole PBIs per team. */
export async function loadHistories(ctx: NexusContext): Promise<Histories> {
  const { nexus, store } = ctx;
  const [firstStarts, done] = await Promise.all([store.pbis.firstStarts(nexus.id), store.pbis.completions(nexus.id)]);
  const yesterday = addDays(todayOf(ctx), -1);
  const histories = new Map<string | null, History>();
  const add = (team: string | null, start: DateTime | null | undefined, instants: readonly DateTime[] = []) => {
    const firstStart = start && localDate(start, nexus.timeZone);
    if (!firstStart || firstStart > yesterday) return;
    const dates = instants.map((at) => localDate(at, nexus.timeZone));
    histories.set(team, { firstStart, daily: dailyCounts(dates, firstStart, yesterday) });
  };
  add(null, firstStarts.nexus, done.nexus);
  for (const team of nexus.teams) add(team, firstStarts.teams.get(team), done.teams.get(team));
  return histories;
}

async function pbiFinish(ctx: NexusContext, forecast: KeptForecast): Promise<CalendarDate | null> {
  if (forecast.question.kind !== 'pbi') return null;
  const pbi = await ctx.store.pbis.get(ctx.nexus.id, forecast.question.key);
  return pbi?.finishedAt ? localDate(pbi.finishedAt, ctx.nexus.timeZone) : null;
}

/** How a kept forecast turned out, once that is known: "forecast of 2 Dec: 85% by Thu 14 Jan — done 9 Jan ✓". */
function judge(
  forecast: KeptForecast,
  daily: Daily,
  pbiDone: CalendarDate | null,
  today: CalendarDate,
  ctx: NexusContext,
): Judged | null {
  const asked = localDate(forecast.askedAt, ctx.nexus.timeZone);
  const q = forecast.question;
  const hits = new Map<number, boolean>();
  const mark = (ok: boolean) => (ok ? '✓' : '✗');
  if (q.kind === 'by' || q.kind === 'sprint') {
    // "how many" answers: by a date, counted from the day after asking; for a Sprint, over the Sprint's days
    const [from, to] = q.kind === 'by' ? [addDays(asked, 1), q.date] : [q.first, q.last];
    if (to >= today) return null;
    const happened = doneBetween(daily, from, to);
    const answer = forecast.answer.map(({ confidence, items }) => ({ confidence, items: items! }));
    const cameTrue = countCameTrue(answer, happened);
    const parts = answer.map(({ confidence, items }) => `${confidence}% ≥ ${items} ${mark(cameTrue.get(confidence)!)}`);
    const what =
      q.kind === 'by'
        ? `by ${formatDate(q.date, today)}${q.team ? ` (${escape(q.team)})` : ''}`
        : `${q.number === null ? 'the Sprint' : `Sprint ${q.number}`} ${formatDate(q.first, today)} – ${formatDate(q.last, today)}`;
    return {
      forecast,
      hits: cameTrue,
      decidedOn: to,
      line: `• forecast of ${formatDate(asked, today)}: ${what} — ${parts.join(', ')}; done ${happened}`,
    };
  }
  const done = q.kind === 'pbi' ? pbiDone : nthDoneDate(daily, asked, q.items);
  const parts: string[] = [];
  for (const { confidence, date } of forecast.answer) {
    if (done !== null) hits.set(confidence, date !== undefined && done <= date);
    else if (date !== undefined && date < today) hits.set(confidence, false);
    if (hits.has(confidence))
      parts.push(`${confidence}% by ${date ? formatDate(date, today) : 'never'} ${mark(hits.get(confidence)!)}`);
  }
  if (!hits.size) return null;
  const missedBy = forecast.answer
    .map((a) => a.date)
    .filter((d): d is string => d !== undefined && d < today)
    .sort()
    .at(-1);
  const what =
    q.kind === 'pbi'
      ? escape(q.key)
      : q.team
        ? `${count(q.items, 'square')} by ${escape(q.team)}`
        : count(q.items, 'PBI');
  return {
    forecast,
    hits,
    decidedOn: done ?? missedBy!,
    line: `• forecast of ${formatDate(asked, today)}: ${what} — ${parts.join(', ')} — ${done ? `done ${formatDate(done, today)}` : 'not done yet'}`,
  };
}

/** Items done from `from` to `to`, both days included. */
const doneBetween = (daily: Daily, from: CalendarDate, to: CalendarDate): number =>
  daily.filter((d) => d.date >= from && d.date <= to).reduce((n, d) => n + d.count, 0);

function nthDoneDate(daily: Daily, asked: CalendarDate, items: number): CalendarDate | null {
  let total = 0;
  for (const d of daily) if (d.date > asked && (total += d.count) >= items) return d.date;
  return null;
}
