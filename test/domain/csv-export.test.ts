import type { DateTime } from 'luxon';
import { blockedDays, csvExport, stageDates } from '../../src/domain/csv-export';
import type { Nexus } from '../../src/domain/nexus';
import type { StageEntry } from '../../src/domain/pbi';
import { at, pbiFrom, WORKFLOW, ZONE } from './builders';

const NEXUS = { workflow: WORKFLOW, teams: ['Alpha', 'Beta'], timeZone: ZONE, name: 'Shop' } as Nexus;
type Move = [string, 'move', string];

/** The row's stage dates of a PBI added in `stage` at `added` and moved as given: `stage=dd HH:mm` each. */
function row(added: string, moves: Move[], stage = 'ready'): string[] {
  const pbi = pbiFrom('P-1', added, moves, { stage });
  const entries: StageEntry[] = [
    { stage, at: at(added) },
    ...moves.map(([when, , to]) => ({ stage: to, at: at(when) })),
  ];
  const { dates } = stageDates(pbi, entries, NEXUS);
  return [...dates].map(([i, d]) => `${WORKFLOW.stages[i].name}=${d.setZone(ZONE).toFormat('dd HH:mm')}`);
}

describe('a row keeps what every report reads: the stage, the start and the finish', () => {
  test.each<[string, string, Move[], string[]]>([
    [
      'forward, one stage at a time',
      '2026-02-02 09:00',
      [
        ['2026-02-03 09:00', 'move', 'doing'],
        ['2026-02-05 09:00', 'move', 'done'],
      ],
      ['ready=02 09:00', 'doing=03 09:00', 'done=05 09:00'],
    ],
    [
      'skipping stages',
      '2026-02-02 09:00',
      [['2026-02-04 09:00', 'move', 'review']],
      ['ready=02 09:00', 'review=04 09:00'],
    ],
    [
      'back within the started part: the start stays, the stage it is in keeps when it entered it',
      '2026-02-02 09:00',
      [
        ['2026-02-03 09:00', 'move', 'review'],
        ['2026-02-04 09:00', 'move', 'doing'],
        ['2026-02-05 09:00', 'move', 'review'],
      ],
      // review's own column would say both 03 (start) and 05 (entered): the start goes one column lower
      ['ready=02 09:00', 'doing=03 09:00', 'review=05 09:00'],
    ],
    [
      'back into the start stage: the start wins its column (when it entered it again is lost)',
      '2026-02-02 09:00',
      [
        ['2026-02-03 09:00', 'move', 'doing'],
        ['2026-02-04 09:00', 'move', 'review'],
        ['2026-02-05 09:00', 'move', 'doing'],
      ],
      ['ready=02 09:00', 'doing=03 09:00'],
    ],
    [
      'reopened and finished again: the finish is the last one',
      '2026-02-02 09:00',
      [
        ['2026-02-03 09:00', 'move', 'doing'],
        ['2026-02-05 09:00', 'move', 'done'],
        ['2026-02-06 09:00', 'move', 'review'],
        ['2026-02-09 09:00', 'move', 'done'],
      ],
      ['ready=02 09:00', 'doing=03 09:00', 'review=06 09:00', 'done=09 09:00'],
    ],
    [
      'released after it finished: done keeps the finish, released the release',
      '2026-02-02 09:00',
      [
        ['2026-02-03 09:00', 'move', 'doing'],
        ['2026-02-05 09:00', 'move', 'done'],
        ['2026-02-08 09:00', 'move', 'released'],
      ],
      ['ready=02 09:00', 'doing=03 09:00', 'done=05 09:00', 'released=08 09:00'],
    ],
  ])('%s', (_what, added, moves, expected) => {
    expect(row(added, moves)).toEqual(expected);
  });

  test('moved back before flow starts: the stage it is in, without its start (the layout cannot hold both)', () => {
    const pbi = pbiFrom('P-1', '2026-02-02 09:00', [
      ['2026-02-03 09:00', 'move', 'doing'],
      ['2026-02-04 09:00', 'move', 'ready'],
    ]);
    const entries = ['ready', 'doing', 'ready'].map((stage, i) => ({ stage, at: at(`2026-02-0${i + 2} 09:00`) }));
    const { dates, lost } = stageDates(pbi, entries, NEXUS);
    expect([...dates.keys()].map((i) => WORKFLOW.stages[i].name)).toEqual(['ready']);
    expect(lost).toBe(true);
  });
});

describe('blocked days: the calendar dates in the Nexus zone a block touched', () => {
  const span = (from: string, until: string | null) => ({ from: at(from), until: until ? at(until) : null });
  test.each<[string, { from: DateTime; until: DateTime | null }[], number]>([
    ['Tue 10:00 to Wed 09:00 is 2 days', [span('2026-02-03 10:00', '2026-02-04 09:00')], 2],
    ['within one day is 1', [span('2026-02-03 10:00', '2026-02-03 11:00')], 1],
    [
      'two blocks on the same day count it once',
      [span('2026-02-03 10:00', '2026-02-03 11:00'), span('2026-02-03 15:00', '2026-02-04 09:00')],
      2,
    ],
    ['a block in force counts up to now', [span('2026-02-27 23:30', null)], 4],
  ])('%s', (_what, blocks, days) => {
    expect(blockedDays(blocks, at('2026-03-02 12:00'), ZONE)).toBe(days);
  });
});

test('the file: ID, Link, Name, a column per stage, the attributes, then each used team square; dates in the zone', () => {
  const pbi = pbiFrom(
    'P-1',
    '2026-02-02 09:00',
    [
      ['2026-02-03 09:00', 'move', 'doing'],
      ['2026-02-03 10:00', 'square', 'Alpha', 'started'],
      ['2026-02-04 10:00', 'block', 'legal, "again"'],
    ],
    { teams: ['Alpha'] },
  );
  const entries = [
    { stage: 'ready', at: at('2026-02-02 09:00') },
    { stage: 'doing', at: at('2026-02-03 09:00') },
  ];
  const file = csvExport(
    NEXUS,
    [{ pbi, entries, blocks: [{ from: at('2026-02-04 10:00'), until: null }] }],
    at('2026-02-05 12:00'),
  );
  expect(file.header).toEqual([
    'ID',
    'Link',
    'Name',
    'ready',
    'doing',
    'review',
    'done',
    'released',
    'Teams',
    'Blocked Days',
    'Blocked',
    'Blocked Since',
    'Discarded',
    'Alpha started',
    'Alpha done',
  ]);
  expect(file.rows).toEqual([
    [
      'P-1',
      '',
      'Title of P-1',
      '2026-02-02T09:00:00+01:00',
      '2026-02-03T09:00:00+01:00',
      '',
      '',
      '',
      'Alpha',
      '2',
      'legal, "again"',
      '2026-02-04T10:00:00+01:00',
      '',
      '2026-02-03T10:00:00+01:00',
      '',
    ],
  ]);
});
