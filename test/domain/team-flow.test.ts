import { addDays } from '../../src/domain/calendar';
import type { Pbi } from '../../src/domain/pbi';
import {
  doneSquares,
  squareAge,
  squareCycleTime,
  squaresPastTeamSle,
  teamAgingSquares,
  teamCycleTimes,
  teamSle,
} from '../../src/domain/team-flow';
import { pbiFrom, ZONE } from './builders';

const WINDOW = { from: '2026-12-01', to: '2026-12-10' };
const TODAY = '2026-12-10';
const setting = { percentile: 85, days: null, historyDays: 10 };

/** Alpha's squares, each with its cycle time worked out by hand (dates in Berlin). */
const alpha: [string, Pbi, number | null][] = [
  [
    'started and done on one day: 1',
    pbiFrom(
      'A1',
      '2026-12-01 08:00',
      [
        ['2026-12-01 10:00', 'square', 'Alpha', 'started'],
        ['2026-12-01 16:00', 'square', 'Alpha', 'done'],
      ],
      { teams: ['Alpha'] },
    ),
    1,
  ],
  [
    "across Berlin's midnight (UTC still 1 Dec): 2",
    pbiFrom(
      'A2',
      '2026-12-01 08:00',
      [
        ['2026-12-01 23:30', 'square', 'Alpha', 'started'],
        ['2026-12-02 00:30', 'square', 'Alpha', 'done'],
      ],
      { teams: ['Alpha'] },
    ),
    2,
  ],
  [
    'started before the window, done in it: 20 Nov – 3 Dec is 14',
    pbiFrom(
      'A3',
      '2026-11-19 08:00',
      [
        ['2026-11-20 09:00', 'square', 'Alpha', 'started'],
        ['2026-12-03 17:00', 'square', 'Alpha', 'done'],
      ],
      { teams: ['Alpha'] },
    ),
    14,
  ],
  [
    'marked done at once: started then, 1',
    pbiFrom('A4', '2026-12-04 08:00', [['2026-12-04 12:00', 'square', 'Alpha', 'done']], { teams: ['Alpha'] }),
    1,
  ],
  [
    'done, taken back to started, done again: first start to last done, 2 – 6 Dec is 5',
    pbiFrom(
      'A5',
      '2026-12-01 08:00',
      [
        ['2026-12-02 09:00', 'square', 'Alpha', 'started'],
        ['2026-12-03 09:00', 'square', 'Alpha', 'done'],
        ['2026-12-04 09:00', 'square', 'Alpha', 'started'],
        ['2026-12-06 09:00', 'square', 'Alpha', 'done'],
      ],
      { teams: ['Alpha'] },
    ),
    5,
  ],
];

const outside: Pbi[] = [
  // done before the window
  pbiFrom(
    'O1',
    '2026-11-20 08:00',
    [
      ['2026-11-21 09:00', 'square', 'Alpha', 'started'],
      ['2026-11-30 17:00', 'square', 'Alpha', 'done'],
    ],
    { teams: ['Alpha'] },
  ),
  // discarded unfinished: its done square never counts
  pbiFrom(
    'O2',
    '2026-12-01 08:00',
    [
      ['2026-12-02 09:00', 'square', 'Alpha', 'done'],
      ['2026-12-03 09:00', 'discard'],
    ],
    { teams: ['Alpha'] },
  ),
  // started, not done
  pbiFrom('O3', '2026-12-01 08:00', [['2026-12-02 09:00', 'square', 'Alpha', 'started']], { teams: ['Alpha'] }),
];

describe("a team's cycle time of a square", () => {
  test.each(alpha)('%s', (_, pbi, days) => {
    expect(squareCycleTime(pbi.squares[0], ZONE)).toBe(days);
  });

  test("the window's squares only, of PBIs not discarded unfinished; each team its own", () => {
    const beta = pbiFrom(
      'B1',
      '2026-12-01 08:00',
      [
        ['2026-12-01 09:00', 'square', 'Beta', 'started'],
        ['2026-12-01 09:00', 'square', 'Alpha', 'started'],
        ['2026-12-08 09:00', 'square', 'Beta', 'done'],
      ],
      { teams: ['Alpha', 'Beta'] },
    );
    const times = teamCycleTimes([...alpha.map(([, p]) => p), ...outside, beta], ['Alpha', 'Beta'], WINDOW, ZONE);
    expect(times.get('Alpha')).toEqual([1, 2, 14, 1, 5]);
    expect(times.get('Beta')).toEqual([8]);
    expect(doneSquares([beta], WINDOW, ZONE)).toEqual([{ pbi: beta, team: 'Beta', done: '2026-12-08', days: 8 }]);
  });
});

/** Beta finished ten squares with cycle times 1..10 (each started on 1 Dec). */
const betaTen = Array.from({ length: 10 }, (_, i) =>
  pbiFrom(
    `B${i + 1}`,
    '2026-12-01 08:00',
    [
      ['2026-12-01 09:00', 'square', 'Beta', 'started'],
      [`${addDays('2026-12-01', i)} 17:00`, 'square', 'Beta', 'done'],
    ],
    { teams: ['Beta'] },
  ),
);

describe("a team's SLE", () => {
  test('85% of cycle times 1..10 by nearest rank is the 9th: 9 days; at risk past the 70th, 7 days', () => {
    const times = teamCycleTimes(betaTen, ['Beta'], WINDOW, ZONE).get('Beta')!;
    expect(times).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(teamSle(setting, times)).toEqual({
      kind: 'computed',
      percentile: 85,
      days: 9,
      sampleSize: 10,
      atRiskDays: 7,
    });
  });

  test("is computed even where the Nexus set its own by hand, at the Nexus's percentile", () => {
    const times = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(teamSle({ percentile: 50, days: 3, historyDays: 10 }, times)).toMatchObject({ kind: 'computed', days: 5 });
  });

  test('nine squares are not enough history', () => {
    expect(teamSle(setting, [1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual({
      kind: 'not-enough-history',
      percentile: 85,
      sampleSize: 9,
    });
  });
});

describe("a team's aging squares", () => {
  const sle = teamSle(setting, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]); // 9 days, at risk past 7
  const old = pbiFrom('P1', '2026-11-25 08:00', [['2026-11-30 09:00', 'square', 'Beta', 'started']], {
    teams: ['Alpha', 'Beta'],
  });
  const risky = pbiFrom('P2', '2026-12-01 08:00', [['2026-12-03 23:00', 'square', 'Beta', 'started']], {
    teams: ['Beta'],
  });
  const fresh = pbiFrom(
    'P3',
    '2026-12-01 08:00',
    [
      ['2026-12-08 09:00', 'square', 'Beta', 'started'],
      ['2026-12-08 10:00', 'square', 'Alpha', 'started'],
    ],
    { teams: ['Alpha', 'Beta'] },
  );
  const done = pbiFrom('P4', '2026-12-01 08:00', [['2026-12-02 09:00', 'square', 'Beta', 'done']], {
    teams: ['Beta'],
  });

  test('age = today − start date + 1: 30 Nov is 11 (past 9), 3 Dec is 8 (at risk), 8 Dec is 3', () => {
    expect(squareAge(old.squares[1], TODAY, ZONE)).toBe(11);
    expect(squareAge(old.squares[0], TODAY, ZONE)).toBeNull(); // Alpha's, not started
    expect(squareAge(done.squares[0], TODAY, ZONE)).toBeNull();
    const aging = teamAgingSquares([fresh, done, risky, old], 'Beta', sle, TODAY, ZONE);
    expect(aging.map((a) => [a.pbi.key, a.age, a.status])).toEqual([
      ['P1', 11, 'aging'],
      ['P2', 8, 'at-risk'],
      ['P3', 3, 'on-track'],
    ]);
  });

  test("the digest's squares past their own team's SLE: snoozed PBIs and teams without an SLE left out", () => {
    const alphaSle = teamSle(setting, [1, 1, 1, 1, 1, 1, 1, 1, 2, 2]); // the 9th of 10: 2 days
    const short = teamSle(setting, [1]);
    const snoozed = { ...risky, key: 'P5', snoozedUntil: TODAY, squares: old.squares };
    const sles = new Map([
      ['Alpha', alphaSle],
      ['Beta', sle],
      ['Gamma', short],
    ]);
    const past = squaresPastTeamSle([fresh, old, snoozed], sles, TODAY, ZONE);
    expect(past.map((a) => [a.pbi.key, a.square.team, a.age, a.sleDays])).toEqual([
      ['P1', 'Beta', 11, 9],
      ['P3', 'Alpha', 3, 2],
    ]);
  });
});
