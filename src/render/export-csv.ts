import { stringify } from 'csv-stringify/sync';
import type { CalendarDate } from '../domain/calendar';
import type { CsvExport } from '../domain/csv-export';
import type { Nexus } from '../domain/nexus';
import type { Sprint } from '../domain/sprint';
import { code, escape } from './blocks';
import { ephemeral, type Reply } from './reply';
import { count, formatDate } from './words';

/** `sprint`: only the PBIs in flow during that Sprint (`--sprint`); null: every PBI. */
export type CsvExportOutcome = { nexus: Nexus; today: CalendarDate; csv: CsvExport; sprint: Sprint | null };

/**
 * The export as a CSV file (csv-stringify quotes a field only when it holds a comma, a quote or a line break, and
 * doubles its quotes, as RFC 4180 and spreadsheets read it), named after the Nexus and the day.
 */
export function renderCsvExport({ nexus, today, csv, sprint }: CsvExportOutcome): Reply {
  const of = sprint
    ? ` in flow in Sprint ${sprint.number} (${formatDate(sprint.first, today)} – ${formatDate(sprint.last, today)})`
    : '';
  const title = `${nexus.name} · ${count(csv.rows.length, 'PBI')}${of} as CSV`;
  const lost = csv.startLost.length
    ? ` ${count(csv.startLost.length, 'PBI')} moved back before flow starts (${csv.startLost.slice(0, 5).map(code).join(', ')}${csv.startLost.length > 5 ? ', …' : ''}) ${csv.startLost.length === 1 ? 'is' : 'are'} written in the stage ${csv.startLost.length === 1 ? 'it is' : 'they are'} in, without ${csv.startLost.length === 1 ? 'its' : 'their'} start: a row can't hold both.`
    : '';
  const text = `${escape(title)}: the file follows (\`/nexus import csv\` reads it back).${lost}`;
  return {
    ...ephemeral(text),
    file: {
      title,
      fileName: `${slug(nexus.name)}-pbis-${sprint ? `sprint-${sprint.number}` : today}.csv`,
      content: stringify([csv.header, ...csv.rows]),
    },
  };
}

/** A file name's part from a Nexus's name: letters and digits, runs of anything else one dash. */
function slug(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-|-$/g, '')
      .toLowerCase() || 'nexus'
  );
}

/** The export's file could not be uploaded: unlike a chart, the file is the answer, so say it is not coming. */
export function exportNotUploaded(): Reply {
  return ephemeral('Slack did not take the file, so it is not coming; try `/flow export csv` again.');
}
