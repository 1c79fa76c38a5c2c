import type { Workflow } from '../../src/domain/workflow';
import {
  changesBetween,
  type WorkflowVersion,
  workflowChanges,
  workflowEachDay,
} from '../../src/domain/workflow-changes';
import { at, WORKFLOW, ZONE } from './builders';

const limits = (wip: Record<string, number | null>): Workflow => ({
  ...WORKFLOW,
  stages: WORKFLOW.stages.map((s) => ({ ...s, wipLimit: s.name in wip ? wip[s.name] : s.wipLimit })),
});
const v = (when: string, workflow: Workflow): WorkflowVersion => ({ at: at(when), workflow });

describe('the days the Definition of Workflow changed, found in its history', () => {
  test.each<[string, WorkflowVersion[], { date: string; what: string[] }[]]>([
    ['set up only: no change', [v('2026-03-01 09:00', WORKFLOW)], []],
    [
      'a WIP limit raised, then one set where there was none',
      [
        v('2026-03-01 09:00', WORKFLOW),
        v('2026-03-03 10:00', limits({ doing: 3 })),
        v('2026-03-05 10:00', limits({ doing: 3, review: 1 })),
      ],
      [
        { date: '2026-03-03', what: ['doing WIP 2→3'] },
        { date: '2026-03-05', what: ['review WIP none→1'] },
      ],
    ],
    [
      // 23:30 in Berlin is the 3rd there, though the 4th has not begun in UTC either way: the Nexus's date counts
      'a stage added and one removed on one day (late evening), start and finish moved the next',
      [
        v('2026-03-01 09:00', WORKFLOW),
        v('2026-03-03 09:00', { ...WORKFLOW, stages: [...WORKFLOW.stages, { name: 'qa', wipLimit: null }] }),
        v('2026-03-03 23:30', {
          ...WORKFLOW,
          stages: [...WORKFLOW.stages.filter((s) => s.name !== 'ready'), { name: 'qa', wipLimit: null }],
        }),
        v('2026-03-04 08:00', {
          ...WORKFLOW,
          stages: [...WORKFLOW.stages.filter((s) => s.name !== 'ready'), { name: 'qa', wipLimit: null }],
          startStage: 'review',
          finishStage: 'released',
        }),
      ],
      [
        { date: '2026-03-03', what: ['+qa', '−ready'] },
        { date: '2026-03-04', what: ['start doing→review', 'finish done→released'] },
      ],
    ],
    [
      'a wait stage marked: not a change of what flow counts',
      [
        v('2026-03-01 09:00', WORKFLOW),
        v('2026-03-02 09:00', {
          ...WORKFLOW,
          stages: WORKFLOW.stages.map((s) => ({ ...s, wait: s.name === 'ready' })),
        }),
      ],
      [],
    ],
  ])('%s', (_title, versions, expected) => {
    expect(workflowChanges(versions, ZONE)).toEqual(expected);
  });

  test('the changes of the days asked for', () => {
    const changes = [
      { date: '2026-03-01', what: ['+qa'] },
      { date: '2026-03-05', what: ['−qa'] },
    ];
    expect(changesBetween(changes, '2026-03-02', '2026-03-05')).toEqual([{ date: '2026-03-05', what: ['−qa'] }]);
  });

  test('the Definition of Workflow in force at the end of each day: the last version made by then', () => {
    const raised = limits({ doing: 3 });
    const versions = [v('2026-03-02 09:00', WORKFLOW), v('2026-03-04 23:30', raised)];
    const days = ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05'];
    // before the Nexus was set up, as it was set up; a change late on the 4th (Berlin) holds at the 4th's end
    expect(workflowEachDay(versions, limits({ doing: 9 }), days, ZONE)).toEqual([
      WORKFLOW,
      WORKFLOW,
      WORKFLOW,
      raised,
      raised,
    ]);
    // no version kept (a Nexus older than its history): the workflow as it is now, on every day
    expect(workflowEachDay([], raised, days.slice(0, 2), ZONE)).toEqual([raised, raised]);
  });
});
