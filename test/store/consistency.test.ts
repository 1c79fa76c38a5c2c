import { brokenInvariants } from '../support/consistency';
import { commandHarness, type Harness } from '../support/harness';
import { describeEachDatabase } from '../support/setup-db';

const SETUP =
  '/nexus setup --teams Alpha,Beta --stages "refining,ready,doing,review,integrated,released" --start doing --finish integrated';

/**
 * Two replicas (two stores, each with its own remembered reads) on one database, typing at once. Whatever the mix,
 * nothing said "done" is lost, and every PBI equals its history under the Nexus's settings as they end up.
 */
describeEachDatabase('settings and PBI writes at once', (db) => {
  let a: Harness;
  let b: Harness;
  let nexusId: string;
  beforeEach(async () => {
    a = commandHarness(db());
    b = commandHarness(db());
    await a.run(SETUP);
    nexusId = (await a.nexus()).id;
  });
  const both = (lines: string[]) => Promise.all(lines.map((line, i) => (i % 2 ? b : a).run(line)));
  /** Four replicas at once: the most contention one test process can make. */
  const four = () => {
    const replicas = [a, b, commandHarness(db()), commandHarness(db())];
    return (lines: string[]) => Promise.all(lines.map((line, i) => replicas[i % 4].run(line)));
  };
  const addPbis = async (n: number, flags = '') => {
    for (let i = 0; i < n; i++) await a.run(`/pbi add "Item ${i}" ${flags}`);
  };

  test('ten teams and ten stages added at once are all kept, each with its event', async () => {
    const teams = await both(Array.from({ length: 10 }, (_, i) => `/nexus teams add Team${i}`));
    expect(teams.every((r) => r.visibility === 'channel')).toBe(true);
    const stages = await both(Array.from({ length: 10 }, (_, i) => `/nexus stage add s${i} --after review`));
    expect(stages.every((r) => r.visibility === 'channel')).toBe(true);
    const nexus = await a.nexus();
    expect([...nexus.teams].sort()).toEqual(
      ['Alpha', 'Beta', ...Array.from({ length: 10 }, (_, i) => `Team${i}`)].sort(),
    );
    expect(
      nexus.workflow.stages
        .map((s) => s.name)
        .filter((s) => /^s\d$/.test(s))
        .sort(),
    ).toEqual(Array.from({ length: 10 }, (_, i) => `s${i}`));
    const events = await db().prisma.event.groupBy({
      by: ['type'],
      where: { nexusId, pbiKey: null },
      _count: { _all: true },
    });
    expect(Object.fromEntries(events.map((e) => [e.type, e._count._all]))).toMatchObject({
      'nexus.teams-changed': 10,
      'nexus.workflow-changed': 10,
    });
  });

  test('moves racing a change of where flow starts and finishes are folded under the new flow', async () => {
    await addPbis(8);
    const moves = Array.from({ length: 8 }, (_, i) => `/pbi move PBI-${i + 1} ${i % 2 ? 'review' : 'ready'}`);
    await both([...moves.slice(0, 4), '/nexus flow start ready finish review', ...moves.slice(4)]);
    expect(await brokenInvariants(db(), nexusId)).toEqual([]);
    const pbis = await Promise.all(Array.from({ length: 8 }, (_, i) => a.store.pbis.get(nexusId, `PBI-${i + 1}`)));
    expect(pbis.every((p) => p!.startedAt !== null)).toBe(true);
  });

  test('a stage removed while PBIs move into it: either the moves or the removal is refused, no PBI is lost from the board', async () => {
    await addPbis(6);
    const moves = Array.from({ length: 6 }, (_, i) => `/pbi move PBI-${i + 1} ready`);
    await both([...moves.slice(0, 3), '/nexus stage remove ready', ...moves.slice(3)]);
    expect(await brokenInvariants(db(), nexusId)).toEqual([]);
  });

  test('a team removed while tracker labels are mapped to it: no label means a team the Nexus does not have', async () => {
    await a.run('/nexus tracker jira');
    await a.run('/nexus teams add Gamma');
    const maps = Array.from({ length: 6 }, (_, i) => `/nexus map jira team lab-${i} ${i % 2 ? 'Gamma' : 'Alpha'}`);
    const answers = await both([...maps.slice(0, 3), '/nexus teams remove Gamma', ...maps.slice(3)]);
    expect(answers.map((r) => r.plain).join('\n')).not.toMatch(/apolog|went wrong/i);
    expect(await brokenInvariants(db(), nexusId)).toEqual([]);
  });

  test('a stage removed while tracker statuses are mapped to it: no status maps to a stage the Nexus does not have', async () => {
    await a.run('/nexus tracker jira');
    const maps = Array.from({ length: 12 }, (_, i) => `/nexus map jira "Status ${i}" ${i % 3 ? 'review' : 'ready'}`);
    const answers = await four()([...maps.slice(0, 4), '/nexus stage remove review', ...maps.slice(4)]);
    expect(answers.map((r) => r.plain).join('\n')).not.toMatch(/apolog|went wrong/i);
    expect(await brokenInvariants(db(), nexusId)).toEqual([]);
  });

  test('a team removed while PBIs take it on: no open PBI needs a team the Nexus does not have', async () => {
    await addPbis(6);
    const takes = Array.from({ length: 6 }, (_, i) => `/pbi teams PBI-${i + 1} +Beta`);
    await both([...takes.slice(0, 3), '/nexus teams remove Beta', ...takes.slice(3)]);
    expect(await brokenInvariants(db(), nexusId)).toEqual([]);
  });

  test('a class removed while PBIs are given it: no open PBI has a class the Nexus does not have', async () => {
    await addPbis(6);
    await a.run('/nexus class add integration-risk');
    const gives = Array.from({ length: 6 }, (_, i) => `/pbi class PBI-${i + 1} integration-risk`);
    const answers = await both([...gives.slice(0, 3), '/nexus class remove integration-risk', ...gives.slice(3)]);
    expect(answers.map((r) => r.plain).join('\n')).not.toMatch(/apolog|went wrong/i);
    expect(await brokenInvariants(db(), nexusId)).toEqual([]);
  });

  test('a hundred moves of one PBI at once: each is done or says where the PBI already is, none fails', async () => {
    await addPbis(1);
    const stages = ['ready', 'doing', 'review', 'ready', 'refining'];
    const replies = await four()(Array.from({ length: 100 }, (_, i) => `/pbi move PBI-1 ${stages[i % stages.length]}`));
    for (const reply of replies) expect(reply.plain).toMatch(/moved PBI-1|is already in/);
    expect(await brokenInvariants(db(), nexusId)).toEqual([]);
    const moved = replies.filter((r) => r.plain.includes('moved PBI-1')).length;
    expect((await a.store.pbis.history(nexusId, 'PBI-1')).filter((e) => e.type === 'pbi.moved')).toHaveLength(moved);
  });

  test('a mix of everything at once keeps every PBI equal to its history', async () => {
    await addPbis(10, '--teams Alpha');
    const lines = [
      '/nexus stage add qa --after review',
      '/nexus teams add Gamma',
      '/nexus flow start ready finish integrated',
      ...Array.from({ length: 10 }, (_, i) => `/pbi move PBI-${i + 1} ${['ready', 'doing', 'review'][i % 3]}`),
      ...Array.from({ length: 10 }, (_, i) => `/pbi team PBI-${i + 1} Alpha ${i % 2 ? 'start' : 'done'}`),
      '/nexus stage remove released',
      '/nexus teams remove Beta',
      '/nexus flow start doing finish integrated',
      ...Array.from({ length: 5 }, (_, i) => `/pbi add "New ${i}" --stage doing --teams Gamma`),
    ];
    const shuffled = lines
      .map((l, i) => ({ l, k: (i * 7919) % lines.length }))
      .sort((x, y) => x.k - y.k)
      .map((x) => x.l);
    await both(shuffled);
    expect(await brokenInvariants(db(), nexusId)).toEqual([]);
  });
});
