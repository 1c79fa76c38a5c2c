import { DateTime } from 'luxon';
import { addDays } from '../../domain/calendar';
import { nexusThroughput, perWeek, teamThroughput, windowEnding, type DailyCount } from '../../domain/flow-metrics';
import { findTeam } from '../../domain/nexus';
import { bold, code, context, header, section } from '../blocks';
import { defineCommand, invalid } from '../command';
import { loadFlowView, type FlowView } from '../flow-view';
import { explain } from '../problems';
import { ephemeral, refusal } from '../reply';

const DAYS = 30;
const usage = '/flow throughput [team]';
type Outcome = { view: FlowView; team: string | null } | { problem: 'unknown-team'; team: string; teams: string[] };

export const flowThroughput = defineCommand<{ team: string | null }, Outcome>({
  path: ['flow', 'throughput'],
  usage,
  summary: 'throughput of the last 30 days, per day and per week (a team: its squares done)',
  scope: 'nexus',
  nitOnly: false,
  parse(words) {
    if (words.length > 1) return invalid('Name at most one team.');
    return { team: words[0] ?? null };
  },
  async execute({ team }, ctx) {
    if (team === null) return { view: await loadFlowView(ctx), team: null };
    const found = findTeam(ctx.nexus, team);
    if (!found) return { problem: 'unknown-team', team, teams: ctx.nexus.teams };
    return { view: await loadFlowView(ctx), team: found };
  },
  render(outcome) {
    if ('problem' in outcome) return refusal(explain(outcome), usage);
    const { view, team } = outcome;
    const zone = view.nexus.timeZone;
    // the 30 days that ended yesterday: today is not over yet
    const { from, to } = windowEnding(addDays(view.today, -1), DAYS);
    const daily = team ? teamThroughput(view.pbis, team, from, to, zone) : nexusThroughput(view.pbis, from, to, zone);
    const total = daily.reduce((n, d) => n + d.count, 0);
    const what = team ? `${team}'s squares done` : 'PBIs finished';
    const weeks = perWeek(daily).map((w) => {
      const days = daily.filter((d) => d.date >= w.weekOf && d.date < addDays(w.weekOf, 7));
      return `${code(`week of ${format(w.weekOf)}`)}  ${days.map(dayCell).join(' ')}  = ${bold(String(w.count))}${w.days < 7 ? ` (${w.days} days)` : ''}`;
    });
    const title = `${view.nexus.name} · throughput${team ? ` · ${team}` : ''}`;
    return ephemeral(`${title}: ${total} in ${DAYS} days`, [
      header(title),
      section(`${bold(String(total))} ${what} in the last ${DAYS} days (${format(from)} – ${format(to)}): ${(total / DAYS).toFixed(2)} a day, ${((total / DAYS) * 7).toFixed(1)} a week.`),
      section(weeks.join('\n')),
      context('Each number is one calendar day, Monday first. Today is left out until it is over.'),
    ]);
  },
});

const format = (date: string): string => DateTime.fromISO(date).toFormat('ccc d LLL');
const dayCell = (d: DailyCount): string => String(d.count);
