import {
  cycleTime,
  nexusThroughput,
  nexusWip,
  percentile,
  perWeek,
  stageLoads,
  teamLoads,
  teamThroughput,
  workItemAge,
} from '../../src/domain/flow-metrics';
import { finished, pbiFrom, WORKFLOW, ZONE } from './builders';

describe('cycle time (FLOW.md known answers)', () => {
  test('started 15 Dec and finished 15 Dec is 1 day', () => {
    expect(cycleTime(finished('A', '2026-12-15', '2026-12-15'), ZONE)).toBe(1);
  });
  test('1 Jan to 2 Jan is 2 days', () => {
    expect(cycleTime(finished('A', '2027-01-01', '2027-01-02'), ZONE)).toBe(2);
  });
  test('counts calendar dates in the Nexus zone, not UTC: 23:30 local is still that day', () => {
    const pbi = pbiFrom('A', '2027-01-01 08:00', [
      ['2027-01-01 23:30', 'move', 'doing'],
      ['2027-01-02 00:30', 'move', 'done'],
    ]);
    expect(cycleTime(pbi, ZONE)).toBe(2);
    expect(cycleTime(pbi, 'UTC')).toBe(1); // both instants fall on 1 Jan in UTC
  });
  test('is undefined for an unfinished item', () => {
    expect(cycleTime(pbiFrom('A', '2027-01-01 08:00', [['2027-01-01 09:00', 'move', 'doing']]), ZONE)).toBeNull();
  });
});

describe('work item age', () => {
  const started = pbiFrom('A', '2027-01-01 08:00', [['2027-01-03 10:00', 'move', 'doing']]);
  test('an item started today is 1 day old', () => {
    expect(workItemAge(started, '2027-01-03', ZONE)).toBe(1);
  });
  test('is today − start date + 1', () => {
    expect(workItemAge(started, '2027-01-12', ZONE)).toBe(10);
  });
  test('has no age before it started or after it finished', () => {
    expect(workItemAge(pbiFrom('B', '2027-01-01 08:00'), '2027-01-05', ZONE)).toBeNull();
    expect(workItemAge(finished('C', '2027-01-01', '2027-01-02'), '2027-01-05', ZONE)).toBeNull();
  });
  test('moving backwards does not restart the clock', () => {
    const back = pbiFrom('A', '2027-01-01 08:00', [
      ['2027-01-02 10:00', 'move', 'doing'],
      ['2027-01-05 10:00', 'move', 'ready'],
      ['2027-01-06 10:00', 'move', 'doing'],
    ]);
    expect(workItemAge(back, '2027-01-06', ZONE)).toBe(5);
  });
  test('a reopened item is WIP again and keeps its original start', () => {
    const reopened = pbiFrom('A', '2027-01-01 08:00', [
      ['2027-01-02 10:00', 'move', 'doing'],
      ['2027-01-04 10:00', 'move', 'done'],
      ['2027-01-05 10:00', 'move', 'review'],
    ]);
    expect(nexusWip([reopened])).toBe(1);
    expect(workItemAge(reopened, '2027-01-05', ZONE)).toBe(4);
    expect(cycleTime(reopened, ZONE)).toBeNull();
  });
});

describe('percentile (nearest rank)', () => {
  test.each([
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.85, 9],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5, 5],
    [[10, 1, 7, 3], 0.5, 3],
    [[10, 1, 7, 3], 0.95, 10],
    [[4], 0.7, 4],
  ])('%j at %p is %p', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });
  test('has no value for no data', () => {
    expect(percentile([], 0.85)).toBeUndefined();
  });
});

describe('WIP', () => {
  const pbis = [
    pbiFrom('A', '2027-01-01 08:00', [['2027-01-02 10:00', 'move', 'doing']], { teams: ['Alpha', 'Beta'] }),
    pbiFrom(
      'B',
      '2027-01-01 08:00',
      [
        ['2027-01-02 10:00', 'move', 'doing'],
        ['2027-01-02 11:00', 'square', 'Alpha', 'started'],
      ],
      { teams: ['Alpha'] },
    ),
    pbiFrom('C', '2027-01-01 08:00', [['2027-01-02 10:00', 'move', 'review']]),
    pbiFrom('D', '2027-01-01 08:00', [
      ['2027-01-02 10:00', 'move', 'doing'],
      ['2027-01-03 10:00', 'discard'],
    ]),
    finished('E', '2027-01-01', '2027-01-02'),
    pbiFrom('F', '2027-01-01 08:00'),
  ];
  test('Nexus WIP counts items started and not finished; discarded items leave it', () => {
    expect(nexusWip(pbis)).toBe(3);
  });
  test('per stage against the limit', () => {
    const doing = stageLoads(pbis, WORKFLOW).find((l) => l.stage === 'doing')!;
    expect(doing).toEqual({ stage: 'doing', count: 2, wipLimit: 2, overLimit: false, expedite: 0 });
    const withOneMore = stageLoads(
      [...pbis, pbiFrom('G', '2027-01-01 08:00', [['2027-01-04 10:00', 'move', 'doing']])],
      WORKFLOW,
    );
    expect(withOneMore.find((l) => l.stage === 'doing')!.overLimit).toBe(true);
  });
  test('per team: squares started, and squares waiting on items in progress', () => {
    expect(teamLoads(pbis, ['Alpha', 'Beta'])).toEqual([
      { team: 'Alpha', started: 1, waiting: 1 },
      { team: 'Beta', started: 0, waiting: 1 },
    ]);
  });
});

describe('throughput', () => {
  const pbis = [
    finished('A', '2027-01-01', '2027-01-02'),
    finished('B', '2027-01-01', '2027-01-02'),
    finished('C', '2027-01-01', '2027-01-04'),
    pbiFrom('D', '2027-01-01 08:00', [
      ['2027-01-02 10:00', 'move', 'doing'],
      ['2027-01-03 10:00', 'discard'],
    ]),
  ];
  test('per calendar day with zero days kept', () => {
    expect(nexusThroughput(pbis, '2027-01-01', '2027-01-05', ZONE).map((d) => d.count)).toEqual([0, 2, 0, 1, 0]);
  });
  test('per ISO week', () => {
    const daily = nexusThroughput(pbis, '2027-01-01', '2027-01-05', ZONE);
    expect(perWeek(daily)).toEqual([
      { weekOf: '2026-12-28', count: 2, days: 3 },
      { weekOf: '2027-01-04', count: 1, days: 2 },
    ]);
  });
  test('a team counts its squares done; an item discarded unfinished never counts', () => {
    const teamPbis = [
      pbiFrom(
        'A',
        '2027-01-01 08:00',
        [
          ['2027-01-02 10:00', 'square', 'Alpha', 'started'],
          ['2027-01-03 10:00', 'square', 'Alpha', 'done'],
        ],
        { teams: ['Alpha', 'Beta'] },
      ),
      pbiFrom(
        'B',
        '2027-01-01 08:00',
        [
          ['2027-01-02 10:00', 'square', 'Alpha', 'done'],
          ['2027-01-03 10:00', 'discard'],
        ],
        { teams: ['Alpha'] },
      ),
    ];
    expect(teamThroughput(teamPbis, 'Alpha', '2027-01-01', '2027-01-04', ZONE).map((d) => d.count)).toEqual([
      0, 0, 1, 0,
    ]);
    expect(teamThroughput(teamPbis, 'Beta', '2027-01-01', '2027-01-04', ZONE).map((d) => d.count)).toEqual([
      0, 0, 0, 0,
    ]);
  });
});
