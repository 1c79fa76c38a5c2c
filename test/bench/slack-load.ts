import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { createSlackApp } from '../../src/slack/app';
import { openDatabase } from '../../src/store/database';
import { openStore } from '../../src/store';
import { startFakeSlack } from '../support/fake-slack';
import { sign, SIGNING_SECRET } from '../support/slack-requests';

const RATE_PER_SECOND = 100;
const SECONDS = 30;

export type SlackLoad = { sent: number; failed: number; ack: { p50: number; p99: number }; reply: { p50: number; p99: number } };

/**
 * Signed slash commands over loopback HTTP at 100 requests/s for 30 s against the large Nexus, with the app as in
 * production (acks go out before the work is done). Time to ack = the HTTP answer; time to reply = respond() arriving.
 */
export async function measureSlackLoad(target: { url?: string; dataDir: string }): Promise<SlackLoad> {
  const db = await openDatabase(target);
  const fake = await startFakeSlack();
  const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl });
  const deps = { store: openStore(db, 'slack'), now: () => DateTime.utc(), log: createLogger('silent') };
  const app = createSlackApp({ config, db, deps, bot: { botId: 'B1', botUserId: 'UBOT' } });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  const nexus = (await deps.store.nexuses.findByChannel('T-bench', 'C-bench'))!;
  const movable = (await deps.store.pbis.listInStages(nexus.id, ['ready'], 20)).map((p) => p.key);
  const mix = (i: number): [string, string] => {
    if (i % 10 === 9) return ['/pbi', `move ${movable[(i / 10) % movable.length | 0]} ${Math.floor(i / 200) % 2 ? 'ready' : 'refining'}`];
    return [['/flow', 'board'], ['/flow', 'aging'], ['/flow', 'wip'], ['/pbi', `show ${movable[0]}`]][i % 4] as [string, string];
  };
  const acks: number[] = [];
  const pending: Promise<void>[] = [];
  const sentAt = new Map<string, number>();
  let failed = 0;
  const total = RATE_PER_SECOND * SECONDS;
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / RATE_PER_SECOND;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const [command, text] = mix(i);
    const responseUrl = fake.responseUrl();
    const body = new URLSearchParams({ command, text, team_id: 'T-bench', channel_id: 'C-bench', user_id: 'U-bench', response_url: responseUrl, trigger_id: 't' }).toString();
    const start = performance.now();
    sentAt.set(new URL(responseUrl).pathname, start);
    pending.push(
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) }, body })
        .then(async (res) => {
          await res.arrayBuffer();
          if (res.status !== 200) failed++;
          acks.push(performance.now() - start);
        })
        .catch(() => void failed++),
    );
  }
  await Promise.all(pending);
  const deadline = performance.now() + 30_000;
  while (fake.callsTo('respond').length < total - failed && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const replies = fake.callsTo('respond').map((c) => c.receivedAt - sentAt.get(c.path)!);
  await app.stop();
  await fake.close();
  await db.close();
  return { sent: total, failed: failed + (total - failed - replies.length), ack: spread(acks), reply: spread(replies) };
}

function spread(samples: number[]): { p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? NaN;
  return { p50: at(0.5), p99: at(0.99) };
}
