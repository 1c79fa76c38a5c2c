import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Webhook } from 'standardwebhooks';
import type { Database } from '../../src/store/database';
import { freshDatabase } from '../support/databases';
import { commandHarness, type Harness } from '../support/harness';
import { post } from '../support/tracker-payloads';
import { connectTracker, serveTrackers, type TrackerServer } from '../support/tracker-server';

const run = promisify(execFile);
/** The trackers page of the documentation (moved there from the README), whose curl example a sender can copy. */
const TRACKERS_DOC = readFileSync(path.join(__dirname, '../../docs/trackers.md'), 'utf8');

/** One generic status change of item `key`, as a sender's own code would write it. */
function change(key: string, to: string): string {
  return JSON.stringify({
    id: randomUUID(),
    item: { id: key, title: `Item ${key}` },
    to,
    occurredAt: '2026-11-20T10:00:00Z',
  });
}

/** A delivery signed by the reference Standard Webhooks library (npm `standardwebhooks`), as a sender using it would. */
function signedByReference(secret: string, body: string): { body: string; headers: Record<string, string> } {
  const id = `msg_${randomUUID()}`;
  const sentAt = new Date();
  const signature = new Webhook(secret).sign(id, sentAt, body);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
      'webhook-signature': signature,
    },
  };
}

describe('the generic tracker speaks Standard Webhooks as its reference library does', () => {
  let db: Database & { dispose(): Promise<void> };
  let h: Harness;
  let app: TrackerServer;
  let nexusId: string;

  beforeAll(async () => {
    db = await freshDatabase('embedded');
    h = commandHarness(db);
    await h.run('/nexus setup --teams Alpha');
    nexusId = (await h.nexus()).id;
    app = await serveTrackers(h);
  });
  afterAll(async () => {
    await app.close();
    await db.dispose();
  });

  test('every secret the bot makes is whsec_ and standard base64, which the reference library signs with', async () => {
    // base64url made three secrets in four unreadable to standard decoders: eight in a row would all but never pass
    for (let i = 0; i < 8; i++) {
      const secret = await connectTracker(h, 'generic');
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
      const answer = await post(
        app.url,
        'generic',
        nexusId,
        signedByReference(secret, change(`REF-${i}`, 'In Progress')),
      );
      expect(answer).toMatchObject({ status: 202, body: { stored: true } });
    }
  });

  test('a secret given in base64url (as earlier versions made) works as its standard form does', async () => {
    let key = randomBytes(32);
    while (!/[-_]/.test(key.toString('base64url'))) key = randomBytes(32);
    const given = `whsec_${key.toString('base64url')}`;
    expect(await connectTracker(h, 'generic', given)).toBe(given);
    const standard = `whsec_${key.toString('base64')}`;
    const answer = await post(app.url, 'generic', nexusId, signedByReference(standard, change('URL-1', 'In Progress')));
    expect(answer).toMatchObject({ status: 202, body: { stored: true } });
  });

  test("docs/trackers.md's curl + openssl example signs a delivery the bot stores", async () => {
    const example = /```sh\n([^`]*openssl dgst[^`]*)```/.exec(TRACKERS_DOC)?.[1];
    expect(example).toBeDefined();
    const secret = await connectTracker(h, 'generic');
    const env = { PATH: process.env.PATH, SECRET: secret, URL: `${app.url}/webhooks/generic/${nexusId}` };
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', example!], { env });
    expect(JSON.parse(stdout)).toMatchObject({ stored: true });
  });
});
