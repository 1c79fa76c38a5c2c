import fc from 'fast-check';
import type { PbiEvent } from '../../src/domain/events';
import type { Nexus } from '../../src/domain/nexus';
import { evolve, flowDatesOf, inOrder, isInProgress, type Pbi, replay } from '../../src/domain/pbi';
import {
  decideAdd,
  decideBlock,
  decideDiscard,
  decideLink,
  decideMove,
  decideSquare,
  decideTeams,
  decideUnblock,
  decideUnlink,
  supersededMove,
} from '../../src/domain/pbi-decisions';
import { at, pbiFrom, WORKFLOW } from './builders';

const nexus: Nexus = {
  id: 'n1',
  workspaceId: 'T',
  channelId: 'C',
  name: 'N',
  teams: ['Alpha', 'Beta', 'Gamma'],
  workflow: WORKFLOW,
  sle: { percentile: 85, days: null, historyDays: 90 },
  timeZone: 'Europe/Berlin',
  digest: { time: '09:30', days: ['mon'], enabled: true },
  forecast: { days: 'calendar', sprintDays: 14, sprintStart: null },
  sprintReports: { review: false, retro: false },
  teamChannels: [],
  classes: [],
  nit: ['U1'],
  createdBy: 'U1',
};
const who = { at: at('2027-01-05 10:00'), actor: 'U2' };
const apply = (pbi: Pbi, e: ReturnType<typeof decideMove>) => {
  if ('problem' in e) throw new Error(e.problem);
  return evolve(pbi, e, WORKFLOW);
};

describe('adding a PBI', () => {
  test('starts in the first stage with a not-started square per team, names matched without case', () => {
    const e = decideAdd(nexus, { key: 'PBI-1', title: 'T', url: null, stage: null, teams: ['alpha', 'BETA'] }, who);
    expect(e).toMatchObject({ type: 'pbi.added', stage: 'ready', teams: ['Alpha', 'Beta'] });
    const pbi = evolve(undefined, e as never, WORKFLOW);
    expect(pbi.squares.map((s) => [s.team, s.state])).toEqual([
      ['Alpha', 'not-started'],
      ['Beta', 'not-started'],
    ]);
    expect(isInProgress(pbi)).toBe(false);
  });
  test('added straight into a started stage counts as started then', () => {
    const pbi = evolve(
      undefined,
      decideAdd(nexus, { key: 'K', title: 'T', url: null, stage: 'Doing', teams: [] }, who) as never,
      WORKFLOW,
    );
    expect(pbi.stage).toBe('doing');
    expect(pbi.startedAt?.toISO()).toBe(who.at.toISO());
  });
  test('refuses an unknown stage or team, naming the ones there are', () => {
    expect(decideAdd(nexus, { key: 'K', title: 'T', url: null, stage: 'nowhere', teams: [] }, who)).toEqual({
      problem: 'unknown-stage',
      stage: 'nowhere',
      stages: ['ready', 'doing', 'review', 'done', 'released'],
    });
    expect(decideAdd(nexus, { key: 'K', title: 'T', url: null, stage: null, teams: ['Delta'] }, who)).toMatchObject({
      problem: 'unknown-team',
      team: 'Delta',
    });
  });
});

describe('moving a PBI', () => {
  const pbi = pbiFrom('A', '2027-01-01 08:00', [], { teams: ['Alpha', 'Beta'] });
  test('records where it came from', () => {
    expect(decideMove(nexus, pbi, 'DOING', who)).toMatchObject({ type: 'pbi.moved', from: 'ready', to: 'doing' });
  });
  test('refuses a move to where it already is', () => {
    expect(decideMove(nexus, pbi, 'ready', who)).toEqual({ problem: 'already-there', key: 'A', stage: 'ready' });
  });
  test('is not integrated until every team square is done', () => {
    const moved = apply(pbi, decideMove(nexus, pbi, 'doing', who));
    const refused = decideMove(nexus, moved, 'done', who);
    expect(refused).toMatchObject({ problem: 'squares-not-done', open: [{ team: 'Alpha' }, { team: 'Beta' }] });
    let doneAll = moved;
    for (const team of ['Alpha', 'Beta']) doneAll = apply(doneAll, decideSquare(nexus, doneAll, team, 'done', who));
    expect(decideMove(nexus, doneAll, 'done', who)).toMatchObject({ type: 'pbi.moved', to: 'done' });
  });
  test('a discarded PBI does not move', () => {
    const gone = apply(pbi, decideDiscard(pbi, 'obsolete', who));
    expect(decideMove(nexus, gone, 'doing', who)).toEqual({ problem: 'discarded', key: 'A' });
  });
});

describe('a move that comes in after the same person moved the PBI with a command sent later', () => {
  const pbi = pbiFrom('A', '2027-01-01 08:00', [], { teams: ['Alpha'] });
  const move = decideMove(nexus, pbi, 'doing', who) as PbiEvent;
  const asked = (time: string, by = 'U2') => ({ at: at(`2027-01-05 ${time}`), by });
  test.each([
    [
      'their own later move',
      asked('10:00'),
      asked('10:01'),
      { problem: 'superseded-move', key: 'A', stage: 'ready', to: 'doing' },
    ],
    ['their own earlier move', asked('10:01'), asked('10:00'), null],
    ['their own move asked at the same instant', asked('10:00'), asked('10:00'), null],
    ["someone else's later move", asked('10:00'), asked('10:01', 'U3'), null],
    ['a move with no command behind it (a tracker, the console)', asked('10:00'), null, null],
    ['a command whose arrival is not known', null, asked('10:01'), null],
  ])('after %s', (_, mine, last, problem) => {
    expect(supersededMove(move, mine, last, pbi)).toEqual(problem);
  });
  test('only moves: a square changed is not a move', () => {
    const square = decideSquare(nexus, pbi, 'Alpha', 'start', who) as PbiEvent;
    expect(supersededMove(square, asked('10:00'), asked('10:01'), pbi)).toBeNull();
  });
});

describe('team squares', () => {
  const pbi = pbiFrom('A', '2027-01-01 08:00', [], { teams: ['Alpha'] });
  test('go not started → started → done, and reset', () => {
    const started = apply(pbi, decideSquare(nexus, pbi, 'alpha', 'start', who));
    expect(started.squares[0]).toMatchObject({ state: 'started' });
    const done = apply(started, decideSquare(nexus, started, 'Alpha', 'done', { ...who, at: at('2027-01-07 10:00') }));
    expect(done.squares[0].state).toBe('done');
    expect(done.squares[0].startedAt?.toISO()).toBe(who.at.toISO());
    const reset = apply(done, decideSquare(nexus, done, 'Alpha', 'reset', who));
    expect(reset.squares[0]).toMatchObject({ state: 'not-started', startedAt: null, doneAt: null });
  });
  test('refuses a team the PBI does not need, and a square already in that state', () => {
    expect(decideSquare(nexus, pbi, 'Beta', 'start', who)).toEqual({
      problem: 'team-not-needed',
      key: 'A',
      team: 'Beta',
    });
    expect(decideSquare(nexus, pbi, 'Alpha', 'reset', who)).toEqual({
      problem: 'already-in-state',
      key: 'A',
      team: 'Alpha',
      state: 'not-started',
    });
  });
  test('teams are added and removed', () => {
    const changed = apply(pbi, decideTeams(nexus, pbi, ['Gamma'], ['Alpha'], who));
    expect(changed.squares.map((s) => s.team)).toEqual(['Gamma']);
    expect(decideTeams(nexus, pbi, ['Alpha'], [], who)).toEqual({
      problem: 'team-already-needed',
      key: 'A',
      team: 'Alpha',
    });
    expect(decideTeams(nexus, pbi, [], ['Beta'], who)).toEqual({
      problem: 'team-not-needed',
      key: 'A',
      team: 'Beta',
      removing: { needed: ['Alpha'] },
    });
  });
});

describe('blocking', () => {
  const pbi = pbiFrom('A', '2027-01-01 08:00');
  test('keeps the reason until unblocked', () => {
    const blocked = apply(pbi, decideBlock(pbi, 'waiting for API keys', who));
    expect(blocked.blocked?.reason).toBe('waiting for API keys');
    expect(decideBlock(blocked, 'again', who)).toEqual({
      problem: 'already-blocked',
      key: 'A',
      reason: 'waiting for API keys',
    });
    expect(apply(blocked, decideUnblock(blocked, who)).blocked).toBeNull();
    expect(decideUnblock(pbi, who)).toEqual({ problem: 'not-blocked', key: 'A' });
  });
});

describe('links to where a PBI was talked about', () => {
  const pbi = pbiFrom('A', '2027-01-01 08:00');
  const thread = 'https://shop.slack.com/archives/C1/p1';
  const doc = 'https://docs.example.com/d/2';
  const linked = (p: Pbi, url: string, title: string, when: string) =>
    apply(p, decideLink(p, url, title, { at: at(when), actor: 'U3' }));
  const one = linked(pbi, thread, 'Agreed with legal', '2027-01-05 10:00');
  const two = linked(one, doc, '', '2027-01-06 11:00');

  test.each<[string, Pbi, { url: string; title: string; at: string }[]]>([
    ['none at first', pbi, []],
    ['one, with its note', one, [{ url: thread, title: 'Agreed with legal', at: '2027-01-05 10:00' }]],
    [
      'two, newest last',
      two,
      [
        { url: thread, title: 'Agreed with legal', at: '2027-01-05 10:00' },
        { url: doc, title: '', at: '2027-01-06 11:00' },
      ],
    ],
    [
      'the first removed',
      apply(two, decideUnlink(two, thread, who)),
      [{ url: doc, title: '', at: '2027-01-06 11:00' }],
    ],
  ])('%s', (_, folded, links) => {
    expect(folded.links).toEqual(links.map((l) => ({ ...l, at: at(l.at), actor: 'U3' })));
  });

  test('the same URL twice is already linked; an unknown one cannot be removed; a discarded PBI takes none', () => {
    expect(decideLink(two, thread, 'again', who)).toEqual({ problem: 'already-linked', key: 'A', url: thread });
    expect(decideUnlink(one, doc, who)).toEqual({ problem: 'not-linked', key: 'A', url: doc, links: [thread] });
    const discarded = apply(one, decideDiscard(one, null, who));
    expect(decideLink(discarded, doc, '', who)).toEqual({ problem: 'discarded', key: 'A' });
  });

  test('a PBI keeps at most 50 links', () => {
    let many = pbi;
    for (let i = 0; i < 50; i++) many = linked(many, `https://x.example/${i}`, '', '2027-01-05 10:00');
    expect(decideLink(many, doc, '', who)).toEqual({ problem: 'too-many-links', key: 'A', max: 50 });
  });
});

describe('an event of a type this version does not know (written by a newer replica during a deploy)', () => {
  test('is skipped: the PBI stays as it was, and the events after it still apply', () => {
    const pbi = pbiFrom('A', '2027-01-01 08:00', [], { teams: ['Alpha'] });
    const unknown = { type: 'pbi.from-the-future', key: pbi.key, at: at('2027-01-02 08:00'), actor: 'U9' } as never;
    expect(evolve(pbi, unknown, WORKFLOW)).toBe(pbi);
    expect(apply(evolve(pbi, unknown, WORKFLOW), decideMove(nexus, pbi, 'doing', who)).stage).toBe('doing');
  });
});

describe('re-deriving start and finish after a workflow change', () => {
  const stages = WORKFLOW.stages.map((s) => s.name);
  test('flowDatesOf gives exactly what replaying the whole history gives, under any start and finish', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ stage: fc.constantFrom(...stages, 'gone'), minutes: fc.integer({ min: 0, max: 3 }) }), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.integer({ min: 0, max: stages.length - 1 }),
        fc.integer({ min: 0, max: stages.length - 1 }),
        (steps, s, f) => {
          const workflow = { ...WORKFLOW, startStage: stages[Math.min(s, f)], finishStage: stages[Math.max(s, f)] };
          let t = at('2027-01-04 09:00');
          const events: PbiEvent[] = steps.map(({ stage, minutes }, i) => {
            t = t.plus({ minutes });
            return i === 0
              ? { type: 'pbi.added', key: 'K', title: 'T', url: null, stage, teams: [], at: t, actor: 'U' }
              : { type: 'pbi.moved', key: 'K', from: steps[i - 1].stage, to: stage, at: t, actor: 'U' };
          });
          const folded = replay(events, workflow)!;
          const dates = flowDatesOf(
            steps.map((_, i) => ({ stage: steps[i].stage, at: events[i].at })),
            workflow,
          );
          expect([dates.startedAt?.toMillis(), dates.finishedAt?.toMillis()]).toEqual([
            folded.startedAt?.toMillis(),
            folded.finishedAt?.toMillis(),
          ]);
        },
      ),
    );
  });
});

describe('the time an event is recorded at', () => {
  test("a command never goes before the PBI's latest change (clocks differ by moments): it is recorded with it", () => {
    const pbi = { ...pbiFrom('K', '2027-01-05 10:00'), lastEventAt: at('2027-01-05 10:05') };
    const early = { type: 'pbi.blocked' as const, key: 'K', reason: 'x', at: at('2027-01-05 10:04'), actor: 'U' };
    expect(inOrder(early, pbi).at.toMillis()).toBe(at('2027-01-05 10:05').toMillis());
    const later = { ...early, at: at('2027-01-05 10:06') };
    expect(inOrder(later, pbi)).toBe(later);
  });
});
