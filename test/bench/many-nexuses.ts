import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { openDatabase } from '../../src/store/database';
import { startFakeSlack } from '../support/fake-slack';
import { digestsPosted, enforceSlackRateLimits, seedManyNexuses } from '../support/many-nexuses';
import { sign } from '../support/slack-requests';
import { spread, startBots, stopBots } from './slack-load';

const NEXUSES = 1_000;
const WORKSPACES = 50;
const REPLICAS = 2;
/** Slash commands sent while the digests go out, per second, each to another Nexus. */
const COMMANDS_PER_SECOND = 20;
const GIVE_UP_MS = 15 * 60_000;

export type ManyNexusesLoad = {
  nexuses: number;
  workspaces: number;
  seedSeconds: number;
  /** from the first replica started to both listening */
  startSeconds: number;
  lastDigestSeconds: number;
  posted: number;
  missing: number;
  doubled: number;
  rateLimited: number;
  commands: number;
  failed: number;
  ack: { p50: number; p99: number };
  /** acknowledgements over 100 ms among the commands sent in the replicas' first 10 s, and among those after */
  slowAcks: { first10s: number; after: number };
  reply: { p50: number; p99: number };
};

/**
 * 1,000 Nexuses in 50 OAuth workspaces, all in one zone with the digest due now, served by two replicas on one
 * PostgreSQL; the fake Slack enforces Slack's per-method rate limits (429 + Retry-After). Measures when the last digest
 * is posted, that each is posted once, and how fast slash commands to other Nexuses are acked meanwhile.
 */
export async function measureManyNexuses(target: { url?: string; dataDir: string }): Promise<ManyNexusesLoad> {
  const tokenKey = randomBytes(32).toString('base64');
  const db = await openDatabase(target);
  const t = performance.now();
  const seeded = await seedManyNexuses(db, {
    nexuses: NEXUSES,
    workspaces: WORKSPACES,
    inProgress: 3,
    tokenKey,
    now: DateTime.utc(),
  });
  const seedSeconds = (performance.now() - t) / 1000;
  const fake = await startFakeSlack();
  enforceSlackRateLimits(fake);
  const started = performance.now();
  const bots = await startBots({ ...target, replicas: REPLICAS }, fake.apiUrl, {
    SLACK_BOT_TOKEN: '',
    SLACK_CLIENT_ID: '111.222',
    SLACK_CLIENT_SECRET: 'client-secret',
    SLACK_STATE_SECRET: 'state-secret-0123456789',
    SLACK_TOKEN_KEY: tokenKey,
  });
  // commands go out at a steady rate from when both replicas listen: timed from `started`, the seconds the replicas
  // took to start made the first commands due at once, a burst of ~100 that was all the slow acks counted before
  const listening = performance.now();
  const startSeconds = (listening - started) / 1000;
  const acks: number[] = [];
  const slowAcks = { first10s: 0, after: 0 };
  const sentAt = new Map<string, number>();
  const pending: Promise<void>[] = [];
  let failed = 0;
  let done = 0;
  for (let i = 0; done < NEXUSES && performance.now() - started < GIVE_UP_MS; i++) {
    if (i % COMMANDS_PER_SECOND === 0) done = digestsPosted(fake).size; // once a second: the calls list grows long
    const wait = listening + (i * 1000) / COMMANDS_PER_SECOND - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const { workspaceId, channelId } = seeded.channels[(i * 7) % seeded.channels.length];
    const responseUrl = fake.responseUrl();
    const body = new URLSearchParams({
      command: '/flow',
      text: 'board',
      team_id: workspaceId,
      channel_id: channelId,
      user_id: 'U1',
      response_url: responseUrl,
      trigger_id: 't',
    }).toString();
    const sent = performance.now();
    sentAt.set(new URL(responseUrl).pathname, sent);
    pending.push(
      fetch(`${bots[i % bots.length].baseUrl}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) },
        body,
        signal: AbortSignal.timeout(10_000),
      })
        .then(async (res) => {
          await res.arrayBuffer();
          const ms = performance.now() - sent;
          if (res.status !== 200) failed++;
          else acks.push(ms);
          if (ms > 100) slowAcks[sent - listening < 10_000 ? 'first10s' : 'after']++;
        })
        .catch(() => void failed++),
    );
  }
  await Promise.all(pending);
  const posted = digestsPosted(fake);
  const last = Math.max(...[...posted.values()].flat());
  await new Promise((r) => setTimeout(r, 2_000)); // the last replies
  const replies = fake
    .callsTo('respond')
    .filter((c) => sentAt.has(c.path))
    .map((c) => c.receivedAt - sentAt.get(c.path)!);
  await stopBots(bots);
  await fake.close();
  const runs = await db.prisma.digestRun.count({ where: { postedAt: { not: null } } });
  await db.close();
  return {
    nexuses: NEXUSES,
    workspaces: WORKSPACES,
    seedSeconds,
    startSeconds,
    lastDigestSeconds: (last - started) / 1000,
    posted: Math.min(posted.size, runs),
    missing: NEXUSES - posted.size,
    doubled: [...posted.values()].filter((times) => times.length > 1).length,
    rateLimited: fake.rateLimited(),
    commands: sentAt.size,
    failed: failed + (acks.length - replies.length),
    ack: spread(acks),
    slowAcks,
    reply: spread(replies),
  };
}
