import { DateTime } from 'luxon';
import type { ForecastSetting } from '../../src/domain/nexus';
import {
  firstWorkingDay,
  isSprintBacklogStage,
  lastFinishedSprint,
  lastWorkingDay,
  sprintBacklogStage,
  sprintBeingPlanned,
  sprintInstants,
  sprintsAt,
  sprintsOn,
  sprintUnderReview,
} from '../../src/domain/sprint';
import { DEFAULT_WORKFLOW, type Workflow } from '../../src/domain/workflow';

const cadence = (sprintStart: string | null, sprintDays = 14): ForecastSetting => ({
  days: 'calendar',
  sprintDays,
  sprintStart,
});

describe('the Sprints around a day', () => {
  test.each([
    // Sprint k (from 0) runs first + k·length … first + (k+1)·length − 1
    ['2026-12-07', [1, '2026-12-07', '2026-12-20'], [2, '2026-12-21', '2027-01-03'], null],
    ['2026-12-20', [1, '2026-12-07', '2026-12-20'], [2, '2026-12-21', '2027-01-03'], null],
    ['2027-01-04', [3, '2027-01-04', '2027-01-17'], [4, '2027-01-18', '2027-01-31'], [2, '2026-12-21', '2027-01-03']],
  ])('on %s with Sprints of 14 days from Mon 7 Dec', (today, current, next, last) => {
    const sprint = (s: (string | number)[] | null) => s && { number: s[0], first: s[1], last: s[2] };
    expect(sprintsOn(cadence('2026-12-07'), today)).toEqual({
      current: sprint(current),
      next: sprint(next),
      last: sprint(last),
    });
  });

  test('a cadence starting in the future: no Sprint now and none finished; the next is its first', () => {
    expect(sprintsOn(cadence('2026-12-14', 10), '2026-12-01')).toEqual({
      current: null,
      next: { number: 1, first: '2026-12-14', last: '2026-12-23' },
      last: null,
    });
    // the day before it begins, and the day it begins
    expect(sprintsOn(cadence('2026-12-14', 10), '2026-12-13').current).toBeNull();
    expect(sprintsOn(cadence('2026-12-14', 10), '2026-12-14').current?.number).toBe(1);
  });

  test('without a cadence the next Sprint is the next Sprint length of days from tomorrow, as before', () => {
    expect(sprintsOn(cadence(null, 5), '2026-12-30')).toEqual({
      current: null,
      next: { number: null, first: '2026-12-31', last: '2027-01-04' },
      last: null,
    });
  });

  test("an instant's Sprint is that of its date in the Nexus's zone, and a Sprint over a DST change is whole days", () => {
    const setting = cadence('2027-03-15');
    // 00:30 on Mon 29 Mar in Berlin is still Sun 28 Mar in UTC: Sprint 2 in Berlin, Sprint 1 in UTC
    const now = DateTime.fromISO('2027-03-29T00:30', { zone: 'Europe/Berlin' });
    expect(sprintsAt(setting, now, 'Europe/Berlin').current).toEqual({
      number: 2,
      first: '2027-03-29',
      last: '2027-04-11',
    });
    expect(sprintsAt(setting, now, 'UTC').current?.number).toBe(1);
    // Sprint 1 holds the spring-forward night of 28 Mar: midnight to midnight in Berlin, one hour short of 14 days
    const { last } = sprintsAt(setting, now, 'Europe/Berlin');
    const { from, until } = sprintInstants(last!, 'Europe/Berlin');
    expect(from.toISO()).toBe('2027-03-15T00:00:00.000+01:00');
    expect(until.toISO()).toBe('2027-03-29T00:00:00.000+02:00');
    expect(until.diff(from, 'hours').hours).toBe(14 * 24 - 1);
  });
});

test('the last finished Sprint, or why there is none', () => {
  expect(lastFinishedSprint(cadence(null), '2027-01-04')).toEqual({ problem: 'no-sprint-cadence' });
  expect(lastFinishedSprint(cadence('2026-12-07'), '2026-12-20')).toEqual({
    problem: 'no-sprint-finished',
    next: { number: 1, first: '2026-12-07', last: '2026-12-20' },
  });
  expect(lastFinishedSprint(cadence('2026-12-07'), '2026-12-21')).toEqual({
    number: 1,
    first: '2026-12-07',
    last: '2026-12-20',
  });
});

describe('where the Nexus Sprint Backlog begins', () => {
  const workflow = (names: string[], startStage: string, finishStage: string): Workflow => ({
    stages: names.map((name) => ({ name, wipLimit: null })),
    startStage,
    finishStage,
  });

  test.each([
    ['the default workflow: its sprint-backlog stage', DEFAULT_WORKFLOW, 'sprint-backlog'],
    ['the stage after ready', workflow(['refining', 'ready', 'planned', 'doing', 'done'], 'doing', 'done'), 'planned'],
    ['the start, when ready comes just before it', workflow(['ready', 'doing', 'done'], 'doing', 'done'), 'doing'],
    ['the start, when flow starts in the first stage', workflow(['doing', 'done'], 'doing', 'done'), 'doing'],
  ])('%s', (_what, flow, stage) => {
    expect(sprintBacklogStage(flow)).toBe(stage);
  });

  test('its stage and every later one count; earlier ones and unknown ones do not', () => {
    const counted = DEFAULT_WORKFLOW.stages.map((s) => s.name).filter((s) => isSprintBacklogStage(DEFAULT_WORKFLOW, s));
    expect(counted).toEqual(['sprint-backlog', 'in-progress', 'integrated', 'released', 'learning']);
    expect(isSprintBacklogStage(DEFAULT_WORKFLOW, 'gone')).toBe(false);
  });
});

describe('the Sprint the Nexus events inspect', () => {
  const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;
  const sprint = (number: number, first: string, last: string) => ({ number, first, last });
  // Sprints of 14 days from Mon 7 Dec 2026: Sprint 1 ends Sun 20 Dec, its last working day is Fri 18 Dec
  test.each([
    ['2026-12-17', { problem: 'no-sprint-finished', next: sprint(1, '2026-12-07', '2026-12-20') }],
    ['2026-12-18', { sprint: sprint(1, '2026-12-07', '2026-12-20'), before: null }],
    ['2026-12-20', { sprint: sprint(1, '2026-12-07', '2026-12-20'), before: null }],
    ['2026-12-21', { sprint: sprint(1, '2026-12-07', '2026-12-20'), before: null }],
    ['2027-01-01', { sprint: sprint(2, '2026-12-21', '2027-01-03'), before: sprint(1, '2026-12-07', '2026-12-20') }],
    ['2027-01-04', { sprint: sprint(2, '2026-12-21', '2027-01-03'), before: sprint(1, '2026-12-07', '2026-12-20') }],
  ])('on %s, working Monday to Friday', (today, expected) => {
    expect(sprintUnderReview(cadence('2026-12-07'), today, weekdays)).toEqual(expected);
  });

  test('without a cadence there is no Sprint to inspect', () => {
    expect(sprintUnderReview(cadence(null), '2026-12-18', weekdays)).toEqual({ problem: 'no-sprint-cadence' });
  });

  test("the first working day: the Sprint's first day that is one, or its first day when none is", () => {
    const one = sprint(1, '2026-12-05', '2026-12-18'); // Sat 5 – Fri 18 Dec
    expect(firstWorkingDay(one, weekdays)).toBe('2026-12-07');
    expect(firstWorkingDay(one, ['sat'])).toBe('2026-12-05');
    expect(firstWorkingDay(sprint(1, '2026-12-19', '2026-12-20'), weekdays)).toBe('2026-12-19');
  });

  test("the last working day: the Sprint's last day that is one, or its last day when none is", () => {
    const one = sprint(1, '2026-12-07', '2026-12-20');
    expect(lastWorkingDay(one, weekdays)).toBe('2026-12-18');
    expect(lastWorkingDay(one, ['sun'])).toBe('2026-12-20');
    expect(lastWorkingDay(one, ['tue'])).toBe('2026-12-15');
    expect(lastWorkingDay(sprint(1, '2026-12-19', '2026-12-20'), weekdays)).toBe('2026-12-20');
  });
});

describe('the Sprint Nexus Sprint Planning plans (/forecast sprint)', () => {
  const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;
  const sprint = (number: number, first: string, last: string) => ({ number, first, last });
  // Sprints of 14 days from Sat 5 Dec 2026: Sprint 1 is Sat 5 – Fri 18 Dec, its first working day Mon 7 Dec
  test.each([
    ['2026-12-04', sprint(1, '2026-12-05', '2026-12-18'), false], // before the cadence: its first Sprint is next
    ['2026-12-05', sprint(1, '2026-12-05', '2026-12-18'), true], // its first day, a Saturday
    ['2026-12-07', sprint(1, '2026-12-05', '2026-12-18'), true], // its first working day: planning
    ['2026-12-08', sprint(2, '2026-12-19', '2027-01-01'), false], // planning is over: the next one
    ['2026-12-18', sprint(2, '2026-12-19', '2027-01-01'), false],
    ['2026-12-21', sprint(2, '2026-12-19', '2027-01-01'), true],
  ])('on %s, working Monday to Friday', (today, planned, underWay) => {
    expect(sprintBeingPlanned(cadence('2026-12-05'), today, weekdays)).toEqual({ sprint: planned, underWay });
  });

  test('without a cadence it is the next Sprint length of days from tomorrow', () => {
    expect(sprintBeingPlanned(cadence(null, 10), '2026-12-07', weekdays)).toEqual({
      sprint: { number: null, first: '2026-12-08', last: '2026-12-17' },
      underWay: false,
    });
  });
});
