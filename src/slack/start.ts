import { hostname } from 'node:os';
import type { CustomRoute } from '@slack/bolt';
import { ErrorCode, LogLevel, type WebAPICallError, WebClient } from '@slack/web-api';
import { DateTime } from 'luxon';
import { jobsOf } from '../commands/long-jobs';
import { type Config, ConfigError, webhookLimits } from '../config';
import { healthRoutes } from '../health-routes';
import type { Logger } from '../log';
import { createMetrics, metricsRoute } from '../metrics';
import { startScheduler } from '../schedule/scheduler';
import { openStore } from '../store';
import type { Database } from '../store/database';
import { secretsBox } from '../store/secrets-key';
import { startTrackerInbox } from '../trackers/serve';
import { WEBHOOK_PATH } from '../trackers/webhook-handler';
import { WEB_METHODS, WEB_PATHS, webBoard } from '../web/web-board';
import { createSlackApp } from './app';
import { slackDigestPoster } from './digest-poster';
import { slackImportPoster } from './import-poster';
import { slackTrackerPoster } from './tracker-poster';
import { workspaceClients } from './workspace-client';

/** This process among the replicas, in the claims it makes (digests, imports). */
const REPLICA = `${hostname()}:${process.pid}`;

/** Starts the Slack app on PORT; resolves with a stop function that finishes in-flight work. */
export async function startSlack(config: Config, db: Database, log: Logger): Promise<() => Promise<void>> {
  const bot = config.SLACK_BOT_TOKEN ? await checkToken(config) : undefined;
  if (db.kind === 'postgres' && !config.SECRETS_KEY)
    log.warn(
      'SECRETS_KEY is not set: tracker secrets are sealed with a key in DATA_DIR, which other replicas do not share',
    );
  const now = () => DateTime.utc();
  const { app, store, trackers, metrics, clients } = slackServer(config, db, { now, log, bot });
  // each workspace's first request would otherwise wait for its installation, as the scheduler's first round starts
  await clients.installations?.warm();
  await app.start(config.PORT);
  const stopScheduler = startScheduler({
    store,
    now,
    log,
    metrics,
    replica: REPLICA,
    post: slackDigestPoster(clients, log),
  });
  log.info(
    {
      port: config.PORT,
      socketMode: Boolean(config.SLACK_APP_TOKEN),
      oauth: Boolean(config.SLACK_CLIENT_ID),
      database: db.kind,
    },
    'Nexus Flow is listening',
  );
  return async () => {
    await stopScheduler();
    await app.stop();
    await trackers.stop();
  };
}

/**
 * The Slack app with everything it serves: Slack's requests, tracker webhooks, the web board (`/n/<token>`), /healthz, /readyz and /metrics, and the worker that
 * applies the tracker inbox and announces its moves in the Nexus channels. Not yet listening.
 */
export function slackServer(
  config: Config,
  db: Database,
  opts: {
    now: () => DateTime;
    log: Logger;
    bot?: { botId: string; botUserId: string };
    processBeforeResponse?: boolean;
    /** this process among the replicas (tests run several in one process) */
    replica?: string;
  },
) {
  const store = openStore(db, 'slack', secretsBox(config));
  const clients = workspaceClients(config, db);
  const metrics = createMetrics({ inboxBacklog: store.inbox.backlog });
  const deps = {
    store,
    now: opts.now,
    log: opts.log,
    metrics,
    publicUrl: config.PUBLIC_URL,
    jobs: jobsOf(config),
    kickImports: () => trackers.imports.kick(),
  };
  const trackers = startTrackerInbox({
    ...deps,
    limits: webhookLimits(config),
    inboxKeepDays: config.INBOX_KEEP_DAYS,
    post: slackTrackerPoster(clients, store, opts.log),
    postImport: slackImportPoster(clients, store),
    replica: opts.replica ?? REPLICA,
  });
  const webhooks: CustomRoute = { path: WEBHOOK_PATH, method: ['POST'], handler: trackers.handler };
  const board = webBoard(deps);
  const pages: CustomRoute[] = WEB_PATHS.map((path) => ({ path, method: WEB_METHODS, handler: board }));
  const customRoutes = [...healthRoutes(db), metricsRoute(metrics), webhooks, ...pages];
  const app = createSlackApp({
    config,
    installations: clients.installations,
    deps,
    bot: opts.bot,
    processBeforeResponse: opts.processBeforeResponse,
    customRoutes,
  });
  return { app, store, trackers, metrics, clients };
}

/** auth.test once at start: a revoked or mistyped token stops the app with one clear line, not at the first command. */
async function checkToken(config: Config): Promise<{ botId: string; botUserId: string }> {
  // its own warnings stay quiet: the one line below says what failed
  const client = new WebClient(config.SLACK_BOT_TOKEN, {
    slackApiUrl: config.SLACK_API_URL,
    retryConfig: { retries: 1 },
    logLevel: LogLevel.ERROR,
  });
  try {
    const auth = await client.auth.test();
    if (!auth.bot_id || !auth.user_id)
      throw new ConfigError('SLACK_BOT_TOKEN is not a bot token (auth.test named no bot)');
    return { botId: auth.bot_id, botUserId: auth.user_id };
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw whyAuthFailed(error as WebAPICallError, config.SLACK_API_URL);
  }
}

/**
 * The operator's error when auth.test failed at start: only Slack's own answer says the token is bad; a network
 * failure or a Slack outage says nothing about it.
 */
function whyAuthFailed(error: WebAPICallError, apiUrl: string | undefined): ConfigError {
  const where = apiUrl ?? 'https://slack.com/api/';
  switch (error.code) {
    case ErrorCode.PlatformError:
      return new ConfigError(
        `Slack rejected SLACK_BOT_TOKEN (${error.data.error}); check the token or reinstall the app`,
      );
    case ErrorCode.RequestError: {
      const cause = (error.original as Error & { cause?: { code?: string; message?: string } }).cause;
      return new ConfigError(
        `Slack could not be reached at ${where} (${cause?.code ?? cause?.message ?? error.original.message}); check the network, proxy or SLACK_API_URL — the token was not checked`,
      );
    }
    case ErrorCode.HTTPError:
      return new ConfigError(
        `Slack answered HTTP ${error.statusCode} at ${where}; Slack or a proxy is failing — the token was not checked, try again later`,
      );
    case ErrorCode.RateLimitedError:
      return new ConfigError(
        `Slack rate-limited auth.test (retry after ${error.retryAfter} s); try again later — the token was not checked`,
      );
    default:
      return new ConfigError(`Slack could not check SLACK_BOT_TOKEN (${(error as Error).message})`);
  }
}
