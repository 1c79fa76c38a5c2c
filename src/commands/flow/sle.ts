import { percentile } from '../../domain/flow-metrics';
import { cycleTimesInWindow } from '../../domain/sle';
import { lastFinishedSprint, type Sprint, type SprintProblem, sprintInstants, sprintLength } from '../../domain/sprint';
import { bold, code, context, header, section } from '../../render/blocks';
import { refuse } from '../../render/problems';
import { ephemeral } from '../../render/reply';
import { describeSle } from '../../render/sle';
import { count, formatDate } from '../../render/words';
import { defineCommand, invalid } from '../command';
import { type FlowView, loadFlowView } from '../flow-view';

const LINES = [50, 70, 85, 95];
const usage = '/flow sle [--sprint]';

/** The SLE in force, with the cycle times of its history window or (`--sprint`) of the last finished Sprint. */
type Outcome = { view: FlowView; times: number[]; sprint: Sprint | null } | SprintProblem;

export const flowSle = defineCommand<{ sprint: boolean }, Outcome>({
  path: ['flow', 'sle'],
  usage,
  summary: 'cycle-time percentiles 50/70/85/95 and the SLE in force; `--sprint`: of PBIs finished in the last Sprint',
  scope: 'nexus',
  nitOnly: false,
  parse(words) {
    if (!words.length) return { sprint: false };
    if (words.length === 1 && words[0].toLowerCase() === '--sprint') return { sprint: true };
    return invalid(`\`/flow sle\` takes only \`--sprint\` (got ${code(words.join(' ').slice(0, 40))}).`);
  },
  async execute({ sprint: asked }, ctx) {
    const view = await loadFlowView(ctx);
    const { nexus } = view;
    if (!asked) {
      const times = cycleTimesInWindow(view.finished, view.today, nexus.timeZone, nexus.sle.historyDays);
      return { view, times, sprint: null };
    }
    const sprint = lastFinishedSprint(nexus.forecast, view.today);
    if ('problem' in sprint) return sprint;
    const finished = await ctx.store.pbis.finishedSince(nexus.id, sprintInstants(sprint, nexus.timeZone).from);
    return { view, times: cycleTimesInWindow(finished, sprint.last, nexus.timeZone, sprintLength(sprint)), sprint };
  },
  render(outcome) {
    if ('problem' in outcome) return refuse(outcome, usage);
    const { view, times, sprint } = outcome;
    const { nexus } = view;
    const lines = LINES.map((p) => {
      const days = percentile(times, p / 100);
      return `${p}% of PBIs finished within ${days === undefined ? '–' : `${bold(count(days, 'day'))}`}`;
    });
    const when = sprint
      ? `in Sprint ${sprint.number} (${formatDate(sprint.first, view.today)} – ${formatDate(sprint.last, view.today)})`
      : `in the last ${nexus.sle.historyDays} days`;
    return ephemeral(describeSle(view.sle), [
      header(`${nexus.name} · cycle time and SLE${sprint ? ` · Sprint ${sprint.number}` : ''}`),
      section(`${describeSle(view.sle)}`),
      section(lines.join('\n')),
      context(
        `${count(times.length, 'PBI')} finished ${when}. Cycle time = finish date − start date + 1, in calendar days (${nexus.timeZone}).`,
      ),
    ]);
  },
});
