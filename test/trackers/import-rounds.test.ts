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
