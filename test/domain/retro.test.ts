import type { BlockSpan } from '../../src/domain/blocked-time';
import type { StageCount } from '../../src/domain/cumulative-flow';
import type { FlowHistory } from '../../src/domain/flow-efficiency';
import { type RetroHistory, sprintRetro } from '../../src/domain/retro';
import type { Sle } from '../../src/domain/sle';
import type { Sprint } from '../../src/domain/sprint';
import type { Workflow } from '../../src/domain/workflow';
import { workflowChanges } from '../../src/domain/workflow-changes';
import { at, pbiFrom, WORKFLOW, ZONE } from './builders';

/** Sprints of a week: Sprint 1 Mon 30 Nov – Sun 6 Dec 2026, Sprint 2 Mon 7 – Sun 13 Dec, inspected Fri 11 Dec. */
const SPRINT_1: Sprint = { number: 1, first: '2026-11-30', last: '2026-12-06' };
const SPRINT_2: Sprint = { number: 2, first: '2026-12-07', last: '2026-12-13' };
const WAITING: Workflow = { ...WORKFLOW, stages: WORKFLOW.stages.map((s) => ({ ...s, wait: s.name === 'review' })) };
/** `doing` (limit 2) raised to 3 on Wed 9 Dec. */
const RAISED: Workflow = {
  ...WAITING,
  stages: WAITING.stages.map((s) => (s.name === 'doing' ? { ...s, wipLimit: 3 } : s)),
};
const VERSIONS = [
  { at: at('2026-11-01 09:00'), workflow: WAITING },
  { at: at('2026-12-09 11:00'), workflow: RAISED },
];

const set = (days: number): Sle => ({ kind: 'set', percentile: 85, days, sampleSize: 0, atRiskDays: null });
const square = (when: string, team: string, to: 'started' | 'done'): [string, 'square', string, 'started' | 'done'] => [
  when,
  'square',
  team,
  to,
];

/**
 * Sprint 1: A started Tue 1, Alpha done and integrated Wed 2 (cycle 2, Alpha's square 2, wait 0); B started Mon 30 Nov,
 * Alpha done Thu 3 (square 4), integrated Fri 4 (cycle 5, wait 1). Sprint 2: C started Mon 7, Alpha done Mon 7
 * (square 1), Beta Tue 8 (square 2), integrated Thu 10 (cycle 4, wait 2); D, no teams, Tue 8 to Fri 11 (cycle 4).
 */
const PBIS = [
  pbiFrom(
    'A',
    '2026-12-01 08:00',
    [
      ['2026-12-01 09:00', 'move', 'doing'],
      square('2026-12-01 09:30', 'Alpha', 'started'),
      square('2026-12-02 10:00', 'Alpha', 'done'),
      ['2026-12-02 17:00', 'move', 'done'],
    ],
    { teams: ['Alpha'] },
  ),
  pbiFrom(
    'B',
    '2026-11-30 08:00',
    [
      ['2026-11-30 09:00', 'move', 'doing'],
      square('2026-11-30 09:30', 'Alpha', 'started'),
      square('2026-12-03 10:00', 'Alpha', 'done'),
      ['2026-12-04 17:00', 'move', 'done'],
    ],
    { teams: ['Alpha'] },
  ),
  pbiFrom(
    'C',
    '2026-12-07 08:00',
    [
      ['2026-12-07 09:00', 'move', 'doing'],
      square('2026-12-07 09:30', 'Alpha', 'started'),
      square('2026-12-07 09:30', 'Beta', 'started'),
      square('2026-12-07 16:00', 'Alpha', 'done'),
      square('2026-12-08 10:00', 'Beta', 'done'),
      ['2026-12-10 17:00', 'move', 'done'],
    ],
    { teams: ['Alpha', 'Beta'] },
  ),
  pbiFrom('D', '2026-12-08 08:00', [
    ['2026-12-08 09:00', 'move', 'doing'],
    ['2026-12-11 17:00', 'move', 'done'],
  ]),
];

const ms = (when: string) => at(when).toMillis();
/** A: doing Tue 1 to done Wed 2, all active. C: doing Mon 7, review (a wait stage) Tue 8 and Wed 9, done Thu 10. */
const HISTORIES: FlowHistory[] = [
  {
    key: 'A',
    title: 'A',
    startedAt: ms('2026-12-01 09:00'),
    finishedAt: ms('2026-12-02 17:00'),
    entries: [
      { stage: 'doing', at: ms('2026-12-01 09:00') },
      { stage: 'done', at: ms('2026-12-02 17:00') },
    ],
    blocks: [],
  },
  {
    key: 'C',
    title: 'C',
    startedAt: ms('2026-12-07 09:00'),
    finishedAt: ms('2026-12-10 17:00'),
    entries: [
      { stage: 'doing', at: ms('2026-12-07 09:00') },
      { stage: 'review', at: ms('2026-12-08 12:00') },
      { stage: 'done', at: ms('2026-12-10 17:00') },
    ],
    blocks: [],
  },
];

/** B blocked Thu 3 Dec for a few hours (1 day); D from Wed 9 10:00 to Thu 10 09:00 (2 days). */
const SPANS: BlockSpan[] = [
  { key: 'B', reason: 'design review', from: at('2026-12-03 10:00'), until: at('2026-12-03 15:00') },
  { key: 'D', reason: 'waiting for legal', from: at('2026-12-09 10:00'), until: at('2026-12-10 09:00') },
];

/** `doing` at the end of each day: Sprint 1's working days 1, 1, 2, 1, 0; Sprint 2's 2, 3, 3, 3, 2. */
const DOING: Record<string, number> = {
  '2026-11-30': 1,
  '2026-12-01': 1,
  '2026-12-02': 2,
  '2026-12-03': 1,
  '2026-12-04': 0,
  '2026-12-05': 5,
  '2026-12-06': 5,
  '2026-12-07': 2,
  '2026-12-08': 3,
  '2026-12-09': 3,
  '2026-12-10': 3,
  '2026-12-11': 2,
};
const COUNTS: StageCount[] = Object.entries(DOING).map(([date, count]) => ({ date, stage: 'doing', count }));

const HISTORY: RetroHistory = {
  zone: ZONE,
  today: '2026-12-11',
  now: at('2026-12-11 18:00'),
  workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  teams: ['Alpha', 'Beta'],
  workflow: RAISED,
  pbis: PBIS,
  sleOf: () => set(3),
  teamSles: new Map([
    ['Alpha', set(2)],
    ['Beta', { kind: 'not-enough-history', percentile: 85, sampleSize: 1 }],
  ]),
  histories: HISTORIES,
  spans: SPANS,
  stageCounts: COUNTS,
  versions: VERSIONS,
  changes: workflowChanges(VERSIONS, ZONE),
};

describe('sprintRetro: a Sprint against the one before', () => {
  const { now, before, questions } = sprintRetro(HISTORY, SPRINT_2, SPRINT_1);

  test.each([
    ['Sprint 2', () => now, { count: 2, p50: 4, p85: 4 }, { within: 0, judged: 2 }, 5],
    ['Sprint 1', () => before!, { count: 2, p50: 2, p85: 5 }, { within: 1, judged: 2 }, 5],
  ])('%s: throughput, cycle times, SLE hits, working days counted', (_, flow, finished, sle, days) => {
    expect(flow().finished).toEqual(finished);
    expect(flow().sle).toEqual(sle);
    expect(flow().workingDays).toBe(days);
  });

  test("per team: squares done, their cycle times and the team's SLE (none judges nothing)", () => {
    expect(before!.teams).toEqual([
      { team: 'Alpha', done: { count: 2, p50: 2, p85: 4 }, sle: { within: 1, judged: 2 } },
      { team: 'Beta', done: { count: 0, p50: null, p85: null }, sle: { within: 0, judged: 0 } },
    ]);
    expect(now.teams).toEqual([
      { team: 'Alpha', done: { count: 1, p50: 1, p85: 1 }, sle: { within: 1, judged: 1 } },
      { team: 'Beta', done: { count: 1, p50: 2, p85: 2 }, sle: { within: 0, judged: 0 } },
    ]);
  });

  test('WIP limits: working days only, each against the limit in force that day (2, then 3 from Wed 9)', () => {
    // Sprint 2: Mon 2/2 full, Tue 3/2 over, Wed 3/3 and Thu 3/3 full, Fri 2/3; the weekend's 5 of Sprint 1 not counted
    expect(now.breaches).toEqual([{ stage: 'doing', limit: 3, full: 4, over: 1, most: 3 }]);
    expect(before!.breaches).toEqual([{ stage: 'doing', limit: 2, full: 1, over: 0, most: 2 }]);
  });

  test('blocked days and reasons, integration waits, flow efficiency, workflow changes', () => {
    expect(now.blocked).toMatchObject({ days: 2, pbis: 1, reasons: [{ reason: 'waiting for legal', days: 2 }] });
    expect(before!.blocked).toMatchObject({ days: 1, pbis: 1, reasons: [{ reason: 'design review', days: 1 }] });
    expect(now.integration).toEqual({ count: 1, p50: 2, p85: 2, longest: { key: 'C', days: 2 } });
    expect(before!.integration).toEqual({ count: 2, p50: 0, p85: 1, longest: { key: 'B', days: 1 } });
    expect(now.efficiency).toMatchObject({ active: 2, waiting: 2, cycleTime: 4, efficiency: 0.5 });
    expect(now.efficiency.stages).toEqual([{ stage: 'review', waiting: 2, blocked: 0 }]);
    expect(before!.efficiency).toMatchObject({ active: 2, cycleTime: 2, efficiency: 1 });
    expect(now.changes).toEqual([{ date: '2026-12-09', what: ['doing WIP 2→3'] }]);
    expect(before!.changes).toEqual([]);
  });

  test('at most 3 questions, strongest first: a stage full most days, a stage holding time, the SLE falling', () => {
    expect(questions).toEqual([
      { kind: 'stage-full', stage: 'doing', limit: 3, days: 4, of: 5, over: 1 },
      { kind: 'stage-waits', stage: 'review', days: 2, share: 0.5 },
      { kind: 'sle-falling', from: 50, to: 0 },
    ]);
  });

  test('against the Sprint before only: integration waits and blocked days rising', () => {
    const calm = { ...HISTORY, stageCounts: [], histories: [] };
    expect(sprintRetro(calm, SPRINT_2, SPRINT_1).questions).toEqual([
      { kind: 'sle-falling', from: 50, to: 0 },
      { kind: 'integration-rising', from: 0, to: 2 },
      { kind: 'blocked-rising', from: 1, to: 2, reason: 'waiting for legal' },
    ]);
  });

  test('the first Sprint: its own numbers and questions, nothing compared', () => {
    const first = sprintRetro({ ...HISTORY, today: '2026-12-04' }, SPRINT_1, null);
    expect(first.before).toBeNull();
    expect(first.now.workingDays).toBe(5);
    expect(first.now.finished).toEqual({ count: 2, p50: 2, p85: 5 });
    expect(first.questions).toEqual([]);
  });
});
