import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import { loadConfig } from '../../src/config';
import { createLogger, type Logger } from '../../src/log';
import { slackServer } from '../../src/slack/start';
import type { Database } from '../../src/store/database';
import { type FakeSlack, startFakeSlack } from './fake-slack';
import { SIGNING_SECRET, slackClient } from './slack-requests';

/** The real Bolt app on a loopback port, talking to a fake Slack Web API that records what the bot posted. */
export async function startSlackApp(
  db: Database,
  env: Record<string, string> = {},
  log: Logger = createLogger('silent'),
) {
  const fake: FakeSlack = await startFakeSlack();
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    SECRETS_KEY: randomBytes(32).toString('base64'),
    ...env,
  });
  let now = DateTime.fromISO('2026-03-02T09:00:00', { zone: 'Europe/Berlin' });
  const bot = config.SLACK_BOT_TOKEN ? { botId: 'B1', botUserId: 'UBOT' } : undefined;
  const { app, store, trackers } = slackServer(config, db, {
    now: () => now,
    log,
    bot,
    processBeforeResponse: true,
  });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const slack = slackClient(baseUrl);
  return {
    fake,
    baseUrl,
    slack,
    store,
    trackers,
    advance: (days: number) => (now = now.plus({ days })),
    /** a slash command as Slack sends it; resolves with what the bot answered through respond() */
    async command(
      command: string,
      text: string,
      who: {
        user_id?: string;
        channel_id?: string;
        team_id?: string;
        enterprise_id?: string;
        is_enterprise_install?: string;
      } = {},
    ) {
      const response_url = fake.responseUrl();
      const res = await slack.command({ command, text, response_url, ...who });
      const replies = fake.respondedTo(response_url);
      return { status: res.status, ack: res.text, reply: replies[0], replies };
    },
    /** Stops the app; fails when Slack refused something the test did not take (a payload over Slack's limits). */
    stop: async () => {
      await app.stop();
      await trackers.stop();
      await fake.close();
      const refused = fake.takeRejections();
      if (refused.length)
        throw new Error(
          `Slack refused ${refused.length} call(s): ${refused.map((r) => `${r.method} ${r.error} (${r.detail})`).join('; ')}`,
        );
    },
  };
}

export type SlackApp = Awaited<ReturnType<typeof startSlackApp>>;
