import { type FlowHistory, flowEfficiency } from '../../src/domain/flow-efficiency';
import type { Workflow } from '../../src/domain/workflow';
import { at as local, WORKFLOW, ZONE } from './builders';

/** Flow histories hold epoch milliseconds. */
const at = (when: string) => local(when).toMillis();

/** ready, doing, review, done, released: flow from doing to done; `waits` marked as wait stages. */
const marked = (...waits: string[]): Workflow => ({
  ...WORKFLOW,
  stages: WORKFLOW.stages.map((s) => (waits.includes(s.name) ? { ...s, wait: true } : s)),
});

/**
 * Started Tue 1 Dec, finished Wed 9 Dec: 9 days. It ends 1, 2 Dec in doing (active), 3, 4 Dec in review (waiting),
 * 5 Dec back in doing (active), is blocked from 6 Dec 10:00 to 7 Dec 09:00 (blocked, in doing), 8 Dec doing (active)
 * and 9 Dec in done (its finish day: active). 5 active, 2 waiting, 2 blocked.
 */
const long: FlowHistory = {
  key: 'PBI-1',
  title: 'Long',
  startedAt: at('2026-12-01 09:00'),
  finishedAt: at('2026-12-09 17:00'),
  entries: [
    { stage: 'ready', at: at('2026-12-01 08:00') },
    { stage: 'doing', at: at('2026-12-01 09:00') },
    { stage: 'review', at: at('2026-12-03 16:00') },
    { stage: 'doing', at: at('2026-12-05 10:00') },
    { stage: 'done', at: at('2026-12-09 17:00') },
  ],
  blocks: [{ from: at('2026-12-06 10:00'), until: at('2026-12-07 09:00') }],
};
/** Started and finished Wed 2 Dec: 1 active day. */
const short: FlowHistory = {
  key: 'PBI-2',
  title: 'Short',
  startedAt: at('2026-12-02 09:00'),
  finishedAt: at('2026-12-02 17:00'),
  entries: [
    { stage: 'doing', at: at('2026-12-02 09:00') },
    { stage: 'done', at: at('2026-12-02 17:00') },
  ],
  blocks: [],
};

describe('flow efficiency: active days ÷ cycle time', () => {
  test('with review a wait stage: PBI-1 5 of 9, PBI-2 1 of 1, together 6 of 10', () => {
    const e = flowEfficiency([short, long], marked('review'), ZONE);
    expect(e.pbis).toEqual([
      { key: 'PBI-1', title: 'Long', cycleTime: 9, active: 5, waiting: 2, blocked: 2, efficiency: 5 / 9 },
      { key: 'PBI-2', title: 'Short', cycleTime: 1, active: 1, waiting: 0, blocked: 0, efficiency: 1 },
    ]);
    expect([e.active, e.waiting, e.blocked, e.cycleTime, e.efficiency]).toEqual([6, 2, 2, 10, 0.6]);
    expect(e.stages).toEqual([
      { stage: 'doing', waiting: 0, blocked: 2 },
      { stage: 'review', waiting: 2, blocked: 0 },
    ]);
  });

  test('without wait stages only blocked days count against it: 7 of 9', () => {
    const e = flowEfficiency([long], WORKFLOW, ZONE);
    expect([e.pbis[0].active, e.pbis[0].waiting, e.pbis[0].blocked]).toEqual([7, 0, 2]);
  });

  test('the finish day is never waiting, even with the finish stage marked (where it ends that day)', () => {
    const e = flowEfficiency([long, short], marked('review', 'done'), ZONE);
    expect(e.active).toBe(6);
    expect(e.stages.map((s) => s.stage)).toEqual(['doing', 'review']);
  });

  test('a PBI moved back before flow starts waits there when that stage is a wait stage', () => {
    const back: FlowHistory = {
      ...short,
      key: 'PBI-3',
      finishedAt: at('2026-12-04 12:00'),
      entries: [
        { stage: 'doing', at: at('2026-12-02 09:00') },
        { stage: 'ready', at: at('2026-12-02 11:00') },
        { stage: 'doing', at: at('2026-12-04 09:00') },
        { stage: 'done', at: at('2026-12-04 12:00') },
      ],
    };
    const e = flowEfficiency([back], marked('ready'), ZONE);
    expect(e.pbis[0]).toMatchObject({ cycleTime: 3, active: 1, waiting: 2, blocked: 0 });
    expect(e.stages).toEqual([{ stage: 'ready', waiting: 2, blocked: 0 }]);
  });

  test('no PBIs: no efficiency', () => {
    expect(flowEfficiency([], WORKFLOW, ZONE)).toMatchObject({ pbis: [], efficiency: null, stages: [] });
  });
});
