import type { DateTime } from 'luxon';
import { type CsvColumns, mapColumns } from './csv-columns';
import {
  CSV_ATTRIBUTES,
  type CsvProblem,
  type CsvRow,
  type CsvTable,
  csvDateReader,
  MAX_CSV_ROWS,
  squareColumn,
} from './csv-layout';
import type { PbiEvent } from './events';
import { MAX_OPEN_PBIS, MAX_REASON, shortenedTitle } from './limits';
import { findTeam, type Nexus } from './nexus';
import { isFinished, type Pbi, replay } from './pbi';
import { pbiKeyFault } from './pbi-key';
import { isFinishedStage, isStartedStage } from './workflow';

/** One row that becomes a PBI: its history, in the order it is recorded, and the PBI that history makes. */
export type PlannedPbi = { line: number; key: string; events: PbiEvent[]; pbi: Pbi };

/** What an import would write, and what it found wrong: nothing is written while `problems` holds anything. */
export type ImportPlan = {
  columns: CsvColumns;
  rows: number;
  pbis: PlannedPbi[];
  /** rows whose ID the Nexus already has (as it spells it): the Nexus's own history is kept, the row is not read */
  skipped: { line: number; key: string }[];
  problems: CsvProblem[];
  /** what the file did not say, taken as the domain's rules have it */
  assumed: { squaresDone: number; shortenedTitles: number; untitled: number; blockedSince: number };
};

export type ImportContext = {
  nexus: Nexus;
  /** the file's IDs the Nexus already has, by lower case, as the Nexus spells them */
  existing: ReadonlyMap<string, string>;
  /** open PBIs (not finished, not discarded) the Nexus holds now */
  openPbis: number;
  now: DateTime;
  actor: string;
};

/**
 * The history each row of the file stands for, as ordinary events at their original times: the PBI added at its first
 * date in that stage, then a move into each later dated stage, its teams' squares, a block in force and a discard.
 * Every problem of every row is listed with its line; a row the Nexus already has (same ID, ignoring case) is skipped,
 * so importing the same file twice writes nothing the second time.
 */
export function planCsvImport(table: CsvTable, ctx: ImportContext): ImportPlan {
  const zone = ctx.nexus.timeZone;
  const { columns, problems } = mapColumns(table, ctx.nexus, zone);
  const plan: ImportPlan = {
    columns,
    rows: table.rows.length,
    pbis: [],
    skipped: [],
    problems,
    assumed: { squaresDone: 0, shortenedTitles: 0, untitled: 0, blockedSince: 0 },
  };
  if (problems.length) return plan;
  if (table.rows.length > MAX_CSV_ROWS)
    return { ...plan, problems: [{ problem: 'csv-too-many-rows', rows: table.rows.length, max: MAX_CSV_ROWS }] };
  const firstLine = new Map<string, number>();
  const rowContext = { ...ctx, readDate: csvDateReader(zone) };
  for (const row of table.rows) {
    // a second row with an ID is its own problem, whatever the first row's are
    const id = (row.cells[0] ?? '').trim();
    const known = firstLine.get(id.toLowerCase());
    if (id && known !== undefined) {
      problems.push({ problem: 'csv-duplicate-id', line: row.line, key: id.slice(0, 60), first: known });
      continue;
    }
    if (id) firstLine.set(id.toLowerCase(), row.line);
    const read = readRow(row, table.header.length, columns, rowContext);
    if ('problems' in read) {
      problems.push(...read.problems);
      continue;
    }
    const existing = ctx.existing.get(read.key.toLowerCase());
    if (existing !== undefined) plan.skipped.push({ line: row.line, key: existing });
    else {
      plan.pbis.push({
        line: row.line,
        key: read.key,
        events: read.events,
        pbi: replay(read.events, ctx.nexus.workflow)!,
      });
      for (const k of Object.keys(read.assumed) as (keyof ImportPlan['assumed'])[]) plan.assumed[k] += read.assumed[k];
    }
  }
  const open = ctx.openPbis + plan.pbis.filter(({ pbi }) => !isFinished(pbi) && !pbi.discardedAt).length;
  if (!problems.length && open > MAX_OPEN_PBIS)
    problems.push({ problem: 'csv-too-many-open', open, max: MAX_OPEN_PBIS });
  return plan;
}

type ReadRow = { key: string; events: PbiEvent[]; assumed: ImportPlan['assumed'] } | { problems: CsvProblem[] };

/** A dated cell of a row: where it is, what it is called, and its instant. */
type Dated = { column: number; name: string; at: DateTime };
type DateOf = (column: number, name: string) => Dated | null;

/** What reading a row needs: the import's context, and the file's dates as read so far. */
type RowContext = ImportContext & { readDate: (text: string) => DateTime | null };

function readRow(row: CsvRow, width: number, columns: CsvColumns, ctx: RowContext): ReadRow {
  const { line, cells } = row;
  if (cells.length !== width)
    return { problems: [{ problem: 'csv-field-count', line, fields: cells.length, expected: width }] };
  const cell = (column: number | undefined) => (column === undefined ? '' : (cells[column] ?? '').trim());
  const attribute = (name: keyof typeof CSV_ATTRIBUTES) => cell(columns.attributes[name]);
  const key = attribute('id');
  const fault = pbiKeyFault(key);
  if (fault) return { problems: [{ problem: 'csv-bad-key', line, key: key.slice(0, 60), fault }] };
  const problems: CsvProblem[] = [];
  const date = (column: number, name: string): Dated | null => {
    const text = cell(column);
    if (!text) return null;
    const at = ctx.readDate(text);
    if (!at) problems.push({ problem: 'csv-bad-date', line, column: column + 1, name, text: text.slice(0, 40) });
    else if (at > ctx.now) problems.push({ problem: 'csv-future-date', line, column: column + 1, name, text });
    return at && at <= ctx.now ? { column, name, at } : null;
  };
  const stages = columns.stages.flatMap(({ column, stage }) => {
    const d = date(column, stage);
    return d ? [{ ...d, stage }] : [];
  });
  const inOrder = (d: Dated | null, after: Dated | undefined) => {
    if (d && after && d.at < after.at)
      problems.push({ problem: 'csv-dates-out-of-order', line, column: d.column + 1, name: d.name, after: after.name });
  };
  stages.forEach((s, i) => inOrder(s, stages[i - 1]));
  const teams = readTeams(row, columns, cell, ctx.nexus, problems);
  const url = attribute('link');
  if (url && !/^https?:\/\/\S+$/i.test(url)) problems.push({ problem: 'csv-bad-link', line, text: url.slice(0, 60) });
  const blockedDays = attribute('blockedDays');
  if (blockedDays && !/^\d+$/.test(blockedDays))
    problems.push({
      problem: 'csv-bad-number',
      line,
      column: columns.attributes.blockedDays! + 1,
      name: CSV_ATTRIBUTES.blockedDays,
      text: blockedDays.slice(0, 20),
    });
  if (!stages.length && !problems.length) problems.push({ problem: 'csv-no-dates', line, key });
  const discarded =
    columns.attributes.discarded === undefined ? null : date(columns.attributes.discarded, CSV_ATTRIBUTES.discarded);
  inOrder(discarded, stages.at(-1));
  if (!stages.length) return { problems };
  // squares and a block are checked against the row's dates even when some of those are wrong: every problem at once
  const history = new RowHistory(row, key, stages, teams, ctx, discarded);
  history.squares(columns, date, problems);
  history.block(attribute('blocked'), columns, date, problems);
  if (problems.length) return { problems };
  const title = attribute('name') || key;
  return {
    key,
    events: history.events(shortenedTitle(title), url || null),
    assumed: {
      ...history.assumed,
      shortenedTitles: shortenedTitle(title) === title ? 0 : 1,
      untitled: attribute('name') ? 0 : 1,
    },
  };
}

/** The row's teams: its `Teams` (comma-separated), or without that column, the teams its square columns date. */
function readTeams(
  { line, cells }: CsvRow,
  columns: CsvColumns,
  cell: (column: number | undefined) => string,
  nexus: Nexus,
  problems: CsvProblem[],
): string[] {
  const names =
    columns.attributes.teams === undefined
      ? columns.squares.filter((s) => (cells[s.column] ?? '').trim()).map((s) => s.team)
      : cell(columns.attributes.teams)
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean);
  const unknown = names.filter((n) => !findTeam(nexus, n));
  if (unknown.length) problems.push({ problem: 'csv-unknown-team', line, teams: unknown, known: nexus.teams });
  return [...new Set(names.flatMap((n) => findTeam(nexus, n) ?? []))];
}

/** Events at equal instants are recorded in this order: a move before a square starts, squares done before a finish. */
const RANK: Record<PbiEvent['type'], number> = {
  'pbi.added': 0,
  'pbi.moved': 1,
  'square.changed': 2,
  'pbi.teams-changed': 2,
  'pbi.renamed': 2,
  'pbi.blocked': 5,
  'pbi.unblocked': 5,
  'pbi.swarming': 5,
  'pbi.snoozed': 5,
  'pbi.ranked': 5,
  'pbi.tracker-ordered': 5,
  'pbi.dependency-added': 5,
  'pbi.dependency-removed': 5,
  'pbi.class-changed': 5,
  'pbi.linked': 5,
  'pbi.unlinked': 5,
  'pbi.discarded': 6,
};

/** Builds one row's history and checks its squares and block against its dates. */
class RowHistory {
  readonly assumed = { squaresDone: 0, blockedSince: 0 };
  private readonly later: { event: PbiEvent; rank: number }[] = [];
  private readonly line: number;
  private readonly first: Dated & { stage: string };
  private readonly finished: (Dated & { stage: string }) | undefined;
  private readonly started: DateTime | undefined;

  constructor(
    private readonly row: CsvRow,
    private readonly key: string,
    private readonly stages: (Dated & { stage: string })[],
    private readonly teams: string[],
    private readonly ctx: RowContext,
    private readonly discarded: Dated | null,
  ) {
    const { workflow } = ctx.nexus;
    this.line = row.line;
    this.first = stages[0];
    this.finished = stages.find((s) => isFinishedStage(workflow, s.stage));
    this.started = stages.find((s) => isStartedStage(workflow, s.stage))?.at;
    stages.slice(1).forEach((s, i) => {
      const move: PbiEvent = { type: 'pbi.moved', key, from: stages[i].stage, to: s.stage, at: s.at, actor: ctx.actor };
      // entering the finished part comes after the squares done at that instant
      this.add(move, isFinishedStage(workflow, s.stage) ? 4 : RANK['pbi.moved']);
    });
    if (discarded) this.add({ type: 'pbi.discarded', key, reason: null, at: discarded.at, actor: ctx.actor });
  }

  /** Each needed team's square: the file's dates, or on a finished PBI done at the finish (the rule for a move). */
  squares(columns: CsvColumns, date: DateOf, problems: CsvProblem[]): void {
    const { line } = this;
    for (const team of this.teams) {
      const given = (which: 'started' | 'done') => {
        const column = columns.squares.find((s) => s.team === team && s.date === which)?.column;
        return column === undefined ? null : date(column, squareColumn(team, which));
      };
      let started = given('started');
      let done = given('done');
      for (const d of [started, done]) this.check(d, problems);
      if (started && done && done.at < started.at)
        problems.push({ problem: 'csv-square-done-before-started', line, column: done.column + 1, team });
      for (const d of [started, done])
        if (d && this.finished && d.at > this.finished.at)
          problems.push({ problem: 'csv-after-finished', line, column: d.column + 1, name: d.name });
      if (this.finished && !done) {
        done = this.finished;
        if (!started && this.started) started = { ...this.finished, at: this.started };
        this.assumed.squaresDone++;
      }
      if (started) this.square(team, 'not-started', 'started', started.at);
      if (done) this.square(team, started ? 'started' : 'not-started', 'done', done.at);
    }
    for (const s of columns.squares)
      if (!this.teams.includes(s.team) && (this.row.cells[s.column] ?? '').trim())
        problems.push({ problem: 'csv-square-not-needed', line, column: s.column + 1, team: s.team });
  }

  /** A block in force: `Blocked` holds its reason, `Blocked Since` when (else the row's last date). */
  block(reason: string, columns: CsvColumns, date: DateOf, problems: CsvProblem[]): void {
    const column = columns.attributes.blockedSince;
    const since = column === undefined ? null : date(column, CSV_ATTRIBUTES.blockedSince);
    if (!reason || [...reason].length > MAX_REASON) {
      if (reason || since)
        problems.push({ problem: 'csv-blocked-reason', line: this.line, why: reason ? 'too-long' : 'missing' });
      return;
    }
    this.check(since, problems);
    if (!since) this.assumed.blockedSince++;
    const at = since?.at ?? this.stages.at(-1)!.at;
    this.add({ type: 'pbi.blocked', key: this.key, reason, at, actor: this.ctx.actor });
  }

  /** The history in the order it is recorded: by time, then RANK, then as built. */
  events(title: string, url: string | null): PbiEvent[] {
    const { key, first, teams } = this;
    const added: PbiEvent = {
      type: 'pbi.added',
      key,
      title,
      url,
      stage: first.stage,
      teams,
      at: first.at,
      actor: this.ctx.actor,
    };
    const later = this.later
      .map((e, i) => ({ ...e, i }))
      .sort((a, b) => a.event.at.toMillis() - b.event.at.toMillis() || a.rank - b.rank || a.i - b.i)
      .map((e) => e.event);
    return [added, ...later];
  }

  /** A square's or block's date: not before the PBI was added, nor after it was discarded. */
  private check(d: Dated | null, problems: CsvProblem[]): void {
    if (!d) return;
    const { line } = this;
    if (d.at < this.first.at)
      problems.push({
        problem: 'csv-dates-out-of-order',
        line,
        column: d.column + 1,
        name: d.name,
        after: this.first.name,
      });
    if (this.discarded && d.at > this.discarded.at)
      problems.push({ problem: 'csv-after-discarded', line, column: d.column + 1, name: d.name });
  }

  private square(team: string, from: 'not-started' | 'started', to: 'started' | 'done', at: DateTime): void {
    this.add(
      { type: 'square.changed', key: this.key, team, from, to, at, actor: this.ctx.actor },
      to === 'done' ? 3 : 2,
    );
  }

  private add(event: PbiEvent, rank = RANK[event.type]): void {
    this.later.push({ event, rank });
  }
}
