import { DateTime, FixedOffsetZone } from 'luxon';
import { findTeam, type Nexus } from './nexus';
import type { KeyFault } from './pbi-key';
import { stageIndex } from './workflow';

/**
 * ActionableAgile's CSV layout, which many teams already export: `ID`, `Link`, `Name`, one column per stage in workflow
 * order holding the date the item entered it, then attributes. Besides its `Teams` and `Blocked Days`, Nexus Flow
 * reads and writes a few attributes of its own, so a Nexus exported and imported again is the same Nexus: each team's
 * square (`Alpha started`, `Alpha done`), a block in force (`Blocked`, `Blocked Since`) and `Discarded`.
 */
export const CSV_ATTRIBUTES = {
  id: 'ID',
  link: 'Link',
  name: 'Name',
  teams: 'Teams',
  blockedDays: 'Blocked Days',
  blocked: 'Blocked',
  blockedSince: 'Blocked Since',
  discarded: 'Discarded',
} as const;
export type CsvAttribute = keyof typeof CSV_ATTRIBUTES;

/** The two dates of a team's square, each a column named after the team: `Alpha started`, `Alpha done`. */
export const SQUARE_DATES = ['started', 'done'] as const;
export type SquareDate = (typeof SQUARE_DATES)[number];
export const squareColumn = (team: string, date: SquareDate): string => `${team} ${date}`;

/** Rows one import takes: the benchmarked large Nexus holds 10,000 PBIs. */
export const MAX_CSV_ROWS = 10_000;
/** Bytes of one file: 10,000 rows of a Nexus with 20 stages and 9 teams' squares take about 4 MiB. */
export const MAX_CSV_BYTES = 8 * 1024 * 1024;

/** `2026-03-02`, or an ISO date-time with or without its offset: `2026-03-02T09:30`, `2026-03-02 09:30:15Z`. */
const CSV_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * A date of the file as an instant: a bare date is the start of that day in the Nexus's zone, a date-time without an
 * offset is a local time there, one with an offset is that instant. Null when it is none of these.
 */
export function readCsvDate(text: string, zone: string): DateTime | null {
  const m = CSV_DATE.exec(text.trim());
  if (!m) return null;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', offset] = m;
  const parts = [+year, +month, +day, +hour, +minute, +second, Number(fraction.slice(0, 3).padEnd(3, '0'))];
  const [y, mo, d, h, mi, sec, ms] = parts;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59) return null;
  if (offset) {
    // an instant as written: plain arithmetic, no time zone rules to look up (an export writes thousands of these)
    const utc = Date.UTC(y, mo - 1, d, h, mi, sec, ms);
    if (new Date(utc).getUTCDate() !== d) return null; // 31 April
    const sign = offset.startsWith('-') ? -1 : 1;
    const minutes = offset.toUpperCase() === 'Z' ? 0 : sign * (+offset.slice(1, 3) * 60 + +offset.slice(-2));
    return DateTime.fromMillis(utc - minutes * 60_000, { zone: UTC });
  }
  const at = DateTime.fromObject(
    { year: y, month: mo, day: d, hour: h, minute: mi, second: sec, millisecond: ms },
    { zone },
  );
  return at.isValid ? at.toUTC() : null;
}

const UTC = FixedOffsetZone.utcInstance;

/**
 * `readCsvDate` remembering what it read: a file of dates (not times) repeats a few hundred of them thousands of
 * times, and each local date needs the zone's rules.
 */
export function csvDateReader(zone: string): (text: string) => DateTime | null {
  const known = new Map<string, DateTime | null>();
  return (text) => {
    if (!known.has(text)) known.set(text, readCsvDate(text, zone));
    return known.get(text)!;
  };
}

/**
 * How the export writes an instant: an ISO date-time in the Nexus's zone with its offset, to the second unless finer
 * (`2026-03-02T09:30:00+01:00`). The zone's offset is looked up once per hour of the file's instants (an hour whose
 * start and end differ, a change of offset, is looked up per instant): thousands of rows, a few hundred hours.
 */
export function csvDateWriter(zone: string): (at: DateTime) => string {
  const hours = new Map<number, number | null>();
  const offsetAt = (ms: number) => DateTime.fromMillis(ms, { zone }).offset;
  return (at) => {
    const ms = at.toMillis();
    const hour = Math.floor(ms / HOUR);
    if (!hours.has(hour)) {
      const first = offsetAt(hour * HOUR);
      hours.set(hour, first === offsetAt((hour + 1) * HOUR - 1) ? first : null);
    }
    const offset = hours.get(hour) ?? offsetAt(ms);
    const local = new Date(ms + offset * 60_000).toISOString(); // 2026-03-02T09:30:00.000Z
    const fraction = ms % 1000 === 0 ? '' : local.slice(19, 23);
    const abs = Math.abs(offset);
    return `${local.slice(0, 19)}${fraction}${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  };
}

const HOUR = 3_600_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** What a column of the file holds, read from its header. */
export type CsvColumn =
  | { kind: 'attribute'; attribute: CsvAttribute }
  | { kind: 'stage'; stage: string }
  | { kind: 'square'; team: string; date: SquareDate }
  /** any other attribute; `square` when its name reads like a square of a team the Nexus lacks */
  | { kind: 'other'; square?: { team: string; date: SquareDate } };

const sameHeader = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** A header's meaning in this Nexus: a known attribute, one of its stages, a square of one of its teams, or other. */
export function classifyHeader(name: string, nexus: Pick<Nexus, 'teams' | 'workflow'>): CsvColumn {
  const attribute = (Object.keys(CSV_ATTRIBUTES) as CsvAttribute[]).find((a) => sameHeader(CSV_ATTRIBUTES[a], name));
  if (attribute) return { kind: 'attribute', attribute };
  const stage = nexus.workflow.stages[stageIndex(nexus.workflow, name)];
  if (stage) return { kind: 'stage', stage: stage.name };
  const square = /^(.+?)\s+(started|done)$/i.exec(name.trim());
  if (!square) return { kind: 'other' };
  const date = square[2].toLowerCase() as SquareDate;
  const team = findTeam(nexus, square[1]);
  return team ? { kind: 'square', team, date } : { kind: 'other', square: { team: square[1], date } };
}

/** The file as read: its header and data rows, each with the line it starts on (1 is the file's first line). */
export type CsvRow = { line: number; cells: string[] };
export type CsvTable = { headerLine: number; header: string[]; rows: CsvRow[] };

/**
 * Why a file, a column or a row can't be imported. `line` is the file's line (the header's for a column), `column`
 * counts from 1 as a spreadsheet's A, B, C do.
 */
export type CsvProblem =
  /** read by the command before the domain sees a table */
  | { problem: 'csv-too-large'; bytes: number; max: number }
  | { problem: 'csv-not-text' }
  | { problem: 'csv-unreadable'; line: number; why: 'quote' | 'other' }
  | { problem: 'csv-empty' }
  /** the header */
  | { problem: 'csv-not-layout'; line: number; found: string }
  | { problem: 'csv-no-stages'; line: number; stages: string[] }
  | { problem: 'csv-unknown-stage'; line: number; column: number; name: string; stages: string[] }
  | { problem: 'csv-unknown-square-team'; line: number; column: number; team: string; teams: string[] }
  | { problem: 'csv-duplicate-column'; line: number; column: number; name: string; first: number }
  | { problem: 'csv-stage-out-of-order'; line: number; column: number; stage: string; after: string }
  /** the rows */
  | { problem: 'csv-too-many-rows'; rows: number; max: number }
  | { problem: 'csv-too-many-open'; open: number; max: number }
  | { problem: 'csv-field-count'; line: number; fields: number; expected: number }
  | { problem: 'csv-bad-key'; line: number; key: string; fault: KeyFault }
  | { problem: 'csv-duplicate-id'; line: number; key: string; first: number }
  | { problem: 'csv-no-dates'; line: number; key: string }
  | { problem: 'csv-bad-date'; line: number; column: number; name: string; text: string }
  | { problem: 'csv-future-date'; line: number; column: number; name: string; text: string }
  | { problem: 'csv-dates-out-of-order'; line: number; column: number; name: string; after: string }
  | { problem: 'csv-bad-link'; line: number; text: string }
  | { problem: 'csv-bad-number'; line: number; column: number; name: string; text: string }
  | { problem: 'csv-unknown-team'; line: number; teams: string[]; known: string[] }
  | { problem: 'csv-square-not-needed'; line: number; column: number; team: string }
  | { problem: 'csv-square-done-before-started'; line: number; column: number; team: string }
  | { problem: 'csv-after-finished'; line: number; column: number; name: string }
  | { problem: 'csv-after-discarded'; line: number; column: number; name: string }
  | { problem: 'csv-blocked-reason'; line: number; why: 'missing' | 'too-long' };
