import { csvExport } from '../../domain/csv-export';
import { code } from '../../render/blocks';
import { type CsvExportOutcome, renderCsvExport } from '../../render/export-csv';
import { defineCommand, invalid } from '../command';
import { today } from '../flow-view';

/**
 * `/flow export csv`: every PBI of the Nexus in ActionableAgile's layout, the file an import reads back. Reads each
 * PBI's stage entries and blocks in one query of the history.
 */
export const flowExport = defineCommand<{ format: 'csv' }, CsvExportOutcome>({
  path: ['flow', 'export'],
  usage: '/flow export csv',
  summary:
    "every PBI as a CSV file in ActionableAgile's layout (a date per stage, teams, squares), which /nexus import csv reads back",
  scope: 'nexus',
  nitOnly: false,
  parse(words) {
    if (words.length !== 1 || words[0].toLowerCase() !== 'csv') return invalid(`Say the format: ${code('csv')}.`);
    return { format: 'csv' };
  },
  async execute(_input, ctx) {
    const pbis = await ctx.store.history.forExport(ctx.nexus.id);
    return { nexus: ctx.nexus, today: today(ctx), csv: csvExport(ctx.nexus, pbis, ctx.now()) };
  },
  render: renderCsvExport,
});
