import fc from 'fast-check';
import { type Backlog, cutLine, simulateBacklog } from '../../src/domain/forecast/backlog-forecast';
import { dayAtConfidence, pbiDoneWithin } from '../../src/domain/forecast/pbi-forecast';
import { seededRng } from '../../src/domain/random';

const CONFIDENCES = [50, 70, 85, 95];
const TRIALS = 10_000;

/** PBIs in backlog order with the teams they need; each team's queue is its PBIs in that order (none started). */
function backlogOf(
  pbis: readonly { key: string; teams: readonly string[]; lags?: readonly number[] }[],
  throughput: Readonly<Record<string, readonly number[]>>,
  depends: Readonly<Record<string, readonly string[]>> = {},
): Backlog {
  return {
    pbis: pbis.map(({ key, lags = [] }) => ({ key, integrationDays: lags })),
    teams: Object.entries(throughput).map(([team, h]) => ({
      team,
      throughput: h,
      queue: pbis.filter((p) => p.teams.includes(team)).map((p) => p.key),
    })),
    depends: new Map(Object.entries(depends)),
  };
}

/** Each PBI's day at 50/70/85/95%. */
function daysOf(backlog: Backlog, trials = TRIALS, seed = 'backlog'): Record<string, number[]> {
  const sim = simulateBacklog(backlog, trials, seededRng(seed));
  return Object.fromEntries(
    backlog.pbis.map((p, i) => [p.key, CONFIDENCES.map((c) => dayAtConfidence(sim.doneWithin[i], c))]),
  );
}

describe('the backlog forecast (worked by hand)', () => {
  // Alpha finishes one square every day; Beta finishes one on 3 days in 4, so its first square is done within d days
  // with 1 − 0.25^d: 0.75, 0.9375, 0.984 on days 1, 2, 3
  const throughput = { Alpha: [1], Beta: [0, 1, 1, 1] };

  test("two teams: the order changes the answer, each team finishing its squares in its queue's order", () => {
    const joint = { key: 'JOINT', teams: ['Alpha', 'Beta'] };
    const solo = { key: 'SOLO', teams: ['Alpha'] };
    // JOINT first: Alpha does it on day 1, so it waits on Beta alone; SOLO is Alpha's second square, day 2
    expect(daysOf(backlogOf([joint, solo], throughput))).toEqual({ JOINT: [1, 1, 2, 3], SOLO: [2, 2, 2, 2] });
    // SOLO first: Alpha's part of JOINT is done on day 2, max(2, Beta's) ≤ 2 with 0.9375, ≤ 3 with 0.984
    expect(daysOf(backlogOf([solo, joint], throughput))).toEqual({ SOLO: [1, 1, 1, 1], JOINT: [2, 2, 2, 3] });
  });

  test('who holds a PBI up: the team alone the last to finish its part, trial by trial', () => {
    const sim = simulateBacklog(
      backlogOf(
        [
          { key: 'SOLO', teams: ['Alpha'] },
          { key: 'JOINT', teams: ['Alpha', 'Beta'] },
        ],
        throughput,
      ),
      TRIALS,
      seededRng('last'),
    );
    // Alpha is done with JOINT on day 2; Beta is later (day 3 or after) with 0.25² = 6.25%, the same day with 0.1875
    expect((sim.lastTeam[1].get(1) ?? 0) / TRIALS).toBeCloseTo(0.0625, 2);
    expect((sim.lastTeam[1].get(0) ?? 0) / TRIALS).toBeCloseTo(0.75, 2); // Beta done on day 1
    expect(sim.lastTeam[0].get(0)).toBe(TRIALS); // SOLO needs Alpha alone
  });

  test('a dependency delays a PBI that would otherwise be done on day 1', () => {
    // Alpha finishes 1 or 2 squares a day: its 4th square is done by day 2 with 1/4, by day 3 with 7/8, surely by 4
    const alpha = [1, 2, 3, 4].map((n) => ({ key: `A-${n}`, teams: ['Alpha'] }));
    const early = { key: 'EARLY', teams: ['Beta'] };
    const teams = { Alpha: [1, 2], Beta: [1] };
    expect(daysOf(backlogOf([...alpha, early], teams)).EARLY).toEqual([1, 1, 1, 1]);
    const waiting = daysOf(backlogOf([...alpha, early], teams, { EARLY: ['A-4'] }));
    expect(waiting.EARLY).toEqual([3, 3, 3, 4]);
    expect(waiting['A-4']).toEqual([3, 3, 3, 4]); // what it waits for is not changed by waiting
  });

  test('the integration step after the last team, taken exactly from history', () => {
    // P-k's square is Alpha's k-th, done on day k; half the integrations took no day, half took 2
    const pbis = [1, 2, 3, 4].map((n) => ({ key: `P-${n}`, teams: ['Alpha'], lags: [0, 2] }));
    const sim = simulateBacklog(backlogOf(pbis, { Alpha: [1] }), 1_000, seededRng('cut'));
    const byDay3 = sim.doneWithin.map((d) => d[3]);
    expect(byDay3).toEqual([1, 0.5, 0.5, 0]);
    expect(CONFIDENCES.map((c) => dayAtConfidence(sim.doneWithin[1], c))).toEqual([2, 4, 4, 4]);
    // the cut line by day 3: the first PBI below the confidence; at 50% P-2 and P-3 (a coin toss) are above it
    expect(cutLine(byDay3, 85)).toBe(1);
    expect(cutLine(byDay3, 50)).toBe(3);
    expect(cutLine([1, 0.5, 1], 85)).toBe(1); // a PBI below the line may still be likely: the line stays at the first
    expect(cutLine(byDay3.slice(0, 1), 85)).toBeNull();
    // a PBI no forecast can date is neither likely nor not: the line passes over it, not above everything
    expect(cutLine([null, 1, 0.5], 85)).toBe(2);
    expect(cutLine([null, 1], 85)).toBeNull();
  });

  test('a team that never finishes within the horizon leaves its PBIs without a date, and their dependents', () => {
    const backlog = backlogOf(
      [
        { key: 'STUCK', teams: ['Idle'] },
        { key: 'AFTER', teams: ['Alpha'] },
      ],
      { Idle: [0], Alpha: [1] },
      { AFTER: ['STUCK'] },
    );
    expect(daysOf(backlog, 10)).toEqual({ STUCK: Array(4).fill(Infinity), AFTER: Array(4).fill(Infinity) });
  });
});

describe('the backlog forecast (properties)', () => {
  const TEAMS = ['Alpha', 'Beta', 'Gamma'];
  const history = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 6 }).map((h) => [...h, 1]);
  const lags = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 });
  const pbiArb = fc.record({ teams: fc.subarray(TEAMS, { minLength: 1 }), lags });
  const backlogArb = fc.record({
    pbis: fc.array(pbiArb, { minLength: 2, maxLength: 5 }),
    throughput: fc.tuple(history, history, history),
  });
  const toBacklog = (
    pbis: readonly { teams: string[]; lags: number[] }[],
    throughput: readonly number[][],
    depends: Record<string, string[]> = {},
  ) =>
    backlogOf(
      pbis.map((p, i) => ({ ...p, key: `P-${i}` })),
      Object.fromEntries(TEAMS.map((t, j) => [t, throughput[j]])),
      depends,
    );

  test('the backlog forecast of one PBI equals /forecast <key>', () => {
    fc.assert(
      fc.property(pbiArb, fc.tuple(history, history, history), fc.boolean(), (pbi, throughput, teamsDone) => {
        // /forecast <key>: each team not done finishes its one square, then the integration step
        const working = teamsDone ? [] : pbi.teams;
        const parts = working.map((team) => ({ team, items: 1, throughput: throughput[TEAMS.indexOf(team)] }));
        const steps = teamsDone && !pbi.lags.length ? [3] : pbi.lags; // all done with no step left: no forecast
        const single = pbiDoneWithin(parts, steps, 300, seededRng('one'));
        const backlog: Backlog = {
          pbis: [{ key: 'ONE', integrationDays: steps }],
          teams: parts.map((p) => ({ team: p.team, throughput: p.throughput, queue: ['ONE'] })),
          depends: new Map(),
        };
        expect(simulateBacklog(backlog, 300, seededRng('one')).doneWithin[0]).toEqual(single);
      }),
      { numRuns: 25 },
    );
  });

  test('adding a dependency never makes a PBI earlier', () => {
    fc.assert(
      fc.property(backlogArb, fc.nat(), fc.nat(), fc.nat(), ({ pbis, throughput }, a, b, c) => {
        // dependencies only on PBIs above (so never a cycle): one there already, one added
        const [from, to] = [1 + (a % (pbis.length - 1)), 1 + (b % (pbis.length - 1))];
        const before = { [`P-${from}`]: [`P-${c % from}`] };
        const after = { ...before, [`P-${to}`]: [...(before[`P-${to}`] ?? []), `P-${(c + 1) % to}`] };
        const was = daysOf(toBacklog(pbis, throughput, before), 200, 'dep');
        const is = daysOf(toBacklog(pbis, throughput, after), 200, 'dep');
        for (const key of Object.keys(was))
          is[key].forEach((day, k) => expect(day).toBeGreaterThanOrEqual(was[key][k]));
      }),
      { numRuns: 25 },
    );
  });

  test("raising a PBI's rank never makes it later", () => {
    fc.assert(
      fc.property(backlogArb, fc.nat(), fc.nat(), ({ pbis, throughput }, a, b) => {
        const from = 1 + (a % (pbis.length - 1));
        const to = b % from;
        const raised = [...pbis];
        const [moving] = raised.splice(from, 1);
        raised.splice(to, 0, moving);
        const named = (list: typeof pbis) => list.map((p) => ({ ...p, key: `P-${pbis.indexOf(p)}` }));
        const backlog = (list: typeof pbis) =>
          backlogOf(named(list), Object.fromEntries(TEAMS.map((t, j) => [t, throughput[j]])));
        const was = daysOf(backlog(pbis), 200, 'rank')[`P-${from}`];
        const is = daysOf(backlog(raised), 200, 'rank')[`P-${from}`];
        is.forEach((day, k) => expect(day).toBeLessThanOrEqual(was[k]));
      }),
      { numRuns: 25 },
    );
  });
});
