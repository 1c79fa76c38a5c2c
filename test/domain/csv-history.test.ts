import { DateTime } from 'luxon';
import { planCsvImport } from '../../src/domain/csv-history';
import { type CsvTable, MAX_CSV_ROWS, readCsvDate } from '../../src/domain/csv-layout';
import type { Nexus } from '../../src/domain/nexus';
import { at, WORKFLOW, ZONE } from './builders';

const NEXUS: Nexus = {
  id: 'n1',
  workspaceId: 'T1',
  channelId: 'C1',
  name: 'Shop',
  teams: ['Alpha', 'Team Phoenix'],
  workflow: WORKFLOW, // ready, doing (start), review, done (finish), released
  sle: { percentile: 85, days: null, historyDays: 90 },
  timeZone: ZONE,
  digest: { time: '09:30', days: ['mon', 'tue', 'wed', 'thu', 'fri'], enabled: true },
  forecast: { days: 'calendar', sprintDays: 14, sprintStart: null },
  sprintReports: { review: false, retro: false },
  teamChannels: [],
  classes: [],
  nit: ['U1'],
  createdBy: 'U1',
};
const NOW = at('2026-03-02 12:00');

/** A file from lines of cells, the header first (line 1). */
function table(...lines: string[][]): CsvTable {
  const [header, ...rows] = lines;
  return { headerLine: 1, header, rows: rows.map((cells, i) => ({ line: i + 2, cells })) };
}

const plan = (t: CsvTable, existing: Record<string, string> = {}, openPbis = 0) =>
  planCsvImport(t, { nexus: NEXUS, existing: new Map(Object.entries(existing)), openPbis, now: NOW, actor: 'U1' });

const HEADER = ['ID', 'Link', 'Name', 'ready', 'doing', 'review', 'done', 'Teams'];
const brief = (events: { type: string; at: DateTime }[]) =>
  events.map((e) => `${e.type}@${e.at.setZone(ZONE).toFormat('dd HH:mm')}${'to' in e ? `→${e.to}` : ''}`);

describe('reading dates', () => {
  test.each([
    ['2026-03-02', '2026-03-02T00:00:00.000+01:00'],
    ['2026-03-02T09:30', '2026-03-02T09:30:00.000+01:00'],
    ['2026-03-02 09:30:15', '2026-03-02T09:30:15.000+01:00'],
    ['2026-03-02T09:30:15.250Z', '2026-03-02T10:30:15.250+01:00'],
    ['2026-07-01T09:30+0200', '2026-07-01T09:30:00.000+02:00'],
    [' 2026-03-02 ', '2026-03-02T00:00:00.000+01:00'],
  ])('%s is %s in the Nexus zone', (text, iso) => {
    expect(readCsvDate(text, ZONE)?.setZone(ZONE).toISO()).toBe(iso);
  });

  test.each(['02/03/2026', '2026-02-30', '2026-13-01', '2026-W10', '2026-03', 'yesterday', '2026-03-02T25:00', ''])(
    '%s is no date',
    (text) => expect(readCsvDate(text, ZONE)).toBeNull(),
  );
});

describe('a row becomes the history it stands for', () => {
  test('added at its first date, moved into each later dated stage, squares and a block at their dates', () => {
    const p = plan(
      table(
        [...HEADER, 'Alpha started', 'Alpha done', 'Blocked', 'Blocked Since'],
        [
          'NEX-1',
          'https://x.example/1',
          'Pay',
          '2026-02-02',
          '2026-02-03T10:00',
          '',
          '',
          'Alpha',
          '2026-02-03T10:00',
          '2026-02-05',
          'legal',
          '2026-02-04',
        ],
      ),
    );
    expect(p.problems).toEqual([]);
    expect(brief(p.pbis[0].events)).toEqual([
      'pbi.added@02 00:00',
      'pbi.moved@03 10:00→doing',
      'square.changed@03 10:00→started', // after the move at the same instant
      'pbi.blocked@04 00:00',
      'square.changed@05 00:00→done',
    ]);
    expect(p.pbis[0].pbi).toMatchObject({ stage: 'doing', title: 'Pay', url: 'https://x.example/1' });
    expect(p.pbis[0].pbi.startedAt?.toMillis()).toBe(at('2026-02-03 10:00').toMillis());
  });

  test('a finished PBI without square dates has each square done at the finish, recorded before the finish', () => {
    const p = plan(table(HEADER, ['NEX-1', '', 'Pay', '', '2026-02-03', '', '2026-02-06', 'Alpha, Team Phoenix']));
    expect(p.problems).toEqual([]);
    expect(brief(p.pbis[0].events)).toEqual([
      'pbi.added@03 00:00',
      'square.changed@03 00:00→started',
      'square.changed@03 00:00→started',
      'square.changed@06 00:00→done',
      'square.changed@06 00:00→done',
      'pbi.moved@06 00:00→done',
    ]);
    expect(p.pbis[0].pbi.squares.map((s) => s.state)).toEqual(['done', 'done']);
    expect(p.assumed.squaresDone).toBe(2);
  });

  test('a PBI in progress without square dates keeps its squares not started; no Name: titled by the ID', () => {
    const p = plan(table(HEADER, ['NEX-1', '', '', '2026-02-02', '2026-02-03', '', '', 'alpha']));
    expect(p.pbis[0].pbi.squares).toEqual([{ team: 'Alpha', state: 'not-started', startedAt: null, doneAt: null }]);
    expect(p.pbis[0].pbi.title).toBe('NEX-1');
    expect(p.assumed.untitled).toBe(1);
  });

  test('a row whose ID the Nexus has (ignoring case) is skipped and named as the Nexus spells it', () => {
    const p = plan(
      table(HEADER, ['nex-1', '', 'A', '2026-02-02', '', '', '', ''], ['NEX-2', '', 'B', '2026-02-02', '', '', '', '']),
      { 'nex-1': 'NEX-1' },
    );
    expect(p.skipped).toEqual([{ line: 2, key: 'NEX-1' }]);
    expect(p.pbis.map((x) => x.key)).toEqual(['NEX-2']);
  });

  test('attributes Nexus Flow does not keep are left out; stages without a column are named', () => {
    const p = plan(
      table(
        ['ID', 'Link', 'Name', 'doing', 'done', 'Type', 'Priority'],
        ['NEX-1', '', 'A', '2026-02-02', '', 'Bug', 'High'],
      ),
    );
    expect(p.problems).toEqual([]);
    expect(p.columns.ignored.map((c) => c.name)).toEqual(['Type', 'Priority']);
    expect(p.columns.unmapped).toEqual(['ready', 'review', 'released']);
  });
});

describe('bad input is refused with its line (and column), whatever else the file holds', () => {
  const row = (over: Partial<Record<number, string>>) => {
    const cells = ['NEX-1', '', 'A', '2026-02-02', '2026-02-03', '', '', 'Alpha'];
    for (const [i, v] of Object.entries(over)) cells[Number(i)] = v!;
    return cells;
  };
  test.each<[string, string[][], object]>([
    ['a first column that is not ID', [['Key', 'Name', 'doing']], { problem: 'csv-not-layout', line: 1, found: 'Key' }],
    [
      'no stage column',
      [
        ['ID', 'Name', 'Type'],
        ['A', 'a', 'x'],
      ],
      { problem: 'csv-no-stages', line: 1 },
    ],
    [
      'an unknown stage between stages',
      [
        ['ID', 'Link', 'Name', 'ready', 'testing', 'done'],
        ['A', '', 'a', '2026-02-02', '', ''],
      ],
      { problem: 'csv-unknown-stage', line: 1, column: 5, name: 'testing' },
    ],
    [
      'an unknown stage after the stages: a column of dates',
      [
        ['ID', 'Link', 'Name', 'ready', 'shipped'],
        ['A', '', 'a', '2026-02-02', '2026-02-05'],
      ],
      { problem: 'csv-unknown-stage', line: 1, column: 5, name: 'shipped' },
    ],
    [
      'stage columns out of workflow order',
      [
        ['ID', 'Link', 'Name', 'review', 'doing'],
        ['A', '', 'a', '2026-02-02', ''],
      ],
      { problem: 'csv-stage-out-of-order', line: 1, column: 5, stage: 'doing', after: 'review' },
    ],
    [
      'a stage twice',
      [
        ['ID', 'Link', 'Name', 'doing', 'Doing'],
        ['A', '', 'a', '2026-02-02', ''],
      ],
      { problem: 'csv-duplicate-column', line: 1, column: 5, first: 4 },
    ],
    [
      'a square of a team the Nexus lacks',
      [
        ['ID', 'Link', 'Name', 'doing', 'Omega done'],
        ['A', '', 'a', '2026-02-02', '2026-02-03'],
      ],
      { problem: 'csv-unknown-square-team', line: 1, column: 5, team: 'Omega' },
    ],
    [
      'a date that does not parse',
      [HEADER, row({ 4: '03/02/2026' })],
      { problem: 'csv-bad-date', line: 2, column: 5, name: 'doing', text: '03/02/2026' },
    ],
    ['a date to come', [HEADER, row({ 4: '2026-03-03' })], { problem: 'csv-future-date', line: 2, column: 5 }],
    [
      'dates out of workflow order',
      [HEADER, row({ 4: '2026-02-01' })],
      { problem: 'csv-dates-out-of-order', line: 2, column: 5, name: 'doing', after: 'ready' },
    ],
    [
      'a bad key',
      [HEADER, row({ 0: 'NEX 1' })],
      { problem: 'csv-bad-key', line: 2, key: 'NEX 1', fault: { why: 'space' } },
    ],
    ['a number as key', [HEADER, row({ 0: '42' })], { problem: 'csv-bad-key', line: 2, fault: { why: 'number' } }],
    [
      'an unknown team',
      [HEADER, row({ 7: 'Alpha, Omega' })],
      { problem: 'csv-unknown-team', line: 2, teams: ['Omega'] },
    ],
    ['a bad link', [HEADER, row({ 1: 'javascript:alert(1)' })], { problem: 'csv-bad-link', line: 2 }],
    ['no date at all', [HEADER, row({ 3: '', 4: '' })], { problem: 'csv-no-dates', line: 2, key: 'NEX-1' }],
    [
      'a row of another width',
      [HEADER, ['NEX-1', '', 'A', '2026-02-02']],
      { problem: 'csv-field-count', line: 2, fields: 4, expected: 8 },
    ],
    [
      'a square of a team the row does not need',
      [
        [...HEADER, 'Team Phoenix started'],
        [...row({}), '2026-02-03'],
      ],
      { problem: 'csv-square-not-needed', line: 2, column: 9, team: 'Team Phoenix' },
    ],
    [
      'a square done before it started',
      [
        [...HEADER, 'Alpha started', 'Alpha done'],
        [...row({}), '2026-02-05', '2026-02-04'],
      ],
      { problem: 'csv-square-done-before-started', line: 2, column: 10, team: 'Alpha' },
    ],
    [
      'a square done after the PBI finished',
      [
        [...HEADER, 'Alpha done'],
        [...row({ 6: '2026-02-04' }), '2026-02-05'],
      ],
      { problem: 'csv-after-finished', line: 2, column: 9, name: 'Alpha done' },
    ],
    [
      'a square before the PBI was added',
      [
        [...HEADER, 'Alpha started'],
        [...row({}), '2026-02-01'],
      ],
      { problem: 'csv-dates-out-of-order', line: 2, column: 9, after: 'ready' },
    ],
    [
      'a square after the PBI was discarded',
      [
        [...HEADER, 'Discarded', 'Alpha started'],
        [...row({}), '2026-02-04', '2026-02-05'],
      ],
      { problem: 'csv-after-discarded', line: 2, column: 10 },
    ],
    [
      'Blocked Since without a reason',
      [
        [...HEADER, 'Blocked Since'],
        [...row({}), '2026-02-04'],
      ],
      { problem: 'csv-blocked-reason', line: 2, why: 'missing' },
    ],
    [
      'Blocked Days that are no number',
      [
        [...HEADER, 'Blocked Days'],
        [...row({}), 'two'],
      ],
      { problem: 'csv-bad-number', line: 2, column: 9, text: 'two' },
    ],
  ])('%s', (_what, lines, problem) => {
    const p = plan(table(...lines));
    expect(p.problems).toContainEqual(expect.objectContaining(problem));
  });

  test('a duplicate ID names both lines, ignoring case', () => {
    const p = plan(
      table(HEADER, ['NEX-1', '', 'A', '2026-02-02', '', '', '', ''], ['nex-1', '', 'B', '2026-02-02', '', '', '', '']),
    );
    expect(p.problems).toEqual([{ problem: 'csv-duplicate-id', line: 3, key: 'nex-1', first: 2 }]);
  });

  test('every problem of every row is listed, and a file with any problem plans nothing to write', () => {
    const p = plan(
      table(
        HEADER,
        ['NEX-1', '', 'A', 'x', '', '', '', ''],
        ['NEX-2', '', 'B', '2026-02-02', '', '', '', ''],
        ['NEX 3', '', 'C', '', '', '', '', ''],
      ),
    );
    expect(p.problems.map((x) => 'line' in x && x.line)).toEqual([2, 4]);
  });

  test(`more than ${MAX_CSV_ROWS.toLocaleString('en')} rows are refused before any is read`, () => {
    const rows = Array.from({ length: MAX_CSV_ROWS + 1 }, (_, i) => [`N-${i}`, '', 'x', '2026-02-02', '', '', '', '']);
    expect(plan(table(HEADER, ...rows)).problems).toEqual([
      { problem: 'csv-too-many-rows', rows: MAX_CSV_ROWS + 1, max: MAX_CSV_ROWS },
    ]);
  });

  test('an import that would leave more open PBIs than a Nexus holds is refused', () => {
    const p = plan(table(HEADER, ['NEX-1', '', 'A', '2026-02-02', '', '', '', '']), {}, 5_000);
    expect(p.problems).toEqual([{ problem: 'csv-too-many-open', open: 5_001, max: 5_000 }]);
  });
});
