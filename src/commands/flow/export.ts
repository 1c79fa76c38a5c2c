import { csvExport } from '../../domain/csv-export';
import type { Pbi } from '../../domain/pbi';
import { lastFinishedSprint, type Sprint, type SprintProblem, sprintInstants } from '../../domain/sprint';
import { code } from '../../render/blocks';
import { type CsvExportOutcome, renderCsvExport } from '../../render/export-csv';
import { refuse } from '../../render/problems';
import { defineCommand, invalid } from '../command';
import { today } from '../flow-view';

const usage = '/flow export csv [--sprint]';

/**
 * `/flow export csv`: every PBI of the Nexus in ActionableAgile's layout, the file an import reads back. Reads each
 * PBI's stage entries and blocks in one query of the history. `--sprint`: only the PBIs in flow during the last
 * finished Sprint.
 */
export const flowExport = defineCommand<{ format: 'csv'; sprint: boolean }, CsvExportOutcome | SprintProblem>({
  path: ['flow', 'export'],
  usage,
  summary:
    "every PBI as a CSV file in ActionableAgile's layout (a date per stage, teams, squares), which /nexus import csv reads back; `--sprint`: the PBIs in flow in the last Sprint",
  scope: 'nexus',
  nitOnly: false,
  parse(words) {
    const sprint = words.some((w) => w.toLowerCase() === '--sprint');
    const rest = words.filter((w) => w.toLowerCase() !== '--sprint');
    if (rest.length !== 1 || rest[0].toLowerCase() !== 'csv')
      return invalid(`Say the format: ${code('csv')}. Add \`--sprint\` for the last Sprint's PBIs alone.`);
    return { format: 'csv', sprint };
  },
  async execute({ sprint: asked }, ctx) {
    const day = today(ctx);
    const sprint = asked ? lastFinishedSprint(ctx.nexus.forecast, day) : null;
    if (sprint && 'problem' in sprint) return sprint;
    const all = await ctx.store.history.forExport(ctx.nexus.id);
    const pbis = sprint ? all.filter(({ pbi }) => inFlowDuring(pbi, sprint, ctx.nexus.timeZone)) : all;
    return { nexus: ctx.nexus, today: day, csv: csvExport(ctx.nexus, pbis, ctx.now()), sprint };
  },
  render: (outcome) => ('problem' in outcome ? refuse(outcome, usage) : renderCsvExport(outcome)),
});

/**
 * In flow at some moment of the Sprint: started before it ended, and neither finished nor discarded before it
 * began. Its whole history is written, as in the full export: the rows are the Sprint's, the dates are the PBIs'.
 */
function inFlowDuring(pbi: Pbi, sprint: Sprint, zone: string): boolean {
  const { from, until } = sprintInstants(sprint, zone);
  const endedBefore = (at: Pbi['finishedAt']) => at !== null && at < from;
  return (
    pbi.startedAt !== null && pbi.startedAt < until && !endedBefore(pbi.finishedAt) && !endedBefore(pbi.discardedAt)
  );
}
