import { datesFrom } from '../../src/domain/calendar';
import { fromFirstWip, stretchesInFlow, summedWipLimit, type WipDates, wipPerDay } from '../../src/domain/wip-per-day';
import { at, WORKFLOW, ZONE } from './builders';

const pbi = (started: string | null, finished: string | null = null, discarded: string | null = null): WipDates => ({
  startedAt: started === null ? null : at(started),
  finishedAt: finished === null ? null : at(finished),
  discardedAt: discarded === null ? null : at(discarded),
});

describe('WIP per day: items started and not finished at the end of each day (Nexus zone)', () => {
  const days = datesFrom('2026-03-02', '2026-03-06');
  test.each([
    // started before the window and still open: WIP on every day of it
    ['started before the window, open', [pbi('2026-02-20 10:00')], [1, 1, 1, 1, 1]],
    // finished on Wed 4 Mar: WIP on 2 and 3 Mar, not at the end of its finish day
    ['started Mon, finished Wed', [pbi('2026-03-02 09:00', '2026-03-04 17:00')], [1, 1, 0, 0, 0]],
    ['started and finished on the same day', [pbi('2026-03-03 09:00', '2026-03-03 17:00')], [0, 0, 0, 0, 0]],
    ['discarded on Thu', [pbi('2026-03-03 09:00', null, '2026-03-05 10:00')], [0, 1, 1, 0, 0]],
    // 23:30 in Berlin on 4 Mar is 22:30 UTC: the Nexus's calendar counts it on the 4th
    ['started late in the evening', [pbi('2026-03-04 23:30')], [0, 0, 1, 1, 1]],
    ['never started', [pbi(null)], [0, 0, 0, 0, 0]],
    ['finished before the window', [pbi('2026-02-01 09:00', '2026-02-10 09:00')], [0, 0, 0, 0, 0]],
    [
      'three items added up',
      [
        pbi('2026-03-02 09:00', '2026-03-04 17:00'),
        pbi('2026-03-03 09:00'),
        pbi('2026-02-27 09:00', '2026-03-06 09:00'),
      ],
      [2, 3, 2, 2, 1],
    ],
  ])('%s', (_title, pbis, counts) => {
    expect(wipPerDay(pbis, days, ZONE)).toEqual(days.map((date, i) => ({ date, count: counts[i] })));
  });

  test("a young Nexus's run starts the day before its first WIP; with none, only the last day", () => {
    const daily = wipPerDay([pbi('2026-03-04 09:00')], days, ZONE);
    expect(fromFirstWip(daily).map((d) => d.date)).toEqual(['2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06']);
    expect(fromFirstWip(wipPerDay([], days, ZONE))).toEqual([{ date: '2026-03-06', count: 0 }]);
  });
});

describe('a reopened PBI is WIP again from its reopening, not between its finish and the reopening', () => {
  // day 1 is Mon 2 Mar; the PBI starts on day 1, finishes on day 5 (Fri 6 Mar), is reopened on day 9 (Tue 10 Mar)
  const days = datesFrom('2026-03-02', '2026-03-12');
  const entry = (when: string, stage: string) => ({ stage, at: at(when) });
  const firstFinish = [
    entry('2026-02-27 10:00', 'ready'),
    entry('2026-03-02 09:00', 'doing'),
    entry('2026-03-04 09:00', 'review'),
    entry('2026-03-06 17:00', 'done'),
    entry('2026-03-09 08:00', 'released'), // within the finished part: still finished
    entry('2026-03-10 10:00', 'doing'),
  ];
  /** The PBI as its projection holds it: its first start, no finish (reopened), or its last finish. */
  const asKept = (finished: string | null, discarded: string | null = null) =>
    pbi('2026-03-02 09:00', finished, discarded);
  const wip = (stretches: WipDates[]) => wipPerDay(stretches, days, ZONE).map((d) => d.count);

  test.each([
    // days 1–4 WIP; not at the end of day 5 (finished) nor days 6–8; WIP again from day 9
    ['reopened on day 9, open since', firstFinish, asKept(null), [1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1]],
    [
      'reopened on day 9 and finished again on day 10',
      [...firstFinish, entry('2026-03-11 12:00', 'done')],
      asKept('2026-03-11 12:00'),
      [1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0],
    ],
    [
      'reopened on day 9 and discarded on day 10: the discard ends the last stretch',
      firstFinish,
      asKept(null, '2026-03-11 12:00'),
      [1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0],
    ],
    [
      'moved back into the stage it was in: nothing changes',
      [...firstFinish.slice(0, 4), entry('2026-03-07 10:00', 'done')],
      asKept('2026-03-06 17:00'),
      [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
    ],
  ])('%s', (_title, entries, kept, counts) => {
    expect(wip(stretchesInFlow(kept, entries, WORKFLOW))).toEqual(counts);
  });

  test('the stretches: each start or reopening to its finish; a PBI never started keeps its own dates', () => {
    expect(stretchesInFlow(asKept(null), firstFinish, WORKFLOW)).toEqual([
      { startedAt: at('2026-03-02 09:00'), finishedAt: at('2026-03-06 17:00'), discardedAt: null },
      { startedAt: at('2026-03-10 10:00'), finishedAt: null, discardedAt: null },
    ]);
    const waiting = pbi(null);
    expect(stretchesInFlow(waiting, [entry('2026-03-02 09:00', 'ready')], WORKFLOW)).toEqual([waiting]);
  });
});

describe("the stages' summed WIP limit", () => {
  test.each([
    [
      'doing 3 and review 2, both in progress (done is not)',
      { doing: 3, review: 2, done: 5 },
      { limit: 5, unlimited: [] },
    ],
    ['review without a limit', { doing: 3, review: null, done: null }, { limit: 3, unlimited: ['review'] }],
    ['no stage in progress limited', { doing: null, review: null, ready: 4 }, null],
  ])('%s', (_title, limits, expected) => {
    const workflow = {
      ...WORKFLOW,
      stages: WORKFLOW.stages.map((s) => ({
        ...s,
        wipLimit: (limits as Record<string, number | null>)[s.name] ?? null,
      })),
    };
    expect(summedWipLimit(workflow)).toEqual(expected);
  });
});
