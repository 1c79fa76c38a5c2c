import { DateTime } from 'luxon';
import { loadConfig } from '../../src/config';
import type { Database } from '../../src/store/database';
import { DATABASE_KINDS, freshDatabase } from '../support/databases';
import { commandHarness, type Harness } from '../support/harness';
import { type Delivery, post, signed, statusChange } from '../support/tracker-payloads';
import { connectTracker, serveTrackers, type TrackerServer, waitFor } from '../support/tracker-server';

describe.each(DATABASE_KINDS)(
  'the inbox keeps applied deliveries for the kept days, then deletes them (%s)',
  (dbKind) => {
    let db: Database & { dispose(): Promise<void> };
    let h: Harness;
    let app: TrackerServer;
    let nexusId: string;
    const secrets = new Map<string, string>();
    /** The tracker side's clock: days pass by moving it and starting the side again, as a deployment would. */
    let now = DateTime.fromISO('2026-11-02T10:00:00Z');
    const delivery = (n: number, to: string, id: string): Delivery =>
      signed('github', statusChange('github', n, to, now, { deliveryId: id }).json, id, secrets.get('github')!, now);
    /** A Jira status no stage is named like: held for a /nexus map. */
    const held = (n: number, id: string): Delivery =>
      signed('jira', statusChange('jira', n, 'QA Review', now, { deliveryId: id }).json, id, secrets.get('jira')!, now);
    const states = async () =>
      Object.fromEntries(
        (await db.prisma.delivery.groupBy({ by: ['state'], where: { nexusId }, _count: { _all: true } })).map((g) => [
          g.state,
          g._count._all,
        ]),
      );
    const restart = async () => {
      await app.close();
      app = await serveTrackers(h, () => now);
      await app.inbox.worker.idle();
    };

    beforeAll(async () => {
      db = await freshDatabase(dbKind);
      h = commandHarness(db);
      await h.run('/nexus setup --teams Alpha');
      nexusId = (await h.nexus()).id;
      for (const kind of ['github', 'jira'] as const) secrets.set(kind, await connectTracker(h, kind));
      app = await serveTrackers(h, () => now);
    });
    afterAll(async () => {
      await app.close();
      await db.dispose();
    });

    test('applied ones go after 7 days; held ones stay; a redelivery within the days is still a duplicate', async () => {
      const sent = [delivery(1, 'in progress', 'gh-1'), delivery(2, 'in progress', 'gh-2')];
      for (const d of sent) expect((await post(app.url, 'github', nexusId, d)).status).toBe(202);
      expect((await post(app.url, 'jira', nexusId, held(3, 'jira-held'))).status).toBe(202);
      await app.inbox.worker.idle();
      expect(await states()).toEqual({ applied: 2, unmapped: 1 });

      now = now.plus({ days: 6 });
      await restart();
      expect(await states()).toEqual({ applied: 2, unmapped: 1 });
      // GitHub's "Redeliver" of a delivery 6 days old: the same id, answered as a duplicate, applied once
      expect(await post(app.url, 'github', nexusId, sent[0])).toMatchObject({ status: 200, body: { duplicate: true } });
      expect((await post(app.url, 'github', nexusId, delivery(4, 'in progress', 'gh-4'))).status).toBe(202);
      await app.inbox.worker.idle();

      now = now.plus({ days: 1, hours: 1 });
      await restart();
      await waitFor(async () => (await states()).applied === 1);
      expect(await states()).toEqual({ applied: 1, unmapped: 1 }); // gh-4 is a day old; the held one waits for its map
      expect(
        (await db.prisma.delivery.findMany({ where: { nexusId }, orderBy: { id: 'asc' } })).map((d) => d.deliveryId),
      ).toEqual(['jira-held', 'gh-4']);
      // the flow keeps everything: history lives in the events, not in the inbox
      expect((await h.store.pbis.history(nexusId, 'Codertocat/Hello-World#1')).map((e) => e.type)).toEqual([
        'pbi.added',
        'pbi.moved',
      ]);
    });

    test("Slack request signatures past their time go with the same pruner, not on a request's ack path", async () => {
      const ago = (minutes: number) => now.plus({ minutes }).toJSDate();
      await db.prisma.seenRequest.createMany({
        data: [
          { key: 'slack:v0=old', expiresAt: ago(-1) },
          { key: 'slack:v0=live', expiresAt: ago(5) },
        ],
      });
      // a claim only claims: the expired row is still there until the pruner runs
      expect(await h.store.seenRequests.claim('slack:v0=new', now, now.plus({ minutes: 5 }))).toBe(true);
      expect(await db.prisma.seenRequest.count({ where: { key: 'slack:v0=old' } })).toBe(1);
      await restart();
      expect((await db.prisma.seenRequest.findMany({ orderBy: { key: 'asc' } })).map((r) => r.key)).toEqual([
        'slack:v0=live',
        'slack:v0=new',
      ]);
    });

    test('how long is a setting: INBOX_KEEP_DAYS, at least 3', () => {
      expect(loadConfig({}).INBOX_KEEP_DAYS).toBe(7);
      expect(loadConfig({ INBOX_KEEP_DAYS: '30' }).INBOX_KEEP_DAYS).toBe(30);
      expect(() => loadConfig({ INBOX_KEEP_DAYS: '2' })).toThrow(/INBOX_KEEP_DAYS must be at least 3: GitHub/);
    });
  },
);
