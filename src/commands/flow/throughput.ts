import { addDays, type CalendarDate } from '../../domain/calendar';
import { type DailyCount, nexusThroughput, perWeek, teamThroughput, windowEnding } from '../../domain/flow-metrics';
import { findTeam } from '../../domain/nexus';
import { bold, code, context, escape, header, section } from '../../render/blocks';
import { refuse } from '../../render/problems';
import { ephemeral } from '../../render/reply';
import { count, formatDate } from '../../render/words';
import { defineCommand, type NexusContext } from '../command';
import { startOfDay, today } from '../flow-view';

const DAYS = 30;
const usage = '/flow throughput [team]';
type Outcome =
  | { daily: DailyCount[]; team: string | null; today: CalendarDate }
  | { problem: 'unknown-team'; team: string; teams: string[] };

export const flowThroughput = defineCommand<{ team: string | null }, Outcome>({
  path: ['flow', 'throughput'],
  usage,
  summary: 'throughput of the last 30 days, per day and per week (a team: its squares done)',
  scope: 'nexus',
  nitOnly: false,
  parse(words) {
    // a team's name may have spaces, quoted or not
    return { team: words.length ? words.join(' ') : null };
  },
  async execute({ team }, ctx) {
    const found = team === null ? null : findTeam(ctx.nexus, team);
    if (team !== null && !found) return { problem: 'unknown-team', team, teams: ctx.nexus.teams };
    return { daily: await countDaily(ctx, found ?? null), team: found ?? null, today: today(ctx) };
  },
  render(outcome, { nexus }) {
    if ('problem' in outcome) return refuse(outcome, usage);
    const { daily, team } = outcome;
    const format = (date: CalendarDate) => formatDate(date, outcome.today);
    const total = daily.reduce((n, d) => n + d.count, 0);
    // "13 squares done by Alpha", "1 PBI finished": never "13 Alpha's squares" or "1 PBIs"
    const what = team
      ? `${bold(count(total, 'square'))} done by ${escape(team)}`
      : `${bold(count(total, 'PBI'))} finished`;
    const weeks = perWeek(daily).map((w) => {
      const days = daily.filter((d) => d.date >= w.weekOf && d.date < addDays(w.weekOf, 7));
      return `${code(`week of ${format(w.weekOf)}`)}  ${days.map((d) => d.count).join(' ')}  = ${bold(String(w.count))}${w.days < 7 ? ` (${count(w.days, 'day')})` : ''}`;
    });
    const title = `${nexus.name} · throughput${team ? ` · ${team}` : ''}`;
    return ephemeral(`${escape(title)}: ${total} in ${DAYS} days`, [
      header(title),
      section(
        `${what} in the last ${DAYS} days (${format(daily[0].date)} – ${format(daily[daily.length - 1].date)}): ${(total / DAYS).toFixed(2)} a day, ${((total / DAYS) * 7).toFixed(1)} a week.`,
      ),
      section(weeks.join('\n')),
      context('Each number is one calendar day, Monday first. Today is left out until it is over.'),
    ]);
  },
});

/** The 30 days that ended yesterday: today is not over yet. */
async function countDaily(ctx: NexusContext, team: string | null): Promise<DailyCount[]> {
  const { nexus, store } = ctx;
  const { from, to } = windowEnding(addDays(today(ctx), -1), DAYS);
  const since = startOfDay(nexus, from);
  if (team === null) return nexusThroughput(await store.pbis.finishedSince(nexus.id, since), from, to, nexus.timeZone);
  return teamThroughput(await store.pbis.listForFlow(nexus.id, since), team, from, to, nexus.timeZone);
}
