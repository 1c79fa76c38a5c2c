import { DateTime } from 'luxon';
import { cumulativeFlow } from '../../src/domain/cumulative-flow';
import type { PbiEvent } from '../../src/domain/events';

const at = (day: number) => DateTime.fromISO(`2026-03-0${day}T10:00:00Z`);
const base = { actor: 'U1' };

test('stage counts per day, walked back from today: moves, additions and a discard', () => {
  const events: PbiEvent[] = [
    { ...base, type: 'pbi.added', key: 'A', title: 'A', url: null, stage: 'ready', teams: [], at: at(2) },
    { ...base, type: 'pbi.moved', key: 'A', from: 'ready', to: 'doing', at: at(3) },
    { ...base, type: 'pbi.added', key: 'B', title: 'B', url: null, stage: 'ready', teams: [], at: at(3) },
    { ...base, type: 'pbi.moved', key: 'A', from: 'doing', to: 'done', at: at(4) },
    { ...base, type: 'pbi.discarded', key: 'B', reason: null, at: at(4) },
  ];
  const now = new Map([['done', 1]]);
  const current = new Map([['A', { stage: 'done', discarded: false }], ['B', { stage: 'ready', discarded: true }]]);
  const flow = cumulativeFlow(now, current, events, ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04'], ['ready', 'doing', 'done'], 'UTC');
  const byDay = (date: string) => Object.fromEntries(flow.filter((f) => f.date === date).map((f) => [f.stage, f.count]));
  expect(byDay('2026-03-01')).toEqual({ ready: 0, doing: 0, done: 0 });
  expect(byDay('2026-03-02')).toEqual({ ready: 1, doing: 0, done: 0 });
  expect(byDay('2026-03-03')).toEqual({ ready: 1, doing: 1, done: 0 });
  expect(byDay('2026-03-04')).toEqual({ ready: 0, doing: 0, done: 1 });
});
