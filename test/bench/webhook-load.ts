import { randomBytes, randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { DateTime } from 'luxon';
import { applyTrackerChange, type TrackerChange } from '../../src/domain/tracker';
import type { Pbi } from '../../src/domain/pbi';
import { openDatabase } from '../../src/store/database';
import { openStore } from '../../src/store';
import { secretsBox } from '../../src/store/secrets-key';
import { startFakeSlack } from '../support/fake-slack';
import { signed, statusChange } from '../support/tracker-payloads';
import { spread, startBots, stopBots } from './slack-load';

/** 2,000 items × 9 changes + 10% duplicates = 20,000 deliveries; WEBHOOK_ITEMS makes a smaller run for profiling */
const ITEMS = Number(process.env.WEBHOOK_ITEMS ?? 2_000);
const CHANGES_PER_ITEM = 9;
const DUPLICATE_SHARE = 0.1;
const LATE_SHARE = 0.1;
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

type Planned = { n: number; to: string; at: DateTime; deliveryId: string };

/**
 * 20,000 signed Jira deliveries (10% sent twice, 10% sent after later changes of their item) posted 64 at a time over
 * loopback to the bot in its own process. Then the inbox must hold every delivery once, applied, and each item must
 * be what replaying its changes in order of occurrence makes it.
 */
export async function measureWebhookLoad(target: { url?: string; dataDir: string; replicas?: number }): Promise<WebhookLoad> {
  const SECRETS_KEY = randomBytes(32).toString('base64');
  const secret = 'bench-secret-0123456789abcdef';
  const { nexusId, stages } = await connectJira(target, SECRETS_KEY, secret);
  const plan = planChanges(stages);
  const sends = sendOrder(plan);
  const fake = await startFakeSlack();
  const bots = await startBots(target, fake.apiUrl, { SECRETS_KEY });
  const urls = bots.map((b) => `${b.baseUrl}/webhooks/jira/${nexusId}`);
  // built and signed before the clock starts: the benchmark measures the bot, not the sender
  const deliveries = sends.map((change) => signed('jira', statusChange('jira', change.n, change.to, change.at, { createdAt: START }).json, change.deliveryId, secret, DateTime.utc()));
  const answers: number[] = [];
  let failed = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < deliveries.length) {
        const i = next++;
        const start = performance.now();
        const status = await postOnce(urls[i % urls.length], deliveries[i]).catch(() => 0);
        if (status < 200 || status >= 300) failed++;
        answers.push(performance.now() - start);
      }
    }),
  );
  const elapsed = performance.now() - t0;
  await stopBots(bots); // a graceful stop finishes applying what was stored
  const appliedWithinMs = performance.now() - t0;
  await fake.close();
  const mismatches = await compareWithReplay(target, SECRETS_KEY, nexusId, plan);
  return { deliveries: sends.length, perSecond: sends.length / (elapsed / 1000), answer: spread(answers), appliedWithinMs, failed, matchesReplay: mismatches.length === 0, mismatches: mismatches.slice(0, 5) };
}

const START = DateTime.fromISO('2026-09-01T08:00:00Z');

/** One kept-alive connection per sender: node:http costs the load generator far less CPU than fetch. */
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function postOnce(url: string, delivery: { body: string; headers: Record<string, string> }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...delivery.headers, 'content-length': Buffer.byteLength(delivery.body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(delivery.body);
  });
}

/** Each item moves through random stages, an hour apart, items interleaved. */
function planChanges(stages: string[]): Planned[] {
  const plan: Planned[] = [];
  let seed = 7;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (let k = 0; k < CHANGES_PER_ITEM; k++) {
    for (let n = 1; n <= ITEMS; n++) plan.push({ n, to: stages[Math.floor(random() * stages.length)], at: START.plus({ hours: k, seconds: n }), deliveryId: randomUUID() });
  }
  return plan;
}

/** In order of occurrence, except that 10% come at the end (after later changes of their item) and 10% come twice. */
function sendOrder(plan: Planned[]): Planned[] {
  const lateEvery = Math.round(1 / LATE_SHARE);
  const onTime = plan.filter((_, i) => i % lateEvery !== 3);
  const late = plan.filter((_, i) => i % lateEvery === 3);
  const sends = [...onTime, ...late];
  const duplicates = Math.round(plan.length * DUPLICATE_SHARE / (1 - DUPLICATE_SHARE));
  for (let i = 0; i < duplicates; i++) sends.splice(Math.min(sends.length, i * 11 + 50), 0, sends[i * 9]);
  return sends;
}

async function connectJira(target: { url?: string; dataDir: string }, SECRETS_KEY: string, secret: string) {
  const db = await openDatabase(target);
  try {
    const store = openStore(db, 'bench', secretsBox({ SECRETS_KEY, DATA_DIR: '' }));
    const nexus = (await store.nexuses.findByChannel('T-bench', 'C-bench'))!;
    await store.trackers.connect(nexus.id, 'jira', secret, DateTime.utc(), 'U-bench');
    return { nexusId: nexus.id, stages: nexus.workflow.stages.map((s) => s.name) };
  } finally {
    await db.close();
  }
}

/** Every item as the domain makes it from its changes in order of occurrence, against what the database holds. */
async function compareWithReplay(target: { url?: string; dataDir: string }, SECRETS_KEY: string, nexusId: string, plan: Planned[]): Promise<string[]> {
  const db = await openDatabase(target);
  try {
    const store = openStore(db, 'bench', secretsBox({ SECRETS_KEY, DATA_DIR: '' }));
    const nexus = (await store.nexuses.get(nexusId))!;
    const mismatches: string[] = [];
    const deliveries = await db.prisma.delivery.groupBy({ by: ['state'], where: { nexusId }, _count: { _all: true } });
    const applied = deliveries.find((d) => d.state === 'applied')?._count._all ?? 0;
    if (applied !== plan.length || deliveries.length !== 1) mismatches.push(`inbox: ${JSON.stringify(deliveries.map((d) => [d.state, d._count._all]))}, expected ${plan.length} applied`);
    const moves = await db.prisma.event.count({ where: { nexusId, type: 'pbi.moved', source: 'tracker:jira' } });
    if (moves !== plan.length) mismatches.push(`${moves} move events, expected ${plan.length} (one per change)`);
    const added = await db.prisma.event.count({ where: { nexusId, type: 'pbi.added', source: 'tracker:jira' } });
    if (added !== ITEMS) mismatches.push(`${added} items added, expected ${ITEMS}`);
    for (let n = 1; n <= ITEMS; n++) {
      const changes = plan.filter((c) => c.n === n).sort((a, b) => a.at.toMillis() - b.at.toMillis());
      let expected: Pbi | null = null;
      for (const c of changes) {
        const change: TrackerChange = { item: { key: `ED-${n}`, title: 't', url: null, createdAt: START }, from: null, to: { id: null, name: c.to, category: null }, at: c.at, teamHints: [] };
        expected = applyTrackerChange(nexus.workflow, expected ? { pbi: expected, history: null } : null, change, { stage: c.to, teams: [], actor: 'jira' }).pbi;
      }
      const actual = await store.pbis.get(nexusId, `ED-${n}`);
      const view = (p: Pbi | null) => p && [p.stage, p.startedAt?.toMillis(), p.finishedAt?.toMillis(), p.stageEnteredAt.toMillis(), p.lastEventAt.toMillis()].join('|');
      if (view(actual) !== view(expected)) mismatches.push(`ED-${n}: ${view(actual)} ≠ ${view(expected)}`);
    }
    return mismatches;
  } finally {
    await db.close();
  }
}
