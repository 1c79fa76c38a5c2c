import { DateTime } from 'luxon';
import { backlogOrder, rankFor, teamQueue } from '../../src/domain/backlog';
import type { PbiEvent } from '../../src/domain/events';
import { type Pbi, replay } from '../../src/domain/pbi';
import { rankAdded } from '../../src/domain/rank';
import type { Workflow } from '../../src/domain/workflow';

const T0 = DateTime.fromISO('2026-03-02T09:00:00Z');
const WORKFLOW: Workflow = {
  stages: ['ready', 'doing', 'done'].map((name) => ({ name, wipLimit: null })),
  startStage: 'doing',
  finishStage: 'done',
};

/** A PBI added at `minutes` past T0 for `teams`, then whatever `more` events say. */
function pbi(key: string, minutes: number, teams: string[] = ['Alpha'], more: PbiEvent[] = []): Pbi {
  const at = T0.plus({ minutes });
  const added: PbiEvent = { type: 'pbi.added', key, title: key, url: null, stage: 'ready', teams, at, actor: 'U' };
  return replay([added, ...more], WORKFLOW)!;
}
const keys = (pbis: readonly Pbi[]) => pbis.map((p) => p.key);
const ordered = (pbis: readonly Pbi[]) => keys([...pbis].sort(backlogOrder));
/** The backlog after `key` is ranked at `place`. */
function ranked(pbis: Pbi[], key: string, place: Parameters<typeof rankFor>[1]): string[] {
  const moving = pbis.find((p) => p.key === key)!;
  const rank = rankFor(moving, place, pbis);
  if (typeof rank !== 'string' || rank.length < 8) throw new Error(`no rank: ${rank}`);
  return ordered(pbis.map((p) => (p === moving ? { ...p, rank } : p)));
}

describe('the Product Backlog order', () => {
  test('PBIs no one ranked are in the order they were added; added in one instant, in the order of their numbers', () => {
    const backlog = [pbi('PBI-3', 2), pbi('PBI-1', 0), pbi('PBI-2', 1)];
    expect(ordered(backlog)).toEqual(['PBI-1', 'PBI-2', 'PBI-3']);
    const imported = ['ED-10', 'ED-2', 'ED-1', 'OPS-2'].map((k) => pbi(k, 0));
    expect(ordered(imported).filter((k) => k.startsWith('ED'))).toEqual(['ED-1', 'ED-2', 'ED-10']);
    expect(new Set(imported.map((p) => p.rank)).size).toBe(4);
    expect(rankAdded(T0, 'PBI-1') < rankAdded(T0.plus({ milliseconds: 1 }), 'PBI-0')).toBe(true);
  });

  test('top, bottom, before and after put the PBI exactly there, also between two added in one instant', () => {
    const backlog = ['PBI-1', 'PBI-2', 'PBI-3', 'PBI-4'].map((k, i) => pbi(k, i));
    expect(ranked(backlog, 'PBI-4', { at: 'top' })).toEqual(['PBI-4', 'PBI-1', 'PBI-2', 'PBI-3']);
    expect(ranked(backlog, 'PBI-1', { at: 'bottom' })).toEqual(['PBI-2', 'PBI-3', 'PBI-4', 'PBI-1']);
    expect(ranked(backlog, 'PBI-4', { at: 'before', key: 'PBI-2' })).toEqual(['PBI-1', 'PBI-4', 'PBI-2', 'PBI-3']);
    expect(ranked(backlog, 'PBI-1', { at: 'after', key: 'pbi-3' })).toEqual(['PBI-2', 'PBI-3', 'PBI-1', 'PBI-4']);
    const together = ['ED-1', 'ED-2', 'ED-3'].map((k) => pbi(k, 0));
    expect(ranked(together, 'ED-3', { at: 'after', key: 'ED-1' })).toEqual(['ED-1', 'ED-3', 'ED-2']);
  });

  test('ranked again and again at one place, each lands there (ranks never run out)', () => {
    let backlog = ['PBI-1', 'PBI-2'].map((k, i) => pbi(k, i));
    for (let n = 3; n < 60; n++) {
      const fresh = pbi(`PBI-${n}`, n);
      const rank = rankFor(fresh, { at: 'after', key: 'PBI-1' }, [...backlog, fresh]) as string;
      backlog = [...backlog, { ...fresh, rank }];
      expect(ordered(backlog).slice(0, 2)).toEqual(['PBI-1', `PBI-${n}`]);
    }
    expect(ordered(backlog).at(-1)).toBe('PBI-2');
  });

  test('where it is already, next to itself, or next to a PBI not open: no rank', () => {
    const backlog = ['PBI-1', 'PBI-2', 'PBI-3'].map((k, i) => pbi(k, i));
    expect(rankFor(backlog[0], { at: 'top' }, backlog)).toBe('same');
    expect(rankFor(backlog[2], { at: 'bottom' }, backlog)).toBe('same');
    expect(rankFor(backlog[1], { at: 'after', key: 'PBI-1' }, backlog)).toBe('same');
    expect(rankFor(backlog[1], { at: 'before', key: 'PBI-2' }, backlog)).toBe('self');
    expect(rankFor(backlog[1], { at: 'before', key: 'PBI-9' }, backlog)).toBe('absent');
  });

  test('a team works its started squares first, oldest first, then the rest in backlog order', () => {
    const start = (key: string, minutes: number): PbiEvent => ({
      type: 'square.changed',
      key,
      team: 'Alpha',
      from: 'not-started',
      to: 'started',
      at: T0.plus({ minutes }),
      actor: 'U',
    });
    const moved = (key: string, minutes: number): PbiEvent => ({
      type: 'pbi.moved',
      key,
      from: 'ready',
      to: 'doing',
      at: T0.plus({ minutes }),
      actor: 'U',
    });
    const backlog = [
      pbi('PBI-1', 0),
      pbi('PBI-2', 1, ['Beta']),
      pbi('PBI-3', 2, ['Alpha'], [moved('PBI-3', 30), start('PBI-3', 30)]),
      pbi('PBI-4', 3, ['Alpha'], [moved('PBI-4', 20), start('PBI-4', 20)]),
      pbi('PBI-5', 4, ['Alpha', 'Beta']),
    ];
    const first = rankFor(backlog[4], { at: 'top' }, backlog) as string;
    const reranked = backlog.map((p) => (p.key === 'PBI-5' ? { ...p, rank: first } : p));
    expect(keys(teamQueue(reranked, 'Alpha'))).toEqual(['PBI-4', 'PBI-3', 'PBI-5', 'PBI-1']);
    expect(keys(teamQueue(reranked, 'Beta'))).toEqual(['PBI-5', 'PBI-2']);
  });

  test('the rank is history: a ranked event folds into the PBI', () => {
    const rank = rankFor(pbi('PBI-2', 1), { at: 'top' }, [pbi('PBI-1', 0), pbi('PBI-2', 1)]) as string;
    const folded = pbi(
      'PBI-2',
      1,
      ['Alpha'],
      [{ type: 'pbi.ranked', key: 'PBI-2', rank, place: { at: 'top' }, at: T0.plus({ hours: 1 }), actor: 'U' }],
    );
    expect(folded.rank).toBe(rank);
    expect(ordered([pbi('PBI-1', 0), folded])).toEqual(['PBI-2', 'PBI-1']);
  });
});
