import { DateTime } from 'luxon';
import { type CapturedLog, capturedLog } from '../support/captured-log';
import { freshDatabase } from '../support/databases';
import { commandHarness } from '../support/harness';
import { post, signed, statusChange } from '../support/tracker-payloads';
import { connectTracker, serveTrackers } from '../support/tracker-server';

test("every line a tracker delivery writes carries its delivery id, once the delivery's signature holds", async () => {
  const db = await freshDatabase('embedded');
  const captured: CapturedLog = capturedLog();
  const h = commandHarness(db);
  await h.run('/nexus setup --teams Alpha');
  const nexusId = (await h.nexus()).id;
  const secret = await connectTracker(h, 'jira');
  const app = await serveTrackers(h, undefined, undefined, captured.log);
  const at = DateTime.fromISO('2026-11-10T10:00:00Z');
  const deliver = (json: Record<string, unknown>, deliveryId: string, key = secret) =>
    post(app.url, 'jira', nexusId, signed('jira', json, deliveryId, key, DateTime.utc()));
  const refusals = () => captured.lines().filter((l) => /^webhook /.test(l.msg));
  try {
    const { json } = statusChange('jira', 1, 'in progress', at);
    expect((await deliver(json, 'D-1')).status).toBe(202);
    expect((await deliver(json, 'D-replayed')).status).toBe(409); // the same signed body under another id
    expect((await deliver({ webhookEvent: 'jira:issue_updated', timestamp: 'yesterday' }, 'D-bad')).status).toBe(400);
    expect((await deliver(statusChange('jira', 2, 'done', at).json, 'D-forged', 'not-the-secret')).status).toBe(401);
    await app.inbox.worker.idle();
    await db.close(); // the connection is still cached: the next delivery is verified, then can't be stored
    expect((await deliver(statusChange('jira', 3, 'done', at).json, 'D-unstored')).status).toBe(503);

    expect(refusals().map((l) => [l.msg, l.status ?? null, l.deliveryId ?? null])).toEqual([
      ['webhook refused', 409, 'D-replayed'],
      ['webhook refused', 400, 'D-bad'],
      ['webhook refused', 401, null], // a forger's header names no delivery of ours
      ['webhook delivery could not be stored', null, 'D-unstored'],
    ]);
    expect(
      refusals()
        .filter((l) => l.deliveryId)
        .every((l) => l.tracker === 'jira'),
    ).toBe(true);
    expect(captured.text()).not.toContain(secret);
  } finally {
    await app.close();
    await db.dispose().catch(() => undefined);
    captured.dispose();
  }
}, 60_000);
