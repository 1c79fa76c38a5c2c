import type { DateTime } from 'luxon';
import { localDate } from './calendar';
import { CSV_ATTRIBUTES, csvDateWriter, SQUARE_DATES, squareColumn } from './csv-layout';
import type { Nexus } from './nexus';
import { compareKeys, type Pbi, type StageEntry } from './pbi';
import { isFinishedStage, stageIndex } from './workflow';

/** A PBI as the export needs it: as it is now, its stage entries in order, and its blocks (open ones until null). */
export type ExportedPbi = { pbi: Pbi; entries: readonly StageEntry[]; blocks: readonly Block[] };
export type Block = { from: DateTime; until: DateTime | null };

/** The file: header and rows, every cell text. `startLost` names PBIs the layout could not carry whole. */
export type CsvExport = { header: string[]; rows: string[][]; startLost: string[] };

/**
 * The Nexus's PBIs in ActionableAgile's layout (see csv-layout.ts), ordered by key. Teams the Nexus no longer has are
 * left out (an import could not name them). Importing the file into an empty Nexus with the same workflow and teams
 * gives the same board, cycle times, throughput, SLE and forecasts: see `stageDates` for what a row can hold.
 */
export function csvExport(nexus: Nexus, pbis: readonly ExportedPbi[], now: DateTime): CsvExport {
  const zone = nexus.timeZone;
  const written = csvDateWriter(zone);
  const used = new Set(pbis.flatMap(({ pbi }) => pbi.squares.map((s) => s.team)));
  const teams = nexus.teams.filter((t) => used.has(t));
  const header = [
    CSV_ATTRIBUTES.id,
    CSV_ATTRIBUTES.link,
    CSV_ATTRIBUTES.name,
    ...nexus.workflow.stages.map((s) => s.name),
    CSV_ATTRIBUTES.teams,
    CSV_ATTRIBUTES.blockedDays,
    CSV_ATTRIBUTES.blocked,
    CSV_ATTRIBUTES.blockedSince,
    CSV_ATTRIBUTES.discarded,
    ...teams.flatMap((t) => SQUARE_DATES.map((d) => squareColumn(t, d))),
  ];
  const startLost: string[] = [];
  const rows = [...pbis]
    .sort((a, b) => compareKeys(a.pbi.key, b.pbi.key))
    .map(({ pbi, entries, blocks }) => {
      const { dates, lost } = stageDates(pbi, entries, nexus);
      if (lost) startLost.push(pbi.key);
      const first = [...dates.values()][0];
      // a date before the row's first (only when the layout lost part of a PBI's path) would be refused on import
      const shown = (at: DateTime | null | undefined) => (at ? written(at < first ? first : at) : '');
      const squares = new Map(pbi.squares.map((s) => [s.team, s]));
      return [
        pbi.key,
        pbi.url ?? '',
        pbi.title,
        ...nexus.workflow.stages.map((_, i) => shown(dates.get(i))),
        pbi.squares
          .filter((s) => nexus.teams.includes(s.team))
          .map((s) => s.team)
          .join(', '),
        String(blockedDays(blocks, now, zone)),
        pbi.blocked?.reason ?? '',
        shown(pbi.blocked?.at),
        shown(pbi.discardedAt),
        ...teams.flatMap((t) => [shown(squares.get(t)?.startedAt), shown(squares.get(t)?.doneAt)]),
      ];
    });
  return { header, rows, startLost };
}

/**
 * Blocked days (FLOW.md): the calendar dates in the Nexus's zone on which the PBI was blocked at any moment, a block
 * still in force counting up to `now`.
 */
export function blockedDays(blocks: readonly Block[], now: DateTime, zone: string): number {
  const days = new Set<string>();
  for (const { from, until } of blocks) {
    const last = localDate(until ?? now, zone);
    for (let day = from.setZone(zone).startOf('day'); localDate(day, zone) <= last; day = day.plus({ days: 1 }))
      days.add(localDate(day, zone));
  }
  return days.size;
}

/**
 * One date per stage column, by the stage's index, for a row an import turns back into this PBI: in the stage it is in
 * (the last dated column), started when it started (the first dated column from the start stage on) and finished
 * when it finished (the first from the finish stage on). Those three are anchors; every other stage the PBI entered
 * gets the date it first entered it where that keeps the dates in order and the anchors true. A PBI moved back before
 * flow starts can't be both started and in that stage in one row: it keeps its stage and loses its start (`lost`).
 */
export function stageDates(
  pbi: Pbi,
  entries: readonly StageEntry[],
  nexus: Pick<Nexus, 'workflow'>,
): { dates: Map<number, DateTime>; lost: boolean } {
  const { workflow } = nexus;
  const at = (name: string) => stageIndex(workflow, name);
  const [start, finish, current] = [at(workflow.startStage), at(workflow.finishStage), at(pbi.stage)];
  const firstEntry = new Map<number, DateTime>();
  let finishedIn = current;
  let place = -1;
  for (const entry of entries) {
    const i = at(entry.stage);
    if (i === place || i < 0) continue;
    if (!firstEntry.has(i)) firstEntry.set(i, entry.at);
    // the stage that finished it last: entered from outside the finished part
    if (
      isFinishedStage(workflow, entry.stage) &&
      !(place >= 0 && isFinishedStage(workflow, workflow.stages[place].name))
    )
      finishedIn = i;
    place = i;
  }
  const started = pbi.startedAt && current >= start ? pbi.startedAt : null;
  const anchors = new Map<number, DateTime>();
  if (pbi.finishedAt)
    anchors.set(
      below(Math.min(finishedIn, current), current, finish, pbi.stageEnteredAt > pbi.finishedAt),
      pbi.finishedAt,
    );
  if (started && !(pbi.finishedAt && +pbi.finishedAt === +started)) {
    const startedIn = at(entries.find((e) => at(e.stage) >= start)?.stage ?? pbi.stage);
    const highest = pbi.finishedAt ? finish - 1 : current;
    const k = Math.min(startedIn, highest);
    anchors.set(below(k, current, start, pbi.stageEnteredAt > started), started);
  }
  if (!anchors.has(current)) anchors.set(current, pbi.stageEnteredAt);
  // added in a stage below every anchor: the row starts there, when it was added
  const [added] = entries;
  if (added && at(added.stage) < Math.min(...anchors.keys())) anchors.set(at(added.stage), added.at);
  const firstAnchor = (from: number) =>
    [...anchors.entries()].filter(([k]) => k >= from).sort((a, b) => a[0] - b[0])[0];
  // below the anchor that starts (or finishes) it, a stage may keep its date only when that is the same instant
  const [startAnchor, startedAt] = firstAnchor(start) ?? [current + 1, null];
  const [finishAnchor, finishedAt] = firstAnchor(finish) ?? [current + 1, null];
  const dates = new Map<number, DateTime>();
  let last = null as DateTime | null;
  for (let i = 0; i <= current; i++) {
    const anchor = anchors.get(i);
    const next = [...anchors.entries()].filter(([k]) => k > i).sort((a, b) => a[0] - b[0])[0]?.[1];
    const entered = firstEntry.get(i);
    const forbidden =
      (i >= start && i < startAnchor && +(entered ?? 0) !== +(startedAt ?? 0)) ||
      (i >= finish && i < finishAnchor && +(entered ?? 0) !== +(finishedAt ?? 0));
    const date: DateTime | null =
      anchor ?? (entered && !forbidden && (!last || entered >= last) && (!next || entered <= next) ? entered : null);
    if (date) {
      dates.set(i, date);
      last = date;
    }
  }
  return {
    dates: addedFirst(dates, added, pbi, [...firstEntry.keys()], start),
    lost: pbi.startedAt !== null && !started,
  };
}

/**
 * Squares and a block are never dated before a row's first date (an import refuses that). When the first date is later
 * than one of them (the PBI went back below the stage it was added in), the row shows it added, at its time, in the
 * highest stage below the first dated one that it entered (else the one just below), before flow starts; with no
 * such stage the export moves those dates up to the first (see csvExport).
 */
function addedFirst(
  dates: Map<number, DateTime>,
  added: StageEntry | undefined,
  pbi: Pbi,
  entered: number[],
  start: number,
): Map<number, DateTime> {
  const [[first, firstAt]] = dates;
  if (!added || earliestChange(pbi) >= firstAt.toMillis()) return dates;
  const highest = Math.min(first, start) - 1;
  const below = entered.filter((i) => i <= highest);
  const column = below.length ? Math.max(...below) : highest;
  if (column < 0) return dates;
  return new Map([[column, added.at], ...dates]);
}

/** The earliest instant a square or the block in force carries. */
function earliestChange(pbi: Pbi): number {
  const instants = [...pbi.squares.flatMap((s) => [s.startedAt, s.doneAt]), pbi.blocked?.at ?? null];
  return Math.min(...instants.flatMap((d) => (d ? [d.toMillis()] : [])));
}

/**
 * An anchor meant for column `k` that would land on the current column while the PBI entered that column later: one
 * column lower (never below `floor`), so the current column keeps the time the PBI entered its stage.
 */
function below(k: number, current: number, floor: number, enteredLater: boolean): number {
  return k === current && enteredLater && current > floor ? current - 1 : k;
}
