import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { blocksToText } from '../../src/console/plain-text';
import { seededDataDir } from '../support/databases';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { SIGNING_SECRET } from '../support/slack-requests';
import { type Delivery, signed, statusChange } from '../support/tracker-payloads';
import { type Cluster, startCluster } from './cluster';

/** The flood the issue measured: forged Jira deliveries a second to one Nexus's real webhook URL. */
const FORGED_PER_SECOND = 1_100;
/** `/flow board` reads of another Nexus timed before the flood, and as many during it. */
const READS = 30;
/** How long the flood lasts: the reads during it take a few seconds. */
const FLOOD_MS = 15_000;
const FLOODER = path.join(__dirname, 'flooder.mjs');

jest.setTimeout(300_000);

type Answer = { status: number; retryAfter: string | undefined };

/** One POST on a kept-alive connection, from `localAddress` (another loopback address is another sender). */
function send(agent: Agent, url: string, delivery: Delivery, localAddress?: string): Promise<Answer> {
  return new Promise((resolve) => {
    const headers = { ...delivery.headers, 'content-length': Buffer.byteLength(delivery.body) };
    const req = request(url, { method: 'POST', agent, headers, localAddress }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] }));
    });
    req.on('error', () => resolve({ status: 0, retryAfter: undefined }));
    req.end(delivery.body);
  });
}

/** CPU time a process has used so far (user + system), from /proc: what the flood costs the bot, whatever else runs. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in ticks of 1/100 s
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];

describe('a flood of forged deliveries at one Nexus, on the embedded database', () => {
  let dataDir: string;
  let fake: FakeSlack;
  let cluster: Cluster;
  const secrets = new Map<string, string>();
  const nexusIds = new Map<string, string>();
  const say = (channel: string, command: string, text: string) =>
    cluster.command(fake, { command, text, channel_id: channel });
  const webhook = (channel: string) => `${cluster.replicas[0].baseUrl}/webhooks/jira/${nexusIds.get(channel)}`;
  const genuine = (channel: string, n: number) =>
    signed(
      'jira',
      statusChange('jira', n, 'in progress', DateTime.utc()).json,
      randomUUID(),
      secrets.get(channel)!,
      DateTime.utc(),
    );

  beforeAll(async () => {
    dataDir = await seededDataDir(mkdtempSync(path.join(tmpdir(), 'nexus-flow-flood-')));
    fake = await startFakeSlack();
    const env = {
      DATA_DIR: dataDir,
      SLACK_BOT_TOKEN: 'xoxb-flood',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      SECRETS_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'error',
      WEBHOOK_DELIVERIES_PER_NEXUS: '20',
    };
    cluster = await startCluster(1, env);
    await cluster.start(0);
    for (const channel of ['C-attacked', 'C-other']) {
      await say(channel, '/nexus', `setup --name "Nexus ${channel}" --teams Alpha,Beta`);
      const connected = await say(channel, '/nexus', 'tracker jira');
      secrets.set(channel, /Secret: (\S+)/.exec(blocksToText(connected.blocks))![1]);
      nexusIds.set(channel, /webhooks\/jira\/(\S+?)[`\s]/.exec(blocksToText(connected.blocks))![1]);
    }
    for (let i = 1; i <= 20; i++) await say('C-other', '/pbi', `add "Item ${i}" --teams Alpha`);
  });

  afterAll(async () => {
    if (cluster?.alive(0)) await cluster.stop(0, 'SIGKILL');
    cluster?.close();
    await fake?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Sequential `/flow board` reads of the other Nexus, each from the command sent to its answer arriving: ms. */
  async function timeBoards(count: number): Promise<number[]> {
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const start = performance.now();
      const reply = await say('C-other', '/flow', 'board');
      times.push(performance.now() - start);
      expect(blocksToText(reply.blocks)).toContain('board');
    }
    return times;
  }

  test('the flood gets 429 with Retry-After, a genuine sender still gets in, and the other Nexus stays fast', async () => {
    const before = await timeBoards(READS);
    const cpuBefore = cpuMs(cluster.replicas[0].process!.pid!);
    const forged = signed(
      'jira',
      statusChange('jira', 1, 'integrated', DateTime.utc()).json,
      'forged-1',
      'not-the-secret-but-long-enough-0123456789',
      DateTime.utc(),
    );
    const flooder = spawn(
      process.execPath,
      [FLOODER, webhook('C-attacked'), String(FORGED_PER_SECOND), String(FLOOD_MS)],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    flooder.stdin.end(JSON.stringify(forged));
    let output = '';
    flooder.stdout.on('data', (chunk: Buffer) => (output += chunk));
    const finished = once(flooder, 'exit');
    await new Promise((r) => setTimeout(r, 1_000)); // the flood is under way
    const during = await timeBoards(READS);
    const fromElsewhere = await send(new Agent(), webhook('C-attacked'), genuine('C-attacked', 500), '127.0.0.2');
    const duringDone = flooder.exitCode === null;
    await finished;
    const botCpuMs = cpuMs(cluster.replicas[0].process!.pid!) - cpuBefore;
    const flood = JSON.parse(output) as {
      sent: number;
      statuses: Record<string, number>;
      limitedWithoutRetryAfter: number;
      seconds: number;
    };
    const figures = {
      forgedPerSecond: Math.round(flood.sent / flood.seconds),
      botCpuMsPerForged: Number((botCpuMs / flood.sent).toFixed(3)),
      statuses: flood.statuses,
      boardMs: {
        before: { p50: percentile(before, 50), p99: percentile(before, 99) },
        during: { p50: percentile(during, 50), p99: percentile(during, 99) },
      },
    };
    process.stdout.write(`flood figures: ${JSON.stringify(figures)}\n`);
    expect(duringDone).toBe(true); // every read during the flood was timed while it lasted
    expect(figures.forgedPerSecond).toBeGreaterThan(0.9 * FORGED_PER_SECOND); // the load was real
    expect(flood.statuses['429']).toBeGreaterThan(0.95 * flood.sent);
    expect(Object.keys(flood.statuses).sort()).toEqual(['401', '429']);
    expect(flood.limitedWithoutRetryAfter).toBe(0);
    expect(fromElsewhere.status).toBe(202);
    // what a forged delivery costs the bot: 1.5 ms of CPU each before (a database read each), 0.14 ms after
    expect(figures.botCpuMsPerForged).toBeLessThan(0.5);
    // the other Nexus's board near its pace before the flood: on a shared 2-core machine the flood's HTTP work still
    // competes for the CPU, so the bound is loose (before the fix: p50 5 → 277 ms and 49 → 581 ms here)
    expect(figures.boardMs.during.p50).toBeLessThan(5 * figures.boardMs.before.p50 + 50);
  });

  test('one Nexus over its deliveries a second gets 429 with Retry-After; another Nexus is not held back', async () => {
    // this bot takes 20 authentic deliveries a second per Nexus, bursts of 200
    const agent = new Agent({ keepAlive: true, maxSockets: 32 });
    const burst = await Promise.all(
      Array.from({ length: 400 }, (_, i) => send(agent, webhook('C-attacked'), genuine('C-attacked', 1_000 + i))),
    );
    const limited = burst.filter((a) => a.status === 429);
    expect(burst.filter((a) => a.status === 202).length).toBeGreaterThanOrEqual(200);
    expect(limited.length).toBeGreaterThan(100);
    expect(limited.every((a) => Number(a.retryAfter) >= 1)).toBe(true);
    expect((await send(agent, webhook('C-other'), genuine('C-other', 1))).status).toBe(202);
    agent.destroy();
  });
});
