import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { type Database, openDatabase } from '../../src/store/database';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { digestsPosted, enforceSlackRateLimits, type ManyNexuses, seedManyNexuses } from '../support/many-nexuses';
import { SIGNING_SECRET } from '../support/slack-requests';
import { type Cluster, startCluster } from './cluster';
import { type PrivatePostgres, startPrivatePostgres } from './private-postgres';

/** `npm run bench -- --only many` runs the same at full size: 1,000 Nexuses in 50 workspaces. */
const NEXUSES = 100;
const WORKSPACES = 5;

jest.setTimeout(600_000);

describe('many Nexuses whose digests are due at once, on two replicas, with Slack rate-limiting', () => {
  let server: PrivatePostgres;
  let fake: FakeSlack;
  let cluster: Cluster;
  let db: Database;
  let seeded: ManyNexuses;

  beforeAll(async () => {
    server = await startPrivatePostgres();
    const url = await server.createDatabase('many');
    fake = await startFakeSlack();
    enforceSlackRateLimits(fake);
    // stricter than Slack's burst, so the thread reply right after each digest meets a 429 and waits it out
    fake.rateLimit('chat.postMessage', { perMinute: 60, burst: 1 });
    const tokenKey = randomBytes(32).toString('base64');
    db = await openDatabase({ url, dataDir: '' });
    seeded = await seedManyNexuses(db, {
      nexuses: NEXUSES,
      workspaces: WORKSPACES,
      inProgress: 3,
      tokenKey,
      now: DateTime.utc(),
    });
    cluster = await startCluster(2, {
      DATABASE_URL: url,
      SLACK_CLIENT_ID: '111.222',
      SLACK_CLIENT_SECRET: 'client-secret',
      SLACK_STATE_SECRET: 'state-secret-0123456789',
      SLACK_TOKEN_KEY: tokenKey,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      SECRETS_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'fatal',
    });
  });

  afterAll(async () => {
    for (const i of [0, 1]) if (cluster?.alive(i)) await cluster.stop(i, 'SIGKILL');
    cluster?.close();
    await db?.close();
    await fake?.close();
    server?.dispose();
  });

  test("every digest is posted once, with its workspace's token, while slash commands keep being answered", async () => {
    const started = performance.now();
    await Promise.all([cluster.start(0), cluster.start(1)]); // each runs a digest round at start: all are due
    let answered = 0;
    const until = Date.now() + 240_000;
    while (digestsPosted(fake).size < NEXUSES && Date.now() < until) {
      const { workspaceId, channelId } = seeded.channels[answered % seeded.channels.length];
      const reply = await cluster.command(fake, {
        command: '/flow',
        text: 'board',
        channel_id: channelId,
        team_id: workspaceId,
      });
      expect(JSON.stringify(reply.blocks)).toContain(' · board');
      answered++;
    }
    const posted = digestsPosted(fake);
    const last = Math.max(...[...posted.values()].flat()) - started;
    console.log(
      `${posted.size} digests, the last ${(last / 1000).toFixed(1)} s after the replicas started; ${fake.rateLimited()} calls answered 429; ${answered} /flow board answered meanwhile`,
    );
    expect(seeded.channels.filter((c) => !posted.has(c.channelId))).toEqual([]);
    expect([...posted.entries()].filter(([, times]) => times.length > 1)).toEqual([]);
    for (const c of fake.callsTo('chat.postMessage'))
      expect(c.token).toBe(`xoxb-${seeded.channels.find((s) => s.channelId === c.body.channel)!.workspaceId}`);
    expect(fake.rateLimited()).toBeGreaterThan(0); // Slack's limits were felt, and waited out
    expect(answered).toBeGreaterThan(0);
    const runs = await db.prisma.digestRun.findMany();
    expect(runs.filter((r) => r.postedAt === null)).toEqual([]);
    expect(runs).toHaveLength(NEXUSES);
    expect(await cluster.stop(0, 'SIGTERM')).toBe(0);
    expect(await cluster.stop(1, 'SIGTERM')).toBe(0);
  });
});
