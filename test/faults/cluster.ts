import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Agent } from 'node:http';
import path from 'node:path';
import { freePort, postRaw, startBotProcess } from '../support/bot-process';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { SIGNING_SECRET, sign } from '../support/slack-requests';
import type { Delivery } from '../support/tracker-payloads';
import { startPrivatePostgres } from './private-postgres';

/** `npm run test:faults` builds the app first: replicas run the compiled main.js, as the Docker image does. */
const MAIN_JS = path.resolve(__dirname, '../../dist/main.js');
/** How long a sender keeps trying one request, replica after replica, before the test fails. */
const GIVE_UP_MS = 60_000;
/** How long a person waits for an answer before typing the command again. */
const REPLY_WAIT_MS = 5_000;

/**
 * What every fault test stands on: a PostgreSQL server of its own with one fresh database, a fake Slack Web API, and
 * `count` replicas of the bot configured for both (not started yet). `dispose` kills what still runs.
 */
export async function startRig(database: string, count: number, logLevel: 'error' | 'fatal') {
  const server = await startPrivatePostgres();
  const url = await server.createDatabase(database);
  const fake = await startFakeSlack();
  const env = {
    DATABASE_URL: url,
    SLACK_BOT_TOKEN: 'xoxb-faults',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    SECRETS_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: logLevel,
  };
  const cluster = await startCluster(count, env);
  return {
    server,
    url,
    fake,
    cluster,
    async dispose(): Promise<void> {
      for (let i = 0; i < count; i++) if (cluster.alive(i)) await cluster.stop(i, 'SIGKILL');
      cluster.close();
      await fake.close();
      server.dispose();
    },
  };
}

export type Rig = Awaited<ReturnType<typeof startRig>>;

export type Replica = { port: number; baseUrl: string; process: ChildProcess | null };

/**
 * Replicas of the bot on one database behind a pretend load balancer: requests go round-robin to replicas that are
 * up, and a request that fails (refused, reset, 5xx) is sent again to the next one, as a tracker or a person would.
 */
export async function startCluster(count: number, env: Record<string, string>) {
  const replicas: Replica[] = [];
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    replicas.push({ port, baseUrl: `http://127.0.0.1:${port}`, process: null });
  }
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let turn = 0;
  const up = () => replicas.filter((r) => r.process && r.process.exitCode === null && r.process.signalCode === null);
  const next = () => {
    const live = up();
    return live.length ? live[turn++ % live.length] : replicas[turn++ % replicas.length];
  };
  const stats = { retries: 0, statuses: new Map<number, number>() };

  /** Sends until some replica answers below 500; the answer's status. */
  async function send(
    pathname: string,
    headers: Record<string, string>,
    body: string,
    first?: Replica,
  ): Promise<number> {
    const deadline = performance.now() + GIVE_UP_MS;
    for (let replica = first ?? next(); ; replica = next()) {
      const status = await postRaw(agent, `${replica.baseUrl}${pathname}`, headers, body).catch(() => 0);
      stats.statuses.set(status, (stats.statuses.get(status) ?? 0) + 1);
      if (status >= 200 && status < 500) return status;
      if (performance.now() > deadline)
        throw new Error(`no replica took ${pathname} within ${GIVE_UP_MS} ms (last status ${status})`);
      stats.retries++;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  return {
    replicas,
    stats,
    async start(i: number): Promise<void> {
      replicas[i].process = await startBotProcess(MAIN_JS, replicas[i].port, env);
    },
    /** Stops a replica: SIGTERM waits for its graceful exit; SIGKILL is a crash. The exit code, or the signal. */
    async stop(i: number, signal: 'SIGTERM' | 'SIGKILL'): Promise<number | string> {
      const child = replicas[i].process!;
      child.kill(signal);
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
      return child.exitCode ?? child.signalCode!;
    },
    alive: (i: number) => up().includes(replicas[i]),
    /** A tracker delivery, sent until a replica stores it (2xx) or refuses it (4xx). */
    deliver(pathname: string, delivery: Delivery, first?: Replica): Promise<number> {
      return send(pathname, delivery.headers, delivery.body, first);
    },
    /**
     * A slash command as a person types it: sent to a replica until one acks, then its answer awaited; with no answer
     * (the replica died after the ack) the person types it again. Resolves with the answer.
     */
    async command(
      fake: FakeSlack,
      fields: { command: string; text: string; channel_id: string; user_id?: string; team_id?: string },
    ): Promise<Record<string, any>> {
      for (let attempt = 0; attempt < 5; attempt++) {
        const responseUrl = fake.responseUrl();
        const body = new URLSearchParams({
          token: 'x',
          team_id: 'T1',
          user_id: 'U_NIT',
          user_name: 'u',
          trigger_id: 't',
          response_url: responseUrl,
          ...fields,
        }).toString();
        const answered = fake.nextResponse(responseUrl, GIVE_UP_MS);
        const status = await send(
          '/slack/events',
          { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) },
          body,
        );
        if (status !== 200) throw new Error(`${fields.command} ${fields.text} answered ${status}`);
        const reply = await Promise.race([
          answered,
          new Promise<null>((r) => setTimeout(() => r(null), REPLY_WAIT_MS).unref()),
        ]);
        if (reply) return reply;
        stats.retries++;
      }
      throw new Error(`no answer to ${fields.command} ${fields.text} after 5 tries`);
    },
    close: () => agent.destroy(),
  };
}

export type Cluster = Awaited<ReturnType<typeof startCluster>>;
