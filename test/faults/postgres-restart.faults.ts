import { blocksToText } from '../../src/console/plain-text';
import { openStore, type Store } from '../../src/store';
import { type Database, openDatabase } from '../../src/store/database';
import type { FakeSlack } from '../support/fake-slack';
import { compareWithReplay, jiraDelivery, planChanges, sendOrder } from '../support/tracker-replay';
import { type Cluster, type Rig, startRig } from './cluster';
import type { PrivatePostgres } from './private-postgres';

/** 200 items × 10 changes, a tenth more sent twice: about 2,200 deliveries. */
const ITEMS = 200;
const CHANGES = 10;
/** PostgreSQL goes away when this many deliveries have been answered, for this long. */
const STOP_AFTER = 700;
const DOWN_MS = 3_000;

jest.setTimeout(300_000);

describe('PostgreSQL restarted under load', () => {
  let rig: Rig;
  let server: PrivatePostgres;
  let fake: FakeSlack;
  let cluster: Cluster;
  let db: Database;
  let store: Store;

  beforeAll(async () => {
    rig = await startRig('restart', 1, 'fatal');
    ({ server, fake, cluster } = rig);
    await cluster.start(0);
    db = await openDatabase({ url: rig.url, dataDir: '' });
    store = openStore(db, 'faults');
  });

  afterAll(async () => {
    await db?.close();
    await rig?.dispose();
  });

  test('requests fail cleanly while it is down (503, an apology) and the app recovers by itself, losing nothing', async () => {
    const say = (text: string) =>
      cluster.command(fake, {
        command: text.split(' ')[0],
        text: text.split(' ').slice(1).join(' '),
        channel_id: 'C1',
      });
    await say('/nexus setup --name Shop');
    const secret = /Secret: (\S+)/.exec(blocksToText((await say('/nexus tracker jira')).blocks))![1];
    const nexus = (await store.nexuses.findByChannel('T1', 'C1'))!;
    const bot = cluster.replicas[0];
    const pid = bot.process!.pid;
    const plan = planChanges(
      [nexus.id],
      ITEMS,
      CHANGES,
      nexus.workflow.stages.map((s) => s.name),
      5,
    );
    let answered = 0;
    let outage: Promise<{ ready: number; health: number; replies: string[] }> | null = null;
    let next = 0;
    const sends = sendOrder(plan);
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < sends.length) {
          const change = sends[next++];
          expect([200, 202]).toContain(
            await cluster.deliver(`/webhooks/jira/${nexus.id}`, jiraDelivery(change, secret)),
          );
          if (++answered === STOP_AFTER) outage = goAway();
        }
      }),
    );

    /** While the database is down: readiness fails, liveness holds, commands get an answer rather than silence. */
    async function goAway() {
      server.stop();
      try {
        const ready = (await fetch(`${bot.baseUrl}/readyz`)).status;
        const health = (await fetch(`${bot.baseUrl}/healthz`)).status;
        const replies = await Promise.all(
          ['/flow board', '/pbi add "While down"'].map(async (line) => String((await say(line)).text)),
        );
        await new Promise((r) => setTimeout(r, DOWN_MS));
        return { ready, health, replies };
      } finally {
        server.start(); // also when an answer failed, so the failure is reported alone instead of as 60 s of 503s
      }
    }

    const down = await outage!;
    expect(down.ready).toBe(503);
    expect(down.health).toBe(200);
    for (const reply of down.replies) expect(reply).toMatch(/Sorry, Nexus Flow failed to do that; nothing was changed/);
    // the senders saw 503s (and retried), never a 500
    expect(cluster.stats.statuses.get(503) ?? 0).toBeGreaterThan(0);
    expect(cluster.stats.statuses.get(500) ?? 0).toBe(0);

    for (let i = 0; i < 600 && (await store.inbox.backlog()) > 0; i++) await new Promise((r) => setTimeout(r, 200));
    expect(await compareWithReplay(db, store, nexus.id, plan, ITEMS)).toEqual([]);
    expect((await store.pbis.listOpen(nexus.id)).map((p) => p.title)).not.toContain('While down');
    expect(bot.process!.pid).toBe(pid);
    expect(cluster.alive(0)).toBe(true);
    expect((await fetch(`${bot.baseUrl}/readyz`)).status).toBe(200);
    expect(blocksToText((await say('/pbi add "After the restart"')).blocks)).toMatch(/added/i);
    expect(await cluster.stop(0, 'SIGTERM')).toBe(0);
  });
});
