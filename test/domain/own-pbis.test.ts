import { DateTime } from 'luxon';
import { ownPbis } from '../../src/domain/own-pbis';
import { evolve, type Pbi } from '../../src/domain/pbi';

const WORKFLOW = {
  stages: [
    { name: 'ready', wipLimit: null },
    { name: 'doing', wipLimit: null },
    { name: 'done', wipLimit: null },
  ],
  startStage: 'doing',
  finishStage: 'done',
};
const at = DateTime.utc(2026, 3, 2);
const added = (key: string, swarming: string[] = []): Pbi => ({
  ...evolve(
    undefined,
    { type: 'pbi.added', key, at, actor: 'U1', title: key, url: null, stage: 'ready', teams: [] },
    WORKFLOW,
  ),
  swarming,
});

describe("a person's own PBIs on App Home", () => {
  const open = [added('PBI-1'), added('PBI-2', ['U_DEV']), added('PBI-3'), added('PBI-4', ['U_DEV', 'U_X'])];
  test.each([
    ['touched, the latest first, then swarmed on', ['PBI-3', 'PBI-1'], 10, ['PBI-3', 'PBI-1', 'PBI-2', 'PBI-4']],
    ['a PBI touched and swarmed on once, where touched', ['PBI-4'], 10, ['PBI-4', 'PBI-2']],
    ['keys no longer open (finished, discarded) left out', ['PBI-9', 'PBI-1'], 10, ['PBI-1', 'PBI-2', 'PBI-4']],
    ['at most max', ['PBI-3', 'PBI-1'], 3, ['PBI-3', 'PBI-1', 'PBI-2']],
    ['nothing touched: only those swarmed on', [], 10, ['PBI-2', 'PBI-4']],
  ])('%s', (_case, touched, max, keys) => {
    expect(ownPbis(open, touched, 'U_DEV', max).map((p) => p.key)).toEqual(keys);
  });
  test('someone who touched and swarmed nothing has none', () => {
    expect(ownPbis(open, [], 'U_NOBODY', 10)).toEqual([]);
  });
});
