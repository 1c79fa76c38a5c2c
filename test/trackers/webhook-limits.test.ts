import { DateTime } from 'luxon';
import type { Database } from '../../src/store/database';
import { freshDatabase } from '../support/databases';
import { commandHarness, type Harness } from '../support/harness';
import { signed, statusChange } from '../support/tracker-payloads';
import { connectTracker, serveTrackers, type TrackerServer } from '../support/tracker-server';

/** One POST; the status, the Retry-After header and the body. */
async function post(
  url: string,
  delivery: { body: string; headers: Record<string, string> },
  extra: Record<string, string> = {},
) {
  const res = await fetch(url, { method: 'POST', headers: { ...delivery.headers, ...extra }, body: delivery.body });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
}

describe('webhook limits per sender and per Nexus', () => {
  let db: Database & { dispose(): Promise<void> };
  let h: Harness;
  let app: TrackerServer;
  let url: string;
  let secret: string;
  const delivery = (n: number, key = secret) =>
    signed('jira', statusChange('jira', n, 'in progress', DateTime.utc()).json, `d-${n}`, key, DateTime.utc());

  beforeAll(async () => {
    db = await freshDatabase('embedded');
    h = commandHarness(db);
    await h.run('/nexus setup --teams Alpha');
    secret = await connectTracker(h, 'jira');
    // behind one load balancer: the sender is the address it appends to X-Forwarded-For
    app = await serveTrackers(h, () => DateTime.utc(), {
      refusedPerSender: 1,
      deliveriesPerNexus: 2,
      trustProxyHops: 1,
    });
    url = `${app.url}/webhooks/jira/${(await h.nexus()).id}`;
  });
  afterAll(async () => {
    await app.close();
    await db.dispose();
  });

  test('a sender refused again and again gets 429 with Retry-After, unread; other senders are not held back', async () => {
    const forger = { 'x-forwarded-for': '203.0.113.9' };
    const answers = [];
    for (let i = 0; i < 12; i++)
      answers.push(await post(url, delivery(100 + i, 'forged-secret-forged-secret-0123'), forger));
    expect(answers.slice(0, 10).map((a) => a.status)).toEqual(Array(10).fill(401)); // a burst of 10 s at 1 a second
    expect(answers.slice(10).map((a) => a.status)).toEqual([429, 429]);
    expect(Number(answers[11].retryAfter)).toBeGreaterThanOrEqual(1);
    expect(answers[11].body.error).toContain('too many refused requests');
    // a genuine delivery from the forger's address waits too; from another address it is stored
    expect((await post(url, delivery(1), forger)).status).toBe(429);
    expect((await post(url, delivery(2), { 'x-forwarded-for': '198.51.100.7' })).status).toBe(202);
  });

  test('a Nexus over its deliveries a second gets 429 with Retry-After once its burst is spent', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => post(url, delivery(200 + i), { 'x-forwarded-for': `198.51.100.${i}` })),
    );
    const limited = statuses.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(
      limited.every((a) => Number(a.retryAfter) >= 1 && a.body.error.includes('deliveries a second for this Nexus')),
    ).toBe(true);
    expect(statuses.filter((a) => a.status === 202).length).toBeGreaterThanOrEqual(19); // the burst (20) less the one before
    expect(limited.length).toBeGreaterThanOrEqual(10);
  });
});
