import { percentile } from '../../domain/flow-metrics';
import { cycleTimesInWindow } from '../../domain/sle';
import { lastFinishedSprint, type Sprint, type SprintProblem, sprintInstants, sprintLength } from '../../domain/sprint';
import { teamCycleTimes } from '../../domain/team-flow';
import { bold, code, context, escape, header, section } from '../../render/blocks';
import { refuse } from '../../render/problems';
import { ephemeral } from '../../render/reply';
import { describeSle, describeTeamSle } from '../../render/sle';
import { count, formatDate } from '../../render/words';
import { defineCommand, invalid, isInvalid, type NexusContext } from '../command';
import { type FlowView, loadFlowView } from '../flow-view';
import { knownTeam, loadTeamFlow, type TeamFlow, takeTeam, type UnknownTeam } from '../team-flow';

const LINES = [50, 70, 85, 95];
const usage = '/flow sle [--sprint] [--team <team>]';

/**
 * The SLE in force, with the cycle times of its history window or (`--sprint`) of the last finished Sprint; `team`: a
 * team's SLE and its cycle times of squares instead.
 */
type Outcome =
  | { view: FlowView; times: number[]; sprint: Sprint | null; team: TeamFlow | null }
  | SprintProblem
  | UnknownTeam;

export const flowSle = defineCommand<{ sprint: boolean; team: string | null }, Outcome>({
  path: ['flow', 'sle'],
  usage,
  summary:
    'cycle-time percentiles 50/70/85/95 and the SLE in force; `--sprint`: of PBIs finished in the last Sprint; ' +
    "`--team`: a team's, of its squares",
  scope: 'nexus',
  nitOnly: false,
  parse(words) {
    const taken = takeTeam(words);
    if (isInvalid(taken)) return taken;
    const { team, rest } = taken;
    if (!rest.length) return { sprint: false, team };
    if (rest.length === 1 && rest[0].toLowerCase() === '--sprint') return { sprint: true, team };
    return invalid(
      `\`/flow sle\` takes only \`--sprint\` and \`--team <team>\` (got ${code(rest.join(' ').slice(0, 40))}).`,
    );
  },
  async execute({ sprint: asked, team }, ctx) {
    if (team !== null) return teamSle(ctx, team, asked);
    const view = await loadFlowView(ctx);
    const { nexus } = view;
    if (!asked) {
      const times = cycleTimesInWindow(view.finished, view.today, nexus.timeZone, nexus.sle.historyDays);
      return { view, times, sprint: null, team: null };
    }
    const sprint = lastFinishedSprint(nexus.forecast, view.today);
    if ('problem' in sprint) return sprint;
    const finished = await ctx.store.pbis.finishedSince(nexus.id, sprintInstants(sprint, nexus.timeZone).from);
    const times = cycleTimesInWindow(finished, sprint.last, nexus.timeZone, sprintLength(sprint));
    return { view, times, sprint, team: null };
  },
  render(outcome) {
    if ('problem' in outcome) return refuse(outcome, usage);
    const { view, times, sprint, team } = outcome;
    const { nexus } = view;
    const what = team ? `of ${escape(team.team)}'s squares done` : 'of PBIs finished';
    const lines = LINES.map((p) => {
      const days = percentile(times, p / 100);
      return `${p}% ${what} within ${days === undefined ? '–' : `${bold(count(days, 'day'))}`}`;
    });
    const when = sprint
      ? `in Sprint ${sprint.number} (${formatDate(sprint.first, view.today)} – ${formatDate(sprint.last, view.today)})`
      : `in the last ${nexus.sle.historyDays} days`;
    const sle = team ? describeTeamSle(team.team, team.sle) : describeSle(view.sle);
    const counted = team
      ? `${count(times.length, 'square')} done by ${escape(team.team)} ${when}. ` +
        'Cycle time of a square = done date − start date + 1'
      : `${count(times.length, 'PBI')} finished ${when}. Cycle time = finish date − start date + 1`;
    const title = `${nexus.name} · cycle time and SLE${team ? ` · ${team.team}` : ''}`;
    return ephemeral(sle, [
      header(`${title}${sprint ? ` · Sprint ${sprint.number}` : ''}`),
      section(sle),
      section(lines.join('\n')),
      context(`${counted}, in calendar days (${nexus.timeZone}).`),
    ]);
  },
});

/** A team's SLE with its cycle times of the history window or (`sprint`) of squares done in the last Sprint. */
async function teamSle(ctx: NexusContext, name: string, asked: boolean): Promise<Outcome> {
  const team = knownTeam(ctx, name);
  if (typeof team !== 'string') return team;
  const view = await loadFlowView(ctx);
  const sprint = asked ? lastFinishedSprint(ctx.nexus.forecast, view.today) : null;
  if (sprint && 'problem' in sprint) return sprint;
  const flow = await loadTeamFlow(ctx, team, sprint?.first);
  const window = sprint && { from: sprint.first, to: sprint.last };
  const times = window ? teamCycleTimes(flow.pbis, [team], window, ctx.nexus.timeZone).get(team)! : flow.times;
  return { view, times, sprint, team: flow };
}
