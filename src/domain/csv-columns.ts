import {
  type CsvAttribute,
  type CsvProblem,
  type CsvTable,
  classifyHeader,
  readCsvDate,
  type SquareDate,
} from './csv-layout';
import type { Nexus } from './nexus';
import { stageIndex } from './workflow';

/** Which column of the file holds what; columns count from 0 here (problems and the dry run count from 1). */
export type CsvColumns = {
  attributes: Partial<Record<CsvAttribute, number>>;
  /** the stage columns, in the file's order (which is the workflow's) */
  stages: { column: number; stage: string }[];
  squares: { column: number; team: string; date: SquareDate }[];
  /** attributes Nexus Flow does not keep */
  ignored: { column: number; name: string }[];
  /** stages of the workflow the file has no column for */
  unmapped: string[];
};

type Mapped = { columns: CsvColumns; problems: CsvProblem[] };

/**
 * Reads the header against the Nexus. `ID` comes first. A column naming a stage is that stage's; its columns follow
 * the workflow's order. Any other column is an attribute: the layout's own (`Link`, `Name`, `Teams`, …), a team's
 * square (`Alpha done`), or one Nexus Flow does not keep, unless it stands between stage columns or holds only dates,
 * when it can only be a stage (or a square) the Nexus lacks.
 */
export function mapColumns(table: CsvTable, nexus: Pick<Nexus, 'teams' | 'workflow'>, zone: string): Mapped {
  const line = table.headerLine;
  const [first = '', ...rest] = table.header;
  const columns: CsvColumns = { attributes: {}, stages: [], squares: [], ignored: [], unmapped: [] };
  if (
    first
      .replace(/^\uFEFF/, '')
      .trim()
      .toLowerCase() !== 'id'
  )
    return { columns, problems: [{ problem: 'csv-not-layout', line, found: first.slice(0, 40) }] };
  columns.attributes.id = 0;
  const problems: CsvProblem[] = [];
  const seen = new Map<string, number>();
  const classified = rest.map((name, i) => ({ name, column: i + 1, meaning: classifyHeader(name, nexus) }));
  const lastStage = Math.max(0, ...classified.filter((c) => c.meaning.kind === 'stage').map((c) => c.column));
  for (const { name, column, meaning } of classified) {
    const what = meaning.kind === 'stage' ? `stage ${meaning.stage}` : `${meaning.kind} ${name.trim().toLowerCase()}`;
    if (meaning.kind !== 'other' && seen.has(what)) {
      problems.push({ problem: 'csv-duplicate-column', line, column: column + 1, name, first: seen.get(what)! + 1 });
      continue;
    }
    seen.set(what, column);
    if (meaning.kind === 'attribute') columns.attributes[meaning.attribute] = column;
    else if (meaning.kind === 'square') columns.squares.push({ column, team: meaning.team, date: meaning.date });
    else if (meaning.kind === 'stage') {
      const before = columns.stages.at(-1);
      if (before && stageIndex(nexus.workflow, before.stage) > stageIndex(nexus.workflow, meaning.stage))
        problems.push({
          problem: 'csv-stage-out-of-order',
          line,
          column: column + 1,
          stage: meaning.stage,
          after: before.stage,
        });
      columns.stages.push({ column, stage: meaning.stage });
    } else if (column < lastStage || holdsDates(table, column, zone)) {
      problems.push(
        meaning.square
          ? {
              problem: 'csv-unknown-square-team',
              line,
              column: column + 1,
              team: meaning.square.team,
              teams: nexus.teams,
            }
          : { problem: 'csv-unknown-stage', line, column: column + 1, name, stages: stageNames(nexus) },
      );
    } else columns.ignored.push({ column, name });
  }
  if (!columns.stages.length && !problems.length)
    problems.push({ problem: 'csv-no-stages', line, stages: stageNames(nexus) });
  const mapped = new Set(columns.stages.map((s) => s.stage));
  columns.unmapped = stageNames(nexus).filter((s) => !mapped.has(s));
  return { columns, problems };
}

const stageNames = (nexus: Pick<Nexus, 'workflow'>) => nexus.workflow.stages.map((s) => s.name);

/** Every value given in the column is a date, and there is at least one. */
function holdsDates(table: CsvTable, column: number, zone: string): boolean {
  const given = table.rows.map((r) => r.cells[column]?.trim() ?? '').filter(Boolean);
  return given.length > 0 && given.every((v) => readCsvDate(v, zone) !== null);
}
