import { DateTime } from 'luxon';
import type { TrackerStatus } from '../../src/domain/tracker';
import { createLogger } from '../../src/log';
import { createMetrics } from '../../src/metrics';
import { insertDeliveries, type NewDelivery } from '../../src/store/inbox-repository';
import { BATCH, IMPORT_BATCH, startInboxWorker } from '../../src/trackers/inbox-worker';
import { commandHarness, type Harness } from '../support/harness';
import { describeEachDatabase } from '../support/setup-db';

const log = createLogger('silent');
const START = DateTime.fromISO('2026-01-05T09:00:00Z');
const STATUSES: Record<string, TrackerStatus> = {
  todo: { id: '1', name: 'To Do', category: 'new' },
  doing: { id: '3', name: 'In Progress', category: 'indeterminate' },
  done: { id: '10001', name: 'Done', category: 'done' },
  // no category: held for want of a stage
  parked: { id: '10007', name: 'Parked', category: 'undefined' },
};
const ITEMS = 60;
const MOVES = 20;

/**
 * An import's deliveries as the import worker stores them, item after item: each item created, then 20 status changes
 * an hour apart, the items' histories overlapping in time (a round takes several items, and cuts one in two); every
 * seventh item parked on the way.
 */
function importedHistories(nexusId: string): NewDelivery[] {
  return Array.from({ length: ITEMS }, (_, i) => {
    const item = { key: `IMP-${i + 1}`, title: `Item ${i + 1}`, url: null, createdAt: START.plus({ hours: 3 * i }) };
    const path = Array.from({ length: MOVES }, (_, k) =>
      k === MOVES - 1 ? 'done' : i % 7 === 0 && k === 5 ? 'parked' : k % 2 ? 'todo' : 'doing',
    );
    const changes = [null, ...path].map((to, k) => ({
      nexusId,
      kind: 'jira' as const,
      deliveryId: `import:${i}:${k}`,
      at: START.plus({ days: 30 }),
      change: {
        item,
        from: k ? STATUSES[k === 1 ? 'todo' : path[k - 2]] : null,
        to: STATUSES[to ?? 'todo'],
        at: item.createdAt.plus({ hours: k }),
        teamHints: [i % 2 ? 'Alpha' : 'Beta'],
      },
    }));
    return changes;
  }).flat();
}

describeEachDatabase('an import applied in large rounds', (db, kind) => {
  const nexusIn = async (channelId: string): Promise<{ h: Harness; nexusId: string }> => {
    const h = commandHarness(db(), { channelId });
    await h.run('/nexus setup --teams Alpha,Beta');
    await h.run('/nexus tracker jira');
    return { h, nexusId: (await h.nexus()).id };
  };
  const storeImport = async (nexusId: string) => {
    const deliveries = importedHistories(nexusId);
    expect(await insertDeliveries(db().prisma, deliveries, 1n)).toHaveLength(deliveries.length);
    return deliveries.length;
  };
  /** What the Nexus holds: its PBIs and their events as recorded, and what became of each delivery. */
  const state = async (nexusId: string) => ({
    pbis: (await db().prisma.pbi.findMany({ where: { nexusId }, orderBy: { key: 'asc' } })).map(
      ({ id, nexusId: _, revision, version, ...pbi }) => pbi,
    ),
    // each PBI's events in the order recorded (a round records its changes in order of occurrence, across PBIs)
    events: (
      await db().prisma.event.findMany({
        where: { nexusId, pbiKey: { not: null } },
        orderBy: [{ pbiKey: 'asc' }, { id: 'asc' }],
      })
    ).map(({ id, nexusId: _, recordedAt, ...event }) => event),
    deliveries: (await db().prisma.delivery.findMany({ where: { nexusId }, orderBy: { deliveryId: 'asc' } })).map(
      (d) => [d.deliveryId, d.state],
    ),
  });

  test('after a full round of imported changes the rounds grow, and end as applying every change one by one', async () => {
    const large = await nexusIn('C-large');
    const single = await nexusIn('C-single');
    const stored = await storeImport(large.nexusId);
    expect(stored).toBeGreaterThan(BATCH + IMPORT_BATCH);

    const rounds: number[] = [];
    const worker = startInboxWorker({
      store: large.h.store,
      now: () => START.plus({ days: 30 }),
      log,
      metrics: createMetrics({ inboxBacklog: async () => 0 }),
      announce: (round) => rounds.push(round.handled),
      gatherMs: 0,
      sweepMs: 60_000,
    });
    worker.kick(large.nexusId);
    await worker.idle();
    await worker.stop();
    expect(rounds).toEqual([BATCH, IMPORT_BATCH, stored - BATCH - IMPORT_BATCH]);

    await storeImport(single.nexusId);

    for (let n = 0; n < stored; n++)
      expect((await single.h.store.inbox.applyDue(single.nexusId, START.plus({ days: 30 }), 1)).handled).toBe(1);

    const [inRounds, oneByOne] = [await state(large.nexusId), await state(single.nexusId)];
    expect(inRounds.pbis).toEqual(oneByOne.pbis);
    expect(inRounds.events).toEqual(oneByOne.events);
    expect(inRounds.deliveries).toEqual(oneByOne.deliveries);
    expect(inRounds.pbis.filter((p) => p.stage === 'integrated')).toHaveLength(ITEMS);
    expect(inRounds.deliveries.filter(([, s]) => s === 'unmapped')).toHaveLength(Math.ceil(ITEMS / 7));
    expect(inRounds.deliveries.filter(([, s]) => s === 'applied')).toHaveLength(stored - Math.ceil(ITEMS / 7));
  }, 300_000); // 1,260 rounds one by one: 60 s on a quiet machine, past 120 s at load 13

  const READ_AT = START.plus({ days: 30 });
  /** The histories as the import worker stores them: pages of 10 items, through the import's own claim. */
  const importInPages = async (h: Harness, nexusId: string) => {
    const started = await h.store.imports.start({
      nexusId,
      kind: 'jira',
      query: '',
      since: START,
      baseUrl: 'http://127.0.0.1:9',
      token: 'nit@example.com:token',
      itemsExpected: ITEMS,
      startedBy: 'U_NIT',
      startedAt: READ_AT,
    });
    if ('problem' in started) throw new Error('an import was under way');
    const claims = await h.store.imports.claimDue(READ_AT, 'A', READ_AT.plus({ minutes: 1 }));
    const claim = claims.find((c) => c.job.id === started.job.id)!;
    const deliveries = importedHistories(nexusId);
    const perPage = deliveries.length / (ITEMS / 10);
    const counts: ({ stored: number; pending: boolean } | null)[] = [];
    for (let at = 0; at < deliveries.length; at += perPage) {
      const page = deliveries.slice(at, at + perPage);
      const last = at + perPage >= deliveries.length;
      const stored = await h.store.imports.storePage(
        claim,
        { deliveries: page, items: 10, skipped: {}, next: last ? null : String(at + perPage) },
        READ_AT,
        READ_AT.plus({ minutes: 1 }),
      );
      counts.push(stored);
    }
    return counts;
  };
  const applyInRounds = async (h: Harness, nexusId: string) => {
    const worker = startInboxWorker({
      store: h.store,
      now: () => READ_AT,
      log,
      metrics: createMetrics({ inboxBacklog: async () => 0 }),
      announce: () => {},
      gatherMs: 0,
      sweepMs: 60_000,
    });
    worker.kick(nexusId);
    await worker.idle();
    await worker.stop();
  };

  test('an import applies each page as it stores it: the same PBIs, events and delivery states as rounds', async () => {
    const paged = await nexusIn('C-paged');
    const rounds = await nexusIn('C-rounds');
    const counts = await importInPages(paged.h, paged.nexusId);
    const stored = importedHistories(paged.nexusId).length;
    expect(counts).toEqual(Array(ITEMS / 10).fill({ stored: stored / (ITEMS / 10), pending: false }));
    // applied in the page's own transaction: nothing is left for the inbox
    expect(await db().prisma.delivery.count({ where: { nexusId: paged.nexusId, state: 'pending' } })).toBe(0);
    expect(await paged.h.store.imports.applying((await db().prisma.importJob.findFirstOrThrow()).id)).toBe(false);
    await storeImport(rounds.nexusId);
    await applyInRounds(rounds.h, rounds.nexusId);

    const [asStored, inRounds] = [await state(paged.nexusId), await state(rounds.nexusId)];
    expect(asStored.pbis).toEqual(inRounds.pbis);
    expect(asStored.events).toEqual(inRounds.events);
    expect(asStored.deliveries).toEqual(inRounds.deliveries);
    expect(asStored.deliveries.filter(([, s]) => s === 'applied')).toHaveLength(stored - Math.ceil(ITEMS / 7));

    // a second import of the same history stores nothing and changes nothing
    await db().prisma.importJob.updateMany({ data: { running: null, state: 'done' } });
    expect(await importInPages(paged.h, paged.nexusId)).toEqual(Array(ITEMS / 10).fill({ stored: 0, pending: false }));
    expect(await state(paged.nexusId)).toEqual(asStored);
  }, 120_000);

  test('a page that fails to apply is stored pending: the inbox applies the rest, keeps what fails', async () => {
    const { h, nexusId } = await nexusIn('C-refusing');
    // the database refuses IMP-3's events, as it would a row it can't take
    await db().prisma.$executeRawUnsafe(`
      CREATE FUNCTION refuse_imp_3() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW."nexusId" = '${nexusId}' AND NEW."pbiKey" = 'IMP-3' THEN RAISE EXCEPTION 'IMP-3 refused'; END IF;
        RETURN NEW;
      END $$`);
    await db().prisma.$executeRawUnsafe(
      'CREATE TRIGGER refuse_imp_3 BEFORE INSERT ON "Event" FOR EACH ROW EXECUTE FUNCTION refuse_imp_3()',
    );
    try {
      await db().prisma.importJob.updateMany({ data: { running: null, state: 'done' } });
      const pages = await importInPages(h, nexusId);
      const stored = importedHistories(nexusId).length;
      expect(pages.map((p) => p?.pending)).toEqual([true, ...Array(ITEMS / 10 - 1).fill(false)]);
      // the first page (IMP-1 to IMP-10) waits in the inbox; the others were applied as they were stored
      const pending = await db().prisma.delivery.findMany({ where: { nexusId, state: 'pending' } });
      expect(pending).toHaveLength(stored / (ITEMS / 10));
      expect(new Set(pending.map((d) => (d.change as { item: { key: string } }).item.key)).size).toBe(10);

      await applyInRounds(h, nexusId);
      const failed = await db().prisma.delivery.findMany({ where: { nexusId, state: 'failed' } });
      expect(failed).toHaveLength(MOVES + 1);
      expect(failed.every((d) => d.error?.includes('IMP-3 refused'))).toBe(true);
      expect(await db().prisma.pbi.count({ where: { nexusId, stage: 'integrated' } })).toBe(ITEMS - 1);
      expect(await db().prisma.pbi.count({ where: { nexusId, key: 'IMP-3' } })).toBe(0);
    } finally {
      await db().prisma.$executeRawUnsafe('DROP TRIGGER refuse_imp_3 ON "Event"');
      await db().prisma.$executeRawUnsafe('DROP FUNCTION refuse_imp_3()');
    }
  }, 120_000);

  if (kind === 'postgres')
    test('a round kept waiting on its Nexus longer than a transaction is usually given still applies whole', async () => {
      const { h, nexusId } = await nexusIn('C-waiting');
      await storeImport(nexusId);
      let release = () => {};
      const locked = new Promise<void>((resolve) => {
        // another writer of the Nexus holds it for 11 s: past the 5 s Prisma gives a transaction unless told
        void db().prisma.$transaction(
          async (tx) => {
            await tx.$queryRaw`SELECT id FROM "Nexus" WHERE id = ${nexusId} FOR UPDATE`;
            resolve();
            await new Promise<void>((done) => {
              release = done;
              setTimeout(done, 11_000);
            });
          },
          { timeout: 30_000 },
        );
      });
      await locked;
      const round = await h.store.inbox.applyDue(nexusId, START.plus({ days: 30 }), BATCH);
      release();
      expect(round).toMatchObject({ handled: BATCH, imported: BATCH, failed: 0 });
      expect(await db().prisma.delivery.count({ where: { nexusId, state: 'failed' } })).toBe(0);
    }, 60_000);
});
