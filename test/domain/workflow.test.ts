import {
  addStage,
  DEFAULT_WORKFLOW,
  inProgressStages,
  isFinishedStage,
  isStartedStage,
  readyStage,
  removeStage,
  setFlow,
  setWipLimit,
  validateWorkflow,
  type Workflow,
} from '../../src/domain/workflow';
import { WORKFLOW } from './builders';

describe('workflow', () => {
  test('stages from the start stage are started, from the finish stage finished', () => {
    expect(
      ['ready', 'doing', 'review', 'done', 'released'].map((s) => [
        isStartedStage(WORKFLOW, s),
        isFinishedStage(WORKFLOW, s),
      ]),
    ).toEqual([
      [false, false],
      [true, false],
      [true, false],
      [true, true],
      [true, true],
    ]);
    expect(inProgressStages(WORKFLOW).map((s) => s.name)).toEqual(['doing', 'review']);
  });
  test.each([
    ['the default workflow: ready, not the sprint-backlog just before flow starts', DEFAULT_WORKFLOW, 'ready'],
    [
      'a stage named Ready before the start',
      { stages: ['todo', 'Ready', 'planned', 'doing', 'done'], start: 'doing' },
      'Ready',
    ],
    [
      'no stage named ready: the one just before the start',
      { stages: ['todo', 'planned', 'doing', 'done'], start: 'doing' },
      'planned',
    ],
    [
      'a ready stage after the start does not count',
      { stages: ['todo', 'doing', 'ready', 'done'], start: 'doing' },
      'todo',
    ],
    ['flow starts in the first stage: none', { stages: ['doing', 'done'], start: 'doing' }, null],
  ] as const)('the stage of ready work for the coming Sprint: %s', (_, given, expected) => {
    const workflow: Workflow =
      'startStage' in given
        ? given
        : {
            stages: given.stages.map((name) => ({ name, wipLimit: null })),
            startStage: given.start,
            finishStage: 'done',
          };
    expect(readyStage(workflow)).toBe(expected);
  });
  test('the default workflow is valid', () => {
    expect(validateWorkflow(DEFAULT_WORKFLOW)).toBeNull();
  });
  test('adds a stage after another, refusing duplicates and unknown anchors', () => {
    const next = addStage(WORKFLOW, { name: 'test', wipLimit: 3 }, 'Review');
    expect('stages' in next && next.stages.map((s) => s.name)).toEqual([
      'ready',
      'doing',
      'review',
      'test',
      'done',
      'released',
    ]);
    expect(addStage(WORKFLOW, { name: 'READY', wipLimit: null })).toEqual({
      problem: 'duplicate-stage',
      stage: 'ready',
    });
    expect(addStage(WORKFLOW, { name: 'x', wipLimit: null }, 'nope')).toEqual({
      problem: 'unknown-stage',
      stage: 'nope',
    });
  });
  test('will not remove the start or finish stage', () => {
    expect(removeStage(WORKFLOW, 'doing')).toEqual({ problem: 'stage-in-flow', stage: 'doing' });
    const next = removeStage(WORKFLOW, 'review');
    expect('stages' in next && next.stages.length).toBe(4);
  });
  test('finish must come after start', () => {
    expect(setFlow(WORKFLOW, 'done', 'doing')).toEqual({
      problem: 'finish-before-start',
      start: 'done',
      finish: 'doing',
    });
    expect(setFlow(WORKFLOW, 'ready', 'review')).toMatchObject({ startStage: 'ready', finishStage: 'review' });
  });
  test('sets and clears WIP limits', () => {
    const next = setWipLimit(WORKFLOW, 'Review', 4);
    expect('stages' in next && next.stages.find((s) => s.name === 'review')?.wipLimit).toBe(4);
  });
});
