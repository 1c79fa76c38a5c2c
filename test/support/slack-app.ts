import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { createSlackApp } from '../../src/slack/app';
import { healthRoute } from '../../src/slack/start';
import type { Database } from '../../src/store/database';
import { openStore } from '../../src/store';
import { startFakeSlack, type FakeSlack } from './fake-slack';
import { SIGNING_SECRET, slackClient } from './slack-requests';

/** The real Bolt app on a loopback port, talking to a fake Slack Web API that records what the bot posted. */
export async function startSlackApp(db: Database, env: Record<string, string> = {}) {
  const fake: FakeSlack = await startFakeSlack();
  const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl, ...env });
  let now = DateTime.fromISO('2026-03-02T09:00:00', { zone: 'Europe/Berlin' });
  const deps = { store: openStore(db, 'slack'), now: () => now, log: createLogger('silent') };
  const app = createSlackApp({ config, db, deps, bot: config.SLACK_BOT_TOKEN ? { botId: 'B1', botUserId: 'UBOT' } : undefined, processBeforeResponse: true, customRoutes: [healthRoute(db)] });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const slack = slackClient(baseUrl);
  return {
    fake,
    baseUrl,
    slack,
    store: deps.store,
    advance: (days: number) => (now = now.plus({ days })),
    /** a slash command as Slack sends it; resolves with what the bot answered through respond() */
    async command(command: string, text: string, who: { user_id?: string; channel_id?: string; team_id?: string } = {}) {
      const response_url = fake.responseUrl();
      const res = await slack.command({ command, text, response_url, ...who });
      const replies = fake.respondedTo(response_url);
      return { status: res.status, ack: res.text, reply: replies[0], replies };
    },
    stop: async () => {
      await app.stop();
      await fake.close();
    },
  };
}

export type SlackApp = Awaited<ReturnType<typeof startSlackApp>>;
