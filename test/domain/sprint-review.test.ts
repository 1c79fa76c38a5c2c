import type { Weekday } from '../../src/domain/calendar';
import type { Sprint } from '../../src/domain/sprint';
import {
  firstWorkingDay,
  forecastAgainst,
  integratedIn,
  type KeptSprintQuestion,
  likelyBySprint,
  planningForecast,
  sprintsAfter,
  squaresDoneIn,
} from '../../src/domain/sprint-review';
import { at, finished, pbiFrom, ZONE } from './builders';

const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];
/** Sprint 4 of a cadence of 14 days from Mon 2 Nov 2026: Mon 14 Dec – Sun 27 Dec. */
const SPRINT: Sprint = { number: 4, first: '2026-12-14', last: '2026-12-27' };

describe('the planning forecast of a Sprint', () => {
  const asked = (local: string) => ({ askedAt: at(local), name: local });
  test.each([
    ['none kept: none', [], null],
    [
      'the last one asked before the Sprint began',
      ['2026-12-10 10:00', '2026-12-11 16:00'],
      ['2026-12-11 16:00', false],
    ],
    [
      'one asked on its first working day still counts',
      ['2026-12-11 16:00', '2026-12-14 23:30'],
      ['2026-12-14 23:30', false],
    ],
    [
      'only later ones: the earliest, marked late',
      ['2026-12-16 09:00', '2026-12-15 09:00'],
      ['2026-12-15 09:00', true],
    ],
    [
      'a later one does not replace the one asked in time',
      ['2026-12-13 09:00', '2026-12-15 09:00'],
      ['2026-12-13 09:00', false],
    ],
  ] as [string, string[], [string, boolean] | null][])('%s', (_, times, expected) => {
    const found = planningForecast(times.map(asked), SPRINT, WEEKDAYS, ZONE);
    expect(found && [found.forecast.name, found.late]).toEqual(expected);
  });

  test("a Sprint beginning on a Saturday is planned until its first working day ends (Monday's midnight)", () => {
    const sprint: Sprint = { number: 1, first: '2026-12-12', last: '2026-12-25' };
    expect(firstWorkingDay(sprint, WEEKDAYS)).toBe('2026-12-14');
    const found = planningForecast([asked('2026-12-14 18:00'), asked('2026-12-15 00:30')], sprint, WEEKDAYS, ZONE);
    expect(found).toEqual({ forecast: asked('2026-12-14 18:00'), late: false });
  });
});

describe('what a Sprint integrated and each team did', () => {
  const pbis = [
    finished('P1', '2026-12-01', '2026-12-13'), // the day before the Sprint
    finished('P2', '2026-12-10', '2026-12-14'), // its first day
    finished('P3', '2026-12-15', '2026-12-18'),
    finished('P4', '2026-12-20', '2026-12-27'), // its last day
    finished('P5', '2026-12-20', '2026-12-28'), // the day after
    pbiFrom(
      'S1',
      '2026-12-01 08:00',
      [
        ['2026-12-13 10:00', 'square', 'Alpha', 'started'],
        ['2026-12-14 10:00', 'square', 'Alpha', 'done'],
        ['2026-12-14 11:00', 'square', 'Beta', 'started'],
        ['2026-12-28 00:30', 'square', 'Beta', 'done'], // after the Sprint in Berlin
      ],
      { teams: ['Alpha', 'Beta'] },
    ),
    pbiFrom(
      'S2',
      '2026-12-01 08:00',
      [
        ['2026-12-15 10:00', 'square', 'Alpha', 'started'],
        ['2026-12-16 10:00', 'square', 'Alpha', 'done'],
      ],
      { teams: ['Alpha'] },
    ),
  ];

  test('integrated: finished on one of its days, in the order they were', () => {
    expect(integratedIn(pbis, SPRINT, '2026-12-30', ZONE).map((p) => p.key)).toEqual(['P2', 'P3', 'P4']);
  });

  test('while it runs, only the days so far count', () => {
    expect(integratedIn(pbis, SPRINT, '2026-12-18', ZONE).map((p) => p.key)).toEqual(['P2', 'P3']);
    expect(squaresDoneIn(pbis, ['Alpha', 'Beta'], SPRINT, '2026-12-15', ZONE)).toEqual(
      new Map([
        ['Alpha', 1],
        ['Beta', 0],
      ]),
    );
  });

  test("each team's squares done in the Sprint", () => {
    expect(squaresDoneIn(pbis, ['Alpha', 'Beta'], SPRINT, '2026-12-30', ZONE)).toEqual(
      new Map([
        ['Alpha', 2],
        ['Beta', 0],
      ]),
    );
  });
});

test('the planning forecast against what happened: came true where as many were done or more', () => {
  const question: KeptSprintQuestion = {
    kind: 'sprint',
    number: 4,
    first: SPRINT.first,
    last: SPRINT.last,
    teams: [
      {
        team: 'Alpha',
        answer: [
          { confidence: 50, items: 6 },
          { confidence: 85, items: 4 },
        ],
      },
      { team: 'Beta', answer: null },
    ],
    underWay: null,
  };
  const nexus = [
    { confidence: 50, items: 9 },
    { confidence: 85, items: 7 },
    { confidence: 95, items: 5 },
  ];
  const rows = forecastAgainst(
    question,
    nexus,
    7,
    new Map([
      ['Alpha', 5],
      ['Beta', 3],
    ]),
  );
  expect(rows.map((r) => [r.team, r.done, Object.fromEntries(r.cameTrue)])).toEqual([
    [null, 7, { 50: false, 85: true, 95: true }], // 7 integrated: 85% said 7 or more
    ['Alpha', 5, { 50: false, 85: true }],
    ['Beta', 3, {}], // no forecast for Beta: nothing to judge
  ]);
});

test("what's possible when: each next Sprint's newly likely PBIs, in backlog order, and the total by then", () => {
  const cadence = { firstDay: '2026-11-02', length: 14 };
  const ahead = sprintsAfter(cadence, SPRINT, 3);
  expect(ahead.map((s) => [s.number, s.first, s.last])).toEqual([
    [5, '2026-12-28', '2027-01-10'],
    [6, '2027-01-11', '2027-01-24'],
    [7, '2027-01-25', '2027-02-07'],
  ]);
  const rows = [
    { key: 'A', title: 'a', date: '2026-12-29' },
    { key: 'B', title: 'b', date: '2027-01-10' }, // Sprint 5's last day: in it
    { key: 'C', title: 'c', date: undefined }, // no date: never likely
    { key: 'D', title: 'd', date: '2027-01-11' },
    { key: 'E', title: 'e', date: '2027-03-01' }, // after the third
    { key: 'F', title: 'f', date: '2026-12-28' },
  ];
  expect(likelyBySprint(rows, ahead).map((l) => [l.sprint.number, l.pbis.map((p) => p.key), l.total])).toEqual([
    [5, ['A', 'B', 'F'], 3],
    [6, ['D'], 4],
    [7, [], 4],
  ]);
});
