import { addDays, type CalendarDate } from '../../domain/calendar';
import { type DailyCount, nexusThroughput, perWeek, teamThroughput, windowEnding } from '../../domain/flow-metrics';
import { findTeam } from '../../domain/nexus';
import { lastFinishedSprint, type Sprint, type SprintProblem } from '../../domain/sprint';
import { bold, code, context, escape, header, section } from '../../render/blocks';
import { refuse } from '../../render/problems';
import { ephemeral } from '../../render/reply';
import { count, formatDate } from '../../render/words';
import { defineCommand, type NexusContext } from '../command';
import { startOfDay, today } from '../flow-view';

const DAYS = 30;
const usage = '/flow throughput [team] [--sprint]';
/** `sprint`: the days counted are the last finished Sprint's (`--sprint`), else the DAYS that ended yesterday. */
type Outcome =
  | { daily: DailyCount[]; team: string | null; today: CalendarDate; sprint: Sprint | null }
  | { problem: 'unknown-team'; team: string; teams: string[] }
  | SprintProblem;

export const flowThroughput = defineCommand<{ team: string | null; sprint: boolean }, Outcome>({
  path: ['flow', 'throughput'],
  usage,
  summary: `throughput of the last ${DAYS} days, per day and per week (a team: its squares done); \`--sprint\`: of the last Sprint`,
  scope: 'nexus',
  nitOnly: false,
  parse(words) {
    const sprint = words.some((w) => w.toLowerCase() === '--sprint');
    const rest = words.filter((w) => w.toLowerCase() !== '--sprint');
    // a team's name may have spaces, quoted or not
    return { team: rest.length ? rest.join(' ') : null, sprint };
  },
  async execute({ team, sprint: asked }, ctx) {
    const found = team === null ? null : findTeam(ctx.nexus, team);
    if (team !== null && !found) return { problem: 'unknown-team', team, teams: ctx.nexus.teams };
    const day = today(ctx);
    const sprint = asked ? lastFinishedSprint(ctx.nexus.forecast, day) : null;
    if (sprint && 'problem' in sprint) return sprint;
    const window = sprint ? { from: sprint.first, to: sprint.last } : windowEnding(addDays(day, -1), DAYS);
    return { daily: await countDaily(ctx, found ?? null, window), team: found ?? null, today: day, sprint };
  },
  render(outcome, { nexus }) {
    if ('problem' in outcome) return refuse(outcome, usage);
    const { daily, team, sprint } = outcome;
    const days = daily.length;
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
    const dates = `${format(daily[0].date)} – ${format(daily[days - 1].date)}`;
    const when = sprint ? `in Sprint ${sprint.number} (${dates})` : `in the last ${DAYS} days (${dates})`;
    return ephemeral(`${escape(title)}: ${total} in ${sprint ? `Sprint ${sprint.number}` : `${DAYS} days`}`, [
      header(title),
      section(`${what} ${when}: ${(total / days).toFixed(2)} a day, ${((total / days) * 7).toFixed(1)} a week.`),
      section(weeks.join('\n')),
      context('Each number is one calendar day, Monday first. Today is left out until it is over.'),
    ]);
  },
});

/** Each day's count in the window (the 30 days that ended yesterday, as today is not over yet, or a Sprint's). */
async function countDaily(
  ctx: NexusContext,
  team: string | null,
  { from, to }: { from: CalendarDate; to: CalendarDate },
): Promise<DailyCount[]> {
  const { nexus, store } = ctx;
  const since = startOfDay(nexus, from);
  if (team === null) return nexusThroughput(await store.pbis.finishedSince(nexus.id, since), from, to, nexus.timeZone);
  return teamThroughput(await store.pbis.listForFlow(nexus.id, since), team, from, to, nexus.timeZone);
}
