import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';
import { openStore } from '../../src/store';
import { openDatabase } from '../../src/store/database';
import { freePort, startBotProcess } from '../support/bot-process';
import { startFakeSlack } from '../support/fake-slack';
import { SIGNING_SECRET, sign } from '../support/slack-requests';

const RATE_PER_SECOND = 100;
const SECONDS = 30;
/** Sent at the same rate before measuring, not counted: the first second of a fresh process is compiling code. */
const WARMUP_SECONDS = 5;

export type SlackLoad = {
  sent: number;
  failed: number;
  ack: { p50: number; p99: number };
  reply: { p50: number; p99: number };
};

/**
 * Signed slash commands over loopback HTTP at 100 requests/s for 30 s (after 5 s of warm-up) against the large Nexus. The bot runs as in
 * production: its own process (the compiled main.js), acks before the work is done. This process sends the load and
 * plays Slack. Time to ack = the HTTP answer; time to reply = respond() arriving at the fake Slack.
 */
export async function measureSlackLoad(target: {
  url?: string;
  dataDir: string;
  replicas?: number;
}): Promise<SlackLoad> {
  const movable = await movablePbis(target);
  const fake = await startFakeSlack();
  const bots = await startBots(target, fake.apiUrl);
  const urls = bots.map((b) => `${b.baseUrl}/slack/events`);
  const mix = (i: number): [string, string] => {
    if (i % 10 === 9)
      return [
        '/pbi',
        `move ${movable[((i / 10) % movable.length) | 0]} ${Math.floor(i / 200) % 2 ? 'ready' : 'refining'}`,
      ];
    return [
      ['/flow', 'board'],
      ['/flow', 'aging'],
      ['/flow', 'wip'],
      ['/pbi', `show ${movable[0]}`],
    ][i % 4] as [string, string];
  };
  const acks: number[] = [];
  const pending: Promise<void>[] = [];
  const sentAt = new Map<string, number>();
  let failed = 0;
  const warmup = RATE_PER_SECOND * WARMUP_SECONDS;
  const total = RATE_PER_SECOND * SECONDS;
  const t0 = performance.now();
  for (let i = 0; i < warmup + total; i++) {
    const measured = i >= warmup;
    const due = t0 + (i * 1000) / RATE_PER_SECOND;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const [command, text] = mix(i);
    const responseUrl = fake.responseUrl();
    const body = new URLSearchParams({
      command,
      text,
      team_id: 'T-bench',
      channel_id: 'C-bench',
      user_id: 'U-bench',
      response_url: responseUrl,
      trigger_id: 't',
    }).toString();
    const start = performance.now();
    if (measured) sentAt.set(new URL(responseUrl).pathname, start);
    pending.push(
      fetch(urls[i % urls.length], {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) },
        body,
      })
        .then(async (res) => {
          await res.arrayBuffer();
          if (res.status !== 200 && measured) failed++;
          if (measured) acks.push(performance.now() - start);
        })
        .catch(() => void (measured && failed++)),
    );
  }
  await Promise.all(pending);
  const deadline = performance.now() + 30_000;
  const replies = () => fake.callsTo('respond').filter((c) => sentAt.has(c.path));
  while (replies().length < total - failed && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const replyTimes = replies().map((c) => c.receivedAt - sentAt.get(c.path)!);
  await stopBots(bots);
  await fake.close();
  return {
    sent: total,
    failed: failed + (total - failed - replyTimes.length),
    ack: spread(acks),
    reply: spread(replyTimes),
  };
}

export function spread(samples: number[]): { p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

/** PBIs in `ready` to move back and forth (read before the bot opens the database: PGlite has one owner). */
async function movablePbis(target: { url?: string; dataDir: string }): Promise<string[]> {
  const db = await openDatabase(target);
  try {
    const store = openStore(db, 'bench');
    const nexus = (await store.nexuses.findByChannel('T-bench', 'C-bench'))!;
    return (await store.pbis.listInStages(nexus.id, ['ready'], 20)).map((p) => p.key);
  } finally {
    await db.close();
  }
}

/**
 * `target.replicas` bots (one unless told) on the same database, each in its own process on its own port; the senders
 * take turns between them as a load balancer would.
 */
export async function startBots(
  target: { url?: string; dataDir: string; replicas?: number },
  apiUrl: string,
  extraEnv: Record<string, string> = {},
) {
  const bots: { process: ChildProcess; baseUrl: string }[] = [];
  // replicas share one key, as production's must
  const env = { SECRETS_KEY: randomBytes(32).toString('base64'), ...extraEnv };
  for (let i = 0; i < (target.replicas ?? 1); i++) {
    const port = await freePort();
    bots.push({ process: await startBot(target, port, apiUrl, env), baseUrl: `http://127.0.0.1:${port}` });
  }
  return bots;
}

/** A graceful stop of every bot: each finishes what it took, including the tracker inbox. */
export async function stopBots(bots: { process: ChildProcess }[]): Promise<void> {
  await Promise.all(
    bots.map(async ({ process }) => {
      process.kill('SIGTERM');
      await once(process, 'exit');
    }),
  );
}

function startBot(
  target: { url?: string; dataDir: string },
  port: number,
  apiUrl: string,
  extraEnv: Record<string, string> = {},
): Promise<ChildProcess> {
  const env = {
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: apiUrl,
    LOG_LEVEL: 'warn',
    ...(target.url ? { DATABASE_URL: target.url } : { DATA_DIR: path.dirname(target.dataDir) }),
    ...extraEnv, // OAuth installs set SLACK_BOT_TOKEN empty
  };
  return startBotProcess(
    path.join(__dirname, '../../src/main.js'),
    port,
    env,
    (process.env.BOT_NODE_ARGS ?? '').split(' ').filter(Boolean),
  );
}
