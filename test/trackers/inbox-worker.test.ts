import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import { createLogger } from '../../src/log';
import { createMetrics } from '../../src/metrics';
import type { InboxRound } from '../../src/store/inbox-repository';
import { startInboxWorker } from '../../src/trackers/inbox-worker';
import { freshDatabase } from '../support/databases';
import { inProgressDeliveries } from '../support/deliveries';
import { commandHarness } from '../support/harness';

const log = createLogger('silent');

/**
 * A worker that applied a backlog round after round without letting the event loop turn would keep every request
 * waiting until the whole backlog was in (as it did when the embedded database answered in microtasks, in this thread).
 */
test('on the embedded database, a request is answered while a large inbox backlog is still being applied', async () => {
  const db = await freshDatabase('embedded');
  const server: Server = createServer((_req, res) => res.end('ok'));
  try {
    const h = commandHarness(db);
    await h.run('/nexus setup --teams Alpha,Beta');
    await h.run('/nexus tracker jira');
    const nexusId = (await h.nexus()).id;
    const at = DateTime.fromISO('2026-11-02T10:00:00Z');
    await h.store.inbox.receiveMany(inProgressDeliveries(nexusId, at, 1_000));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

    const rounds: { at: number; round: InboxRound }[] = [];
    const worker = startInboxWorker({
      store: h.store,
      now: () => DateTime.utc(),
      log,
      metrics: createMetrics({ inboxBacklog: async () => 0 }),
      announce: (round) => rounds.push({ at: performance.now(), round }),
      gatherMs: 0,
      sweepMs: 60_000,
    });
    worker.kick(nexusId);
    // a refused request must fail the assertion below, not take jest down as an unhandled rejection
    const answered = fetch(url).then(
      () => performance.now(),
      () => Number.POSITIVE_INFINITY,
    );
    await worker.stop();

    expect(rounds.reduce((n, r) => n + r.round.handled, 0)).toBe(1_000);
    expect(rounds.length).toBeGreaterThanOrEqual(4);
    expect(await answered).toBeLessThan(rounds[rounds.length - 1].at);
    expect(await db.prisma.pbi.count({ where: { nexusId, stage: 'in-progress' } })).toBe(1_000);
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await db.dispose();
  }
}, 120_000);
