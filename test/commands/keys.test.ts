import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Database } from '../../src/store/database';
import { DATABASE_KINDS, freshDatabase } from '../support/databases';
import { commandHarness, type Harness } from '../support/harness';
import { post, signed } from '../support/tracker-payloads';
import { connectTracker, serveTrackers, type TrackerServer } from '../support/tracker-server';

/**
 * One rule for PBI keys at every door: a key a tracker sends must be one a command can name, so a key no command could
 * reach (a space, `<`, a number) is refused at the tracker with its reason, and every command refuses it alike.
 */
describe.each(DATABASE_KINDS)('PBI keys on the %s database', (kind) => {
  let db: Database & { dispose(): Promise<void> };
  let h: Harness;
  let app: TrackerServer;
  let nexusId: string;
  let secret: string;

  beforeAll(async () => {
    db = await freshDatabase(kind);
    h = commandHarness(db);
    await h.run('/nexus setup --teams Alpha,Beta');
    nexusId = (await h.nexus()).id;
    secret = await connectTracker(h, 'generic');
    app = await serveTrackers(h);
  });
  afterAll(async () => {
    await app.close();
    await db.dispose();
  });

  const send = (item: { id: string; key?: string }) => {
    const id = randomUUID();
    const json = { id, item: { ...item, title: 'Spacey' }, to: 'ready', occurredAt: DateTime.utc().toISO() };
    return post(app.url, 'generic', nexusId, signed('generic', json, id, secret, DateTime.utc()));
  };

  test.each([
    [{ id: '1', key: 'my item' }, '`my item` is not a PBI key: it has a space.'],
    [{ id: 'a<b' }, '`a<b` is not a PBI key: it has `<`.'],
    [{ id: '4711' }, '`4711` is not a PBI key: it is a number'],
  ])(
    'a tracker item keyed %j is refused with 400 and its reason, kept for the NIT, never applied',
    async (item, why) => {
      const answer = await send(item);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toContain(why);
      expect(answer.body.error).toContain('A key is one word of letters, digits and `-_.#/`');
      await app.inbox.worker.idle();
      expect(await h.store.pbis.countByStage(nexusId)).toEqual(new Map());
      expect((await h.run('/nexus tracker')).plain).toContain(why);
    },
  );

  test('a tracker item with a key in the rule is taken and every command reaches it', async () => {
    expect((await send({ id: '4711', key: 'SHOP-4711' })).status).toBe(202);
    await app.inbox.worker.idle();
    expect((await h.run('/pbi show shop-4711')).plain).toContain('Stage ready');
  });

  test.each([
    ['/pbi show "my item"', 'my item is not a PBI key: it has a space.'],
    ['/pbi move "my item" ready', 'my item is not a PBI key: it has a space.'],
    ['/pbi block a<b waiting', 'a<b is not a PBI key: it has <.'],
    ['/pbi add "x" --key 4711', '4711 is not a PBI key: it is a number'],
    ['/pbi add "x" --key "two words"', 'A key is one word of letters, digits and -_.#/'],
    ['/forecast "my item"', 'my item is not a PBI key: it has a space.'],
  ])('%s is refused by the same rule, saying why, and changes nothing', async (line, why) => {
    const before = await h.store.pbis.countByStage(nexusId);
    const reply = await h.run(line);
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.plain).toContain(why);
    expect(await h.store.pbis.countByStage(nexusId)).toEqual(before);
  });
});
