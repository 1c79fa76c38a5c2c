import { cycleThrough, dependencyGraph, openKeys, waitingOn } from '../../src/domain/dependencies';
import type { PbiEvent } from '../../src/domain/events';
import { evolve, type Pbi } from '../../src/domain/pbi';
import { decideDependency, decideDependencyRemoved } from '../../src/domain/pbi-decisions';
import { at, pbiFrom, WORKFLOW } from './builders';

const who = { at: at('2026-12-02 10:00'), actor: 'U1' };
/** A PBI with the given dependencies, added through events as commands add them. */
function pbi(key: string, dependsOn: string[] = [], steps: Parameters<typeof pbiFrom>[2] = []): Pbi {
  return dependsOn.reduce(
    (p, on) => evolve(p, { type: 'pbi.dependency-added', key, on, ...who }, WORKFLOW),
    pbiFrom(key, '2026-12-01 09:00', steps),
  );
}
const graph = (...pbis: Pbi[]) => dependencyGraph(pbis);

describe('dependencies between PBIs', () => {
  test('names the shortest cycle a new dependency would close, from the PBI round to it again', () => {
    const g = new Map([
      ['PBI-5', ['PBI-3']],
      ['PBI-7', ['PBI-8']],
      ['PBI-8', ['PBI-9']],
      ['PBI-9', ['PBI-3', 'PBI-7']],
    ]);
    expect(cycleThrough(g, 'PBI-3', 'PBI-5')).toEqual(['PBI-3', 'PBI-5', 'PBI-3']);
    expect(cycleThrough(g, 'pbi-3', 'PBI-7')).toEqual(['pbi-3', 'PBI-7', 'PBI-8', 'PBI-9', 'pbi-3']);
    expect(cycleThrough(g, 'PBI-9', 'PBI-7')).toEqual(['PBI-9', 'PBI-7', 'PBI-8', 'PBI-9']);
    expect(cycleThrough(g, 'PBI-5', 'PBI-9')).toBeNull(); // PBI-9 waits on PBI-3 and PBI-7, not on PBI-5
    expect(cycleThrough(g, 'PBI-1', 'PBI-2')).toBeNull();
  });

  test('adding and removing a dependency is folded into the PBI; adding one twice keeps it once', () => {
    const five = pbi('PBI-5', ['PBI-3', 'PBI-4', 'PBI-3']);
    expect(five.dependsOn).toEqual(['PBI-3', 'PBI-4']);
    const removed: PbiEvent = { type: 'pbi.dependency-removed', key: 'PBI-5', on: 'PBI-3', ...who };
    expect(evolve(five, removed, WORKFLOW).dependsOn).toEqual(['PBI-4']);
  });

  test('refuses a dependency on itself, on an unknown or discarded PBI, twice, or closing a cycle', () => {
    const three = pbi('PBI-3');
    const five = pbi('PBI-5', ['PBI-3']);
    const gone = pbi('PBI-6', [], [['2026-12-01 10:00', 'discard']]);
    const g = graph(three, five, pbi('PBI-6', ['PBI-3']));
    expect(decideDependency(three, three, 'pbi-3', g, who)).toEqual({ problem: 'depends-on-itself', key: 'PBI-3' });
    expect(decideDependency(three, null, 'PBI-99', g, who)).toEqual({ problem: 'unknown-pbi', key: 'PBI-99' });
    expect(decideDependency(three, gone, 'PBI-6', g, who)).toEqual({
      problem: 'depends-on-discarded',
      key: 'PBI-3',
      on: 'PBI-6',
    });
    expect(decideDependency(gone, three, 'PBI-3', g, who)).toEqual({ problem: 'discarded', key: 'PBI-6' });
    // a finished PBI waits on nothing any more; an open one may wait on a finished one (it is no wait)
    const done = pbi('PBI-7', [], [['2026-12-01 11:00', 'move', 'done']]);
    expect(decideDependency(done, three, 'PBI-3', g, who)).toEqual({
      problem: 'finished-plans',
      key: 'PBI-7',
      change: 'dependency',
    });
    expect(decideDependency(three, done, 'PBI-7', g, who)).toMatchObject({ type: 'pbi.dependency-added' });
    expect(decideDependency(five, three, 'pbi-3', g, who)).toEqual({
      problem: 'already-depends',
      key: 'PBI-5',
      on: 'PBI-3',
    });
    expect(decideDependency(three, five, 'PBI-5', g, who)).toEqual({
      problem: 'dependency-cycle',
      key: 'PBI-3',
      cycle: ['PBI-3', 'PBI-5', 'PBI-3'],
    });
    // the key as the PBI writes it goes into history, whatever case was typed
    expect(decideDependency(five, pbi('PBI-4'), 'pbi-4', g, who)).toMatchObject({
      type: 'pbi.dependency-added',
      key: 'PBI-5',
      on: 'PBI-4',
    });
  });

  test('a discarded PBI holds no one up: its dependencies close no cycle and no one waits on it', () => {
    const gone = pbi('PBI-6', ['PBI-3'], [['2026-12-01 10:00', 'discard']]);
    expect(decideDependency(pbi('PBI-3'), pbi('PBI-6'), 'PBI-6', graph(gone), who)).toMatchObject({
      type: 'pbi.dependency-added',
    });
    const five = pbi('PBI-5', ['PBI-3', 'PBI-6', 'PBI-7']);
    expect(waitingOn(five, openKeys([pbi('PBI-7'), pbi('pbi-3')]))).toEqual(['PBI-3', 'PBI-7']);
  });

  test('removing names the dependency as it is written, and refuses one the PBI does not have', () => {
    const five = pbi('PBI-5', ['PBI-3']);
    expect(decideDependencyRemoved(five, 'pbi-3', who)).toMatchObject({ type: 'pbi.dependency-removed', on: 'PBI-3' });
    expect(decideDependencyRemoved(five, 'PBI-4', who)).toEqual({
      problem: 'not-a-dependency',
      key: 'PBI-5',
      on: 'PBI-4',
      dependsOn: ['PBI-3'],
    });
    // a key no PBI has is named as unknown, not as one it doesn't depend on
    expect(decideDependencyRemoved(five, 'PBI-999', who, false)).toEqual({ problem: 'unknown-pbi', key: 'PBI-999' });
  });
});
