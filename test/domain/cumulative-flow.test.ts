import { DateTime } from 'luxon';
import { cumulativeFlow, fromFirstPbi, type StageChange, type StageCount } from '../../src/domain/cumulative-flow';

const at = (day: number) => DateTime.fromISO(`2026-03-0${day}T10:00:00Z`);

test('stage counts per day, walked back from today: moves, additions and a discard', () => {
  const events: StageChange[] = [
    { kind: 'added', key: 'A', stage: 'ready', at: at(2) },
    { kind: 'moved', key: 'A', from: 'ready', to: 'doing', at: at(3) },
    { kind: 'added', key: 'B', stage: 'ready', at: at(3) },
    { kind: 'moved', key: 'A', from: 'doing', to: 'done', at: at(4) },
    { kind: 'discarded', key: 'B', at: at(4) },
  ];
  const now = new Map([['done', 1]]);
  const current = new Map([
    ['A', { stage: 'done', discarded: false }],
    ['B', { stage: 'ready', discarded: true }],
  ]);
  const flow = cumulativeFlow(
    now,
    current,
    events,
    ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04'],
    ['ready', 'doing', 'done'],
    'UTC',
  );
  const byDay = (date: string) =>
    Object.fromEntries(flow.filter((f) => f.date === date).map((f) => [f.stage, f.count]));
  expect(byDay('2026-03-01')).toEqual({ ready: 0, doing: 0, done: 0 });
  expect(byDay('2026-03-02')).toEqual({ ready: 1, doing: 0, done: 0 });
  expect(byDay('2026-03-03')).toEqual({ ready: 1, doing: 1, done: 0 });
  expect(byDay('2026-03-04')).toEqual({ ready: 0, doing: 0, done: 1 });
});

test.each([
  [
    'a Nexus whose first PBI came on the 3rd starts the day before',
    [0, 0, 1, 2],
    ['2026-03-02', '2026-03-03', '2026-03-04'],
  ],
  [
    'a Nexus with PBIs from the first day keeps every day',
    [1, 1, 1, 2],
    ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04'],
  ],
  ['a Nexus whose first PBI came today shows yesterday and today', [0, 0, 0, 1], ['2026-03-03', '2026-03-04']],
  ['a Nexus with no PBI shows today alone', [0, 0, 0, 0], ['2026-03-04']],
])('a CFD starts the day before the first PBI: %s', (_, doing, days) => {
  const counts: StageCount[] = doing.flatMap((n, i) => [
    { date: `2026-03-0${i + 1}`, stage: 'doing', count: n },
    { date: `2026-03-0${i + 1}`, stage: 'done', count: 0 },
  ]);
  const kept = fromFirstPbi(counts);
  expect([...new Set(kept.map((c) => c.date))]).toEqual(days);
  expect(kept).toEqual(counts.filter((c) => days.includes(c.date)));
});
