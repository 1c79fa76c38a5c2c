import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { DateTime } from 'luxon';
import { openStore, type Store } from '../../src/store';
import { type Database, openDatabase } from '../../src/store/database';
import { secretsBox } from '../../src/store/secrets-key';
import { postRaw } from '../support/bot-process';
import { startFakeSlack } from '../support/fake-slack';
import { compareWithReplay, jiraDelivery, planChanges, sendOrder } from '../support/tracker-replay';
import { spread, startBots, stopBots } from './slack-load';

/** 2,000 items × 9 changes + 10% duplicates = 20,000 deliveries; WEBHOOK_ITEMS makes a smaller run for profiling */
const ITEMS = Number(process.env.WEBHOOK_ITEMS ?? 2_000);
const CHANGES_PER_ITEM = 9;
const CONCURRENCY = 64;

export type WebhookLoad = {
  deliveries: number;
  perSecond: number;
  answer: { p50: number; p99: number };
  appliedWithinMs: number;
  failed: number;
  matchesReplay: boolean;
  mismatches: string[];
};

/**
 * 20,000 signed Jira deliveries (10% sent twice, 10% sent after later changes of their item) posted 64 at a time over
 * loopback to the bot in its own process. Then the inbox must hold every delivery once, applied, and each item must
 * be what replaying its changes in order of occurrence makes it.
 */
export async function measureWebhookLoad(target: {
  url?: string;
  dataDir: string;
  replicas?: number;
}): Promise<WebhookLoad> {
  const SECRETS_KEY = randomBytes(32).toString('base64');
  const secret = 'bench-secret-0123456789abcdef';
  const { nexusId, stages } = await connectJira(target, SECRETS_KEY, secret);
  const plan = planChanges([nexusId], ITEMS, CHANGES_PER_ITEM, stages, 7);
  const sends = sendOrder(plan);
  const fake = await startFakeSlack();
  // the benchmark measures what a replica can take, so the per-Nexus limit (a policy, 200/s by default) is lifted
  const bots = await startBots(target, fake.apiUrl, { SECRETS_KEY, WEBHOOK_DELIVERIES_PER_NEXUS: '1000000' });
  const urls = bots.map((b) => `${b.baseUrl}/webhooks/jira/${nexusId}`);
  // built and signed before the clock starts: the benchmark measures the bot, not the sender
  const deliveries = sends.map((change) => jiraDelivery(change, secret));
  const answers: number[] = [];
  let failed = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < deliveries.length) {
        const i = next++;
        const start = performance.now();
        const status = await postRaw(agent, urls[i % urls.length], deliveries[i].headers, deliveries[i].body).catch(
          () => 0,
        );
        if (status < 200 || status >= 300) failed++;
        answers.push(performance.now() - start);
      }
    }),
  );
  const elapsed = performance.now() - t0;
  await stopBots(bots); // a graceful stop finishes applying what was stored
  const appliedWithinMs = performance.now() - t0;
  await fake.close();
  const mismatches = await withStore(target, SECRETS_KEY, (db, store) =>
    compareWithReplay(db, store, nexusId, plan, ITEMS),
  );
  return {
    deliveries: sends.length,
    perSecond: sends.length / (elapsed / 1000),
    answer: spread(answers),
    appliedWithinMs,
    failed,
    matchesReplay: mismatches.length === 0,
    mismatches: mismatches.slice(0, 5),
  };
}

/** One kept-alive connection per sender: node:http costs the load generator far less CPU than fetch. */
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function connectJira(target: { url?: string; dataDir: string }, SECRETS_KEY: string, secret: string) {
  return withStore(target, SECRETS_KEY, async (_db, store) => {
    const nexus = (await store.nexuses.findByChannel('T-bench', 'C-bench'))!;
    await store.trackers.connect(nexus.id, 'jira', secret, DateTime.utc(), 'U-bench');
    return { nexusId: nexus.id, stages: nexus.workflow.stages.map((s) => s.name) };
  });
}

/** The bench database opened for a moment (PGlite has one owner: never while the bots run). */
async function withStore<T>(
  target: { url?: string; dataDir: string },
  SECRETS_KEY: string,
  fn: (db: Database, store: Store) => Promise<T>,
): Promise<T> {
  const db = await openDatabase(target);
  try {
    return await fn(db, openStore(db, 'bench', secretsBox({ SECRETS_KEY, DATA_DIR: '' })));
  } finally {
    await db.close();
  }
}
