import { CsvError, parse } from 'csv-parse/sync';
import { type CsvProblem, type CsvTable, MAX_CSV_BYTES } from '../domain/csv-layout';

/** Separators a spreadsheet may save with: a comma, or where the comma is a decimal mark, a semicolon (or a tab). */
const SEPARATORS = [',', ';', '\t'] as const;

/**
 * The file's bytes as a table, read with csv-parse (RFC 4180: quoted fields may hold separators, quotes and line
 * breaks): the header and each data row with the line it starts on. Refuses a file over MAX_CSV_BYTES, one that is
 * not text (a spreadsheet's .xlsx, an image: bytes that are not UTF-8 or hold a NUL) and one csv-parse can't read.
 */
export function readCsvText(bytes: Uint8Array): CsvTable | CsvProblem {
  if (bytes.length > MAX_CSV_BYTES) return { problem: 'csv-too-large', bytes: bytes.length, max: MAX_CSV_BYTES };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { problem: 'csv-not-text' };
  }
  if (text.includes('\0')) return { problem: 'csv-not-text' };
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // with `info`, each record comes with where it ends (csv-parse's types don't follow the option)
    records = parse(text, {
      bom: true,
      delimiter: separatorOf(text),
      info: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
    }) as unknown as typeof records;
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = (error as CsvError & { lines?: number }).lines ?? 0;
    return { problem: 'csv-unreadable', line, why: error.code.includes('QUOTE') ? 'quote' : 'other' };
  }
  const rows = records.map(({ record, info }) => ({
    // info.lines is where the record ends: a quoted field may span lines
    line: info.lines - (record.join('').match(/\r\n|\r|\n/g)?.length ?? 0),
    cells: record,
  }));
  const [header, ...data] = rows;
  if (!header) return { problem: 'csv-empty' };
  return { headerLine: header.line, header: header.cells, rows: data };
}

/** The separator the header line uses most. */
function separatorOf(text: string): string {
  const header = text.slice(0, text.search(/\r?\n|$/));
  const count = (s: string) => header.split(s).length;
  return SEPARATORS.reduce((best, s) => (count(s) > count(best) ? s : best), ',');
}
