import { DateTime } from 'luxon';
import { DEMO_STAGES, DEMO_WORKFLOW } from '../../src/demo/load-demo';
import { simulateNexus } from '../../src/demo/simulate';
import { localDate } from '../../src/domain/calendar';
import { dailyCounts, nexusThroughput, teamThroughput } from '../../src/domain/flow-metrics';
import type { Nexus } from '../../src/domain/nexus';
import { decideDiscard, decideMove, decideSquare } from '../../src/domain/pbi-decisions';
import { seededRng } from '../../src/domain/random';
import { openStore, type Store } from '../../src/store';
import { describeEachDatabase } from '../support/setup-db';

const settings: Omit<Nexus, 'id'> = {
  workspaceId: 'T1',
  channelId: 'C1',
  name: 'N',
  teams: ['Alpha', 'Beta'],
  workflow: DEMO_WORKFLOW,
  sle: { percentile: 85, days: null, historyDays: 90 },
  timeZone: 'UTC',
  digest: { time: '09:30', days: ['mon'], enabled: true },
  forecast: { days: 'calendar', sprintDays: 14, sprintStart: null },
  sprintReports: { review: false, retro: false },
  teamChannels: [],
  classes: [],
  nit: ['U1'],
  createdBy: 'U1',
};
const t0 = DateTime.fromISO('2026-05-04T09:00:00Z', { zone: 'utc' });

describeEachDatabase('PBI repository', (db) => {
  let store: Store;
  let nexus: Nexus;
  beforeEach(async () => {
    store = openStore(db(), 'test');
    nexus = (await store.nexuses.create(settings, {
      type: 'nexus.created',
      at: t0,
      actor: 'U1',
      value: settings,
    })) as Nexus;
  });
  const add = (key: string | null, teams: string[] = []) =>
    store.pbis.add(nexus, key, (k) => ({
      type: 'pbi.added',
      key: k,
      title: k,
      url: null,
      stage: 'refining',
      teams,
      at: t0,
      actor: 'U1',
    }));

  test('every change writes the event and the new state together; history folds back to the state', async () => {
    await add(null, ['Alpha']);
    await store.pbis.change(nexus, 'PBI-1', (p) =>
      decideMove(nexus, p, 'in-progress', { at: t0.plus({ hours: 1 }), actor: 'U2' }),
    );
    await store.pbis.change(nexus, 'PBI-1', (p) =>
      decideSquare(nexus, p, 'Alpha', 'done', { at: t0.plus({ hours: 2 }), actor: 'U2' }),
    );
    const history = await store.pbis.history(nexus.id, 'PBI-1');
    expect(history.map((e) => e.type)).toEqual(['pbi.added', 'pbi.moved', 'square.changed']);
    const pbi = await store.pbis.get(nexus.id, 'PBI-1');
    expect(pbi?.stage).toBe('in-progress');
    expect(pbi?.startedAt?.toISO()).toBe(t0.plus({ hours: 1 }).toISO());
    expect(pbi?.squares[0]).toMatchObject({ team: 'Alpha', state: 'done' });
  });

  test('a refused change writes nothing', async () => {
    await add(null);
    const refused = await store.pbis.change(nexus, 'PBI-1', (p) =>
      decideMove(nexus, p, 'refining', { at: t0, actor: 'U2' }),
    );
    expect(refused).toMatchObject({ problem: 'already-there' });
    expect(await store.pbis.history(nexus.id, 'PBI-1')).toHaveLength(1);
  });

  test('concurrent changes to one PBI are all kept, none lost (optimistic lock and retry)', async () => {
    await add(null, ['Alpha', 'Beta']);
    await Promise.all(
      ['Alpha', 'Beta'].map((team, i) =>
        store.pbis.change(nexus, 'PBI-1', (p) =>
          decideSquare(nexus, p, team, 'start', { at: t0.plus({ minutes: i + 1 }), actor: 'U2' }),
        ),
      ),
    );
    const pbi = await store.pbis.get(nexus.id, 'PBI-1');
    expect(pbi?.squares.map((s) => s.state)).toEqual(['started', 'started']);
    expect(await store.pbis.history(nexus.id, 'PBI-1')).toHaveLength(3);
  });

  test('concurrent adds get distinct keys; a hand-made PBI-<n> is skipped', async () => {
    await add('PBI-2');
    const results = await Promise.all([add(null), add(null), add(null)]);
    const keys = results.map((r) => ('ok' in r ? r.pbi.key : r.problem)).sort();
    expect(keys).toEqual(['PBI-1', 'PBI-3', 'PBI-4']);
    expect(await add('PBI-3')).toEqual({ problem: 'duplicate-key', key: 'PBI-3' });
  });

  test('keys are found without case', async () => {
    await add('NEX-7');
    expect((await store.pbis.get(nexus.id, 'nex-7'))?.key).toBe('NEX-7');
  });

  test('importing a history builds the same state as recording it event by event', async () => {
    const events = [
      {
        type: 'pbi.added' as const,
        key: 'PBI-5',
        title: 't',
        url: null,
        stage: 'ready',
        teams: ['Alpha'],
        at: t0,
        actor: 'U1',
      },
      {
        type: 'pbi.moved' as const,
        key: 'PBI-5',
        from: 'ready',
        to: 'in-progress',
        at: t0.plus({ days: 1 }),
        actor: 'U1',
      },
    ];
    expect(await store.pbis.importHistory(nexus, events)).toBe(1);
    const pbi = await store.pbis.get(nexus.id, 'PBI-5');
    expect(pbi?.startedAt?.toISO()).toBe(t0.plus({ days: 1 }).toISO());
    const next = await add(null);
    expect('ok' in next && next.pbi.key).toBe('PBI-6'); // numbering continues after the imported keys
  });

  test('completions, in one read, are exactly what nexusThroughput and teamThroughput count from whole PBIs', async () => {
    const teams = ['Alpha', 'Beta'];
    const end = t0.plus({ days: 60 });
    const events = simulateNexus({
      teams,
      workflow: DEMO_WORKFLOW,
      stages: DEMO_STAGES,
      days: 60,
      end,
      zone: 'Europe/Berlin',
      arrivalsPerDay: 3,
      teamsPerPbi: [1, 2],
      squareFinishChance: { Alpha: 0.5, Beta: 0.4 },
      teamCapacity: 4,
      sprintPull: 20,
      rng: seededRng('completions'),
    });
    await store.pbis.importHistory(nexus, events);
    // a PBI discarded unfinished after Alpha's square was done: its square never counts
    await add('GONE-1', ['Alpha']);
    await store.pbis.change(nexus, 'GONE-1', (p) =>
      decideMove(nexus, p, 'in-progress', { at: t0.plus({ days: 2 }), actor: 'U2' }),
    );
    await store.pbis.change(nexus, 'GONE-1', (p) =>
      decideSquare(nexus, p, 'Alpha', 'done', { at: t0.plus({ days: 3 }), actor: 'U2' }),
    );
    await store.pbis.change(nexus, 'GONE-1', (p) => decideDiscard(p, null, { at: t0.plus({ days: 4 }), actor: 'U2' }));
    const since = t0.minus({ days: 1 });
    const [from, to, zone] = [localDate(since, 'Europe/Berlin'), localDate(end, 'Europe/Berlin'), 'Europe/Berlin'];
    const done = await store.pbis.completions(nexus.id);
    const counted = (instants: readonly DateTime[] = []) =>
      dailyCounts(
        instants.map((at) => localDate(at, zone)),
        from,
        to,
      );
    expect(counted(done.nexus)).toEqual(
      nexusThroughput(await store.pbis.finishedSince(nexus.id, since), from, to, zone),
    );
    const pbis = await store.pbis.listForFlow(nexus.id, since);
    for (const team of teams) expect(counted(done.teams.get(team))).toEqual(teamThroughput(pbis, team, from, to, zone));
    expect(done.nexus.length).toBeGreaterThan(10);
  });

  test("one Nexus never sees another one's PBIs", async () => {
    const other = (await store.nexuses.create(
      { ...settings, channelId: 'C2' },
      { type: 'nexus.created', at: t0, actor: 'U1', value: {} },
    )) as Nexus;
    await add('SHARED-1');
    expect(await store.pbis.get(other.id, 'SHARED-1')).toBeNull();
    expect(await store.pbis.listForFlow(other.id, t0.minus({ days: 1 }))).toEqual([]);
  });
});

describeEachDatabase('finished PBIs for the SLE', (db) => {
  test('a PBI finishing or reopening changes the answer at once, also through another store (another replica)', async () => {
    const reader = openStore(db(), 'replica-1');
    const writer = openStore(db(), 'replica-2');
    const nexus = (await writer.nexuses.create(settings, {
      type: 'nexus.created',
      at: t0,
      actor: 'U1',
      value: {},
    })) as Nexus;
    const since = t0.minus({ days: 1 });
    await writer.pbis.add(nexus, 'A', (k) => ({
      type: 'pbi.added',
      key: k,
      title: k,
      url: null,
      stage: 'in-progress',
      teams: [],
      at: t0,
      actor: 'U1',
    }));
    expect(await reader.pbis.finishedSince(nexus.id, since)).toEqual([]);
    await writer.pbis.change(nexus, 'A', (p) =>
      decideMove(nexus, p, 'integrated', { at: t0.plus({ days: 2 }), actor: 'U1' }),
    );
    expect((await reader.pbis.finishedSince(nexus.id, since)).map((d) => d.finishedAt?.toISO())).toEqual([
      t0.plus({ days: 2 }).toISO(),
    ]);
    await writer.pbis.change(nexus, 'A', (p) =>
      decideMove(nexus, p, 'in-progress', { at: t0.plus({ days: 3 }), actor: 'U1' }),
    );
    expect(await reader.pbis.finishedSince(nexus.id, since)).toEqual([]);
  });
});

describeEachDatabase('remembered reads', (db) => {
  const added =
    (key: string, stage: string, teams: string[] = []) =>
    (k: string) => ({ type: 'pbi.added' as const, key: k, title: key, url: null, stage, teams, at: t0, actor: 'U1' });
  const keys = (pbis: readonly { key: string }[]) => pbis.map((p) => p.key).sort();
  const counts = (m: ReadonlyMap<string, number>) => Object.fromEntries([...m].filter(([, n]) => n > 0).sort());

  test("answers kept across this process's own writes equal a fresh load from the database", async () => {
    const store = openStore(db(), 'replica-1');
    const nexus = (await store.nexuses.create(settings, {
      type: 'nexus.created',
      at: t0,
      actor: 'U1',
      value: {},
    })) as Nexus;
    await store.pbis.add(nexus, 'A', added('A', 'ready', ['Alpha']));
    await store.pbis.add(nexus, 'B', added('B', 'in-progress'));
    expect(keys(await store.pbis.listOpen(nexus.id))).toEqual(['A', 'B']);
    expect(counts(await store.pbis.countByStage(nexus.id))).toEqual({ 'in-progress': 1, ready: 1 });
    await store.pbis.add(nexus, 'C', added('C', 'refining'));
    await store.pbis.change(nexus, 'A', (p) =>
      decideMove(nexus, p, 'in-progress', { at: t0.plus({ hours: 1 }), actor: 'U1' }),
    );
    await store.pbis.change(nexus, 'B', (p) =>
      decideMove(nexus, p, 'integrated', { at: t0.plus({ hours: 2 }), actor: 'U1' }),
    );
    const fresh = openStore(db(), 'replica-2');
    expect(keys(await store.pbis.listOpen(nexus.id))).toEqual(['A', 'C']);
    expect(keys(await store.pbis.listOpen(nexus.id))).toEqual(keys(await fresh.pbis.listOpen(nexus.id)));
    expect((await store.pbis.listOpen(nexus.id)).find((p) => p.key === 'A')?.stage).toBe('in-progress');
    expect(counts(await store.pbis.countByStage(nexus.id))).toEqual({ 'in-progress': 1, integrated: 1, refining: 1 });
    expect(counts(await store.pbis.countByStage(nexus.id))).toEqual(counts(await fresh.pbis.countByStage(nexus.id)));
  });

  test('the latest N in a stage, kept across own writes, equal a fresh load, also when one leaves a full list', async () => {
    const store = openStore(db(), 'replica-1');
    const nexus = (await store.nexuses.create(settings, {
      type: 'nexus.created',
      at: t0,
      actor: 'U1',
      value: {},
    })) as Nexus;
    for (const [i, key] of ['A', 'B', 'C', 'D'].entries()) {
      await store.pbis.add(nexus, key, added(key, 'refining'));
      await store.pbis.change(nexus, key, (p) =>
        decideMove(nexus, p, 'ready', { at: t0.plus({ hours: i + 1 }), actor: 'U1' }),
      );
    }
    const latest = async (s: typeof store) => (await s.pbis.listInStages(nexus.id, ['ready'], 2)).map((p) => p.key);
    expect(await latest(store)).toEqual(['D', 'C']);
    await store.pbis.change(nexus, 'A', (p) =>
      decideMove(nexus, p, 'in-progress', { at: t0.plus({ hours: 9 }), actor: 'U1' }),
    ); // not in the list
    expect(await latest(store)).toEqual(['D', 'C']);
    await store.pbis.change(nexus, 'D', (p) =>
      decideMove(nexus, p, 'in-progress', { at: t0.plus({ hours: 10 }), actor: 'U1' }),
    ); // leaves a full list
    expect(await latest(store)).toEqual(['C', 'B']);
    await store.pbis.add(nexus, 'E', added('E', 'ready'));
    await store.pbis.change(nexus, 'E', (p) => ({
      type: 'pbi.blocked',
      key: p.key,
      reason: 'x',
      at: t0.plus({ hours: 11 }),
      actor: 'U1',
    }));
    expect(await latest(store)).toEqual(await latest(openStore(db(), 'replica-2')));
  });

  test('a request reads as of its Nexus read, without asking again; its own write and every later request see all writes', async () => {
    const store = openStore(db(), 'replica-1');
    const other = openStore(db(), 'replica-2');
    const nexus = (await store.nexuses.create(settings, {
      type: 'nexus.created',
      at: t0,
      actor: 'U1',
      value: {},
    })) as Nexus;
    await store.pbis.add(nexus, 'A', added('A', 'ready'));
    const request = async () => store.about((await store.nexuses.findByChannel('T1', 'C1'))!);
    expect(keys(await store.pbis.listOpen(nexus.id))).toEqual(['A']); // remembered
    const first = await request();
    await other.pbis.add(nexus, 'B', added('B', 'ready')); // after the first request read its Nexus
    expect(keys(await first.pbis.listOpen(nexus.id))).toEqual(['A']); // the remembered answer, not asked again
    expect(keys(await (await request()).pbis.listOpen(nexus.id))).toEqual(['A', 'B']);
    const writing = await request();
    await other.pbis.add(nexus, 'C', added('C', 'ready'));
    await writing.pbis.add(nexus, 'D', added('D', 'ready'));
    expect(keys(await writing.pbis.listOpen(nexus.id))).toEqual(['A', 'B', 'C', 'D']);
  });

  test('a write through another replica is seen by the next read; shared answers cannot be changed by a caller', async () => {
    const reader = openStore(db(), 'replica-1');
    const writer = openStore(db(), 'replica-2');
    const nexus = (await writer.nexuses.create(settings, {
      type: 'nexus.created',
      at: t0,
      actor: 'U1',
      value: {},
    })) as Nexus;
    await writer.pbis.add(nexus, 'A', added('A', 'ready'));
    const first = await reader.pbis.listOpen(nexus.id);
    expect(keys(first)).toEqual(['A']);
    expect(() => (first as unknown as unknown[]).push({ key: 'X' })).toThrow(TypeError);
    expect(await reader.pbis.listOpen(nexus.id)).toBe(first); // nothing changed: the same answer, not a new load
    await writer.pbis.change(nexus, 'A', (p) =>
      decideMove(nexus, p, 'in-progress', { at: t0.plus({ hours: 1 }), actor: 'U1' }),
    );
    await writer.pbis.add(nexus, 'B', added('B', 'ready'));
    expect(keys(await reader.pbis.listOpen(nexus.id))).toEqual(['A', 'B']);
    expect(counts(await reader.pbis.countByStage(nexus.id))).toEqual({ 'in-progress': 1, ready: 1 });
    expect((await reader.pbis.listInStages(nexus.id, ['in-progress'], 5)).map((p) => p.key)).toEqual(['A']);
  });

  test("another replica's adds, moves, finishes and discards are caught up from the PBIs it wrote; the list equals a fresh load", async () => {
    const reader = openStore(db(), 'replica-1');
    const writer = openStore(db(), 'replica-2');
    const nexus = (await writer.nexuses.create(settings, {
      type: 'nexus.created',
      at: t0,
      actor: 'U1',
      value: {},
    })) as Nexus;
    for (const key of ['A', 'B', 'C', 'D']) await writer.pbis.add(nexus, key, added(key, 'ready'));
    expect(keys(await reader.pbis.listOpen(nexus.id))).toEqual(['A', 'B', 'C', 'D']);
    await writer.pbis.change(nexus, 'A', (p) =>
      decideMove(nexus, p, 'in-progress', { at: t0.plus({ hours: 1 }), actor: 'U1' }),
    );
    await writer.pbis.change(nexus, 'B', (p) =>
      decideMove(nexus, p, 'integrated', { at: t0.plus({ hours: 1 }), actor: 'U1' }),
    );
    await writer.pbis.change(nexus, 'C', (p) => ({
      type: 'pbi.discarded',
      key: p.key,
      reason: null,
      at: t0.plus({ hours: 1 }),
      actor: 'U1',
    }));
    await writer.pbis.add(nexus, 'E', added('E', 'refining'));
    const caughtUp = await reader.pbis.listOpen(nexus.id);
    const fresh = await openStore(db(), 'replica-3').pbis.listOpen(nexus.id);
    expect(keys(caughtUp)).toEqual(['A', 'D', 'E']);
    expect(caughtUp.map((p) => `${p.key}:${p.stage}`).sort()).toEqual(fresh.map((p) => `${p.key}:${p.stage}`).sort());
    // every write, however made, carries the revision it became visible at: the trigger sees raw SQL too
    await db().prisma.$executeRaw`UPDATE "Nexus" SET revision = revision + 1 WHERE id = ${nexus.id}`;
    await db().prisma.$executeRaw`UPDATE "Pbi" SET stage = 'refining' WHERE "nexusId" = ${nexus.id} AND key = 'D'`;
    const [row] = await db().prisma.$queryRaw<{ pbi: number; nexus: number }[]>`
      SELECT p.revision AS pbi, n.revision AS nexus FROM "Pbi" p JOIN "Nexus" n ON n.id = p."nexusId" WHERE p.key = 'D' AND n.id = ${nexus.id}`;
    expect(row.pbi).toBe(row.nexus);
    expect((await reader.pbis.listOpen(nexus.id)).find((p) => p.key === 'D')?.stage).toBe('refining');
  });

  test('the flow list and the first starts, kept across writes here and elsewhere, equal a fresh load', async () => {
    const here = openStore(db(), 'replica-1');
    const elsewhere = openStore(db(), 'replica-2');
    const nexus = (await here.nexuses.create(settings, {
      type: 'nexus.created',
      at: t0,
      actor: 'U1',
      value: {},
    })) as Nexus;
    const rng = seededRng('flow-list');
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)];
    const since = t0.plus({ days: 3 });
    const flowList = async (s: Store) =>
      (await s.pbis.listForFlow(nexus.id, since)).map((p) => `${p.key}:${p.stage}:${p.lastEventAt.toMillis()}`).sort();
    const firsts = async (s: Store) => {
      const { nexus: first, teams } = await s.pbis.firstStarts(nexus.id);
      return {
        nexus: first?.toMillis() ?? null,
        teams: Object.fromEntries([...teams].map(([t, d]) => [t, d.toMillis()])),
      };
    };
    const stages = DEMO_WORKFLOW.stages.map((st) => st.name);
    let at = t0;
    for (let step = 0; step < 80; step++) {
      at = at.plus({ hours: 2 });
      const store = rng() < 0.7 ? here : elsewhere;
      const who = { at, actor: 'U1' };
      const keys = (await store.pbis.listOpen(nexus.id)).map((p) => p.key);
      if (keys.length < 3 || rng() < 0.2) {
        await store.pbis.add(nexus, null, (k) => ({ ...added(k, pick(stages), ['Alpha', 'Beta'])(k), at }));
      } else {
        const key = pick(keys);
        const roll = rng();
        await store.pbis.change(nexus, key, (p) =>
          roll < 0.4
            ? decideMove(nexus, p, pick(stages), who)
            : roll < 0.85
              ? decideSquare(nexus, p, pick(['Alpha', 'Beta']), pick(['start', 'done', 'reset'] as const), who)
              : decideDiscard(p, null, who),
        );
      }
      if (step % 7 === 0) {
        const fresh = openStore(db(), `fresh-${step}`);
        expect(await flowList(here)).toEqual(await flowList(fresh));
        expect(await firsts(here)).toEqual(await firsts(fresh));
      }
    }
    const fresh = openStore(db(), 'fresh');
    expect(await flowList(here)).toEqual(await flowList(fresh));
    expect(await flowList(elsewhere)).toEqual(await flowList(fresh));
    expect(await firsts(here)).toEqual(await firsts(fresh));
    expect((await flowList(fresh)).length).toBeGreaterThan(5);
  });

  test("changing the Nexus's flow is seen by remembered reads", async () => {
    const store = openStore(db(), 'replica-1');
    const nexus = (await store.nexuses.create(settings, {
      type: 'nexus.created',
      at: t0,
      actor: 'U1',
      value: {},
    })) as Nexus;
    await store.pbis.add(nexus, 'A', added('A', 'in-progress'));
    await store.pbis.change(nexus, 'A', (p) =>
      decideMove(nexus, p, 'integrated', { at: t0.plus({ days: 1 }), actor: 'U1' }),
    );
    expect(keys(await store.pbis.listOpen(nexus.id))).toEqual([]);
    await openStore(db(), 'replica-2').nexuses.change(nexus.id, (n) => ({
      after: { ...n, workflow: { ...n.workflow, finishStage: 'released' } },
      event: { type: 'nexus.workflow-changed', at: t0, actor: 'U1', value: {} },
    }));
    expect(keys(await store.pbis.listOpen(nexus.id))).toEqual(['A']); // integrated is no longer finished
  });
});
