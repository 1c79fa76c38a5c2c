import fc from 'fast-check';
import type { PbiEvent } from '../../src/domain/events';
import type { Pbi } from '../../src/domain/pbi';
import {
  applyTrackerChange,
  applyTrackerDeletion,
  DELETED,
  stageForStatus,
  type TrackerChange,
  type TrackerMapping,
  teamsForHints,
  withoutStages,
} from '../../src/domain/tracker';
import { at, WORKFLOW } from './builders';

const NONE: TrackerMapping = { statuses: {}, teams: {} };
const status = (name: string, id: string | null = null, category: string | null = null) => ({ id, name, category });

function change(to: string, when: string, key = 'ED-1'): TrackerChange {
  return {
    item: { key, title: 'Pay with Apple Pay', url: 'https://t/ED-1', createdAt: at('2026-03-01 08:00') },
    from: null,
    to: status(to),
    at: at(when),
    teamHints: [],
  };
}

describe('a tracker status maps to a stage', () => {
  test('by id first, then by name ignoring case, spaces and hyphens, then by category', () => {
    const mapping: TrackerMapping = {
      statuses: { '10001': 'review', 'code  REVIEW': 'doing', indeterminate: 'doing' },
      teams: {},
    };
    expect(stageForStatus(mapping, WORKFLOW, status('Code Review', '10001'))).toBe('review');
    expect(stageForStatus(mapping, WORKFLOW, status('Code Review', '999'))).toBe('doing');
    expect(stageForStatus(mapping, WORKFLOW, status('QA', null, 'indeterminate'))).toBe('doing');
  });

  test('a status named like a stage maps by itself; the tracker category falls to its place in the flow', () => {
    expect(stageForStatus(NONE, WORKFLOW, status('Re-view'))).toBe('review');
    expect(stageForStatus(NONE, WORKFLOW, status('Whatever', null, 'done'))).toBe('done');
    expect(stageForStatus(NONE, WORKFLOW, status('Todo', null, 'unstarted'))).toBe('ready');
    expect(stageForStatus(NONE, WORKFLOW, status('Building', null, 'started'))).toBe('doing');
  });

  test('anything else is unmapped, and a mapping to a stage the workflow lost is too', () => {
    expect(stageForStatus(NONE, WORKFLOW, status('QA'))).toBeNull();
    expect(stageForStatus({ statuses: { QA: 'testing' }, teams: {} }, WORKFLOW, status('QA'))).toBeNull();
  });

  test('a stage leaving the workflow takes the statuses that meant it, whatever the case they were mapped in', () => {
    const statuses = { 'In Review': 'review', QA: 'Review', Shipped: 'done' };
    expect(withoutStages(statuses, ['review'])).toEqual({
      statuses: { Shipped: 'done' },
      dropped: [
        { status: 'In Review', stage: 'review' },
        { status: 'QA', stage: 'Review' },
      ],
    });
    expect(withoutStages(statuses, [])).toEqual({ statuses, dropped: [] });
  });

  test('team hints name teams through the mapping or by the team name; others are left out', () => {
    const mapping: TrackerMapping = { statuses: {}, teams: { 'Payments Squad': 'Alpha' } };
    expect(teamsForHints(mapping, { teams: ['Alpha', 'Beta'] }, ['payments squad', 'beta', 'bug', 'ALPHA'])).toEqual([
      'Alpha',
      'Beta',
    ]);
  });
});

describe('applying tracker changes', () => {
  const to = (stage: string) => ({ stage, teams: ['Alpha'], actor: 'jira' });

  test('an item first seen enters the first stage at its creation in the tracker, then moves', () => {
    const applied = applyTrackerChange(WORKFLOW, null, change('doing', '2026-03-03 10:00'), to('doing'));
    expect(applied.events.map((e) => e.type)).toEqual(['pbi.added', 'pbi.moved']);
    expect(applied.pbi).toMatchObject({ stage: 'doing', title: 'Pay with Apple Pay', url: 'https://t/ED-1' });
    expect(applied.pbi.createdAt.toISO()).toBe(at('2026-03-01 08:00').toISO());
    expect(applied.pbi.startedAt!.toISO()).toBe(at('2026-03-03 10:00').toISO());
    expect(applied.pbi.squares.map((s) => s.team)).toEqual(['Alpha']);
    expect(applied.move).toMatchObject({ from: null, to: 'doing' });
  });

  test('a change to the stage it is in is recorded but keeps the time it entered, and announces no move', () => {
    const first = applyTrackerChange(WORKFLOW, null, change('doing', '2026-03-03 10:00'), to('doing'));
    const again = applyTrackerChange(
      WORKFLOW,
      { pbi: first.pbi, history: null },
      change('doing', '2026-03-04 10:00'),
      to('doing'),
    );
    expect(again.move).toBeNull();
    expect(again.events).toHaveLength(1);
    expect(again.pbi.stageEnteredAt.toISO()).toBe(at('2026-03-03 10:00').toISO());
    expect(again.pbi.lastEventAt.toISO()).toBe(at('2026-03-04 10:00').toISO());
  });

  test('a late change goes into history in its place and does not move the item backwards', () => {
    const first = applyTrackerChange(WORKFLOW, null, change('done', '2026-03-05 10:00'), to('done'));
    const late = applyTrackerChange(
      WORKFLOW,
      { pbi: first.pbi, history: first.events },
      change('doing', '2026-03-03 10:00'),
      to('doing'),
    );
    expect(late.pbi.stage).toBe('done');
    expect(late.pbi.startedAt!.toISO()).toBe(at('2026-03-03 10:00').toISO());
    expect(late.pbi.finishedAt!.toISO()).toBe(at('2026-03-05 10:00').toISO());
    expect(late.move).toMatchObject({ from: 'ready', to: 'doing' });
  });

  test('the latest change renames the item when its tracker title or address changed; a late one does not', () => {
    const retitled = (c: TrackerChange, title: string, url: string | null): TrackerChange => ({
      ...c,
      item: { ...c.item, title, url },
    });
    const first = applyTrackerChange(WORKFLOW, null, change('doing', '2026-03-03 10:00'), to('doing'));
    const same = applyTrackerChange(
      WORKFLOW,
      { pbi: first.pbi, history: null },
      change('review', '2026-03-04 10:00'),
      to('review'),
    );
    expect(same.events.map((e) => e.type)).toEqual(['pbi.moved']);
    const renamed = applyTrackerChange(
      WORKFLOW,
      { pbi: same.pbi, history: null },
      retitled(change('done', '2026-03-05 10:00'), 'Pay with Apple Pay and Google Pay', null),
      to('done'),
    );
    expect(renamed.events.map((e) => e.type)).toEqual(['pbi.renamed', 'pbi.moved']);
    expect(renamed.pbi).toMatchObject({
      title: 'Pay with Apple Pay and Google Pay',
      url: 'https://t/ED-1',
      stage: 'done',
    }); // no address sent: kept
    expect(renamed.move).toMatchObject({ title: 'Pay with Apple Pay and Google Pay', to: 'done' });
    const history = [...first.events, ...same.events, ...renamed.events];
    const late = applyTrackerChange(
      WORKFLOW,
      { pbi: renamed.pbi, history },
      retitled(change('review', '2026-03-04 12:00'), 'An old title', 'https://t/old'),
      to('review'),
    );
    expect(late.events.map((e) => e.type)).toEqual(['pbi.moved']);
    expect(late.pbi).toMatchObject({
      title: 'Pay with Apple Pay and Google Pay',
      url: 'https://t/ED-1',
      stage: 'done',
    });
  });

  test('an item deleted in its tracker is discarded, unless never seen, already discarded or finished', () => {
    const deleted = (when: string): TrackerChange => ({
      ...change('x', when),
      to: { id: null, name: 'deleted', category: DELETED },
    });
    expect(applyTrackerDeletion(WORKFLOW, null, deleted('2026-03-04 10:00'), 'jira')).toBeNull();
    const doing = applyTrackerChange(WORKFLOW, null, change('doing', '2026-03-03 10:00'), to('doing'));
    const gone = applyTrackerDeletion(
      WORKFLOW,
      { pbi: doing.pbi, history: null },
      deleted('2026-03-04 10:00'),
      'jira',
    )!;
    expect(gone.events).toMatchObject([{ type: 'pbi.discarded', reason: 'deleted in the tracker' }]);
    expect(gone.pbi.discardedAt!.toISO()).toBe(at('2026-03-04 10:00').toISO());
    expect(gone.move).toMatchObject({ from: 'doing', to: DELETED });
    expect(
      applyTrackerDeletion(WORKFLOW, { pbi: gone.pbi, history: null }, deleted('2026-03-05 10:00'), 'jira'),
    ).toBeNull();
    const done = applyTrackerChange(WORKFLOW, null, change('done', '2026-03-03 10:00'), to('done'));
    expect(
      applyTrackerDeletion(WORKFLOW, { pbi: done.pbi, history: null }, deleted('2026-03-04 10:00'), 'jira'),
    ).toBeNull();
    const moved = applyTrackerChange(
      WORKFLOW,
      { pbi: doing.pbi, history: null },
      change('review', '2026-03-05 10:00'),
      to('review'),
    );
    const late = applyTrackerDeletion(
      WORKFLOW,
      { pbi: moved.pbi, history: [...doing.events, ...moved.events] },
      deleted('2026-03-04 10:00'),
      'jira',
    )!;
    expect(late.pbi).toMatchObject({ stage: 'review' });
    expect(late.pbi.discardedAt!.toISO()).toBe(at('2026-03-04 10:00').toISO());
  });

  test('a late change needs the history', () => {
    const first = applyTrackerChange(WORKFLOW, null, change('done', '2026-03-05 10:00'), to('done'));
    expect(() =>
      applyTrackerChange(WORKFLOW, { pbi: first.pbi, history: null }, change('doing', '2026-03-03 10:00'), to('doing')),
    ).toThrow(/history/);
  });

  test('whatever order the changes arrive in, the item ends as the changes in order of occurrence make it', () => {
    const stages = ['ready', 'doing', 'review', 'done', 'released'];
    const changes = fc.uniqueArray(
      fc.record({ day: fc.integer({ min: 2, max: 27 }), stage: fc.constantFrom(...stages) }),
      { selector: (c) => c.day, minLength: 1, maxLength: 8 },
    );
    fc.assert(
      fc.property(
        changes.chain((list) =>
          fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length })),
        ),
        ([list, arrival]) => {
          const run = (order: typeof list): Pbi => {
            let state = null as { pbi: Pbi; history: PbiEvent[] } | null;
            for (const c of order) {
              const applied = applyTrackerChange(
                WORKFLOW,
                state,
                change(c.stage, `2026-03-${String(c.day).padStart(2, '0')} 10:00`),
                to(c.stage),
              );
              state = { pbi: applied.pbi, history: [...(state?.history ?? []), ...applied.events] };
            }
            return state!.pbi;
          };
          const sorted = run([...list].sort((a, b) => a.day - b.day));
          const shuffled = run(arrival);
          const view = (p: Pbi) => ({
            stage: p.stage,
            startedAt: p.startedAt?.toMillis(),
            finishedAt: p.finishedAt?.toMillis(),
            stageEnteredAt: p.stageEnteredAt.toMillis(),
            lastEventAt: p.lastEventAt.toMillis(),
          });
          expect(view(shuffled)).toEqual(view(sorted));
        },
      ),
      { numRuns: 300 },
    );
  });
});
